//! Exact conversions between byte offsets and `(line, character)` positions.
//!
//! Why this module exists: LSP clients speak in lines and UTF-16 code units
//! (or UTF-8 / UTF-32 when negotiated), while the rope, tree-sitter and the
//! flashcard scanner speak in byte offsets. Getting this wrong corrupts
//! documents on the first emoji, so the rules are fixed here once:
//!
//! - Only `\n`, `\r\n` and a lone `\r` end a line (never U+2028, NEL, VT, FF),
//!   matching ropey's `cr_lines` feature and the LSP specification.
//! - A character past the end of a line clamps to the line end, before the
//!   terminator; a line past the end of the document clamps to the document
//!   end.
//! - A position inside a character (mid UTF-8 sequence, or between the two
//!   halves of a UTF-16 surrogate pair) snaps to the start of that character.
//! - A byte offset between the `\r` and `\n` of a CRLF snaps before the `\r`.
//!
//! There are two implementations with the same contract: one over a
//! [`ropey::Rope`] (the server's documents, `O(log n)` by ropey's indices) and
//! one over `&str` through [`LineIndex`] (the CLI's strings). Property tests
//! check that they agree.

use std::fmt;

use ropey::Rope;

/// How the `character` of a [`Pos`] counts: UTF-8 bytes, UTF-16 code units or
/// Unicode scalar values (UTF-32). The LSP default is UTF-16.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// Width of `c` in this encoding's units.
    #[inline]
    pub fn len_of(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }

    /// Width of `s` in this encoding's units.
    pub fn len_of_str(self, s: &str) -> usize {
        match self {
            Encoding::Utf8 => s.len(),
            _ if s.is_ascii() => s.len(),
            Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
            Encoding::Utf32 => s.chars().count(),
        }
    }

    /// From the LSP `PositionEncodingKind` spelling (`"utf-8"`, `"utf-16"`,
    /// `"utf-32"`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "utf-8" => Some(Encoding::Utf8),
            "utf-16" => Some(Encoding::Utf16),
            "utf-32" => Some(Encoding::Utf32),
            _ => None,
        }
    }

    /// The LSP `PositionEncodingKind` spelling.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
            Encoding::Utf32 => "utf-32",
        }
    }

    /// All encodings, for tests and negotiation.
    pub const ALL: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];
}

/// A zero-based position: `line` and `character` offset within the line, in
/// the units of some [`Encoding`]. Plain data: the LSP layer converts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub character: u32,
}

impl Pos {
    pub const fn new(line: u32, character: u32) -> Self {
        Pos { line, character }
    }
}

/// Why a position did not name an exact character boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Clamp {
    /// The position fell inside a character (mid UTF-8 sequence or mid
    /// surrogate pair); snapped to the start of that character.
    InsideChar,
    /// `character` was past the end of the line; clamped to the line end
    /// (before the line terminator).
    PastLineEnd,
    /// `line` was past the last line; clamped to the end of the document.
    PastDocumentEnd,
}

/// A position resolved to a byte offset, with the reason if it was adjusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Resolved {
    /// A byte offset on a char boundary, never between `\r` and `\n`.
    pub offset: usize,
    /// `None` when the position was exact.
    pub clamp: Option<Clamp>,
}

impl Resolved {
    fn exact(offset: usize) -> Self {
        Resolved {
            offset,
            clamp: None,
        }
    }

    fn clamped(offset: usize, clamp: Clamp) -> Self {
        Resolved {
            offset,
            clamp: Some(clamp),
        }
    }

    pub fn is_clamped(&self) -> bool {
        self.clamp.is_some()
    }

    /// The offset if the position was exact, otherwise the clamping as an
    /// error (which still carries the nearest valid offset).
    pub fn into_exact(self) -> Result<usize, Clamped> {
        match self.clamp {
            None => Ok(self.offset),
            Some(clamp) => Err(Clamped {
                offset: self.offset,
                clamp,
            }),
        }
    }
}

