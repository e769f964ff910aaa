//! Semantic tokens: the parts of a note the plugin reads as flashcard syntax, as byte ranges of
//! one line each, sorted and never overlapping (what editors colour on top of markdown).
//!
//! - the **separator** of each card: `::` / `:::` where the card splits (the first one in its
//!   question, as the plugin splits it) or the `?` / `??` separator line, trimmed;
//! - each **scheduling comment** of a card: the one the plugin reads and any further ones it
//!   cuts out of the card's text (`<!--SR:…-->`; for a comment the plugin's fallback reads,
//!   the groups it reads);
//! - each **cloze deletion** of a cloze card, its markup included (`==Paris==`);
//! - each **deck tag**: a body tag that is a flashcard tag of the settings or a sub-deck of
//!   one (`#flashcards/lang/verbs`), in a note the plugin reads cards from and a vault whose
//!   decks come from tags (not folders). Front matter tags get no token: the note records no
//!   byte ranges for them.
//!
//! Only the cards the plugin keeps have tokens (not those it drops for want of a deck).
//! Everything comes from the parsed note ([`crate::note::marks`] for separators and
//! deletions). Where tokens would overlap, a deletion gives way to what lies inside it: a tag
//! or comment within `==…==` keeps its own token and the deletion's token is cut around it.
//! Of two other overlapping tokens (which the plugin's syntax hardly allows) the comment wins
//! over the separator, and the separator over a tag.

use crate::note::marks::card_marks;
use crate::note::{Card, Note};
use crate::plugin::cloze::ClozeEngine;
use crate::plugin::settings::Settings;
use crate::plugin::tags::{self, Tag};
use std::ops::Range;

/// What a token is. The order is the legend's (see `lsp::capabilities::token_legend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenKind {
    /// `::`, `:::`, a `?` / `??` separator line.
    Separator,
    /// A scheduling comment `<!--SR:…-->`.
    Comment,
    /// A cloze deletion `==…==`.
    Cloze,
    /// A deck tag `#flashcards/…`.
    DeckTag,
}

impl TokenKind {
    /// Which of two overlapping tokens stays (the higher); a deletion gives way to anything.
    fn priority(self) -> u8 {
        match self {
            TokenKind::Comment => 3,
            TokenKind::Separator => 2,
            TokenKind::DeckTag => 1,
            TokenKind::Cloze => 0,
        }
    }
}

/// A token: bytes `start..end` of 0-based line `line`, never past the line's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub line: usize,
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

/// Every token of the note.
pub fn tokens(text: &str, note: &Note, settings: &Settings, engine: &ClozeEngine) -> Vec<Token> {
    tokens_in(text, note, settings, engine, 0..usize::MAX)
}

/// The tokens overlapping the bytes `range` (whole: a token is not cut at the range's ends),
/// from the cards and tags there only: binary searches find the first of each, so the cost is
/// that of the cards in the range, whatever the note's size.
pub fn tokens_in(
    text: &str,
    note: &Note,
    settings: &Settings,
    engine: &ClozeEngine,
    range: Range<usize>,
) -> Vec<Token> {
    let (from, to) = (range.start, range.end);
    let cards = &note.cards;
    let first = cards.partition_point(|c| note.card_span(c).end <= from);
    // The tags inside the first card count from its start: a deletion there is cut around them.
    let tags_from = cards
        .get(first)
        .map_or(from, |c| note.card_span(c).start.min(from));
    let tags = deck_tags(note, settings, tags_from);
    let mut tags = tags.peekable();
    let mut spans = Vec::new();
    for card in &cards[first..] {
        let span = note.card_span(card);
        if span.start >= to {
            break;
        }
        while let Some(t) = tags.next_if(|t| t.start < span.start) {
            spans.push(span_of(t));
        }
        let inside = std::iter::from_fn(|| tags.next_if(|t| t.start < span.end));
        card_spans(text, note, card, settings, engine, inside, &mut spans);
    }
    spans.extend(tags.take_while(|t| t.start < to).map(span_of));
    let mut out = Vec::with_capacity(spans.len());
    for s in spans {
        split_lines(note, s, &mut out);
    }
    out.retain(|t| t.end > from && t.start < to);
    out
}

