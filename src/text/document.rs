//! An open document: rope text plus an incrementally maintained tree-sitter-md
//! block tree.
//!
//! Why: the server receives `didChange` on every keystroke. Re-copying and
//! re-parsing a long note each time is wasteful, so each change edits the
//! rope in place, tells the tree what moved (`Tree::edit`), and reparses with
//! the old tree, reading the rope chunk by chunk. The byte ranges of the
//! edits are returned so the flashcard scanner can rescan only what changed.
//!
//! Changes are applied in order, each against the text left by the previous
//! one (LSP semantics). Ranges out of bounds are clamped and reported, never
//! a panic: a confused client must not take the server down.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use ropey::Rope;
use tree_sitter::{Parser, Point};

use super::markdown::Blocks;
use super::position::{self, Clamp, Encoding, Pos, Resolved};
use super::segments::{self, Segments};
use crate::note::incremental::{EditSpan, merge_edits};

/// One `contentChanges` entry: `range: None` replaces the whole text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub range: Option<(Pos, Pos)>,
    pub text: String,
}

impl Change {
    /// Replace the whole document.
    pub fn full(text: impl Into<String>) -> Self {
        Change {
            range: None,
            text: text.into(),
        }
    }

    /// Replace `start..end` (in the document's [`Encoding`]).
    pub fn ranged(start: Pos, end: Pos, text: impl Into<String>) -> Self {
        Change {
            range: Some((start, end)),
            text: text.into(),
        }
    }
}

/// What one change did, in bytes: `start_byte..old_end_byte` of the text
/// before the change became `start_byte..new_end_byte` after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppliedEdit {
    pub start_byte: usize,
    pub old_end_byte: usize,
    pub new_end_byte: usize,
    /// Tree-sitter points of the three offsets (rows count `\n` only).
    pub start_point: Point,
    pub old_end_point: Point,
    pub new_end_point: Point,
    /// How the start position was adjusted, if it was (see [`Clamp`]).
    pub start_clamp: Option<Clamp>,
    /// How the end position was adjusted, if it was.
    pub end_clamp: Option<Clamp>,
    /// The range's start was after its end; the two were swapped.
    pub reversed: bool,
}

impl AppliedEdit {
    /// Whether the client's range had to be corrected (worth a log line).
    pub fn was_clamped(&self) -> bool {
        self.start_clamp.is_some() || self.end_clamp.is_some() || self.reversed
    }
}

/// A change whose version is not newer than the document's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("stale document version {got}: document is already at version {current}")]
pub struct StaleVersion {
    pub current: i32,
    pub got: i32,
}

/// Text (rope), LSP version, and the tree-sitter-md block trees of one note (one per segment,
/// see [`super::segments`]).
pub struct Document {
    rope: Rope,
    version: i32,
    segs: Segments,
    /// The text `segs` were parsed from (a rope clone shares its chunks).
    base: Rope,
    encoding: Encoding,
    parser: Parser,
    /// Number of `\r` not followed by `\n`. Tree-sitter counts rows by `\n`
    /// only while ropey also breaks lines at a lone `\r`; when there is none
    /// (nearly always) ropey's line index gives tree-sitter points directly.
    lone_crs: usize,
    /// Edits not yet brought into the trees (see [`Document::apply_changes_deferred`]).
    pending: Option<Pending>,
}

/// What changed since the trees were last brought up to date.
#[derive(Clone, Copy, Debug)]
enum Pending {
    /// `base` became `rope` through this one span.
    Span(EditSpan),
    /// Parse afresh (the whole text was replaced, or the edits could not be merged).
    Full,
}

/// What a background reparse needs (see [`Document::tree_snapshot`]): taken under the lock in
/// O(segments), parsed away from it with [`parse_snapshot`].
pub struct TreeSnapshot {
    rope: Rope,
    base: Rope,
    segs: Segments,
    pending: Option<Pending>,
}

