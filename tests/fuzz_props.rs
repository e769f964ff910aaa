//! The four fuzz checks of `fuzz/` as stable proptest properties, for machines without nightly
//! or cargo-fuzz. The checks themselves are shared: `fuzz/src/checks.rs` is included here.
//!
//! Case counts are modest so `cargo test` stays fast; `PROPTEST_CASES=n` sets every property's
//! count (`scripts/fuzz-short` uses that when it cannot fuzz).

#[path = "../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;

use proptest::prelude::*;
use srls::text::Change;
use srls::text::position::{Encoding, Pos};

/// Pieces that make notes: tags, separators, fences, comments, front matter, clozes,
/// callouts, non-ASCII text and every line terminator.
const NOTE_PIECES: &[&str] = &[
    "#flashcards",
    "#flashcards/deck",
    "#review",
    "#skip",
    "#",
    "Q::A",
    "a:::b",
    "x@@y",
    "x@@@y",
    "a=b",
    "?",
    "??",
    "%%",
    "+++",
    "-",
    "--",
    "",
    "",
    "```",
    "~~~",
    "    code",
    "<!-- c -->",
    "<!--",
    "-->",
    "<!--SR:!2025-01-03,15,290-->",
    "<!--SR:!2025-01-03,15,290!2000-01-01,1,250-->",
    "<!--SR:!bad!2000-01-01,1,250-->",
    "<!--SR:!2025-01-03,1,250->",
    "!2025-01-03,15,290",
    "<!--SR:!fsrs,2024-01-12T09:32:32.000Z,0,1.2931,5.11217071,1,1,0,0,2024-01-12T09:26:32.000Z-->",
    "==cloze== and ==1;;x;;h==",
    "==ash;;x== ==sa;;y==",
    "**bold** {{curly}} {{c1::a::h}} [[link]] ((p))",
    "---",
    "tags: [flashcards]",
    "sr-ease: 250",
    "> [!sr|card-metadata]",
    "> quoted::card",
    "- list::item",
    "`a::b` c",
    "🃏 emoji 漢字 ^abc",
    "\u{feff}\u{202e}\0",
];

fn note_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        10 => proptest::sample::select(NOTE_PIECES).prop_map(str::to_owned),
        2 => "[ -~]{0,12}",
        1 => "\\PC{0,6}",
    ];
    let sep = proptest::sample::select(&["\n", "\n", "\n", "\r\n", "\r", " ", "\n\n"][..]);
    prop::collection::vec((piece, sep), 0..24).prop_map(|v| {
        v.into_iter()
            .flat_map(|(p, s)| [p, s.to_owned()])
            .collect::<String>()
    })
}

fn lossy_bytes() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..400)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn any_note() -> impl Strategy<Value = String> {
    prop_oneof![4 => note_text(), 1 => lossy_bytes(), 1 => "\\PC{0,200}"]
}

fn sr_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        proptest::sample::select(
            &[
                "<!--SR:",
                "-->",
                "!",
                ",",
                "2025-01-03",
                "2000-01-01",
                "11-08-2021",
                "Wed Aug 11 2021",
                "2025-13-45",
                "15",
                "290",
                "1.5",
                "-",
                "fsrs,",
                "2024-01-12T09:32:32.000Z",
                "1e308",
                "NaN",
                "\n",
                "\r",
                " ",
                "::",
                "é",
                "😀",
            ][..]
        )
        .prop_map(str::to_owned),
        "[0-9]{1,5}",
        "\\PC{0,3}",
    ];
    prop::collection::vec(piece, 0..20).prop_map(|v| v.concat())
}

fn doc_text(max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        12 => proptest::sample::select(checks::DOC_PIECES).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

fn pos() -> impl Strategy<Value = Pos> {
    let line = prop_oneof![8 => 0u32..10, 2 => 0u32..400, 1 => any::<u32>(), 1 => Just(u32::MAX)];
    let character = prop_oneof![8 => 0u32..20, 1 => any::<u32>()];
    (line, character).prop_map(|(l, c)| Pos::new(l, c))
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        1 => doc_text(12).prop_map(Change::full),
        14 => (pos(), pos(), doc_text(5)).prop_map(|(s, e, t)| Change::ranged(s, e, t)),
    ]
}

