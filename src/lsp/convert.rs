//! The only place that turns core byte ranges into protocol positions and back.

use crate::features::lint::Severity;
use crate::text::document::Document;
use crate::text::position::{Encoding, Pos};
use tower_lsp_server::ls_types::{DiagnosticSeverity, Position, PositionEncodingKind, Range};

pub fn encoding_kind(e: Encoding) -> PositionEncodingKind {
    match e {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// Picks the encoding from the client's offer: UTF-8, then UTF-32, else the UTF-16 default.
pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
    let offered = offered.unwrap_or(&[]);
    if offered.contains(&PositionEncodingKind::UTF8) {
        Encoding::Utf8
    } else if offered.contains(&PositionEncodingKind::UTF32) {
        Encoding::Utf32
    } else {
        Encoding::Utf16
    }
}

pub fn pos(p: Pos) -> Position {
    Position::new(p.line, p.character)
}

pub fn from_pos(p: Position) -> Pos {
    Pos::new(p.line, p.character)
}

pub fn position(doc: &Document, offset: usize) -> Position {
    pos(doc.offset_to_pos(offset))
}

pub fn range(doc: &Document, start: usize, end: usize) -> Range {
    Range::new(position(doc, start), position(doc, end.max(start)))
}

/// A client position as a byte offset (clamped to the document).
pub fn offset(doc: &Document, p: Position) -> usize {
    doc.pos_to_offset(from_pos(p)).offset
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}
