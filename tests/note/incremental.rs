//! The incremental reparse gives exactly the note a fresh parse gives, after any edit.
//!
//! Notes are built from the pieces that drive the scanner, the tag reader and the front matter;
//! each case applies a random sequence of edits (typing single characters and line breaks,
//! pasting pieces, deleting and replacing runs) and compares after every step, sometimes after a
//! batch of edits reported together.

use crate::edits;
use edits::{Op, Rng, Setup, apply, pos};
use proptest::prelude::*;
use std::cell::Cell;

thread_local! {
    /// Reparses done in place on this thread, and how many of them reused the old note.
    static COUNTS: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

fn count(reused: bool) {
    COUNTS.with(|c| {
        let (n, r) = c.get();
        c.set((n + 1, r + usize::from(reused)));
    });
}
use srls::note::incremental::{EditSpan, OldFacts, Reparsed, reparse_in_place};
use srls::note::{Note, NoteContext, parse_note_with};
use srls::plugin::cloze::ClozeEngine;
use srls::plugin::settings::Settings;

/// A reparse into a copy of `old` (the old note kept), as a caller that does not own it does.
fn reparse(
    old: &Note,
    old_text: &str,
    new_text: &str,
    edits: &[EditSpan],
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> Note {
    let mut note = old.clone();
    reparse_in_place(&mut note, old_text, new_text, edits, settings, ctx, engine);
    note
}

const PIECES: &[&str] = &[
    "#flashcards",
    "#flashcards/deck",
    "#flashcards/a Q::A",
    "#other",
    "#review",
    "Q::A",
    "a:::b",
    "Q::A <!--SR:!2025-01-03,15,290-->",
    "?",
    "??",
    "q",
    "a",
    "",
    "",
    "",
    "   ",
    "```",
    "```js",
    "````",
    "~~~",
    "   ```",
    "$$",
    "$$ x $$",
    "%%",
    "%% #hidden %%",
    "<!-- c -->",
    "<!--",
    "-->",
    "<!--SR:!2025-01-03,15,290-->",
    "<!--SR:!2025-01-03,15,290!2000-01-01,1,250-->",
    "<!--SR:!bad!2000-01-01,1,250-->",
    "!2025-01-03,15,290",
    "==cloze== and ==1;;x;;h==",
    "c ==d== e",
    "---",
    "tags: [flashcards]",
    "tags: flashcards/fm, other",
    "sr-ease: 230",
    "> [!sr|card-metadata]",
    "> <!--SR:!2025-01-03,15,290-->",
    "`a::b` c",
    "text ^block-1",
    "🃏 emoji 漢字 ^abc",
    "智能指针Card::答案",
    "+++",
];

const CHARS: &[&str] = &[
    "x", " ", "\n", "\n", "\r", "\r\n", ":", "?", "`", "#", "=", "-", "<", ">", "!", "%", "$", "~",
    "é", "漢", "🃏",
];

fn note_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => "[ -~]{0,10}",
        1 => "\\PC{0,4}",
    ];
    let sep = prop_oneof![8 => Just("\n"), 1 => Just("\r\n"), 1 => Just("\r")];
    let front_matter = prop_oneof![
        3 => Just(""),
        1 => Just("---\ntags: [flashcards, b]\nsr-ease: 230\n---\n"),
        1 => Just("---\ntags: flashcards/fm\n\ntag: x\n---\n"),
        1 => Just("---\n---\n"),
        1 => Just("---\ntitle: x\n"),
    ];
    (front_matter, prop::collection::vec((piece, sep), 0..40)).prop_map(|(fm, v)| {
        let mut s = fm.to_string();
        for (p, sep) in v {
            s.push_str(&p);
            s.push_str(sep);
        }
        s
    })
}