/// A position that had to be clamped; `offset` is the nearest valid one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("position clamped ({clamp:?}) to byte offset {offset}")]
pub struct Clamped {
    pub offset: usize,
    pub clamp: Clamp,
}

#[inline]
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------
// Rope
// ---------------------------------------------------------------------------

/// Snap a byte offset to a valid one in `rope`: at most the length, on a
/// char boundary (start of the containing char), never between `\r` and `\n`.
pub fn snap_offset(rope: &Rope, byte: usize) -> usize {
    let byte = byte.min(rope.len_bytes());
    let b = rope.char_to_byte(rope.byte_to_char(byte));
    if b > 0 && rope.get_byte(b) == Some(b'\n') && rope.byte(b - 1) == b'\r' {
        b - 1
    } else {
        b
    }
}

/// Byte offset -> position. Offsets past the end clamp to the end; offsets
/// inside a char or inside a CRLF snap as described in the module docs.
pub fn offset_to_pos(rope: &Rope, byte: usize, enc: Encoding) -> Pos {
    let byte = snap_offset(rope, byte);
    let line = rope.byte_to_line(byte);
    let line_start = rope.line_to_byte(line);
    let character = match enc {
        Encoding::Utf8 => byte - line_start,
        Encoding::Utf32 => rope.byte_to_char(byte) - rope.byte_to_char(line_start),
        Encoding::Utf16 => {
            rope.char_to_utf16_cu(rope.byte_to_char(byte))
                - rope.char_to_utf16_cu(rope.byte_to_char(line_start))
        }
    };
    Pos {
        line: to_u32(line),
        character: to_u32(character),
    }
}

/// Byte range `[start, content_end)` of `line` without its terminator, or
/// `None` when the line does not exist.
pub fn line_content_range(rope: &Rope, line: usize) -> Option<(usize, usize)> {
    if line >= rope.len_lines() {
        return None;
    }
    let start = rope.line_to_byte(line);
    let end = rope.line_to_byte(line + 1);
    let term = match (end > start).then(|| rope.byte(end - 1)) {
        Some(b'\n') if end - 1 > start && rope.byte(end - 2) == b'\r' => 2,
        Some(b'\n' | b'\r') => 1,
        _ => 0,
    };
    Some((start, end - term))
}

/// Position -> byte offset, clamping (see [`Clamp`]); never panics.
pub fn pos_to_offset(rope: &Rope, pos: Pos, enc: Encoding) -> Resolved {
    let Some((start, end)) = line_content_range(rope, pos.line as usize) else {
        return Resolved::clamped(rope.len_bytes(), Clamp::PastDocumentEnd);
    };
    let character = pos.character as usize;
    match enc {
        Encoding::Utf8 => {
            let target = start.saturating_add(character);
            if target > end {
                return Resolved::clamped(end, Clamp::PastLineEnd);
            }
            let snapped = rope.char_to_byte(rope.byte_to_char(target));
            if snapped == target {
                Resolved::exact(target)
            } else {
                Resolved::clamped(snapped, Clamp::InsideChar)
            }
        }
        Encoding::Utf32 => {
            let target = rope.byte_to_char(start).saturating_add(character);
            if target > rope.byte_to_char(end) {
                return Resolved::clamped(end, Clamp::PastLineEnd);
            }
            Resolved::exact(rope.char_to_byte(target))
        }
        Encoding::Utf16 => {
            let target = rope
                .char_to_utf16_cu(rope.byte_to_char(start))
                .saturating_add(character);
            if target > rope.char_to_utf16_cu(rope.byte_to_char(end)) {
                return Resolved::clamped(end, Clamp::PastLineEnd);
            }
            let ch = rope.utf16_cu_to_char(target);
            let offset = rope.char_to_byte(ch);
            if rope.char_to_utf16_cu(ch) == target {
                Resolved::exact(offset)
            } else {
                Resolved::clamped(offset, Clamp::InsideChar)
            }
        }
    }
}

