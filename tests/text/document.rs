//! Property tests of the incremental document: random batches of changes (in
//! every encoding, with out-of-range, reversed and mid-surrogate positions)
//! must leave the rope equal to a reference `String` edited with the same
//! clamping rules, and the incrementally reparsed tree equal to a fresh parse.

use proptest::prelude::*;
use srls::text::position::{Encoding, Pos, str_pos_to_offset};
use srls::text::{Change, Document, StaleVersion};
use tree_sitter::Point;

#[path = "../../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;
use checks::{DOC_PIECES as PIECES, same_as_fresh};

fn text_strategy(max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        12 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

fn pos_strategy() -> impl Strategy<Value = Pos> {
    let line = prop_oneof![8 => 0u32..10, 2 => 0u32..400, 1 => any::<u32>()];
    let character = prop_oneof![8 => 0u32..20, 1 => any::<u32>()];
    (line, character).prop_map(|(l, c)| Pos::new(l, c))
}

fn change_strategy() -> impl Strategy<Value = Change> {
    prop_oneof![
        1 => text_strategy(12).prop_map(Change::full),
        14 => (pos_strategy(), pos_strategy(), text_strategy(5))
            .prop_map(|(s, e, t)| Change::ranged(s, e, t)),
    ]
}

fn naive_point(text: &str, byte: usize) -> Point {
    let before = &text.as_bytes()[..byte];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Point {
        row,
        column: byte - line_start,
    }
}

/// Reference edit on a `String`, with the `&str` position functions.
fn reference_apply(text: &mut String, change: &Change, enc: Encoding) -> (usize, usize, usize) {
    match change.range {
        None => {
            let old = text.len();
            *text = change.text.clone();
            (0, old, text.len())
        }
        Some((s, e)) => {
            let s = str_pos_to_offset(text, s, enc).offset;
            let e = str_pos_to_offset(text, e, enc).offset;
            let (s, e) = (s.min(e), s.max(e));
            text.replace_range(s..e, &change.text);
            (s, e, s + change.text.len())
        }
    }
}

/// `PROPTEST_CASES` overrides the default count, for longer soaks.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn incremental_edits_match_reference(
        // Sometimes longer than a rope chunk, so reads cross chunks.
        initial in prop_oneof![
            4 => text_strategy(30),
            1 => text_strategy(30).prop_map(|t| t.repeat(80)),
        ],
        enc in proptest::sample::select(Encoding::ALL.to_vec()),
        batches in proptest::collection::vec(
            proptest::collection::vec(change_strategy(), 1..4), 1..12),
    ) {
        let mut doc = Document::keeping_trees(&initial, 0, enc, 0);
        let mut reference = initial.clone();
        for (i, batch) in batches.iter().enumerate() {
            let version = i as i32 + 1;
            let edits = doc.apply_changes(version, batch).unwrap();
            prop_assert_eq!(edits.len(), batch.len());
            for (change, edit) in batch.iter().zip(&edits) {
                let before = reference.clone();
                let expected = reference_apply(&mut reference, change, enc);
                prop_assert_eq!(edit.start_point, naive_point(&before, expected.0));
                prop_assert_eq!(edit.old_end_point, naive_point(&before, expected.1));
                prop_assert_eq!(edit.new_end_point, naive_point(&reference, expected.2));
                prop_assert_eq!(
                    (edit.start_byte, edit.old_end_byte, edit.new_end_byte),
                    expected
                );
            }
            prop_assert_eq!(doc.text(), reference.as_str());
            prop_assert_eq!(doc.version(), version);

            if let Err(e) = same_as_fresh(&doc) {
                prop_assert!(false, "trees differ for {:?}: {}", reference, e);
            }

            // Tree-sitter points (rows by `\n` only) at every char boundary,
            // against one naive pass over the bytes.
            // (A sample of them in long texts: ts_point is O(n) with lone CRs.)
            let stride = if reference.len() > 4096 { 7 } else { 1 };
            let mut naive = Point { row: 0, column: 0 };
            for (b, &byte) in reference.as_bytes().iter().chain([&0]).enumerate() {
                let crlf = b > 0 && byte == b'\n' && reference.as_bytes()[b - 1] == b'\r';
                // Between `\r` and `\n` snaps before the `\r`.
                if reference.is_char_boundary(b) && !crlf && (b % stride == 0 || b == reference.len()) {
                    prop_assert_eq!(doc.ts_point(b), naive, "byte {}", b);
                }
                if byte == b'\n' {
                    naive = Point { row: naive.row + 1, column: 0 };
                } else {
                    naive.column += 1;
                }
            }

            // A stale change is rejected and leaves everything as it was.
            let stale = doc.apply_changes(version, &[Change::full("stale")]);
            prop_assert_eq!(stale, Err(StaleVersion { current: version, got: version }));
            prop_assert_eq!(doc.text(), reference.as_str());
        }
    }
}

#[test]
fn keystrokes_into_a_long_note_stay_in_sync() {
    // A note longer than one rope chunk, edited one character at a time, as
    // an editor would: exercises chunked reads during incremental reparses.
    let mut text = String::from("---\ntags: [cards]\n---\n");
    for i in 0..200 {
        text.push_str(&format!(
            "## Heading {i} 😀\r\n\nQuestion {i}::Answer 中文\n\n```\ncode {i}\n```\n\n"
        ));
    }
    let mut doc = Document::new(&text, 0);
    let mut reference = text.clone();
    let mut version = 0;
    for (k, ch) in "# New ```\n> q\r?\n".chars().enumerate() {
        version += 1;
        let line = (k * 37 % 900) as u32;
        let change = Change::ranged(Pos::new(line, 3), Pos::new(line, 3), ch.to_string());
        reference_apply(&mut reference, &change, Encoding::Utf16);
        doc.apply_changes(version, &[change]).unwrap();
        assert_eq!(doc.text(), reference);
        same_as_fresh(&doc).unwrap();
    }
}
