//! Property tests of position conversion: the rope and `&str` implementations
//! against each other and against a naive reference written from the rules.

use proptest::prelude::*;
use ropey::Rope;
use srls::text::position::{
    self, Clamp, Encoding, LineIndex, Pos, Resolved, str_offset_to_pos, str_pos_to_offset,
};

/// Pieces that stress the rules: astral chars, ZWJ sequences, CJK, combining
/// marks, tabs, every line terminator, and characters that must NOT end a
/// line (U+2028, U+2029, NEL, VT, FF).
const PIECES: &[&str] = &[
    "a",
    "Z",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\r\r\n",
    "\n\r",
    "中",
    "日本語",
    "é",
    "e\u{301}",
    "😀",
    "👨\u{200d}👩\u{200d}👧\u{200d}👦",
    "🏳\u{fe0f}\u{200d}🌈",
    "𝄞",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\u{b}",
    "\u{c}",
    "#",
    "::",
];

fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn encoding() -> impl Strategy<Value = Encoding> {
    proptest::sample::select(Encoding::ALL.to_vec())
}

/// Naive reference: lines as (start, content_end) pairs, scanned bytewise.
fn naive_lines(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            let content_end = i;
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            lines.push((start, content_end));
            start = i + 1;
        }
        i += 1;
    }
    lines.push((start, b.len()));
    lines
}

fn units(s: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => s.encode_utf16().count(),
        Encoding::Utf32 => s.chars().count(),
    }
}

fn naive_offset_to_pos(text: &str, byte: usize, enc: Encoding) -> Pos {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    if byte > 0 && text[byte..].starts_with('\n') && text[..byte].ends_with('\r') {
        byte -= 1;
    }
    let lines = naive_lines(text);
    let line = lines.iter().rposition(|&(s, _)| s <= byte).unwrap();
    let start = lines[line].0;
    Pos::new(line as u32, units(&text[start..byte], enc) as u32)
}

fn naive_pos_to_offset(text: &str, pos: Pos, enc: Encoding) -> Resolved {
    let lines = naive_lines(text);
    let Some(&(start, end)) = lines.get(pos.line as usize) else {
        return Resolved {
            offset: text.len(),
            clamp: Some(Clamp::PastDocumentEnd),
        };
    };
    let want = pos.character as u64;
    let mut acc = 0u64;
    for (i, c) in text[start..end].char_indices() {
        let w = units(c.encode_utf8(&mut [0; 4]), enc) as u64;
        if acc == want {
            return Resolved {
                offset: start + i,
                clamp: None,
            };
        }
        if acc < want && want < acc + w {
            return Resolved {
                offset: start + i,
                clamp: Some(Clamp::InsideChar),
            };
        }
        acc += w;
    }
    Resolved {
        offset: end,
        clamp: (acc != want).then_some(Clamp::PastLineEnd),
    }
}

fn between_cr_lf(text: &str, b: usize) -> bool {
    b > 0 && text[b..].starts_with('\n') && text[..b].ends_with('\r')
}

/// `PROPTEST_CASES` overrides the default count, for longer soaks.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(512)))]

    /// offset -> pos -> offset is the identity on every char boundary (in
    /// every encoding), except between `\r` and `\n`, which snaps before `\r`.
    #[test]
    fn round_trip_every_boundary(text in text_strategy()) {
        let rope = Rope::from_str(&text);
        let index = LineIndex::new(&text);
        prop_assert_eq!(rope.len_lines(), index.len_lines());
        prop_assert_eq!(rope.len_lines(), naive_lines(&text).len());
        for enc in Encoding::ALL {
            for (b, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let pos = position::offset_to_pos(&rope, b, enc);
                prop_assert_eq!(pos, index.offset_to_pos(b, enc));
                prop_assert_eq!(pos, naive_offset_to_pos(&text, b, enc));
                let back = position::pos_to_offset(&rope, pos, enc);
                prop_assert_eq!(back, index.pos_to_offset(pos, enc));
                let expected = if between_cr_lf(&text, b) { b - 1 } else { b };
                prop_assert_eq!(back, Resolved { offset: expected, clamp: None });
            }
        }
    }

    /// Every byte offset, boundary or not and past the end, converts the same
    /// way in all three implementations.
    #[test]
    fn every_byte_agrees(text in text_strategy(), enc in encoding()) {
        let rope = Rope::from_str(&text);
        let index = LineIndex::new(&text);
        for b in 0..text.len() + 3 {
            let pos = position::offset_to_pos(&rope, b, enc);
            prop_assert_eq!(pos, index.offset_to_pos(b, enc));
            prop_assert_eq!(pos, str_offset_to_pos(&text, b, enc));
            prop_assert_eq!(pos, naive_offset_to_pos(&text, b, enc));
            let snapped = position::snap_offset(&rope, b);
            prop_assert_eq!(snapped, index.snap_offset(b));
            prop_assert!(text.is_char_boundary(snapped) && !between_cr_lf(&text, snapped));
        }
    }

    /// Arbitrary (line, character), including huge ones, never panic and
    /// resolve identically; an exact result converts back to the same
    /// position.
    #[test]
    fn arbitrary_positions_clamp(
        text in text_strategy(),
        enc in encoding(),
        line in prop_oneof![4 => 0u32..12, 1 => any::<u32>()],
        character in prop_oneof![4 => 0u32..40, 1 => any::<u32>()],
    ) {
        let rope = Rope::from_str(&text);
        let pos = Pos::new(line, character);
        let r = position::pos_to_offset(&rope, pos, enc);
        prop_assert_eq!(r, str_pos_to_offset(&text, pos, enc));
        prop_assert_eq!(r, naive_pos_to_offset(&text, pos, enc));
        prop_assert!(text.is_char_boundary(r.offset) && !between_cr_lf(&text, r.offset));
        if r.clamp.is_none() {
            prop_assert_eq!(position::offset_to_pos(&rope, r.offset, enc), pos);
        }
    }
}

#[test]
fn utf16_never_counts_chars() {
    // 𝄞 is one char but two UTF-16 units: a char-count implementation would
    // put `x` at character 2 instead of 3.
    let text = "a𝄞x";
    let x = text.find('x').unwrap();
    assert_eq!(str_offset_to_pos(text, x, Encoding::Utf16), Pos::new(0, 3));
    assert_eq!(
        position::offset_to_pos(&Rope::from_str(text), x, Encoding::Utf16),
        Pos::new(0, 3)
    );
}
