//! Core results (plain data, byte ranges) into protocol types. With [`super::from_proto`], the
//! only place that knows both; positions come from the open note in the negotiated encoding.

use super::open_note::OpenNote;
use crate::features::duplicates::{self, Duplicate};
use crate::features::grade::Edit;
use crate::features::lint::{self, Severity};
use crate::features::tokens::Token;
use crate::plugin::lines::BOM;
use crate::text::position::{Encoding, LineIndex, Pos};
use std::collections::HashMap;
use tower_lsp_server::ls_types::*;

/// The protocol name of an encoding.
pub fn encoding_kind(e: Encoding) -> PositionEncodingKind {
    match e {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// A text-layer position.
pub fn pos(p: Pos) -> Position {
    Position::new(p.line, p.character)
}

/// The position of a byte offset of an open note.
pub fn position(note: &OpenNote, offset: usize) -> Position {
    pos(note.position(offset))
}

/// The range of a byte range of an open note (an inverted range is empty at its start).
pub fn range(note: &OpenNote, start: usize, end: usize) -> Range {
    Range::new(position(note, start), position(note, end.max(start)))
}

/// The start of a 0-based line (index entries know lines, not bytes).
pub fn line_start(line: usize) -> Range {
    let p = Position::new(line as u32, 0);
    Range::new(p, p)
}

/// A severity.
pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// A diagnostic, at `severity` (the user's override of its default).
pub fn diagnostic(note: &OpenNote, d: &lint::Diagnostic, severity: Severity) -> Diagnostic {
    Diagnostic {
        range: range(note, d.start, d.end),
        severity: Some(self::severity(severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("srls".into()),
        message: d.message.clone(),
        ..Diagnostic::default()
    }
}

/// The other cards a `duplicate-question` finding lists as related information, at most (its
/// message counts them all): a card copied into hundreds of notes must not make every publish
/// of those notes hundreds of times larger.
const MAX_RELATED: usize = 20;

/// A `duplicate-question` diagnostic, with the other cards (up to [`MAX_RELATED`]) as related
/// information.
pub fn duplicate(
    note: &OpenNote,
    d: &Duplicate,
    severity: Severity,
    uris: &mut PeerUris,
) -> Diagnostic {
    let related = d
        .others
        .iter()
        .take(MAX_RELATED)
        .filter_map(|p| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(uris.of(&p.path)?, line_start(p.line)),
                message: "the same question".into(),
            })
        })
        .collect();
    Diagnostic {
        range: range(note, d.start, d.end),
        severity: Some(self::severity(severity)),
        code: Some(NumberOrString::String(duplicates::CODE.into())),
        source: Some("srls".into()),
        message: d.message.clone(),
        related_information: Some(related),
        ..Diagnostic::default()
    }
}

/// The URIs of the notes peers are in, each made once per answer (a note's peers share one
/// path allocation, so it is keyed by that; making a URI parses and percent-encodes the path,
/// which was a third of converting a note's duplicate findings).
#[derive(Default)]
pub struct PeerUris(std::collections::HashMap<*const std::path::Path, Option<Uri>>);

impl PeerUris {
    fn of(&mut self, path: &std::sync::Arc<std::path::Path>) -> Option<Uri> {
        let key = std::sync::Arc::as_ptr(path);
        self.0
            .entry(key)
            .or_insert_with(|| Uri::from_file_path(path))
            .clone()
    }
}

/// Text edits of an open note.
pub fn text_edits(note: &OpenNote, edits: &[Edit]) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|e| TextEdit::new(range(note, e.start, e.end), e.text.clone()))
        .collect()
}

/// A versioned edit of one document (`documentChanges` when the client supports it).
pub fn workspace_edit(
    uri: &Uri,
    version: i32,
    edits: Vec<TextEdit>,
    document_changes: bool,
) -> WorkspaceEdit {
    if document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..Default::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }
    }
}

/// Text edits of a note that is not open (its text read from disk), in encoding `enc`. A byte
/// order mark takes no column: the editor that opens the file to apply them drops it.
pub fn closed_text_edits(text: &str, edits: &[Edit], enc: Encoding) -> Vec<TextEdit> {
    let bom = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let index = LineIndex::new(&text[bom..]);
    let at = |b: usize| pos(index.offset_to_pos(b.saturating_sub(bom), enc));
    edits
        .iter()
        .map(|e| TextEdit::new(Range::new(at(e.start), at(e.end)), e.text.clone()))
        .collect()
}

/// One workspace edit over several documents (`version`: `None` for a note that is not open).
/// Without `documentChanges` support, a plain `changes` map.
pub fn multi_edit(
    docs: Vec<(Uri, Option<i32>, Vec<TextEdit>)>,
    document_changes: bool,
) -> WorkspaceEdit {
    if !document_changes {
        let changes = docs.into_iter().map(|(u, _, e)| (u, e)).collect();
        return WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        };
    }
    let edits = docs
        .into_iter()
        .map(|(uri, version, edits)| TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        })
        .collect();
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(edits)),
        ..Default::default()
    }
}

/// One workspace edit over several documents whose every edit points at one change annotation
/// (`documentChanges` only: plain `changes` cannot carry annotations).
pub fn annotated_multi_edit(
    docs: Vec<(Uri, Option<i32>, Vec<TextEdit>)>,
    id: &str,
    annotation: ChangeAnnotation,
) -> WorkspaceEdit {
    let edits = docs
        .into_iter()
        .map(|(uri, version, edits)| TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
            edits: edits
                .into_iter()
                .map(|text_edit| {
                    OneOf::Right(AnnotatedTextEdit {
                        text_edit,
                        annotation_id: id.to_string(),
                    })
                })
                .collect(),
        })
        .collect();
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(edits)),
        change_annotations: Some([(id.to_string(), annotation)].into_iter().collect()),
        ..Default::default()
    }
}

/// Markup content: markdown when the client renders it, else plain text.
pub fn markup(value: String, markdown: bool) -> MarkupContent {
    MarkupContent {
        kind: if markdown {
            MarkupKind::Markdown
        } else {
            MarkupKind::PlainText
        },
        value,
    }
}

/// Semantic tokens in the protocol's relative encoding: each token's line and start relative
/// to the previous one's, its start and length in the negotiated encoding (a byte order mark
/// the client sent is a character of line 0, as in [`position`]). Tokens must be sorted and one line each, as the feature gives them; a
/// token's start column counts on from the previous token of its line.
pub fn semantic_tokens(note: &OpenNote, tokens: &[Token]) -> SemanticTokens {
    let text = note.text();
    let enc = note.document().encoding();
    let units = |a: usize, b: usize| enc.len_of_str(text.get(a..b).unwrap_or("")) as u32;
    let mut data = Vec::with_capacity(tokens.len());
    // The previous token: its line, start byte and start column.
    let mut prev = (0, 0, 0);
    for t in tokens {
        let same_line = prev.0 == t.line && prev.1 <= t.start;
        let (from, base) = if same_line {
            (prev.1, prev.2)
        } else {
            (note.line_start(t.line), 0)
        };
        let start = base + units(from, t.start);
        data.push(SemanticToken {
            delta_line: t.line.saturating_sub(prev.0) as u32,
            delta_start: if same_line { start - prev.2 } else { start },
            length: units(t.start, t.end),
            token_type: t.kind as u32,
            token_modifiers_bitset: 0,
        });
        prev = (t.line, t.start, start);
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}