/// Brings a snapshot's trees up to date, away from the document (another thread, no lock
/// held). Install the result with [`Document::install_tree`].
pub fn parse_snapshot(snap: TreeSnapshot) -> Segments {
    let mut parser = super::markdown::parser();
    let TreeSnapshot {
        rope,
        base,
        mut segs,
        pending,
    } = snap;
    bring_up_to_date(
        &mut parser,
        &mut segs,
        &base,
        &rope,
        pending,
        segments::UNBOUNDED,
    );
    segs
}

/// What bringing the trees up to date did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeUpdate {
    /// Nothing was pending.
    UpToDate,
    /// The trees of `start..old_end` (bytes of the text they were parsed from) were replaced by
    /// those of `start..new_end`; the trees after it only moved.
    Changed(EditSpan),
    /// Over the budget: nothing changed, the trees are still stale.
    Deferred,
}

/// Applies `pending` to `segs`.
fn bring_up_to_date(
    parser: &mut Parser,
    segs: &mut Segments,
    base: &Rope,
    rope: &Rope,
    pending: Option<Pending>,
    budget: usize,
) -> TreeUpdate {
    match pending {
        None => TreeUpdate::UpToDate,
        Some(Pending::Span(e)) => segs
            .update(parser, base, rope, e, budget)
            .map_or(TreeUpdate::Deferred, TreeUpdate::Changed),
        Some(Pending::Full) => {
            if rope.len_bytes() > budget {
                return TreeUpdate::Deferred;
            }
            *segs = Segments::parse_keeping(parser, rope, segs.keep_tree());
            TreeUpdate::Changed(EditSpan {
                start: 0,
                old_end: base.len_bytes(),
                new_end: rope.len_bytes(),
            })
        }
    }
}

/// Count `\r` not followed by `\n` among the bytes `range` of `rope`
/// (the byte after the range is looked at for the last `\r`).
fn count_lone_crs(rope: &Rope, range: Range<usize>) -> usize {
    if range.is_empty() {
        return 0;
    }
    let mut bytes = rope.bytes_at(range.start).peekable();
    let mut n = 0;
    for _ in range {
        let b = bytes.next();
        if b == Some(b'\r') && bytes.peek() != Some(&b'\n') {
            n += 1;
        }
    }
    n
}

/// Tree-sitter point just after `text` inserted at point `start`.
fn point_after(start: Point, text: &str) -> Point {
    match text.rfind('\n') {
        Some(i) => Point {
            row: start.row + text.bytes().filter(|&b| b == b'\n').count(),
            column: text.len() - i - 1,
        },
        None => Point {
            row: start.row,
            column: start.column + text.len(),
        },
    }
}

impl Document {
    /// A document with the LSP default encoding (UTF-16).
    pub fn new(text: &str, version: i32) -> Self {
        Self::with_encoding(text, version, Encoding::default())
    }

    /// A document whose [`Change`] positions use `encoding` (as negotiated
    /// with the client).
    pub fn with_encoding(text: &str, version: i32, encoding: Encoding) -> Self {
        Self::keeping_trees(text, version, encoding, segments::KEEP_TREE)
    }

