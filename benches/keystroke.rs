//! One keystroke through the incremental reparse, on a 1 MB note of ~5,000 cards and a 4 MB note
//! built from the corpus: a character typed in the middle of a card line in the middle of the
//! note, then deleted, 2,000 times. Prints p50/p99 per size for `reparse_in_place` (the old note
//! is updated: what a server holding its notes does) and for `reparse` (the old note is only
//! borrowed, so everything reused is cloned), next to a full parse.
//!
//! `cargo bench --bench keystroke`; without `--bench` (as under `cargo test --benches`) it runs a
//! few keystrokes on small notes. `KEYSTROKES=n` changes the count, `KEYSTROKE_IN_PLACE_ONLY=1`
//! skips the cloning `reparse` (for profiling).

mod common;

use srls::features::lint::{Lint, lint};
use srls::note::incremental::{EditSpan, OldFacts, reparse_in_place};
use srls::note::{Note, NoteContext, parse_note_with};
use srls::plugin::cloze::ClozeEngine;
use srls::plugin::settings::Settings;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// About 1 MB of ~5,000 cards of every kind, with decks, SR comments and code.
fn card_note(min: usize) -> String {
    let mut out = String::from("---\ntags: [flashcards]\n---\n# Cards\n\n");
    let mut i = 0usize;
    while out.len() < min {
        let s = match i % 7 {
            0 => format!(
                "#flashcards/deck{} What is the capital of country number {i}?::It is city number {i}, \
                 on the river\n<!--SR:!2025-01-03,15,290-->\n\n",
                i % 7
            ),
            1 => format!(
                "Term {i} in the glossary:::Its definition, which is long enough to read\n\n"
            ),
            2 => format!(
                "Explain the multi-line card number {i}\nwith a second line of question\n?\n\
                 The answer of card {i}, first line\nand a second line of the answer.\n\
                 <!--SR:!2025-02-01,3,250-->\n\n"
            ),
            3 => format!(
                "The ==cloze {i}== and ==another one== in a sentence of some length, \
                 ==three== in all.\n<!--SR:!2025-01-03,15,290!2025-01-04,1,230!2000-01-01,1,250-->\n\n"
            ),
            4 => format!(
                "Reversed question {i}\n??\nReversed answer with code:\n```rust\nfn f() {{\n\n    \
                 let x = {i};\n}}\n```\n\n## Section {i} #flashcards/part{}\n\n",
                i % 3
            ),
            _ => format!(
                "A paragraph of prose without cards, number {i}, with a #tag and some text to \
                 read between the cards,\nand a second line to it which goes on for a while so \
                 that the note has some prose in it as well.\n\n"
            ),
        };
        out.push_str(&s);
        i += 1;
    }
    out
}

const ROUNDS: usize = 3;

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Stats {
        p50: at(0.5),
        p99: at(0.99),
        max: *v.last().unwrap(),
    }
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// A byte in the middle of the first line of the card nearest the middle of the note.
fn keystroke_at(text: &str, note: &Note) -> usize {
    let mid = text.len() / 2;
    let card = note
        .cards
        .iter()
        .min_by_key(|c| c.start.abs_diff(mid))
        .expect("cards");
    let l = note.lines.get(card.first_line);
    let mut p = l.start + (l.end - l.start) / 2;
    while !text.is_char_boundary(p) {
        p += 1;
    }
    p
}

fn run(name: &str, text: String, keystrokes: usize) {
    let settings = Settings::default();
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    let ctx = NoteContext::default();
    let t = Instant::now();
    let base = parse_note_with(&text, &settings, &ctx, &engine);
    let full = t.elapsed();
    let at = keystroke_at(&text, &base);
    let line = base.lines.line_of(at);
    eprintln!(
        "{name}: {:.2} MB, {} lines, {} cards; keystroke on line {line} (byte {at}); full parse {}",
        text.len() as f64 / 1e6,
        base.lines.len(),
        base.cards.len(),
        us(full)
    );

    let t = Instant::now();
    let diags = lint(&text, &base, &settings, &engine);
    eprintln!(
        "{name}: full lint {} ({} diagnostics)",
        us(t.elapsed()),
        diags.len()
    );

    for (what, key) in [("char", "x"), ("Enter", "\n")] {
        measure(name, what, &text, at, key, &base, keystrokes);
        measure_lint(name, what, &text, at, key, &base, keystrokes);
    }
}