/// The deck tags of the note's body that end after `from`, in text order (none when the plugin
/// reads no card of the note, or takes decks from folders).
fn deck_tags<'a>(
    note: &'a Note,
    settings: &'a Settings,
    from: usize,
) -> impl Iterator<Item = &'a Tag> + 'a {
    let read = note.is_flashcard_note && !settings.convert_folders_to_decks;
    let all: &[Tag] = if read { &note.tags } else { &[] };
    // Front matter tags (line −1, no bytes) come first, then the body's in text order.
    let first = all.partition_point(|t| t.line < 0 || t.end <= from);
    all[first..]
        .iter()
        .filter(|t| t.start < t.end && tags::matches_any(&t.name, &settings.flashcard_tags))
}

/// A token's bytes before it is cut at line ends.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    kind: TokenKind,
}

fn span_of(t: &Tag) -> Span {
    Span {
        start: t.start,
        end: t.end,
        kind: TokenKind::DeckTag,
    }
}

/// A card's tokens in text order: its separator, comments and the deck `tags` inside it, and
/// its deletions cut around them.
fn card_spans<'a>(
    text: &str,
    note: &Note,
    card: &Card,
    settings: &Settings,
    engine: &ClozeEngine,
    tags: impl Iterator<Item = &'a Tag>,
    out: &mut Vec<Span>,
) {
    let marks = card_marks(text, &note.lines, card, settings, engine);
    let span = |(start, end): (usize, usize), kind| Span { start, end, kind };
    let mut hard: Vec<Span> = Vec::new();
    let sep = marks.separator.map(|r| (r.start, r.end));
    hard.extend(sep.map(|r| span(r, TokenKind::Separator)));
    let comment = card.comment.iter().map(|c| (c.start, c.end));
    let comments = comment.chain(card.extra_comments.iter().copied());
    hard.extend(comments.map(|r| span(r, TokenKind::Comment)));
    hard.extend(tags.map(span_of));
    hard.retain(|s| s.start < s.end);
    hard.sort_by_key(|s| s.start);
    let hard = without_overlaps(hard);
    let mut j = 0;
    let mut last = 0;
    for d in &marks.deletions {
        let mut pos = d.start.max(last);
        while let Some(h) = hard.get(j).filter(|h| h.start < d.end) {
            if h.start > pos {
                out.push(span((pos, h.start), TokenKind::Cloze));
            }
            out.push(*h);
            pos = pos.max(h.end);
            j += 1;
        }
        if pos < d.end {
            out.push(span((pos, d.end), TokenKind::Cloze));
            pos = d.end;
        }
        last = pos;
    }
    out.extend_from_slice(&hard[j.min(hard.len())..]);
}

/// Spans sorted by start with overlaps resolved: of two overlapping spans the one of higher
/// [`TokenKind::priority`] stays (the earlier on a tie).
fn without_overlaps(sorted: Vec<Span>) -> Vec<Span> {
    let mut kept: Vec<Span> = Vec::with_capacity(sorted.len());
    for s in sorted {
        match kept.last_mut() {
            Some(last) if s.start < last.end => {
                if s.kind.priority() > last.kind.priority() {
                    *last = s;
                }
            }
            _ => kept.push(s),
        }
    }
    kept
}

