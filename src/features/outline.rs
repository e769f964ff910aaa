//! The outline of a note (headings with the cards under them, each card with its due state) and
//! its folds (a multi-line card's answer, a scheduling comment), in byte ranges.

use crate::features::due::sibling_dues;
use crate::features::hints::due_label;
use crate::features::report::one_line;
use crate::note::{Card, Note};
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

/// The outline level of a card: below every heading (`1..=6`).
pub const CARD_LEVEL: u8 = 7;

/// The headings the outline lists (not those inside quotes or lists), with their levels.
pub fn top_headings(headings: &[Heading]) -> impl Iterator<Item = (u8, OutlineItem)> + '_ {
    headings
        .iter()
        .filter(|h| !h.nested)
        .map(|h| (h.level, heading_item(h)))
}

/// A card's outline entry: its question on one line, each side's due label (at `today` /
/// `now`) as the detail, its lines as the range, its first line as the selection.
pub fn card_item(note: &Note, c: &Card, today: NaiveDate, now: DateTime<Utc>) -> OutlineItem {
    let span = note.card_span(c);
    let q = one_line(c.question(), 60);
    let detail = sibling_dues(c)
        .iter()
        .map(|x| due_label(x, today, now))
        .collect::<Vec<_>>()
        .join(", ");
    OutlineItem {
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
    }
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

/// An outline entry [`nest`] can put under another: the outline in bytes, or in protocol
/// positions.
pub trait Nestable: Sized {
    /// Where an entry ends, in an order that follows the text.
    type At: Ord + Copy;
    /// Where the entry ends.
    fn end(&self) -> Self::At;
    /// Stretches the entry to end at `end`.
    fn stretch_to(&mut self, end: Self::At);
    /// Puts `child` last under the entry.
    fn adopt(&mut self, child: Self);
}

impl Nestable for OutlineItem {
    type At = usize;
    fn end(&self) -> usize {
        self.range.end
    }
    fn stretch_to(&mut self, end: usize) {
        self.range.end = end;
    }
    fn adopt(&mut self, child: OutlineItem) {
        self.children.push(child);
    }
}

/// Nests `(level, item)` in document order: an item holds what follows it until one of the same
/// or a higher level (a lower number); a parent stretches over its last child.
pub fn nest<T: Nestable>(items: Vec<(u8, T)>) -> Vec<T> {
    fn pop_into<T: Nestable>(stack: &mut Vec<(u8, T)>, root: &mut Vec<T>) {
        let Some((_, item)) = stack.pop() else { return };
        match stack.last_mut() {
            Some((_, parent)) => {
                let end = parent.end().max(item.end());
                parent.stretch_to(end);
                parent.adopt(item);
            }
            None => root.push(item),
        }
    }
    let mut root = Vec::new();
    let mut stack: Vec<(u8, T)> = Vec::new();
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

/// A card's fold: a multi-line card's answer, else its scheduling comment on a line of its own.
pub fn card_fold(text: &str, note: &Note, c: &Card, settings: &Settings) -> Option<Fold> {
    let first = c.start_line();
    let last = c.end_line.min(note.lines.len().saturating_sub(1));
    if let Some(sep) = c.separator_line(text, &note.lines, settings) {
        (last > sep).then_some(Fold {
            start_line: sep,
            end_line: last,
            kind: FoldKind::Answer,
        })
    } else {
        let line = note.lines.line_of(c.comment.as_ref()?.start);
        (line > first).then(|| Fold {
            start_line: line - 1,
            end_line: line,
            kind: FoldKind::Comment,
        })
    }
}