/// What a server does per keystroke for fresh diagnostics: the text changed in place (not
/// timed: the editor's part), `reparse_in_place` (from the old text's facts), `Lint::update`
/// and the diagnostics `Vec`. Checks the result against a fresh lint at the end.
fn measure_lint(
    name: &str,
    what: &str,
    text: &str,
    at: usize,
    key: &str,
    base: &Note,
    keystrokes: usize,
) {
    let settings = Settings::default();
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    let ctx = NoteContext::default();
    for round in 1..=ROUNDS {
        let mut text = text.to_string();
        let mut note = base.clone();
        let mut lint_state = Lint::new(&text, &note, &settings, &engine);
        let mut times = Vec::with_capacity(keystrokes);
        for i in 0..keystrokes {
            let facts = OldFacts::of(&text, &note);
            let e = if i.is_multiple_of(2) {
                text.insert_str(at, key);
                EditSpan {
                    start: at,
                    old_end: at,
                    new_end: at + key.len(),
                }
            } else {
                text.replace_range(at..at + key.len(), "");
                EditSpan {
                    start: at,
                    old_end: at + key.len(),
                    new_end: at,
                }
            };
            let t = Instant::now();
            let how = reparse_in_place(&mut note, facts, &text, &[e], &settings, &ctx, &engine);
            lint_state.update(&text, &note, &settings, &engine, &how);
            let diags = lint_state.diagnostics();
            times.push(t.elapsed());
            assert!(how.reused());
            black_box(&diags);
        }
        assert_eq!(
            lint_state.diagnostics(),
            lint(&text, &note, &settings, &engine),
            "the incremental lint equals a fresh one"
        );
        let s = stats(times);
        println!(
            "{name:>6} {what:>5} reparse_in_place (facts) + Lint::update + diagnostics: p50 {}  p99 {}  \
             max {}  ({keystrokes} keystrokes, round {round})",
            us(s.p50),
            us(s.p99),
            us(s.max)
        );
    }
}

/// Types `key` at byte `at` and deletes it again, `keystrokes` times in all.
fn measure(
    name: &str,
    what: &str,
    text: &str,
    at: usize,
    key: &str,
    base: &Note,
    keystrokes: usize,
) {
    let settings = Settings::default();
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    let ctx = NoteContext::default();
    let typed = {
        let mut t = text.to_string();
        t.insert_str(at, key);
        t
    };
    let ins = [EditSpan {
        start: at,
        old_end: at,
        new_end: at + key.len(),
    }];
    let del = [EditSpan {
        start: at,
        old_end: at + key.len(),
        new_end: at,
    }];
    // The texts alternate between `text` and `typed`; building them is the editor's job.
    let step = |i: usize| {
        if i.is_multiple_of(2) {
            (text, typed.as_str(), &ins)
        } else {
            (typed.as_str(), text, &del)
        }
    };

    // Wall-clock time on a shared machine: other processes can preempt a keystroke, so the
    // measurement runs in rounds and each round is printed.
    for round in 1..=ROUNDS {
        let mut note = base.clone();
        let mut times = Vec::with_capacity(keystrokes);
        for i in 0..keystrokes {
            let (old, new, e) = step(i);
            let t = Instant::now();
            let reused =
                reparse_in_place(&mut note, old, new, e, &settings, &ctx, &engine).reused();
            times.push(t.elapsed());
            assert!(reused);
            black_box(&note);
        }
        assert!(
            !keystrokes.is_multiple_of(2) || note == *base,
            "the note came back to where it started"
        );
        let s = stats(times);
        println!(
            "{name:>6} {what:>5} reparse_in_place: p50 {}  p99 {}  max {}  ({keystrokes} \
             keystrokes, round {round})",
            us(s.p50),
            us(s.p99),
            us(s.max)
        );
    }

    if std::env::var_os("KEYSTROKE_IN_PLACE_ONLY").is_some() {
        return;
    }
    let mut note = base.clone();
    let n = keystrokes.min(200);
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let (old, new, e) = step(i);
        let t = Instant::now();
        // A caller that does not own the old note: a copy reparsed in place.
        let mut next = note.clone();
        reparse_in_place(&mut next, old, new, e, &settings, &ctx, &engine);
        times.push(t.elapsed());
        note = next;
    }
    let s = stats(times);
    println!(
        "{name:>6} {what:>5} reparse (clones): p50 {}  p99 {}  max {}  ({n} keystrokes)",
        us(s.p50),
        us(s.p99),
        us(s.max)
    );
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let keystrokes = if bench { 2000 } else { 10 };
    let keystrokes = std::env::var("KEYSTROKES")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(keystrokes);
    // Under `cargo test --benches`, a quick smoke run on small notes.
    let (mb, names) = if bench {
        (1 << 20, ["1 MB", "4 MB"])
    } else {
        (32 << 10, ["32 KB", "128 KB"])
    };
    run(names[0], card_note(mb), keystrokes);
    run(
        names[1],
        common::concat(&common::corpus_bodies(), 4 * mb),
        keystrokes,
    );
}