/// `s` as one token per line it touches, each within its line's content (a line break is in
/// no token).
fn split_lines(note: &Note, s: Span, out: &mut Vec<Token>) {
    let lines = &note.lines;
    let mut line = lines.line_of(s.start);
    let mut start = s.start;
    while line < lines.len() {
        let l = lines.get(line);
        let end = s.end.min(l.end);
        if start.max(l.start) < end {
            out.push(Token {
                line,
                start: start.max(l.start),
                end,
                kind: s.kind,
            });
        }
        if s.end <= l.next || l.next == l.end {
            break;
        }
        line += 1;
        start = l.next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{NoteContext, parse_note};
    use TokenKind::*;

    fn toks(text: &str) -> Vec<(usize, &str, TokenKind)> {
        let settings = Settings::default();
        toks_with(text, &settings)
    }

    fn toks_with<'t>(text: &'t str, settings: &Settings) -> Vec<(usize, &'t str, TokenKind)> {
        let engine = ClozeEngine::new(&settings.cloze_patterns);
        let note = parse_note(text, settings, &NoteContext::default());
        tokens(text, &note, settings, &engine)
            .into_iter()
            .map(|t| (t.line, &text[t.start..t.end], t.kind))
            .collect()
    }

    #[test]
    fn each_kind_in_text_order() {
        let t = "#flashcards/lang\n\nQ::A\n<!--SR:!2025-01-03,15,290-->\n\nq\n??\na\n\nThe ==x== and ==y==.\n";
        assert_eq!(
            toks(t),
            vec![
                (0, "#flashcards/lang", DeckTag),
                (2, "::", Separator),
                (3, "<!--SR:!2025-01-03,15,290-->", Comment),
                (6, "??", Separator),
                (9, "==x==", Cloze),
                (9, "==y==", Cloze),
            ]
        );
    }

    #[test]
    fn other_tags_and_dropped_or_unread_cards_get_none() {
        // `#other` is no flashcard tag; a note without one holds no cards for the plugin.
        assert_eq!(toks("#other\n\nQ::A\n"), vec![]);
        let t = "#other #flashcards\n\nQ::A #flashcards/x\n";
        assert_eq!(
            toks(t),
            vec![
                (0, "#flashcards", DeckTag),
                (2, "::", Separator),
                (2, "#flashcards/x", DeckTag),
            ]
        );
        // Folders are decks: tags give none, the cards keep theirs.
        let s = Settings {
            convert_folders_to_decks: true,
            ..Settings::default()
        };
        let engine = ClozeEngine::new(&s.cloze_patterns);
        let ctx = NoteContext {
            vault_path: Some("deck/n.md".into()),
        };
        let note = parse_note(t, &s, &ctx);
        let got: Vec<TokenKind> = tokens(t, &note, &s, &engine)
            .iter()
            .map(|t| t.kind)
            .collect();
        assert_eq!(got, vec![Separator]);
    }

    #[test]
    fn a_deletion_is_cut_around_a_tag_or_comment_inside_it() {
        let t = "#flashcards\n\nA ==b #flashcards/c d== e ==f <!--SR:!2025-01-03,1,250--> g==\n";
        assert_eq!(
            toks(t),
            vec![
                (0, "#flashcards", DeckTag),
                (2, "==b ", Cloze),
                (2, "#flashcards/c", DeckTag),
                (2, " d==", Cloze),
                (2, "==f ", Cloze),
                (2, "<!--SR:!2025-01-03,1,250-->", Comment),
                (2, " g==", Cloze),
            ]
        );
    }

    #[test]
    fn crlf_bom_tabs_and_wide_characters_stay_on_their_lines() {
        let t = "\u{feff}#flashcards\r\n\r\n\t🃏 漢字::\tA\r\n<!--SR:!2025-01-03,1,250-->\r\n";
        assert_eq!(
            toks(t),
            vec![
                (0, "#flashcards", DeckTag),
                (2, "::", Separator),
                (3, "<!--SR:!2025-01-03,1,250-->", Comment),
            ]
        );
    }

    #[test]
    fn a_token_over_several_lines_is_split_at_each_line_end() {
        let note = Note {
            lines: crate::plugin::lines::Lines::new("ab\r\ncd\n\nef"),
            ..Note::default()
        };
        let mut out = Vec::new();
        let s = Span {
            start: 1,
            end: 10,
            kind: Comment,
        };
        split_lines(&note, s, &mut out);
        let got: Vec<(usize, usize, usize)> =
            out.iter().map(|t| (t.line, t.start, t.end)).collect();
        assert_eq!(got, vec![(0, 1, 2), (1, 4, 6), (3, 8, 10)]);
    }

    #[test]
    fn a_range_gives_the_tokens_overlapping_it() {
        let t = "#flashcards\n\nQ1::A1\n\nQ2::A2\n\nQ3::A3 ==no==\n";
        let s = Settings::default();
        let engine = ClozeEngine::new(&s.cloze_patterns);
        let note = parse_note(t, &s, &NoteContext::default());
        let q2 = t.find("Q2").unwrap();
        let got = tokens_in(t, &note, &s, &engine, q2..q2 + 2);
        assert_eq!(got, vec![]);
        let got = tokens_in(t, &note, &s, &engine, q2..q2 + 3);
        assert_eq!(got.len(), 1);
        assert_eq!(&t[got[0].start..got[0].end], "::");
        assert_eq!(got[0].line, 4);
        let all = tokens(t, &note, &s, &engine);
        assert_eq!(all.len(), 4);
    }

    #[test]
    fn a_range_after_a_tag_in_a_deletion_gives_the_deletions_rest_not_all_of_it() {
        let t = "#flashcards\n\n==a #flashcards/x b== c\n";
        let s = Settings::default();
        let engine = ClozeEngine::new(&s.cloze_patterns);
        let note = parse_note(t, &s, &NoteContext::default());
        let at = t.find(" b==").unwrap();
        let got: Vec<(&str, TokenKind)> = tokens_in(t, &note, &s, &engine, at..at + 1)
            .iter()
            .map(|k| (&t[k.start..k.end], k.kind))
            .collect();
        assert_eq!(got, vec![(" b==", Cloze)]);
    }
}
