//! One keystroke in the server, from `didChange` to fresh diagnostics: the rope edit, the
//! reparse of the edited tree segment (tree-sitter, incremental), the incremental note reparse
//! and the lint, converted to protocol diagnostics — the same calls the server makes. Prints
//! p50/p99 for a 1 MB note (about 5,000 cards) and a 4 MB one, and how long parsing the whole
//! note's trees takes when it is opened. `cargo bench --bench lsp_keystroke`.

mod common;

use srls::lsp::OpenNote;
use srls::lsp::config::Config;
use srls::lsp::handlers::diagnostics;
use srls::plugin::scanner::ScanEvent;
use srls::text::document::{Change, Document};
use srls::text::position::{Encoding, Pos};
use srls::workspace::vault::Vault;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// About 5,000 cards per MB: short single-line, multi-line and cloze cards with comments.
    Dense,
    /// Corpus notes one after another, each standing on its own: a note that leaves a code
    /// fence or comment open at its end (which would swallow every note after it) is left out.
    Corpus,
    /// Corpus notes as they come: one leaves a fence open near 1.1 MB, so the rest of the note
    /// is one code block for tree-sitter-md, and one tree segment.
    CorpusOpenFence,
}

fn corpus_note(min: usize, kind: Kind) -> String {
    if kind == Kind::Dense {
        let mut s = String::from("#flashcards\n\n");
        let mut i = 0;
        while s.len() < min {
            match i % 4 {
                0 => s.push_str(&format!("Question {i} with 🃏 emoji::Answer {i} 漢字\n<!--SR:!2025-01-03,15,290-->\n\n")),
                1 => s.push_str(&format!("Multi-line question {i}?\n?\nThe answer, line one\nline two of answer {i}\n<!--SR:!2025-01-10,3,250-->\n\n")),
                2 => s.push_str(&format!("The capital of ==France {i}== is ==Paris==, said someone.\n\n")),
                _ => s.push_str(&format!("Some ordinary prose between cards, paragraph {i}, to read.\nAnd a second line.\n\n")),
            }
            i += 1;
        }
        return s;
    }
    let notes: Vec<String> = common::corpus_bodies()
        .into_iter()
        .filter(|t| kind == Kind::CorpusOpenFence || !leaves_open(t))
        .collect();
    common::concat(&notes, min)
}

/// Whether a note leaves a code fence or an HTML comment open at its end, for the plugin or for
/// the editor.
fn leaves_open(t: &str) -> bool {
    let n = srls::note::parse_note(
        &format!("#flashcards\n{t}"),
        &Default::default(),
        &Default::default(),
    );
    n.events.iter().any(|e| {
        matches!(
            e,
            ScanEvent::Fence { close: None, .. } | ScanEvent::CommentHidesRest { .. }
        )
    }) || Document::new(t, 0)
        .blocks()
        .fenced_code
        .iter()
        .any(|c| !c.closed)
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    v[((v.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e6
}

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