    /// A document whose segments of at least `keep_tree` bytes keep their tree-sitter tree (see
    /// [`segments::KEEP_TREE`]; 0 keeps every tree, for tests comparing trees node by node).
    pub fn keeping_trees(text: &str, version: i32, encoding: Encoding, keep_tree: usize) -> Self {
        let rope = Rope::from_str(text);
        let mut parser = super::markdown::parser();
        let segs = Segments::parse_keeping(&mut parser, &rope, keep_tree);
        let lone_crs = count_lone_crs(&rope, 0..rope.len_bytes());
        Document {
            base: rope.clone(),
            rope,
            version,
            segs,
            encoding,
            parser,
            lone_crs,
            pending: None,
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The whole text; borrowed when the rope is a single chunk.
    pub fn text(&self) -> Cow<'_, str> {
        Cow::from(&self.rope)
    }

    /// Text of a byte range, snapped to valid offsets (see
    /// [`position::snap_offset`]); borrowed when it lies in one chunk.
    pub fn slice(&self, range: Range<usize>) -> Cow<'_, str> {
        let start = position::snap_offset(&self.rope, range.start);
        let end = position::snap_offset(&self.rope, range.end).max(start);
        Cow::from(self.rope.byte_slice(start..end))
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    /// The segments and their trees.
    pub fn segments(&self) -> &Segments {
        &self.segs
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Headings, front matter, code and HTML blocks of the current text.
    pub fn blocks(&self) -> Blocks {
        self.segs.blocks()
    }

    /// Byte offset -> position in the document's encoding.
    pub fn offset_to_pos(&self, byte: usize) -> Pos {
        position::offset_to_pos(&self.rope, byte, self.encoding)
    }

    /// Position in the document's encoding -> byte offset (clamped).
    pub fn pos_to_offset(&self, pos: Pos) -> Resolved {
        position::pos_to_offset(&self.rope, pos, self.encoding)
    }

    /// Tree-sitter point of a byte offset (snapped like
    /// [`position::snap_offset`]): rows count `\n` only (a lone `\r` does
    /// not start a row for tree-sitter), columns are bytes since the last
    /// `\n`. This is what `Tree::edit` needs, and what node positions use.
    pub fn ts_point(&self, byte: usize) -> Point {
        let byte = position::snap_offset(&self.rope, byte);
        if self.lone_crs == 0 {
            let row = self.rope.byte_to_line(byte);
            return Point {
                row,
                column: byte - self.rope.line_to_byte(row),
            };
        }
        let (mut row, mut line_start, mut pos) = (0, 0, 0);
        for chunk in self.rope.chunks() {
            if pos >= byte {
                break;
            }
            let part = &chunk.as_bytes()[..chunk.len().min(byte - pos)];
            for (i, &b) in part.iter().enumerate() {
                if b == b'\n' {
                    row += 1;
                    line_start = pos + i + 1;
                }
            }
            pos += chunk.len();
        }
        Point {
            row,
            column: byte - line_start,
        }
    }

    /// Apply `changes` in order (each against the text left by the previous
    /// one) and move to `version`.
    ///
    /// A `version` not greater than the current one is rejected and the
    /// document is left unchanged. Out-of-range positions are clamped and a
    /// reversed range is swapped; both are reported in the returned edits.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: &[Change],
    ) -> Result<Vec<AppliedEdit>, StaleVersion> {
        let edits = self.apply_changes_deferred(version, changes)?;
        self.ensure_tree();
        Ok(edits)
    }

    /// Like [`apply_changes`](Self::apply_changes), but leaves the trees for later: the edits
    /// are remembered (merged into one span) until [`ensure_tree`](Self::ensure_tree),
    /// [`try_ensure_tree`](Self::try_ensure_tree) or [`install_tree`](Self::install_tree).
    pub fn apply_changes_deferred(
        &mut self,
        version: i32,
        changes: &[Change],
    ) -> Result<Vec<AppliedEdit>, StaleVersion> {
        if version <= self.version {
            return Err(StaleVersion {
                current: self.version,
                got: version,
            });
        }
        let mut edits = Vec::with_capacity(changes.len());
        for change in changes {
            match change.range {
                None => {
                    let old_end = self.rope.len_bytes();
                    let old_end_point = self.ts_point(old_end);
                    self.rope = Rope::from_str(&change.text);
                    self.lone_crs = count_lone_crs(&self.rope, 0..self.rope.len_bytes());
                    self.pending = Some(Pending::Full);
                    edits.push(AppliedEdit {
                        start_byte: 0,
                        old_end_byte: old_end,
                        new_end_byte: change.text.len(),
                        start_point: Point::default(),
                        old_end_point,
                        new_end_point: point_after(Point::default(), &change.text),
                        start_clamp: None,
                        end_clamp: None,
                        reversed: false,
                    });
                }
                Some((start, end)) => {
                    let edit = self.apply_ranged(start, end, &change.text);
                    let span = EditSpan {
                        start: edit.start_byte,
                        old_end: edit.old_end_byte,
                        new_end: edit.new_end_byte,
                    };
                    self.pending = match self.pending {
                        None => Some(Pending::Span(span)),
                        Some(Pending::Span(p)) => {
                            Some(merge_edits(&[p, span]).map_or(Pending::Full, Pending::Span))
                        }
                        Some(Pending::Full) => Some(Pending::Full),
                    };
                    edits.push(edit);
                }
            }
        }
        self.version = version;
        Ok(edits)
    }

    /// Whether the trees lag behind the text.
    pub fn tree_is_stale(&self) -> bool {
        self.pending.is_some()
    }

    /// What a background reparse needs: the texts, the segments and the pending edits.
    pub fn tree_snapshot(&self) -> TreeSnapshot {
        TreeSnapshot {
            rope: self.rope.clone(),
            base: self.base.clone(),
            segs: self.segs.clone(),
            pending: self.pending,
        }
    }

    /// Installs trees brought up to date from the snapshot taken at `version`; ignored if the
    /// text changed since.
    pub fn install_tree(&mut self, version: i32, segs: Segments) -> bool {
        if version != self.version || self.pending.is_none() {
            return false;
        }
        self.segs = segs;
        self.base = self.rope.clone();
        self.pending = None;
        true
    }

    /// Brings the trees up to date now.
    pub fn ensure_tree(&mut self) {
        self.try_ensure_tree(segments::UNBOUNDED);
    }

    /// Brings the trees up to date if that parses at most `budget` bytes (an edit inside a
    /// paragraph parses that paragraph); otherwise leaves them stale.
    pub fn try_ensure_tree(&mut self, budget: usize) -> TreeUpdate {
        let done = bring_up_to_date(
            &mut self.parser,
            &mut self.segs,
            &self.base,
            &self.rope,
            self.pending,
            budget,
        );
        if done != TreeUpdate::Deferred {
            self.pending = None;
            self.base = self.rope.clone();
        }
        done
    }

    /// Edit the rope for one ranged change.
    fn apply_ranged(&mut self, start: Pos, end: Pos, text: &str) -> AppliedEdit {
        let s = self.pos_to_offset(start);
        let e = self.pos_to_offset(end);
        let reversed = s.offset > e.offset;
        let (s, e) = if reversed { (e, s) } else { (s, e) };
        let (start_byte, old_end_byte) = (s.offset, e.offset);
        let new_end_byte = start_byte + text.len();

        let start_point = self.ts_point(start_byte);
        let old_end_point = self.ts_point(old_end_byte);
        let window_start = start_byte.saturating_sub(1);
        let lone_before = count_lone_crs(&self.rope, window_start..old_end_byte);

        let start_char = self.rope.byte_to_char(start_byte);
        let end_char = self.rope.byte_to_char(old_end_byte);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, text);

        let lone_after = count_lone_crs(&self.rope, window_start..new_end_byte);
        self.lone_crs = self.lone_crs + lone_after - lone_before;

        AppliedEdit {
            start_byte,
            old_end_byte,
            new_end_byte,
            start_point,
            old_end_point,
            new_end_point: point_after(start_point, text),
            start_clamp: s.clamp,
            end_clamp: e.clamp,
            reversed,
        }
    }
}

