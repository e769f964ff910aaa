//! Where in the note the plugin's reading of a card stands: the bytes of its separator and of
//! each cloze deletion, found the way the card was built ([`super::build_card`]) and carried
//! back from the card's question text to the note.
//!
//! The plugin reads a card from its question text: the scanner's lines joined by `\n`, every
//! scheduling comment cut out, a leading tag and a trailing block id cut off. A single-line
//! card's separator is the first separator in that text, a cloze card's deletions are what the
//! cloze engine finds in it; [`QuestionMap`] turns offsets in it back into note bytes.

use super::{Card, question_bounds, strip_sr_comments};
use crate::plugin::cloze::ClozeEngine;
use crate::plugin::js;
use crate::plugin::lines::Lines;
use crate::plugin::scanner::CardType;
use crate::plugin::settings::Settings;
use crate::plugin::sr_comment;
use std::ops::Range;

/// The separator and deletions of a card, as byte ranges of the note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardMarks {
    /// `::` / `:::` where the card splits, or the `?` / `??` of its separator line (trimmed).
    pub separator: Option<Range<usize>>,
    /// A cloze card's deletions in text order, the markup included (`==Paris==`). Deletions
    /// that start inside an earlier one are left out, as the plugin's rendering skips them.
    pub deletions: Vec<Range<usize>>,
}

/// The separator and cloze deletions of `card` in `text` (the note it was parsed from).
pub fn card_marks(
    text: &str,
    lines: &Lines,
    card: &Card,
    settings: &Settings,
    engine: &ClozeEngine,
) -> CardMarks {
    let mut marks = CardMarks::default();
    let inline_sep = match card.kind {
        CardType::SingleLineBasic => Some(&settings.single_line_card_separator),
        CardType::SingleLineReversed => Some(&settings.single_line_reversed_card_separator),
        CardType::MultiLineBasic | CardType::MultiLineReversed => {
            marks.separator = multi_line_separator(text, lines, card, settings);
            return marks;
        }
        CardType::Cloze => None,
    };
    let map = QuestionMap::new(&card.raw);
    let q = map.question();
    if let Some(sep) = inline_sep.filter(|s| !s.is_empty()) {
        marks.separator = q
            .find(sep.as_str())
            .and_then(|at| map.note_range(text, lines, card, at, at + sep.len()));
        return marks;
    }
    let Some(kind) = card.cloze_kind else {
        return marks;
    };
    let mut found: Vec<(usize, usize)> = engine
        .deletions(q, kind)
        .iter()
        .map(|d| (d.start, d.end))
        .collect();
    found.sort_unstable();
    let mut reached = 0;
    for (s, e) in found {
        if s < reached || s >= e {
            continue;
        }
        reached = e;
        marks
            .deletions
            .extend(map.note_range(text, lines, card, s, e));
    }
    marks
}

/// The trimmed separator on a multi-line card's separator line.
fn multi_line_separator(
    text: &str,
    lines: &Lines,
    card: &Card,
    settings: &Settings,
) -> Option<Range<usize>> {
    let line = card.separator_line(text, lines, settings)?;
    let l = lines.get(line);
    let s = &text[l.start..l.end];
    let lead = s.len() - js::text::trim_start(s).len();
    let len = js::text::trim(s).len();
    (len > 0).then(|| l.start + lead..l.start + lead + len)
}

/// A card's question text (what the plugin splits into sides) and the way back from its
/// offsets to the card's raw text.
struct QuestionMap<'a> {
    /// The raw text with every scheduling comment cut out (each line's greedy match).
    stripped: std::borrow::Cow<'a, str>,
    lines: Vec<StrippedLine>,
    /// The question: `stripped[q_from..q_to]`.
    q_from: usize,
    q_to: usize,
}

impl<'a> QuestionMap<'a> {
    /// The question of a card whose scanner text is `raw`, as [`super::build_card`] makes it.
    fn new(raw: &'a str) -> QuestionMap<'a> {
        let stripped = strip_sr_comments(raw);
        let (q, _, _) = question_bounds(&stripped);
        QuestionMap {
            q_from: q.start,
            q_to: q.end,
            stripped,
            lines: stripped_lines(raw),
        }
    }

    fn question(&self) -> &str {
        &self.stripped[self.q_from..self.q_to]
    }

    /// The note bytes of `start..end` of the question (`None` when it lies outside the card's
    /// own lines: a fence's synthetic closing line).
    fn note_range(
        &self,
        text: &str,
        lines: &Lines,
        card: &Card,
        start: usize,
        end: usize,
    ) -> Option<Range<usize>> {
        let s = self.to_note(text, lines, card, self.q_from + start, false)?;
        let e = self.to_note(text, lines, card, self.q_from + end, true)?;
        (s < e && text.is_char_boundary(s) && text.is_char_boundary(e)).then_some(s..e)
    }

    /// A byte of the stripped text as a byte of the note: its line of the raw text is the
    /// card's `src_lines` entry of the same index, and a comment cut out before it on its line
    /// moves it by the comment's length (an `end` at the comment's start stays before it).
    fn to_note(
        &self,
        text: &str,
        lines: &Lines,
        card: &Card,
        at: usize,
        end: bool,
    ) -> Option<usize> {
        let k = self.lines.partition_point(|l| l.start + l.len < at);
        let rl = self.lines.get(k)?;
        let mut col = at.checked_sub(rl.start)?;
        if let Some(c) = &rl.cut
            && (col > c.start || (col == c.start && !end))
        {
            col += c.len();
        }
        let l = lines.get(*card.src_lines.get(k)?);
        let off = l.start + col;
        (off <= l.end && off <= text.len()).then_some(off)
    }
}

/// One line of a card's raw text, in the stripped text: where it starts, its length, and what
/// was cut out of it (in the raw line's bytes).
struct StrippedLine {
    start: usize,
    len: usize,
    cut: Option<Range<usize>>,
}

/// The lines of a raw text as [`strip_sr_comments`] leaves them.
fn stripped_lines(raw: &str) -> Vec<StrippedLine> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in raw.split('\n') {
        let cut = comment_cut(line);
        let len = line.len() - cut.as_ref().map_or(0, |c| c.len());
        out.push(StrippedLine { start, len, cut });
        start += len + 1;
    }
    out
}

