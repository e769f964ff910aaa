//! The outline of a note (headings with the cards under them, each card with its due state) and
//! its folds (a multi-line card's answer, a scheduling comment), in byte ranges.

use crate::features::due::sibling_dues;
use crate::features::hints::due_label;
use crate::features::report::one_line;
use crate::note::Note;
use crate::plugin::settings::Settings;
use crate::text::markdown::Heading;
use chrono::{DateTime, NaiveDate, Utc};
use std::ops::Range;

/// What an outline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutlineKind {
    Heading,
    Card,
}

/// One entry of the outline, with the entries under it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineItem {
    pub kind: OutlineKind,
    pub name: String,
    /// Cards: each side's due label, joined by `, `.
    pub detail: Option<String>,
    /// The whole entry (a heading stretches over what it holds).
    pub range: Range<usize>,
    /// What to select: the heading's text, the card's first line.
    pub selection: Range<usize>,
    pub children: Vec<OutlineItem>,
}

/// The outline: top-level headings (not those inside quotes or lists) nesting what follows them
/// until a heading of the same or a higher level; cards are leaves.
pub fn outline(
    note: &Note,
    headings: &[Heading],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<OutlineItem> {
    let mut flat: Vec<(u8, OutlineItem)> = headings
        .iter()
        .filter(|h| !h.nested)
        .map(|h| (h.level, heading_item(h)))
        .collect();
    for c in &note.cards {
        let span = note.card_span(c);
        let q = one_line(c.question(), 60);
        let detail = sibling_dues(c)
            .iter()
            .map(|x| due_label(x, today, now))
            .collect::<Vec<_>>()
            .join(", ");
        let item = OutlineItem {
            kind: OutlineKind::Card,
            name: if q.is_empty() {
                format!("({})", c.kind.as_str())
            } else {
                q
            },
            detail: Some(detail),
            selection: span.start..note.lines.get(c.start_line()).end,
            range: span,
            children: vec![],
        };
        flat.push((7, item));
    }
    flat.sort_by_key(|(_, i)| i.range.start);
    nest(flat)
}

fn heading_item(h: &Heading) -> OutlineItem {
    OutlineItem {
        kind: OutlineKind::Heading,
        name: if h.text.is_empty() {
            "(heading)".into()
        } else {
            h.text.clone()
        },
        detail: None,
        range: h.range.clone(),
        selection: h.text_range.clone(),
        children: vec![],
    }
}

/// Nests `(level, item)` in document order: an item holds what follows it until one of the same
/// or a higher level (a lower number); a parent stretches over its last child.
fn nest(items: Vec<(u8, OutlineItem)>) -> Vec<OutlineItem> {
    fn pop_into(stack: &mut Vec<(u8, OutlineItem)>, root: &mut Vec<OutlineItem>) {
        let Some((_, item)) = stack.pop() else { return };
        match stack.last_mut() {
            Some((_, parent)) => {
                parent.range.end = parent.range.end.max(item.range.end);
                parent.children.push(item);
            }
            None => root.push(item),
        }
    }
    let mut root = Vec::new();
    let mut stack: Vec<(u8, OutlineItem)> = Vec::new();
    for (level, item) in items {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            pop_into(&mut stack, &mut root);
        }
        stack.push((level, item));
    }
    while !stack.is_empty() {
        pop_into(&mut stack, &mut root);
    }
    root
}

/// What a fold hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    /// A multi-line card's answer, from its separator to its end.
    Answer,
    /// The line before a scheduling comment and the comment.
    Comment,
}

/// A fold between two 0-based lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub start_line: usize,
    pub end_line: usize,
    pub kind: FoldKind,
}

/// The folds of a note: each multi-line card's answer, else the card's scheduling comment on a
/// line of its own.
pub fn folds(text: &str, note: &Note, settings: &Settings) -> Vec<Fold> {
    let mut out = Vec::new();
    for c in &note.cards {
        let first = c.start_line();
        let last = c.end_line.min(note.lines.len().saturating_sub(1));
        if let Some(sep) = c.separator_line(text, &note.lines, settings) {
            if last > sep {
                out.push(Fold {
                    start_line: sep,
                    end_line: last,
                    kind: FoldKind::Answer,
                });
            }
        } else if let Some(cm) = &c.comment {
            let line = note.lines.line_of(cm.start);
            if line > first {
                out.push(Fold {
                    start_line: line - 1,
                    end_line: line,
                    kind: FoldKind::Comment,
                });
            }
        }
    }
    out
}
