//! Protocol values into the text layer's and the core's terms. With [`super::to_proto`], the
//! only place that knows both.

use super::open_note::OpenNote;
use crate::text::document::Change;
use crate::text::position::Pos;
use std::path::PathBuf;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

/// A protocol position in the text layer's terms.
pub fn pos(p: Position) -> Pos {
    Pos::new(p.line, p.character)
}

/// A client position as a byte offset of an open note (clamped to it).
pub fn offset(note: &OpenNote, p: Position) -> usize {
    note.offset(pos(p))
}

/// A client range as byte offsets of an open note (clamped to it).
pub fn offsets(note: &OpenNote, r: Range) -> (usize, usize) {
    (offset(note, r.start), offset(note, r.end))
}

/// `didChange` content changes as text-layer changes (ranges still in client positions).
pub fn changes(events: Vec<TextDocumentContentChangeEvent>) -> Vec<Change> {
    events
        .into_iter()
        .map(|c| Change {
            range: c.range.map(|r| (pos(r.start), pos(r.end))),
            text: c.text,
        })
        .collect()
}

/// The file behind a `file:` URI.
pub fn path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}