fn op() -> impl Strategy<Value = Op> {
    let at = 0.0..=1.0f64;
    let typed = prop::sample::select(CHARS).prop_map(str::to_string);
    let pasted = prop_oneof![
        prop::sample::select(PIECES).prop_map(|p| format!("{p}\n")),
        prop::sample::select(PIECES).prop_map(str::to_string),
        "\\PC{0,6}",
    ];
    prop_oneof![
        6 => (at.clone(), typed.clone()).prop_map(|(a, s)| Op::Insert(a, s)),
        2 => (at.clone(), pasted.clone()).prop_map(|(a, s)| Op::Insert(a, s)),
        3 => (at.clone(), 1..4usize).prop_map(|(a, n)| Op::Delete(a, n)),
        1 => (at.clone(), 0..40usize).prop_map(|(a, n)| Op::Delete(a, n)),
        2 => (at.clone(), 0..6usize, prop_oneof![typed, pasted]).prop_map(|(a, n, s)| Op::Replace(a, n, s)),
    ]
}

fn setup(which: u8) -> Setup {
    let mut settings = Settings::default();
    let mut ctx = NoteContext::default();
    match which {
        1 => settings.multiline_card_end_marker = "+++".into(),
        2 => {
            settings.convert_folders_to_decks = true;
            ctx.vault_path = Some("deck/sub/note.md".into());
        }
        3 => {
            settings.flashcard_tags_to_ignore = vec!["#other".into()];
            settings.multiline_card_separator = "q".into();
        }
        4 => {
            // Folders are decks, but the note is at the vault root: every card is dropped.
            settings.convert_folders_to_decks = true;
            ctx.vault_path = Some("note.md".into());
        }
        _ => {}
    }
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    Setup {
        settings,
        ctx,
        engine,
    }
}

fn fresh(s: &Setup, text: &str) -> Note {
    parse_note_with(text, &s.settings, &s.ctx, &s.engine)
}

/// Runs the edits, checking after every batch; `batches[i]`: how many edits go together.
fn run(
    which: u8,
    text: String,
    ops: &[Op],
    batches: &[usize],
    in_place: bool,
) -> Result<(), TestCaseError> {
    let s = setup(which);
    let mut text = text;
    let mut note = fresh(&s, &text);
    let mut ops = ops.iter();
    for &k in batches.iter().cycle() {
        let batch: Vec<&Op> = ops.by_ref().take(k.max(1)).collect();
        if batch.is_empty() {
            break;
        }
        let old_text = text.clone();
        let edits: Vec<EditSpan> = batch.iter().map(|op| apply(&mut text, op)).collect();
        if in_place {
            let before = note.clone();
            let r = reparse_in_place(
                &mut note,
                &old_text,
                &text,
                &edits,
                &s.settings,
                &s.ctx,
                &s.engine,
            );
            check_window(&before, &note, &r)?;
            count(r.reused());
        } else {
            note = reparse(
                &note,
                &old_text,
                &text,
                &edits,
                &s.settings,
                &s.ctx,
                &s.engine,
            );
        }
        let want = fresh(&s, &text);
        if note != want {
            // Narrow the report down to the first field that differs.
            prop_assert_eq!(
                &note.lines,
                &want.lines,
                "lines: {:?} -> {:?}",
                old_text,
                text
            );
            prop_assert_eq!(
                &note.cards,
                &want.cards,
                "cards: {:?} -> {:?}",
                old_text,
                text
            );
            prop_assert_eq!(
                &note.dropped,
                &want.dropped,
                "dropped: {:?} -> {:?}",
                old_text,
                text
            );
            prop_assert_eq!(&note.tags, &want.tags, "tags: {:?} -> {:?}", old_text, text);
            prop_assert_eq!(
                &note.events,
                &want.events,
                "events: {:?} -> {:?}",
                old_text,
                text
            );
            prop_assert_eq!(&note.front_matter, &want.front_matter);
            prop_assert_eq!(&note.gate_reason, &want.gate_reason);
            prop_assert!(false, "index differs: {:?} -> {:?}", old_text, text);
        }
    }
    Ok(())
}

