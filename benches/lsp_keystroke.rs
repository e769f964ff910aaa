//! One keystroke in the server, from `didChange` to fresh diagnostics: the rope edit, the
//! reparse of the edited tree segment (tree-sitter, incremental), the incremental note reparse
//! and the lint, converted to protocol diagnostics — the same calls the server makes. Prints
//! p50/p99 for a 1 MB note (about 5,000 cards) and a 4 MB one, and how long parsing the whole
//! note's trees takes when it is opened. `cargo bench --bench lsp_keystroke`.

mod common;

use common::{Kind, corpus_note, pct};
use srls::lsp::OpenNote;
use srls::lsp::config::Config;
use srls::lsp::handlers::diagnostics;
use srls::text::document::Change;
use srls::text::position::{Encoding, Pos};
use srls::workspace::vault::Vault;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn run(label: &str, text: String) {
    let vault = Arc::new(Vault::open(None, &Default::default()));
    let config = Config::default();
    let mut doc = OpenNote::open(text, 1, Encoding::Utf16, vault, None);
    let cards = doc.note().cards.len();
    let mut first = Instant::now();
    let _ = diagnostics::for_note(&mut doc, &config);
    let cold = first.elapsed();
    // Type in the middle of a card line, then delete, alternately.
    let mid = doc.note().cards[cards / 2].src_lines[0] as u32;
    let mut times = Vec::new();
    let mut apply_times = Vec::new();
    let mut version = 1;
    let mut deferred = 0;
    let started = Instant::now();
    for i in 0..2000u32 {
        // A note whose keystrokes each wait for a large tree reparse is cut short (30 s).
        if started.elapsed() > Duration::from_secs(30) && i >= 20 {
            break;
        }
        version += 1;
        let ch = if i % 2 == 0 {
            Change::ranged(Pos::new(mid, 3), Pos::new(mid, 3), "x")
        } else {
            Change::ranged(Pos::new(mid, 3), Pos::new(mid, 4), "")
        };
        first = Instant::now();
        doc.apply(version, &[ch]).unwrap();
        apply_times.push(first.elapsed());
        if doc.tree_is_stale() {
            // The reparse was too large to do inline (the server does it in the background
            // after a pause, then publishes): it counts here.
            deferred += 1;
            doc.ensure_tree();
        }
        let d = diagnostics::for_note(&mut doc, &config);
        times.push(first.elapsed());
        std::hint::black_box(d);
    }
    let (p50, p99) = (pct(&mut times, 0.5), pct(&mut times, 0.99));
    let (a50, a99) = (pct(&mut apply_times, 0.5), pct(&mut apply_times, 0.99));
    let t = Instant::now();
    let doc2 = srls::text::document::Document::new(doc.text(), 1);
    let full_tree = t.elapsed();
    let segments = doc2.segments().count();
    println!(
        "| {label} ({:.1} MB, {cards} cards, {segments} tree segments) | {a50:.0} / {a99:.0} µs | {p50:.0} / {p99:.0} µs | {deferred} of {} | {:.1} ms | {:.0} ms |",
        doc.text().len() as f64 / 1e6,
        times.len(),
        cold.as_secs_f64() * 1e3,
        full_tree.as_secs_f64() * 1e3
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("lsp_keystroke benchmark: run it with `cargo bench --bench lsp_keystroke`");
        return;
    }
    println!(
        "| note | didChange handler p50 / p99 | + fresh diagnostics p50 / p99 | keystrokes whose tree reparse was deferred | first lint (open) | tree parse at open |"
    );
    println!("|---|---|---|---|---|---|");
    run("1 MB, dense cards", corpus_note(1 << 20, Kind::Dense));
    run("4 MB, dense cards", corpus_note(4 << 20, Kind::Dense));
    run("1 MB, corpus notes", corpus_note(1 << 20, Kind::Corpus));
    run("4 MB, corpus notes", corpus_note(4 << 20, Kind::Corpus));
    run(
        "4 MB, corpus notes, a fence left open at 1.1 MB",
        corpus_note(4 << 20, Kind::CorpusOpenFence),
    );
}