/// The part of a raw line [`strip_sr_comments`] cuts out: from `<!--SR:` to the last `-->`.
fn comment_cut(line: &str) -> Option<Range<usize>> {
    let o = sr_comment::find_open(line)?;
    let c = line.rfind("-->")?;
    (c >= o + 7).then_some(o..c + 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{NoteContext, parse_note};

    fn marks(text: &str) -> Vec<(Option<String>, Vec<String>)> {
        let settings = Settings::default();
        let engine = ClozeEngine::new(&settings.cloze_patterns);
        let note = parse_note(text, &settings, &NoteContext::default());
        note.cards
            .iter()
            .map(|c| {
                let m = card_marks(text, &note.lines, c, &settings, &engine);
                (
                    m.separator.map(|r| text[r].to_string()),
                    m.deletions
                        .into_iter()
                        .map(|r| text[r].to_string())
                        .collect(),
                )
            })
            .collect()
    }

    fn sep(s: &str) -> (Option<String>, Vec<String>) {
        (Some(s.into()), vec![])
    }

    #[test]
    fn separators_of_each_kind() {
        let t = "#flashcards\n\nQ::A\n\nR:::S\n\nq\n  ?  \na\n\nr\n??\ns\n";
        assert_eq!(marks(t), vec![sep("::"), sep(":::"), sep("?"), sep("??")]);
    }

    #[test]
    fn the_separator_is_the_first_in_the_question_not_in_a_leading_tag_or_comment() {
        // `#a::b` is the card's leading tag: the question starts after it.
        let t = "#flashcards\n\n#flashcards/x::y Q::A\n";
        let m = marks(t);
        assert_eq!(m, vec![sep("::")]);
        let note = parse_note(t, &Settings::default(), &NoteContext::default());
        let at = card_marks(
            t,
            &note.lines,
            &note.cards[0],
            &Settings::default(),
            &ClozeEngine::new(&Settings::default().cloze_patterns),
        )
        .separator
        .unwrap();
        assert_eq!(at.start, t.find(" Q::").unwrap() + 2);
        // A comment before the separator on the line is cut out of the question, then put back.
        let t = "#flashcards\n\nQ <!--SR:!2025-01-03,1,250--> more::A\n";
        let note = parse_note(t, &Settings::default(), &NoteContext::default());
        let engine = ClozeEngine::new(&Settings::default().cloze_patterns);
        let m = card_marks(
            t,
            &note.lines,
            &note.cards[0],
            &Settings::default(),
            &engine,
        );
        assert_eq!(
            m.separator,
            Some(t.find("::").unwrap()..t.find("::").unwrap() + 2)
        );
    }

    #[test]
    fn deletions_in_text_order_on_their_lines_with_unicode_and_crlf() {
        let t = "\u{feff}#flashcards\r\n\r\n🃏 ==漢字== and ==b==\r\nline ==c==\r\n<!--SR:!2025-01-03,1,250!2025-01-03,1,250!2025-01-03,1,250-->\r\n";
        assert_eq!(
            marks(t),
            vec![(
                None,
                vec!["==漢字==".into(), "==b==".into(), "==c==".into()]
            )]
        );
    }

    #[test]
    fn a_deletion_around_a_comment_spans_it_and_overlapping_ones_are_dropped() {
        let t = "#flashcards\n\n==a <!--SR:!2025-01-03,1,250--> b== c\n";
        assert_eq!(
            marks(t),
            vec![(None, vec!["==a <!--SR:!2025-01-03,1,250--> b==".into()])]
        );
        // A leading tag alone on its line: the question starts on the next line.
        let t = "#flashcards\n\n#flashcards/d\nThe ==x== one\n";
        assert_eq!(marks(t), vec![(None, vec!["==x==".into()])]);
    }
}