/// A card as scanned: its lines, bytes and raw text.
type Scanned = (usize, usize, usize, usize, usize, Box<str>);

/// Every card of a note in scan order, without its decks (which are note-wide).
fn scanned(n: &Note) -> Vec<Scanned> {
    let mut v: Vec<_> = n
        .cards
        .iter()
        .chain(&n.dropped)
        .map(|c| {
            (
                c.first_line,
                c.last_line,
                c.end_line,
                c.start,
                c.end,
                c.raw.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The promise of [`Reparsed::Window`]: before the window nothing changed, after it everything
/// is the old note moved.
fn check_window(old: &Note, new: &Note, r: &Reparsed) -> Result<(), TestCaseError> {
    let Reparsed::Window(w) = r else {
        return Ok(());
    };
    let (a, e_old, e_new) = (w.lines_new.start, w.lines_old.end, w.lines_new.end);
    prop_assert_eq!(w.lines_old.start, a);
    prop_assert_eq!(e_new as isize - e_old as isize, w.dl);
    prop_assert_eq!(w.bytes_new.end as isize - w.bytes_old.end as isize, w.delta);
    prop_assert_eq!(new.lines.len() as isize - old.lines.len() as isize, w.dl);
    prop_assert_eq!(w.bytes_new.start, new.lines.get(a).start);
    for i in 0..a {
        prop_assert_eq!(old.lines.get(i), new.lines.get(i));
    }
    for i in e_new..new.lines.len() {
        let (o, n) = (old.lines.get(i - e_new + e_old), new.lines.get(i));
        prop_assert_eq!(o.start.wrapping_add_signed(w.delta), n.start);
        prop_assert_eq!(o.next.wrapping_add_signed(w.delta), n.next);
    }
    if e_new < new.lines.len() {
        prop_assert_eq!(w.bytes_new.end, new.lines.get(e_new).start);
    } else {
        prop_assert_eq!(w.bytes_new.end, new.lines.get(new.lines.len() - 1).next);
    }
    let (co, cn) = (scanned(old), scanned(new));
    let before = |v: &[Scanned]| v.iter().filter(|c| c.0 < a).cloned().collect::<Vec<_>>();
    prop_assert_eq!(before(&co), before(&cn));
    let moved: Vec<_> = co
        .iter()
        .filter(|c| c.0 >= e_old)
        .map(|c| {
            let l = |x: usize| x.wrapping_add_signed(w.dl);
            let b = |x: usize| x.wrapping_add_signed(w.delta);
            (l(c.0), l(c.1), l(c.2), b(c.3), b(c.4), c.5.clone())
        })
        .collect();
    let after: Vec<_> = cn.iter().filter(|c| c.0 >= e_new).cloned().collect();
    prop_assert_eq!(moved, after);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Random edits and batches of edits, through both entry points.
    #[test]
    fn reparse_equals_fresh_parse(
        which in 0u8..5,
        text in note_text(),
        ops in prop::collection::vec(op(), 1..12),
        batches in prop::collection::vec(prop_oneof![6 => Just(1usize), 1 => 2..4usize], 1..4),
        in_place in any::<bool>(),
    ) {
        run(which, text, &ops, &batches, in_place)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Typing a run of characters at one place, one keystroke at a time, then deleting it.
    #[test]
    fn typing_and_backspacing(
        which in 0u8..5,
        text in note_text(),
        at in 0.0..=1.0f64,
        typed in prop::collection::vec(prop::sample::select(CHARS), 1..12),
    ) {
        let s = setup(which);
        let mut text = text;
        let mut note = fresh(&s, &text);
        let mut p = pos(&text, at);
        let mut stack = Vec::new();
        for c in &typed {
            let old = OldFacts::of(&text, &note);
            let before = note.clone();
            text.insert_str(p, c);
            let e = EditSpan { start: p, old_end: p, new_end: p + c.len() };
            let r = reparse_in_place(&mut note, old, &text, &[e], &s.settings, &s.ctx, &s.engine);
            check_window(&before, &note, &r)?;
            count(r.reused());
            prop_assert_eq!(&note, &fresh(&s, &text), "typed {:?} into {:?}", c, old);
            stack.push((p, c.len()));
            p += c.len();
        }
        while let Some((q, n)) = stack.pop() {
            let old = text.clone();
            let facts = OldFacts::of(&text, &note);
            text.replace_range(q..q + n, "");
            let e = EditSpan { start: q, old_end: q + n, new_end: q };
            count(reparse_in_place(&mut note, facts, &text, &[e], &s.settings, &s.ctx, &s.engine).reused());
            prop_assert_eq!(&note, &fresh(&s, &text), "backspace in {:?}", old);
        }
    }
}

#[test]
fn edits_that_fall_back_or_resume_far_away() {
    let s = setup(0);
    let cases: &[(&str, usize, usize, &str)] = &[
        // Opening a front matter, closing an unclosed one, editing inside one.
        ("x\n\nQ::A\n", 0, 1, "---"),
        ("---\ntags: [flashcards]\nQ::A\n\nB::C\n", 27, 27, "---\n"),
        ("---\ntags: [flashcards]\n---\nQ::A\n", 10, 10, "x"),
        // A comment that hides the rest, opened and closed.
        ("#flashcards\n\nQ::A\n\nq\n?\na\n\nB::C\n", 19, 19, "<!--\n"),
        ("#flashcards\n\n<!--\nQ::A\n\nq\n?\na\n\nB::C", 29, 29, "x"),
        ("#flashcards\n\n<!--\nQ::A\n\nq\n?\na\n\nB::C", 16, 17, ""),
        // A fence opened above many cards.
        (
            "#flashcards\n\nQ::A\n\nB::C\n\n```\n\nC::D\n",
            13,
            13,
            "```\n",
        ),
        // A byte order mark typed, deleted, and an edit right after it.
        ("#flashcards\nQ::A\n", 0, 0, "\u{feff}"),
        ("\u{feff}#flashcards\nQ::A\n", 0, 3, ""),
        ("\u{feff}#flashcards\nQ::A\n", 3, 3, "x"),
        ("\u{feff}x\nQ::A #flashcards\n", 3, 4, ""),
        // An empty note and an edit to nothing.
        ("", 0, 0, "Q::A #flashcards"),
        ("Q::A #flashcards", 0, 16, ""),
    ];
    for &(old, a, b, ins) in cases {
        let mut text = old.to_string();
        text.replace_range(a..b, ins);
        let e = EditSpan {
            start: a,
            old_end: b,
            new_end: a + ins.len(),
        };
        let got = reparse(
            &fresh(&s, old),
            old,
            &text,
            &[e],
            &s.settings,
            &s.ctx,
            &s.engine,
        );
        assert_eq!(got, fresh(&s, &text), "{old:?} -> {text:?}");
    }
}

#[test]
fn malformed_edits_fall_back_to_a_full_parse() {
    let s = setup(0);
    let old = "#flashcards\n\nQ::A\n";
    let new = "#flashcards\n\nQ::AB\n\nC::D\n";
    let note = fresh(&s, old);
    for edits in [
        vec![],
        vec![EditSpan {
            start: 3,
            old_end: 2,
            new_end: 3,
        }],
        vec![EditSpan {
            start: 0,
            old_end: 100,
            new_end: 100,
        }],
        vec![EditSpan {
            start: 17,
            old_end: 17,
            new_end: 18,
        }],
    ] {
        let got = reparse(&note, old, new, &edits, &s.settings, &s.ctx, &s.engine);
        assert_eq!(got, fresh(&s, new));
    }
}

/// The properties above must mostly exercise the incremental path, not its fallback.
#[test]
fn most_reparses_reuse_the_old_note() {
    COUNTS.with(|c| c.set((0, 0)));
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    runner
        .run(
            &(note_text(), prop::collection::vec(op(), 1..12)),
            |(text, ops)| run(0, text, &ops, &[1], true),
        )
        .unwrap();
    let (n, r) = COUNTS.with(Cell::get);
    eprintln!("{r} of {n} reparses reused the old note");
    assert!(n > 1000 && r * 10 > n * 7, "{r} of {n}");
}

/// Real notes (the corpus, when it is there): random keystrokes, pastes and deletions, each
/// checked against a fresh parse.
#[test]
fn corpus_notes_under_random_edits() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(list) = std::fs::read_to_string(corpus.join("expected.jsonl")) else {
        eprintln!("no corpus: skipped");
        return;
    };
    let s = setup(0);
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let (mut notes, mut edits) = (0, 0);
    for line in list.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let Ok(mut text) = std::fs::read_to_string(corpus.join(v["file"].as_str().unwrap())) else {
            continue;
        };
        notes += 1;
        let mut note = fresh(&s, &text);
        for _ in 0..40 {
            let f = rng.below(1001) as f64 / 1000.0;
            let op = match rng.below(10) {
                0..=5 => Op::Insert(f, CHARS[rng.below(CHARS.len())].to_string()),
                6 => Op::Insert(f, format!("{}\n", PIECES[rng.below(PIECES.len())])),
                7 | 8 => Op::Delete(f, 1 + rng.below(3)),
                _ => Op::Replace(
                    f,
                    rng.below(30),
                    PIECES[rng.below(PIECES.len())].to_string(),
                ),
            };
            let old = text.clone();
            let e = apply(&mut text, &op);
            reparse_in_place(&mut note, &old, &text, &[e], &s.settings, &s.ctx, &s.engine);
            edits += 1;
            assert!(note == fresh(&s, &text), "{} after {op:?}", v["file"]);
        }
    }
    eprintln!("{notes} corpus notes, {edits} edits");
}

#[test]
fn typing_in_the_front_matter_reuses_the_body() {
    let s = setup(0);
    let old = "---\ntags: [flashcards/a]\nx: 1\n---\n#flashcards/b\n\nQ::A\n\nq\n?\na\n";
    let mut note = fresh(&s, old);
    let mut text = old.to_string();
    // Retag the note one keystroke at a time, add a front matter line, then remove it.
    let at = text.find("/a").unwrap() + 2;
    for (i, c) in ["x", "y", "\n", "tag: z", "\n"].iter().enumerate() {
        let before = text.clone();
        let p = at + ["x", "y", "\n", "tag: z"][..i].concat().len();
        text.insert_str(p, c);
        let e = EditSpan {
            start: p,
            old_end: p,
            new_end: p + c.len(),
        };
        let reused = reparse_in_place(
            &mut note,
            &before,
            &text,
            &[e],
            &s.settings,
            &s.ctx,
            &s.engine,
        )
        .reused();
        assert!(reused, "{text:?}");
        assert_eq!(note, fresh(&s, &text), "{text:?}");
    }
    assert_eq!(note.cards[0].decks, vec!["#flashcards/b".to_string()]);
    assert_eq!(note.front_matter.as_ref().unwrap().close_line, 5);
    // Typing `---` on a line of its own closes the block early: a full parse.
    let before = text.clone();
    let p = text.find("x: 1").unwrap();
    text.insert_str(p, "---\n");
    let e = EditSpan {
        start: p,
        old_end: p,
        new_end: p + 4,
    };
    let reused = reparse_in_place(
        &mut note,
        &before,
        &text,
        &[e],
        &s.settings,
        &s.ctx,
        &s.engine,
    )
    .reused();
    assert!(!reused);
    assert_eq!(note, fresh(&s, &text));
}