// ---------------------------------------------------------------------------
// &str
// ---------------------------------------------------------------------------

/// Snaps a byte offset into `text` as [`snap_offset`] does for a rope: at most the length, onto
/// the start of the containing char, never between `\r` and `\n`.
pub fn snap_str_offset(text: &str, byte: usize) -> usize {
    let mut b = byte.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    let bytes = text.as_bytes();
    if b > 0 && bytes.get(b) == Some(&b'\n') && bytes[b - 1] == b'\r' {
        b - 1
    } else {
        b
    }
}

/// Byte offset -> position over any line table of `text`: `line_of` maps a snapped offset to its
/// line and that line's start. [`LineIndex`] and an open note's own line table both convert
/// through here, so they cannot disagree.
pub fn offset_to_pos_in(
    text: &str,
    byte: usize,
    enc: Encoding,
    line_of: impl Fn(usize) -> (usize, usize),
) -> Pos {
    let byte = snap_str_offset(text, byte);
    let (line, start) = line_of(byte);
    let start = start.min(byte);
    Pos {
        line: to_u32(line),
        character: to_u32(enc.len_of_str(&text[start..byte])),
    }
}

/// Line starts of a `&str`, for repeated conversions (the CLI reports many
/// positions per file). Same contract as the rope functions.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of every line; `starts[0] == 0`. A trailing
    /// terminator starts one last empty line, as in ropey and LSP.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { text, starts }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Number of lines (at least 1; a trailing terminator adds an empty one).
    pub fn len_lines(&self) -> usize {
        self.starts.len()
    }

    /// See [`snap_offset`].
    pub fn snap_offset(&self, byte: usize) -> usize {
        snap_str_offset(self.text, byte)
    }

    /// Line containing the (snapped) byte offset.
    fn line_of(&self, byte: usize) -> usize {
        self.starts.partition_point(|&s| s <= byte) - 1
    }

    /// See [`line_content_range`].
    pub fn line_content_range(&self, line: usize) -> Option<(usize, usize)> {
        let start = *self.starts.get(line)?;
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let s = &self.text.as_bytes()[start..end];
        let term = if s.ends_with(b"\r\n") {
            2
        } else if s.ends_with(b"\n") || s.ends_with(b"\r") {
            1
        } else {
            0
        };
        Some((start, end - term))
    }

    /// See [`offset_to_pos`].
    pub fn offset_to_pos(&self, byte: usize, enc: Encoding) -> Pos {
        offset_to_pos_in(self.text, byte, enc, |b| {
            let line = self.line_of(b);
            (line, self.starts[line])
        })
    }

    /// See [`pos_to_offset`].
    pub fn pos_to_offset(&self, pos: Pos, enc: Encoding) -> Resolved {
        let Some((start, end)) = self.line_content_range(pos.line as usize) else {
            return Resolved::clamped(self.text.len(), Clamp::PastDocumentEnd);
        };
        let target = pos.character as usize;
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units == target {
                return Resolved::exact(start + i);
            }
            units += enc.len_of(c);
            if units > target {
                return Resolved::clamped(start + i, Clamp::InsideChar);
            }
        }
        if units == target {
            Resolved::exact(end)
        } else {
            Resolved::clamped(end, Clamp::PastLineEnd)
        }
    }

    /// 1-based line and column of a byte offset, for `path:line:col`.
    /// See [`LineCol`] for the unit of the column.
    pub fn line_col(&self, byte: usize) -> LineCol {
        let p = self.offset_to_pos(byte, Encoding::Utf32);
        LineCol {
            line: p.line as usize + 1,
            col: p.character as usize + 1,
        }
    }

    /// Byte offset of a 1-based [`LineCol`] (e.g. parsed from a command
    /// line); `0` for line or column is treated as `1`. Clamps like
    /// [`pos_to_offset`].
    pub fn line_col_to_offset(&self, lc: LineCol) -> Resolved {
        let pos = Pos {
            line: to_u32(lc.line.saturating_sub(1)),
            character: to_u32(lc.col.saturating_sub(1)),
        };
        self.pos_to_offset(pos, Encoding::Utf32)
    }
}

