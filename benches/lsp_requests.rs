//! What an editor asks after each keystroke and cursor move, through the server's own handlers
//! on its shared state: hover, code actions and code lens on the edited card, inlay hints for 60
//! visible lines, pulled diagnostics (the keystroke counted), document symbols and folding
//! ranges (after the keystroke, then asked again unchanged), semantic tokens (the whole note
//! after the keystroke, and 60 visible lines). Prints p50/p99 per request for a
//! 1 MB and a 4 MB note and their ratio, then the costs that grew with the note or a card:
//! opening a fence or a comment at the top of a 4 MB note, code actions on a card with many
//! clozes, and a request on another note while a big one opens.
//! `cargo bench --bench lsp_requests`.

mod common;

use common::{Kind, corpus_note, pct};
use srls::lsp::OpenNote;
use srls::lsp::handlers::{
    code_actions, code_lens, diagnostics, hover, inlay_hints, outline, semantic_tokens,
};
use srls::lsp::state::State;
use srls::text::document::Change;
use srls::text::position::{Encoding, Pos};
use srls::workspace::vault::Vault;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_lsp_server::ls_types::*;

/// Keystrokes per note, each followed by every request (`SRLS_BENCH_ROUNDS`, default 400).
fn rounds() -> u32 {
    std::env::var("SRLS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(400)
}

fn uri_of(path: &std::path::Path) -> Uri {
    Uri::from_file_path(path).expect("uri")
}

/// `SRLS_BENCH_ONLY`: run only the requests whose name holds it, or (`clozes`) only the
/// many-cloze code actions (for profiling one).
fn only() -> Option<String> {
    std::env::var("SRLS_BENCH_ONLY").ok()
}

/// A state with `text` open as `name` in a vault-less folder (no files are read).
fn open_state(name: &str, text: String) -> (State, Uri) {
    let path = PathBuf::from(format!("/nonexistent-srls-bench/{name}.md"));
    let uri = uri_of(&path);
    let mut state = State::default();
    let vault = Arc::new(Vault::open(None, &Default::default()));
    let open = OpenNote::open(text, 1, Encoding::Utf16, vault, Some(path));
    state.notes.insert(uri.clone(), open);
    state.update_open_index(&uri);
    (state, uri)
}

fn doc(uri: &Uri) -> TextDocumentIdentifier {
    TextDocumentIdentifier { uri: uri.clone() }
}

fn at(uri: &Uri, line: u32) -> TextDocumentPositionParams {
    TextDocumentPositionParams {
        text_document: doc(uri),
        position: Position::new(line, 2),
    }
}

fn range(a: u32, b: u32) -> Range {
    Range::new(Position::new(a, 0), Position::new(b, 0))
}

type Request = fn(&mut State, &Uri, u32);

/// The requests, each given the state, the note and the edited line.
fn requests() -> Vec<(&'static str, Request)> {
    vec![
        ("hover on the edited card", hover_card),
        ("codeAction at the cursor", |s, u, l| {
            let p = CodeActionParams {
                text_document: doc(u),
                range: range(l, l),
                context: Default::default(),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            };
            std::hint::black_box(code_actions::code_actions(s, p));
        }),
        ("inlayHint, 60 lines", |s, u, l| {
            let p = InlayHintParams {
                text_document: doc(u),
                range: range(l.saturating_sub(30), l + 30),
                work_done_progress_params: Default::default(),
            };
            std::hint::black_box(inlay_hints::inlay_hints(s, p));
        }),
        ("codeLens", |s, u, _| {
            let p = CodeLensParams {
                text_document: doc(u),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            };
            std::hint::black_box(code_lens::code_lens(s, p));
        }),
        ("documentSymbol after the keystroke", symbols),
        ("documentSymbol again, unchanged", symbols),
        ("foldingRange after the keystroke", folds),
        ("foldingRange again, unchanged", folds),
        ("semanticTokens/full after the keystroke", |s, u, _| {
            let p = SemanticTokensParams {
                text_document: doc(u),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            };
            std::hint::black_box(semantic_tokens::full(s, p));
        }),
        ("semanticTokens/range 60 lines", |s, u, l| {
            let p = SemanticTokensRangeParams {
                text_document: doc(u),
                range: range(l.saturating_sub(30), l + 30),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            };
            std::hint::black_box(semantic_tokens::range(s, p));
        }),
    ]
}

fn symbols(s: &mut State, u: &Uri, _: u32) {
    let p = DocumentSymbolParams {
        text_document: doc(u),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    std::hint::black_box(outline::document_symbols(s, p));
}

fn folds(s: &mut State, u: &Uri, _: u32) {
    let p = FoldingRangeParams {
        text_document: doc(u),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    std::hint::black_box(outline::folding_ranges(s, p));
}

fn pull(s: &mut State, u: &Uri) {
    let p = DocumentDiagnosticParams {
        text_document: doc(u),
        identifier: None,
        previous_result_id: None,
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    std::hint::black_box(diagnostics::pull(s, p));
}

/// Types and deletes a character in the middle of the card at `line`; returns the time taken.
fn keystroke(s: &mut State, u: &Uri, version: i32, line: u32) -> Duration {
    let ch = if version % 2 == 0 {
        Change::ranged(Pos::new(line, 3), Pos::new(line, 3), "x")
    } else {
        Change::ranged(Pos::new(line, 3), Pos::new(line, 4), "")
    };
    let t = Instant::now();
    let n = s.notes.get_mut(u).expect("open");
    n.apply(version, &[ch]).expect("apply");
    t.elapsed()
}

/// p50/p99 in µs of each request after each keystroke, "keystroke + pulled diagnostics" first.
fn per_request(text: String) -> Vec<(&'static str, f64, f64)> {
    let (mut s, u) = open_state("big", text);
    let cards = s.notes[&u].note().cards.len();
    let line = s.notes[&u].note().cards[cards / 2].src_lines[0] as u32;
    pull(&mut s, &u);
    let reqs = requests();
    let mut times = vec![Vec::new(); reqs.len() + 1];
    for v in 2..rounds() as i32 + 2 {
        let t = Instant::now();
        keystroke(&mut s, &u, v, line);
        pull(&mut s, &u);
        times[0].push(t.elapsed());
        for (i, (name, r)) in reqs.iter().enumerate() {
            if !only().is_none_or(|o| name.contains(&o)) {
                continue;
            }
            let t = Instant::now();
            r(&mut s, &u, line);
            times[i + 1].push(t.elapsed());
        }
    }
    let names = std::iter::once("keystroke + pulled diagnostics").chain(reqs.iter().map(|r| r.0));
    names
        .zip(times.iter_mut())
        .filter(|(_, t)| !t.is_empty())
        .map(|(n, t)| (n, pct(t, 0.5), pct(t, 0.99)))
        .collect()
}

fn table(kind: Kind, label: &str) {
    println!(
        "\n{label}: p50 / p99 per request, server time ({} keystrokes)\n",
        rounds()
    );
    println!("| request | 1 MB p50 / p99 | 4 MB p50 / p99 | p99 4 MB / 1 MB |");
    println!("|---|---|---|---|");
    let one = per_request(corpus_note(1 << 20, kind));
    let four = per_request(corpus_note(4 << 20, kind));
    for ((name, a50, a99), (_, b50, b99)) in one.into_iter().zip(four) {
        println!(
            "| {name} | {a50:.0} / {a99:.0} µs | {b50:.0} / {b99:.0} µs | {:.2} |",
            b99 / a99
        );
    }
}

/// A keystroke that opens (then closes again) a fence or a comment at the top of a 4 MB note,
/// with the trees brought up to date and the diagnostics pulled.
fn opener(what: &str) {
    let (mut s, u) = open_state("opener", corpus_note(4 << 20, Kind::Corpus));
    pull(&mut s, &u);
    let mut times = Vec::new();
    for v in 2..22 {
        let ch = if v % 2 == 0 {
            Change::ranged(Pos::new(1, 0), Pos::new(1, 0), what)
        } else {
            Change::ranged(Pos::new(1, 0), Pos::new(1, what.len() as u32), "")
        };
        let t = Instant::now();
        s.notes
            .get_mut(&u)
            .expect("open")
            .apply(v, &[ch])
            .expect("apply");
        pull(&mut s, &u);
        times.push(t.elapsed());
    }
    println!(
        "| typing `{}` at the top of a 4 MB note (+ pulled diagnostics) | {:.1} / {:.1} ms |",
        what.trim(),
        pct(&mut times, 0.5) / 1e3,
        pct(&mut times, 0.99) / 1e3
    );
}

/// Code actions on a cloze card with `n` clozes, from a client that resolves actions (titles
/// only) or not (each action with its edit).
fn clozes(n: usize, resolve: bool) {
    let mut text = String::from("#flashcards\n\n");
    for i in 0..n {
        text.push_str(&format!("==c{i}== "));
    }
    text.push_str("\n<!--SR:");
    for _ in 0..n {
        text.push_str("!2025-01-03,3,250");
    }
    text.push_str("-->\n");
    let (mut s, u) = open_state("clozes", text);
    s.caps.resolve = resolve;
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let p = CodeActionParams {
            text_document: doc(&u),
            range: range(2, 2),
            context: Default::default(),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        std::hint::black_box(code_actions::code_actions(&mut s, p));
        times.push(t.elapsed());
    }
    println!(
        "| codeAction on a card of {n} clozes, {} | {:.1} / {:.1} ms |",
        if resolve {
            "resolved later"
        } else {
            "with edits"
        },
        pct(&mut times, 0.5) / 1e3,
        pct(&mut times, 0.99) / 1e3
    );
}

/// Hovers on a small note while a 4 MB note is opened (its parse off the lock): how many were
/// answered during the open and the slowest, against the open itself.
fn hover_during_open() {
    use srls::lsp::handlers::documents;
    use srls::lsp::state::{Shared, lock};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (s, small) = open_state("small", "#flashcards\n\nQ::A\n".into());
    let state: Shared = Arc::new(std::sync::Mutex::new(s));
    let big = uri_of(std::path::Path::new("/nonexistent-srls-bench/open.md"));
    let item = TextDocumentItem::new(
        big,
        "markdown".into(),
        1,
        corpus_note(4 << 20, Kind::Corpus),
    );
    let st = state.clone();
    let t = Instant::now();
    let open = rt.spawn(async move {
        documents::open_document(
            &st,
            DidOpenTextDocumentParams {
                text_document: item,
            },
        )
        .await;
    });
    let mut times = Vec::new();
    while !open.is_finished() {
        let h = Instant::now();
        hover_card(&mut lock(&state), &small, 2);
        times.push(h.elapsed());
        std::thread::sleep(Duration::from_millis(1));
    }
    let opened = t.elapsed();
    rt.block_on(open).expect("open");
    let n = times.len();
    println!(
        "| hover on another note while a 4 MB note opens ({:.0} ms): {n} answered during the open | {:.0} / {:.0} µs (max {:.0} µs) |",
        opened.as_secs_f64() * 1e3,
        pct(&mut times, 0.5),
        pct(&mut times, 0.99),
        pct(&mut times, 1.0)
    );
}

fn hover_card(s: &mut State, u: &Uri, line: u32) {
    let p = HoverParams {
        text_document_position_params: at(u, line),
        work_done_progress_params: Default::default(),
    };
    std::hint::black_box(hover::hover(s, p));
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("lsp_requests benchmark: run it with `cargo bench --bench lsp_requests`");
        return;
    }
    if only().as_deref() == Some("clozes") {
        for n in [1000, 5000] {
            clozes(n, true);
            clozes(n, false);
        }
        return;
    }
    table(Kind::Dense, "Dense cards");
    table(Kind::Corpus, "Corpus notes");
    if only().is_some() {
        return;
    }
    println!("\n| what grew with the note or the card | p50 / p99 |\n|---|---|");
    hover_during_open();
    opener("```\n");
    opener("<!--\n");
    for n in [1000, 5000] {
        clozes(n, true);
        clozes(n, false);
    }
}
