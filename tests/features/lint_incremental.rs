//! `Lint::update` after a reparse in place gives exactly what a fresh `lint` of a fresh parse
//! gives, after every edit of a random sequence (on generated notes and on the corpus).

use crate::edits;
use edits::{Op, Rng, Setup, apply};
use proptest::prelude::*;
use srls::features::lint::{Lint, lint};
use srls::note::incremental::{EditSpan, OldFacts, Reparsed, reparse_in_place};
use srls::note::{Note, NoteContext, parse_note_with};
use srls::plugin::cloze::ClozeEngine;
use srls::plugin::settings::Settings;

const PIECES: &[&str] = &[
    "#flashcards",
    "#flashcards/deck",
    "#flashcards/a Q::A",
    "#other",
    "Q::A",
    "key:: value",
    "a:::b",
    "Q::A <!--SR:!2025-01-03,15,290-->",
    "?",
    "??",
    "? <!--SR:!2025-01-03,15,290-->",
    "> ?",
    "\u{200B}?",
    "q",
    "a",
    "",
    "",
    "",
    "   ",
    "```",
    "```js",
    "~~~",
    "   ```",
    "$$",
    "%%",
    "<!-- c -->",
    "<!--",
    "-->",
    "<!--SR:!2025-01-03,15,290-->",
    "  <!--SR:!2025-01-03,15,290-->",
    "<!--SR:!2025-01-03,15,290!2000-01-01,1,250-->",
    "<!--SR:!bad!2000-01-01,1,250-->",
    "<!--SR:!2025-02-30,15,100-->",
    "!2025-01-03,15,290",
    "==cloze== and ==1;;x;;h==",
    "a == b and c == d",
    "c ==d== e",
    "=====",
    "---",
    "tags: [flashcards]",
    "> [!sr|card-metadata]",
    "`a::b` c",
    "::",
    "Q::",
    "+++",
];

const CHARS: &[&str] = &[
    "x",
    " ",
    "\n",
    "\n",
    "\n",
    "\r",
    "\r\n",
    ":",
    "::",
    "?",
    "`",
    "```",
    "#",
    "=",
    "==",
    "-",
    "<",
    "<!--",
    "<!--SR:!2025-01-03,15,290-->",
    "#flashcards",
    "---",
    ">",
    "!",
    "%",
    "é",
    "🃏",
];

fn note_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => "[ -~]{0,10}",
    ];
    let sep = prop_oneof![8 => Just("\n"), 1 => Just("\r\n"), 1 => Just("\r")];
    let front_matter = prop_oneof![
        4 => Just(""),
        1 => Just("---\ntags: [flashcards, b]\n---\n"),
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
        prop::sample::select(PIECES).prop_map(|p| format!("\n{p}")),
        prop::sample::select(PIECES).prop_map(str::to_string),
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
        3 => settings.flashcard_tags_to_ignore = vec!["#other".into()],
        _ => {}
    }
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    Setup {
        settings,
        ctx,
        engine,
    }
}

/// The server's loop: the text is changed in place, the note and the lint follow.
struct Doc<'a> {
    s: &'a Setup,
    text: String,
    note: Note,
    lint: Lint,
    windows: usize,
    edits: usize,
}

impl<'a> Doc<'a> {
    fn new(s: &'a Setup, text: String) -> Doc<'a> {
        let note = parse_note_with(&text, &s.settings, &s.ctx, &s.engine);
        let lint = Lint::new(&text, &note, &s.settings, &s.engine);
        Doc {
            s,
            text,
            note,
            lint,
            windows: 0,
            edits: 0,
        }
    }

    fn edit(&mut self, ops: &[&Op]) -> Result<(), String> {
        let s = self.s;
        let before = self.text.clone();
        let facts = OldFacts::of(&self.text, &self.note);
        let spans: Vec<EditSpan> = ops.iter().map(|op| apply(&mut self.text, op)).collect();
        let how = reparse_in_place(
            &mut self.note,
            facts,
            &self.text,
            &spans,
            &s.settings,
            &s.ctx,
            &s.engine,
        );
        self.edits += 1;
        self.windows += usize::from(matches!(how, Reparsed::Window(_)));
        self.lint
            .update(&self.text, &self.note, &s.settings, &s.engine, &how);
        let fresh = parse_note_with(&self.text, &s.settings, &s.ctx, &s.engine);
        if self.note != fresh {
            return Err(format!("note differs: {before:?} -> {:?}", self.text));
        }
        let want = lint(&self.text, &fresh, &s.settings, &s.engine);
        let got = self.lint.diagnostics();
        if got != want {
            let k = got.iter().zip(&want).take_while(|(a, b)| a == b).count();
            return Err(format!(
                "lint differs after {ops:?} ({how:?}):\n{before:?}\n->\n{:?}\nfirst difference at {k}:\n got {:?}\nwant {:?}",
                self.text,
                &got[k..got.len().min(k + 2)],
                &want[k..want.len().min(k + 2)],
            ));
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn incremental_lint_equals_fresh_lint(
        which in 0u8..4,
        text in note_text(),
        ops in prop::collection::vec(op(), 1..16),
        batch2 in any::<bool>(),
    ) {
        let s = setup(which);
        let mut doc = Doc::new(&s, text);
        let ops: Vec<&Op> = ops.iter().collect();
        for chunk in ops.chunks(if batch2 { 2 } else { 1 }) {
            doc.edit(chunk).map_err(TestCaseError::fail)?;
        }
    }
}

#[test]
fn corpus_notes_under_random_edits() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(list) = std::fs::read_to_string(corpus.join("expected.jsonl")) else {
        eprintln!("no corpus: skipped");
        return;
    };
    let s = setup(0);
    let mut rng = Rng(0x11A7_1234_ABCD_0002);
    let (mut notes, mut edits, mut windows) = (0, 0, 0);
    for line in list.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let Ok(text) = std::fs::read_to_string(corpus.join(v["file"].as_str().unwrap())) else {
            continue;
        };
        notes += 1;
        let mut doc = Doc::new(&s, text);
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
            if let Err(e) = doc.edit(&[&op]) {
                panic!("{}: {e}", v["file"]);
            }
        }
        edits += doc.edits;
        windows += doc.windows;
    }
    eprintln!("{notes} corpus notes, {edits} edits, {windows} through a window");
    assert!(
        notes == 0 || windows * 10 > edits * 7,
        "{windows} of {edits}"
    );
}