impl Clone for Document {
    fn clone(&self) -> Self {
        Document {
            rope: self.rope.clone(),
            version: self.version,
            segs: self.segs.clone(),
            base: self.base.clone(),
            encoding: self.encoding,
            parser: super::markdown::parser(),
            lone_crs: self.lone_crs,
            pending: self.pending,
        }
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("version", &self.version)
            .field("encoding", &self.encoding)
            .field("len_bytes", &self.rope.len_bytes())
            .field("len_lines", &self.rope.len_lines())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sexp(text: &str) -> String {
        Document::new(text, 0).segments().sexp()
    }

    #[test]
    fn new_parses_block_tree() {
        let d = Document::new("# Title\n\nQ::A\n", 1);
        assert_eq!(d.version(), 1);
        assert_eq!(d.text(), "# Title\n\nQ::A\n");
        assert_eq!(d.blocks().headings[0].text, "Title");
        assert_eq!(d.segments().parsed_end(), d.len_bytes());
    }

    #[test]
    fn stale_version_leaves_document_unchanged() {
        let mut d = Document::new("abc", 5);
        for v in [5, 4, -1] {
            let err = d.apply_changes(v, &[Change::full("x")]).unwrap_err();
            assert_eq!(err, StaleVersion { current: 5, got: v });
        }
        assert_eq!(d.text(), "abc");
        assert_eq!(d.version(), 5);
    }

    #[test]
    fn ranged_changes_apply_in_order() {
        let mut d = Document::new("hello world\n", 1);
        let edits = d
            .apply_changes(
                2,
                &[
                    // "hello world" -> "hello there world"
                    Change::ranged(Pos::new(0, 6), Pos::new(0, 6), "there "),
                    // against the new text: "hello there world" -> "# hello there world"
                    Change::ranged(Pos::new(0, 0), Pos::new(0, 0), "# "),
                ],
            )
            .unwrap();
        assert_eq!(d.text(), "# hello there world\n");
        assert_eq!(d.version(), 2);
        assert_eq!(
            edits
                .iter()
                .map(|e| (e.start_byte, e.old_end_byte, e.new_end_byte))
                .collect::<Vec<_>>(),
            vec![(6, 6, 12), (0, 0, 2)]
        );
        assert!(edits.iter().all(|e| !e.was_clamped()));
        assert_eq!(d.segments().sexp(), sexp("# hello there world\n"));
    }

    #[test]
    fn utf16_astral_edit() {
        let mut d = Document::new("a😀b\n", 1);
        // Replace the emoji (UTF-16 columns 1..3).
        d.apply_changes(2, &[Change::ranged(Pos::new(0, 1), Pos::new(0, 3), "中")])
            .unwrap();
        assert_eq!(d.text(), "a中b\n");
    }

    #[test]
    fn out_of_range_and_reversed_clamp() {
        let mut d = Document::new("ab\ncd", 1);
        let edits = d
            .apply_changes(2, &[Change::ranged(Pos::new(9, 9), Pos::new(0, 50), "!")])
            .unwrap();
        assert_eq!(d.text(), "ab!");
        let e = edits[0];
        assert!(e.reversed);
        assert_eq!(e.start_clamp, Some(Clamp::PastLineEnd));
        assert_eq!(e.end_clamp, Some(Clamp::PastDocumentEnd));
        assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (2, 5, 3));
    }