/// `PROPTEST_CASES` overrides the default count, for longer soaks.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(300)))]

    /// (a) Parser and linter: ranges in the text, quick fixes apply, under every variant.
    #[test]
    fn parse_and_lint(text in any_note(), v in 0..checks::VARIANT_COUNT) {
        checks::check_parse(&text, v);
    }

    /// (b) SR comments, groups and moment dates.
    #[test]
    fn sr_comments(text in prop_oneof![3 => sr_text(), 1 => lossy_bytes()], a in 0usize..500, b in 0usize..500) {
        checks::check_sr(&text, a, b);
    }

    /// (d) Grade writer: edits on char boundaries, only the edits change, cards kept.
    #[test]
    fn grade_writer(text in note_text(), v in 0..checks::VARIANT_COUNT, shift in -3000i16..3000) {
        checks::check_grade(&text, v, shift, 4);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(120)))]

    /// (c) Incremental document: rope = reference, tree = fresh parse, positions round-trip.
    #[test]
    fn document_changes(
        initial in prop_oneof![4 => doc_text(30), 1 => doc_text(30).prop_map(|t| t.repeat(60))],
        enc in proptest::sample::select(Encoding::ALL.to_vec()),
        batches in prop::collection::vec(prop::collection::vec(change(), 1..4), 1..10),
    ) {
        checks::check_document(&initial, enc, &batches);
    }
}

/// The findings of the fuzzers, kept as plain regression tests.
#[test]
fn fuzz_findings() {
    // A duplicate comment: the plugin rewrites the card around the second comment, which the
    // next read finds first; the card count and the edit bounds still hold.
    checks::check_grade(
        "#flashcards\n\nQuestion\n?\nAnswer\n<!--SR:!2025-01-03,15,290-->\n<!--SR:!2025-01-04,3,250-->\n",
        1,
        0,
        6,
    );
    // A broken comment line (`->`) ends a single-line card; the new comment goes after it.
    checks::check_grade(
        "#flashcards\n\nQ::A\n<!--\u{b}SR:!8100-01-03,17,290!2025-01-04,3,250-->\n\navoir:::to have\n<!--SR:!2025-01-03,1-0952,->\n",
        1,
        0,
        6,
    );
    // Comments on the card's line for a card with an empty answer: `? <!--SR:…-->` is no
    // longer a separator line (the plugin writes the same).
    checks::check_grade("---\n?\n\n#flashcards\n", 9, 0, 6);
    // Text after the comment inside the card: the plugin moves the comment after it.
    checks::check_grade("a:::b\n<!--SR:!2025-01-03,15,290--> #flashcards\n", 0, 0, 6);
    checks::check_grade(
        "<!--SR:!2025-01-03,15,290-->\n?\n#flashcards\n#flashcards\n",
        0,
        0,
        6,
    );
    checks::check_grade(
        "<!--SR:!2025-01-03,15,290--> ?\n==cloze== and ==1;;x;;h==\n#flashcards\n",
        0,
        0,
        6,
    );
    // A card across the line the plugin skips after a one-line HTML comment.
    checks::check_grade(
        "==cloze== and ==1;;x;;h==\n<!-- c -->\n\n<!--SR:!2025-01-03,15,290-->\n",
        5,
        0,
        6,
    );
    // A broken `<!--SR:` line ends a single-line card; the new comment after it starts a
    // multi-line card with the `?` below (the plugin writes the same).
    checks::check_grade("!::\n<!--SR:\n?", 5, 231, 6);
    // Comments on the card's line: the comment line is joined to the card line, and the
    // callout header below then makes the single-line card take the lines after it.
    checks::check_grade(
        "> quoted::card\n<!--SR:!2025-01-03,15,290-->\n> [!sr|card-metadata]\n==cloze== and ==1;;x;;h==\n#flashcards\n",
        9,
        0,
        6,
    );
    // The card's separator lies inside its comment: the write replaces both.
    checks::check_grade("#flashcards<!--SR:00@@-->", 3, 70, 6);
    // A cloze card whose only "deletion" is its leading tag has no sides.
    checks::check_parse("#\u{fffd}", checks::VARIANT_COUNT - 1);
    // Every character a cloze deletion: was cubic in the line length (5.5 s for 11 KB).
    let line = "x".repeat(2000);
    let t = std::time::Instant::now();
    checks::check_parse(&format!("#\n{line}\n"), checks::VARIANT_COUNT - 1);
    assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
}