/// Runs `steps` (each `(find, replace)` on the current text, at the first match) and checks
/// each through [`Doc::edit`]; returns the diagnostics' codes at the end.
fn steps(text: &str, steps: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let s = setup(0);
    let mut doc = Doc::new(&s, text.to_string());
    for &(find, repl) in steps {
        let at = doc
            .text
            .find(find)
            .unwrap_or_else(|| panic!("{find:?} in {:?}", doc.text));
        let before = doc.text.clone();
        let facts = OldFacts::of(&doc.text, &doc.note);
        doc.text.replace_range(at..at + find.len(), repl);
        let span = EditSpan {
            start: at,
            old_end: at + find.len(),
            new_end: at + repl.len(),
        };
        let how = reparse_in_place(
            &mut doc.note,
            facts,
            &doc.text,
            &[span],
            &s.settings,
            &s.ctx,
            &s.engine,
        );
        assert!(how.reused(), "{before:?} -> {:?}", doc.text);
        doc.lint
            .update(&doc.text, &doc.note, &s.settings, &s.engine, &how);
        let fresh = parse_note_with(&doc.text, &s.settings, &s.ctx, &s.engine);
        assert_eq!(doc.note, fresh);
        assert_eq!(
            doc.lint.diagnostics(),
            lint(&doc.text, &fresh, &s.settings, &s.engine),
            "{before:?} -> {:?}",
            doc.text
        );
    }
    doc.lint
        .diagnostics()
        .into_iter()
        .map(|d| (d.code, d.message))
        .collect()
}

fn codes(v: &[(&'static str, String)]) -> Vec<&'static str> {
    v.iter().map(|d| d.0).collect()
}

#[test]
fn orphan_comment_below_a_blank_run_the_edit_changes() {
    let text = "#flashcards\n\nQ::A\n\n\n<!--SR:!2025-01-03,15,290-->\n\nB::C\n";
    // Typing in the blank run: its fix (remove the blank lines) spans the edit.
    let out = steps(
        text,
        &[("\n\n\n<", "\n\nx\n<"), ("x\n", "\n"), ("A\n\n\n", "A\n")],
    );
    // At the end the comment sits right below the card: owned, no orphan.
    assert!(!codes(&out).contains(&"orphan-comment"), "{out:?}");
    let out = steps(text, &[("A\n\n", "A\n \n")]);
    assert!(codes(&out).contains(&"orphan-comment"), "{out:?}");
}

#[test]
fn comment_on_separator_whose_paragraph_end_moves() {
    let text =
        "#flashcards\n\nQ\n? <!--SR:!2025-01-03,15,290-->\nA\nmore\n\n\n\n\n\nnext\nline\n\nB::C\n";
    // Joining the paragraph with later lines moves where the fix puts the comment.
    let out = steps(
        text,
        &[
            ("more\n\n", "more\nx\n"),
            ("\n\n\n\nnext", "\nnext"),
            ("more\nx\n", "more\n\n"),
        ],
    );
    assert!(codes(&out).contains(&"comment-on-separator"), "{out:?}");
}

#[test]
fn a_tag_typed_above_drops_later_cards() {
    let text = "#flashcards/a\n\nQ::A\n\nx\n\nB::C\n\nD::E\n";
    let out = steps(text, &[("#flashcards/a", "#fla")]);
    assert!(codes(&out).contains(&"not-flashcard-note"), "{out:?}");
    let text = "---\ntags: [x]\n---\n#flashcards\n\nQ::A\n\nB::C\n";
    let out = steps(text, &[("\nQ::A", "\nq\n\nQ::A")]);
    assert!(!codes(&out).contains(&"no-deck"), "{out:?}");
}

#[test]
fn hijack_line_numbers_move() {
    let text = "#flashcards\n\nintro\n\nq\n?\na\nk::v\n\nend\n";
    let out = steps(
        text,
        &[("intro\n", "intro\nmore\n"), ("intro\n", "intro\n\n\n")],
    );
    let m = out.iter().find(|d| d.0 == "hijacked-card").expect("hijack");
    assert!(m.1.contains("on line 8"), "{m:?}");
}
