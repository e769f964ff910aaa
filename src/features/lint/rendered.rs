//! `rendered-as-code`: where the editor's markdown differs from the plugin's scanner. A card whose
//! defining line (the `::` line, the `?` separator) the editor shows inside a code block or an
//! HTML block: the plugin reads a card there, the reader sees code.
//!
//! The blocks come from the text layer's tree-sitter-md trees (the CLI parses them for `srls
//! check`, the server keeps them per segment); this rule only compares them with the cards.

use super::{Diagnostic, default_severity};
use crate::note::Note;
use crate::plugin::settings::Settings;
use std::ops::Range;

/// A code or HTML block as the editor renders it: byte range and what it is ("a code block").
pub type RenderedBlock = (usize, usize, &'static str);

/// The `rendered-as-code` diagnostics of the cards whose defining line starts in `window`
/// (bytes), given the note's code and HTML blocks sorted by start and disjoint.
pub fn rendered_as_code(
    text: &str,
    note: &Note,
    settings: &Settings,
    blocks: &[RenderedBlock],
    window: Range<usize>,
) -> Vec<Diagnostic> {
    if blocks.is_empty() {
        return vec![];
    }
    let cards = &note.cards;
    let first = cards.partition_point(|c| c.end <= window.start);
    let mut out = Vec::new();
    for c in &cards[first..] {
        if c.start >= window.end {
            break;
        }
        let Some(line) = c.defining_line(text, &note.lines, settings) else {
            continue;
        };
        let l = note.lines.get(line);
        if l.end <= l.start || !window.contains(&l.start) {
            continue;
        }
        // Blocks are disjoint: the last one starting at or before the line.
        let k = blocks.partition_point(|b| b.0 <= l.start);
        if let Some(&(bs, be, what)) = k.checked_sub(1).map(|i| &blocks[i])
            && bs <= l.start
            && l.end <= be
        {
            out.push(Diagnostic {
                code: "rendered-as-code",
                severity: default_severity("rendered-as-code"),
                start: l.start,
                end: l.end,
                message: format!(
                    "the editor shows this line inside {what}, but the plugin reads a card here"
                ),
                fixes: vec![],
            });
        }
    }
    out
}