/// [`LineIndex::offset_to_pos`] for a one-off conversion (builds the index:
/// `O(n)`; keep a [`LineIndex`] for many).
pub fn str_offset_to_pos(text: &str, byte: usize, enc: Encoding) -> Pos {
    LineIndex::new(text).offset_to_pos(byte, enc)
}

/// [`LineIndex::pos_to_offset`] for a one-off conversion.
pub fn str_pos_to_offset(text: &str, pos: Pos, enc: Encoding) -> Resolved {
    LineIndex::new(text).pos_to_offset(pos, enc)
}

/// A 1-based line and column for human-facing `path:line:col` output.
///
/// The column counts Unicode scalar values (chars), as rustc does and as
/// terminal link handlers expect: an emoji or a CJK character counts 1, a tab
/// counts 1, a ZWJ sequence counts each of its scalars. Lines end only at
/// `\n`, `\r\n` or `\r`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// 1-based [`LineCol`] of a byte offset in `text` (column in chars).
pub fn line_col(text: &str, byte: usize) -> LineCol {
    LineIndex::new(text).line_col(byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both_pos(text: &str, byte: usize, enc: Encoding) -> Pos {
        let rope = Rope::from_str(text);
        let a = offset_to_pos(&rope, byte, enc);
        let b = str_offset_to_pos(text, byte, enc);
        assert_eq!(a, b, "rope vs str for {text:?} @ {byte} {enc:?}");
        a
    }

    fn both_off(text: &str, pos: Pos, enc: Encoding) -> Resolved {
        let rope = Rope::from_str(text);
        let a = pos_to_offset(&rope, pos, enc);
        let b = str_pos_to_offset(text, pos, enc);
        assert_eq!(a, b, "rope vs str for {text:?} @ {pos:?} {enc:?}");
        a
    }

    #[test]
    fn encoding_names() {
        for enc in Encoding::ALL {
            assert_eq!(Encoding::from_name(enc.name()), Some(enc));
        }
        assert_eq!(Encoding::from_name("utf-7"), None);
        assert_eq!(Encoding::default(), Encoding::Utf16);
    }

    #[test]
    fn astral_widths() {
        // "a😀b": 😀 is 4 bytes, 2 UTF-16 units, 1 scalar.
        let t = "a😀b";
        assert_eq!(both_pos(t, 5, Encoding::Utf8), Pos::new(0, 5));
        assert_eq!(both_pos(t, 5, Encoding::Utf16), Pos::new(0, 3));
        assert_eq!(both_pos(t, 5, Encoding::Utf32), Pos::new(0, 2));
        assert_eq!(both_off(t, Pos::new(0, 3), Encoding::Utf16).offset, 5);
    }

    #[test]
    fn mid_surrogate_snaps_to_char_start() {
        let t = "a😀b";
        let r = both_off(t, Pos::new(0, 2), Encoding::Utf16);
        assert_eq!(r, Resolved::clamped(1, Clamp::InsideChar));
    }

    #[test]
    fn mid_utf8_snaps_to_char_start() {
        let t = "x中y";
        for b in 2..4 {
            assert_eq!(both_pos(t, b, Encoding::Utf8), Pos::new(0, 1));
            let r = both_off(t, Pos::new(0, b as u32), Encoding::Utf8);
            assert_eq!(r, Resolved::clamped(1, Clamp::InsideChar));
        }
    }

    #[test]
    fn line_terminators() {
        let t = "a\r\nb\rc\nd\u{2028}e\u{85}f\u{b}g\u{c}h";
        assert_eq!(both_pos(t, 3, Encoding::Utf16), Pos::new(1, 0));
        assert_eq!(both_pos(t, 5, Encoding::Utf16), Pos::new(2, 0));
        assert_eq!(both_pos(t, 7, Encoding::Utf16), Pos::new(3, 0));
        // U+2028, NEL, VT, FF do not end lines.
        assert_eq!(both_pos(t, t.len(), Encoding::Utf32), Pos::new(3, 9));
        assert_eq!(Rope::from_str(t).len_lines(), 4);
        assert_eq!(LineIndex::new(t).len_lines(), 4);
    }

    #[test]
    fn between_cr_and_lf_snaps_before_cr() {
        let t = "ab\r\ncd";
        assert_eq!(both_pos(t, 3, Encoding::Utf8), Pos::new(0, 2));
        assert_eq!(LineIndex::new(t).snap_offset(3), 2);
        assert_eq!(snap_offset(&Rope::from_str(t), 3), 2);
    }

    #[test]
    fn clamping() {
        let t = "ab\r\ncd\n";
        assert_eq!(
            both_off(t, Pos::new(0, 9), Encoding::Utf16),
            Resolved::clamped(2, Clamp::PastLineEnd)
        );
        assert_eq!(
            both_off(t, Pos::new(1, 2), Encoding::Utf16),
            Resolved::exact(6)
        );
        // Last line is the empty one after the trailing newline.
        assert_eq!(
            both_off(t, Pos::new(2, 0), Encoding::Utf16),
            Resolved::exact(7)
        );
        assert_eq!(
            both_off(t, Pos::new(2, 1), Encoding::Utf16),
            Resolved::clamped(7, Clamp::PastLineEnd)
        );
        assert_eq!(
            both_off(t, Pos::new(3, 0), Encoding::Utf16),
            Resolved::clamped(7, Clamp::PastDocumentEnd)
        );
        assert_eq!(
            both_off(t, Pos::new(u32::MAX, u32::MAX), Encoding::Utf8),
            Resolved::clamped(7, Clamp::PastDocumentEnd)
        );
        assert_eq!(
            both_off(t, Pos::new(0, u32::MAX), Encoding::Utf8),
            Resolved::clamped(2, Clamp::PastLineEnd)
        );
        assert_eq!(both_pos(t, 1000, Encoding::Utf16), Pos::new(2, 0));
    }

    #[test]
    fn empty_text() {
        assert_eq!(both_pos("", 0, Encoding::Utf16), Pos::new(0, 0));
        assert_eq!(
            both_off("", Pos::new(0, 0), Encoding::Utf16),
            Resolved::exact(0)
        );
        assert_eq!(
            both_off("", Pos::new(1, 0), Encoding::Utf16),
            Resolved::clamped(0, Clamp::PastDocumentEnd)
        );
    }

    #[test]
    fn into_exact() {
        let t = "ab";
        assert_eq!(
            both_off(t, Pos::new(0, 1), Encoding::Utf8).into_exact(),
            Ok(1)
        );
        assert_eq!(
            both_off(t, Pos::new(0, 5), Encoding::Utf8).into_exact(),
            Err(Clamped {
                offset: 2,
                clamp: Clamp::PastLineEnd
            })
        );
    }

    #[test]
    fn line_col_is_one_based_chars() {
        let t = "a\n\t😀中x";
        let x = t.find('x').unwrap();
        let lc = line_col(t, x);
        assert_eq!(lc, LineCol { line: 2, col: 4 });
        assert_eq!(lc.to_string(), "2:4");
        let idx = LineIndex::new(t);
        assert_eq!(idx.line_col_to_offset(lc), Resolved::exact(x));
        assert_eq!(
            idx.line_col_to_offset(LineCol { line: 0, col: 0 }),
            Resolved::exact(0)
        );
    }
}