    #[test]
    fn full_then_ranged() {
        let mut d = Document::new("old", 1);
        d.apply_changes(
            2,
            &[
                Change::full("# A\r\nb\r"),
                Change::ranged(Pos::new(2, 0), Pos::new(2, 0), "```\nx"),
            ],
        )
        .unwrap();
        assert_eq!(d.text(), "# A\r\nb\r```\nx");
        assert_eq!(d.segments().sexp(), sexp("# A\r\nb\r```\nx"));
    }

    #[test]
    fn points_with_lone_cr_count_lf_only() {
        let mut d = Document::new("a\rb\nc", 1);
        assert_eq!(d.lone_crs, 1);
        assert_eq!(d.ts_point(4), Point { row: 1, column: 0 });
        assert_eq!(d.ts_point(2), Point { row: 0, column: 2 });
        // Joining the lone CR with a LF makes it a CRLF.
        d.apply_changes(2, &[Change::ranged(Pos::new(1, 0), Pos::new(1, 0), "\n")])
            .unwrap();
        assert_eq!(d.text(), "a\r\nb\nc");
        assert_eq!(d.lone_crs, 0);
    }

    #[test]
    fn document_can_cross_tasks() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Document>();
    }

    #[test]
    fn empty_change_list_bumps_version() {
        let mut d = Document::new("x", 1);
        assert_eq!(d.apply_changes(2, &[]), Ok(vec![]));
        assert_eq!((d.version(), d.text().as_ref()), (2, "x"));
        assert_eq!(d.blocks().headings.len(), 0);
    }

    #[test]
    fn slice_and_clone() {
        let d = Document::new("x😀y", 3);
        assert_eq!(d.slice(1..5), "😀");
        assert_eq!(d.slice(2..100), "😀y");
        let c = d.clone();
        assert_eq!(c.text(), d.text());
        assert_eq!(c.segments().sexp(), d.segments().sexp());
        assert!(format!("{d:?}").contains("version: 3"));
    }
}
