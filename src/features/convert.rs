//! Rewriting the card under the cursor into another form the plugin reads as the same card:
//! single-line ⇄ multi-line, basic ⇄ reversed, and a deck tag at the start of its question
//! (spec §1.2 rule 2: a tag that starts the card's text is its only deck).
//!
//! Every conversion keeps the card's scheduling comment: its bytes move with the card to where
//! the plugin writes it for the new form (§3.3: the next line, the same line with
//! `cardCommentOnSameLine`, or a metadata callout). A new reverse side has no group (it is new);
//! a dropped reverse side loses its group, and the title says so when it had a schedule.
//!
//! A conversion is only offered when the new text, parsed with the note's settings, gives the
//! same card (sides compared trimmed, lines too, as they render; schedule, leading tag and
//! block id equal) and nothing around it changes: a multi-line card gets blank lines (or the
//! end marker) around it where its neighbours would otherwise join it.

use crate::features::grade::{Edit, line_ending, minimal, trim_ws_back};
use crate::note::{Card, Note, NoteContext, parse_note_with, take_all_cards};
use crate::plugin::cloze::ClozeEngine;
use crate::plugin::js::text::{trim, trim_end, trim_start};
use crate::plugin::scanner::CardType;
use crate::plugin::settings::Settings;
use crate::plugin::sr_comment::Group;
use crate::plugin::tags::matches_any;
use std::ops::Range;

/// A conversion of one card: what the editor shows and the edits that make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    /// Names the conversion among a card's (for resolving it later): `multi-line`,
    /// `single-line`, `reversed`, `basic` or `deck:#tag`.
    pub id: String,
    pub title: String,
    /// Byte-range edits of the note (non-overlapping).
    pub edits: Vec<Edit>,
    /// Whether a side's schedule is dropped (reversed → basic with a scheduled reverse side).
    pub loses_schedule: bool,
}

/// Every conversion of card `card_index` the plugin would read back as the same card (`engine`:
/// the vault's cloze engine, built from `settings`). `decks`: the deck tags (`#`-prefixed) to
/// offer putting the card in, in the order to offer them.
pub fn conversions(
    text: &str,
    note: &Note,
    card_index: usize,
    (settings, engine): (&Settings, &ClozeEngine),
    decks: &[String],
) -> Vec<Conversion> {
    let Some(card) = note.cards.get(card_index) else {
        return vec![];
    };
    let ctx = Ctx {
        text,
        note,
        card,
        settings,
        engine,
        nl: line_ending(text, note, card.start),
    };
    if !ctx.readable() {
        return vec![];
    }
    let mut out = Vec::new();
    out.extend(ctx.to_multi_line());
    out.extend(ctx.to_single_line());
    out.extend(ctx.swap_reversed());
    if !settings.convert_folders_to_decks && !moves_fallback(note, card_index, settings) {
        for deck in decks {
            out.extend(ctx.with_deck(deck));
        }
    }
    out
}

/// Everything a conversion of one card reads.
struct Ctx<'a> {
    text: &'a str,
    note: &'a Note,
    card: &'a Card,
    settings: &'a Settings,
    engine: &'a ClozeEngine,
    /// The line ending new lines get (the card's own).
    nl: &'static str,
}

/// What the new text must parse as.
struct Expect {
    kind: CardType,
    sides: Vec<(String, String)>,
    schedule: Vec<Option<Group>>,
    leading_tag: Option<Box<str>>,
}

/// A piece of a card's new text: bytes of the note kept, or new text.
enum Piece {
    Keep(Range<usize>),
    New(String),
}

/// The replacement of `region` by `pieces`.
struct Rewrite {
    region: Range<usize>,
    pieces: Vec<Piece>,
}

impl Rewrite {
    /// The region's new text.
    fn new_text(&self, text: &str) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Keep(r) => out.push_str(&text[r.clone()]),
                Piece::New(s) => out.push_str(s),
            }
        }
        out
    }

    /// The edits: each gap between kept ranges replaced, shrunk to the bytes that change. A kept
    /// range before one already kept is copied instead.
    fn edits(&self, text: &str) -> Vec<Edit> {
        let mut out = Vec::new();
        let mut cursor = self.region.start;
        let mut pending = String::new();
        let flush = |from: usize, to: usize, new: &mut String, out: &mut Vec<Edit>| {
            if text[from..to] != **new {
                out.extend(minimal(text, from, to, new));
            }
            new.clear();
        };
        for p in &self.pieces {
            match p {
                Piece::Keep(r) if r.start >= cursor => {
                    flush(cursor, r.start, &mut pending, &mut out);
                    cursor = r.end;
                }
                Piece::Keep(r) => pending.push_str(&text[r.clone()]),
                Piece::New(s) => pending.push_str(s),
            }
        }
        flush(cursor, self.region.end.max(cursor), &mut pending, &mut out);
        out
    }
}

/// The parts of a card whose question and answer are one line each, as byte ranges.
struct Shape {
    /// Indentation and leading tag before the question (on its line, or a line of its own).
    prefix: Range<usize>,
    /// What goes between the prefix and the question on one line.
    prefix_gap: &'static str,
    front: Range<usize>,
    back: Range<usize>,
    /// `id` of a trailing ` ^id`.
    block_id: Option<Range<usize>>,
    comment: Option<Range<usize>>,
    /// Everything the card's text takes: its lines, comment lines, an end-marker line.
    region: Range<usize>,
}

/// Where the answer's line ends and what follows it in the card.
struct Tail {
    content_end: usize,
    block_id: Option<Range<usize>>,
    comment: Option<Range<usize>>,
    region_end: usize,
}

impl Ctx<'_> {
    /// Whether srls can rewrite this card without losing what it cannot model: no cloze (for
    /// the form changes), one readable comment, no groups beyond the sides.
    fn readable(&self) -> bool {
        let c = self.card;
        c.comment.as_ref().is_none_or(|m| !m.loose)
            && c.extra_comments.is_empty()
            && c.extra_groups == 0
    }

    fn line(&self, i: usize) -> &str {
        self.note.lines.text(self.text, i)
    }

    /// The separators of this settings: (single-line, multi-line) for basic or reversed.
    fn separators(&self, reversed: bool) -> (&str, &str) {
        let s = self.settings;
        if reversed {
            (
                &s.single_line_reversed_card_separator,
                &s.multiline_reversed_card_separator,
            )
        } else {
            (&s.single_line_card_separator, &s.multiline_card_separator)
        }
    }

    fn expect(&self, kind: CardType) -> Expect {
        Expect {
            kind,
            sides: self.card.sides.clone(),
            schedule: self.card.schedule.to_vec(),
            leading_tag: self.card.leading_tag.clone(),
        }
    }

    /// The card's last line (its comment's and a consumed fence's included).
    fn last_line(&self) -> usize {
        let c = self.card;
        let comment_line = c
            .comment
            .as_ref()
            .map_or(0, |m| self.note.lines.line_of(m.start));
        c.end_line
            .max(c.last_line)
            .max(comment_line)
            .max(c.start_line())
    }

    /// The byte range of the card's own lines.
    fn span(&self) -> Range<usize> {
        let lines = &self.note.lines;
        let last = self.last_line().min(lines.len() - 1);
        lines.get(self.card.start_line()).start..lines.get(last).end
    }

    /// The conversion if the rewrite's new text parses as `expect`.
    fn offer(
        &self,
        id: &str,
        (title, loses_schedule): (String, bool),
        rewrite: Rewrite,
        expect: &Expect,
    ) -> Option<Conversion> {
        let new = rewrite.new_text(self.text);
        self.reads_as(&new, expect).then(|| Conversion {
            id: id.to_string(),
            loses_schedule,
            title,
            edits: rewrite.edits(self.text),
        })
    }

    /// Whether `snippet` (blank lines around it allowed) is exactly one card as expected.
    fn reads_as(&self, snippet: &str, expect: &Expect) -> bool {
        let mut note =
            parse_note_with(snippet, self.settings, &NoteContext::default(), self.engine);
        let all = take_all_cards(&mut note);
        let [card] = all.as_slice() else {
            return false;
        };
        let span = note.card_span(card);
        let after = trim(&snippet[span.end.max(card.end).min(snippet.len())..]);
        let marker = &self.settings.multiline_card_end_marker;
        let trimmed = |s: &[(String, String)]| -> Vec<(String, String)> {
            s.iter().map(|(f, b)| (rendered(f), rendered(b))).collect()
        };
        card.kind == expect.kind
            && trimmed(&card.sides) == trimmed(&expect.sides)
            && *card.schedule == *expect.schedule
            && card.leading_tag == expect.leading_tag
            && card.block_id == self.card.block_id
            && card.extra_comments.is_empty()
            && card.extra_groups == 0
            && card.comment.as_ref().is_none_or(|c| !c.loose)
            && trim(&snippet[..span.start]).is_empty()
            && (after.is_empty() || after == marker.as_str())
    }

    /// Where the question starts on a line: after its indentation, `tag` and the white space
    /// after it when the card has a leading tag there, else at the line's start.
    fn question_start(&self, line: usize, tag: Option<&str>) -> Option<usize> {
        let l = self.note.lines.get(line);
        let s = self.line(line);
        let Some(tag) = tag else {
            return Some(l.start);
        };
        let lead = s.len() - trim_start(s).len();
        let after = s[lead..].strip_prefix(tag)?;
        Some(l.end - trim_start(after).len())
    }
}

impl Ctx<'_> {
    /// After the answer's text on line `answer_line`: a block id, the comment on that line or
    /// the next lines (in a metadata callout too), and nothing else of the card.
    fn tail(&self, answer_line: usize) -> Option<Tail> {
        let (text, lines) = (self.text, &self.note.lines);
        let l = lines.get(answer_line);
        let comment = self.card.comment.as_ref().map(|c| c.start..c.end);
        let mut tail = Tail {
            content_end: trim_ws_back(text, l.start, l.end),
            block_id: None,
            comment: comment.clone(),
            region_end: l.end,
        };
        match comment {
            Some(c) if lines.line_of(c.start) == answer_line => {
                tail.content_end = trim_ws_back(text, l.start, c.start);
                let after = trim(&text[c.end..l.end]);
                if !after.is_empty() {
                    let id = self.card.block_id.as_deref()?;
                    (after.strip_prefix('^')? == id).then_some(())?;
                    let at = l.end - trim_start(&text[c.end..l.end]).len() + 1;
                    tail.block_id = Some(at..at + id.len());
                }
            }
            Some(c) => tail.region_end = self.comment_lines(answer_line, c)?,
            None => {}
        }
        if self.last_line() > lines.line_of(tail.region_end) {
            return None;
        }
        if tail.block_id.is_none()
            && let Some(id) = self.card.block_id.as_deref()
        {
            let before = &text[l.start..tail.content_end];
            (before.strip_suffix(id)?.ends_with(" ^")).then_some(())?;
            tail.block_id = Some(tail.content_end - id.len()..tail.content_end);
            tail.content_end = trim_ws_back(text, l.start, tail.content_end - id.len() - 2);
        }
        Some(tail)
    }

    /// The end of the comment's line, when the lines after `line` up to it hold only the
    /// comment (alone, or after `>` in a metadata callout) and a callout header.
    fn comment_lines(&self, line: usize, comment: Range<usize>) -> Option<usize> {
        let lines = &self.note.lines;
        let last = lines.line_of(comment.start);
        for i in line + 1..last {
            (trim_end(self.line(i)) == "> [!sr|card-metadata]").then_some(())?;
        }
        let l = lines.get(last);
        let before = trim(&self.text[l.start..comment.start]);
        let alone =
            (before.is_empty() || before == ">") && trim(&self.text[comment.end..l.end]).is_empty();
        alone.then_some(l.end)
    }

    /// The shape of a single-line card.
    fn single_shape(&self) -> Option<Shape> {
        let line = self.card.start_line();
        let l = self.note.lines.get(line);
        let q = self.question_start(line, self.card.leading_tag.as_deref())?;
        let tail = self.tail(line)?;
        let reversed = self.card.kind == CardType::SingleLineReversed;
        let sep = self.separators(reversed).0;
        let at = q + self.text[q..tail.content_end].find(sep)?;
        let back_start = at + sep.len();
        let back = &self.text[back_start..tail.content_end];
        Some(Shape {
            prefix: l.start..q,
            prefix_gap: "",
            front: q..trim_ws_back(self.text, q, at),
            back: tail.content_end - trim_start(back).len()..tail.content_end,
            block_id: tail.block_id,
            comment: tail.comment,
            region: l.start..tail.region_end,
        })
    }

    /// The shape of a multi-line card of a question line, its separator line and an answer
    /// line (a leading tag may stand on a line of its own above them).
    fn multi_shape(&self) -> Option<Shape> {
        let (card, lines, text) = (self.card, &self.note.lines, self.text);
        let first = card.start_line();
        let own: Vec<usize> = (first..=self.last_line()).collect();
        (*card.src_lines == *own).then_some(())?;
        let tag = card.leading_tag.as_deref();
        let tag_alone = tag.is_some_and(|t| trim(self.line(first)) == t);
        let (prefix, gap, qline) = if tag_alone {
            let l = lines.get(first);
            let lead = self.line(first).len() - trim_start(self.line(first)).len();
            (l.start..l.start + lead + tag?.len(), " ", first + 1)
        } else {
            let q = self.question_start(first, tag)?;
            (lines.get(first).start..q, "", first)
        };
        let sep_line = card.separator_line(text, lines, self.settings)?;
        (sep_line == qline + 1 && sep_line < self.last_line()).then_some(())?;
        let answer_line = sep_line + 1;
        let tail = self.tail(answer_line)?;
        let ql = lines.get(qline);
        let q = if tag_alone { ql.start } else { prefix.end };
        let a = lines.get(answer_line);
        let back = &text[a.start..tail.content_end];
        let front_end = trim_ws_back(text, q, ql.end);
        let no_comment = |r: &Range<usize>| tail.comment.as_ref().is_none_or(|c| c.start >= r.end);
        let front = q..front_end;
        (no_comment(&front) && !trim(back).is_empty()).then_some(())?;
        Some(Shape {
            prefix,
            prefix_gap: gap,
            front,
            back: tail.content_end - trim_start(back).len()..tail.content_end,
            block_id: tail.block_id,
            comment: tail.comment,
            region: lines.get(first).start..self.with_end_marker(tail.region_end),
        })
    }

    /// `end`, or the end of the end-marker line right after it.
    fn with_end_marker(&self, end: usize) -> usize {
        let marker = &self.settings.multiline_card_end_marker;
        let lines = &self.note.lines;
        let next = lines.line_of(end) + 1;
        if marker.is_empty() || next >= lines.len() || trim(self.line(next)) != marker.as_str() {
            return end;
        }
        lines.get(next).end
    }
}

impl Ctx<'_> {
    /// After the answer: the block id and the comment where the plugin writes them (§3.3).
    fn push_tail(&self, pieces: &mut Vec<Piece>, shape: &Shape) {
        let nl = self.nl;
        let block = |pieces: &mut Vec<Piece>| {
            if let Some(b) = &shape.block_id {
                pieces.push(Piece::New(" ^".into()));
                pieces.push(Piece::Keep(b.clone()));
            }
        };
        let back = &self.text[shape.back.clone()];
        let fenced = back.ends_with("```") || back.ends_with("~~~");
        match &shape.comment {
            None => block(pieces),
            Some(c) if self.settings.use_callouts_for_scheduling_comments => {
                pieces.push(Piece::New(format!("{nl}> [!sr|card-metadata] {nl}>  ")));
                pieces.push(Piece::Keep(c.clone()));
                block(pieces);
            }
            Some(c) if self.settings.card_comment_on_same_line && !fenced => {
                pieces.push(Piece::New(" ".into()));
                pieces.push(Piece::Keep(c.clone()));
                block(pieces);
            }
            Some(c) => {
                block(pieces);
                pieces.push(Piece::New(nl.into()));
                pieces.push(Piece::Keep(c.clone()));
            }
        }
    }

    /// Single-line → multi-line, with blank lines (or the end marker) where the neighbours would
    /// join the new paragraph.
    fn to_multi_line(&self) -> Option<Conversion> {
        let reversed = match self.card.kind {
            CardType::SingleLineBasic => false,
            CardType::SingleLineReversed => true,
            _ => return None,
        };
        let shape = self.single_shape()?;
        let (blank_before, blank_after) = self.isolation(&shape)?;
        let nl = self.nl;
        let mut pieces = vec![];
        if blank_before {
            pieces.push(Piece::New(nl.into()));
        }
        pieces.push(Piece::Keep(shape.prefix.start..shape.front.end));
        let sep = self.separators(reversed).1;
        pieces.push(Piece::New(format!("{nl}{sep}{nl}")));
        pieces.push(Piece::Keep(shape.back.clone()));
        self.push_tail(&mut pieces, &shape);
        let marker = &self.settings.multiline_card_end_marker;
        if !marker.is_empty() {
            pieces.push(Piece::New(format!("{nl}{marker}")));
        } else if blank_after {
            pieces.push(Piece::New(nl.into()));
        }
        let kind = if reversed {
            CardType::MultiLineReversed
        } else {
            CardType::MultiLineBasic
        };
        let rewrite = Rewrite {
            region: shape.region.clone(),
            pieces,
        };
        let title = "Convert to a multi-line card".to_string();
        self.offer("multi-line", (title, false), rewrite, &self.expect(kind))
    }

    /// Whether a blank line must go before and after the new multi-line card for the scanner
    /// to start it afresh and end it there; `None` when no blank line can make it so (an HTML
    /// comment above would hide it, or an end marker is set and a card may be open above).
    fn isolation(&self, shape: &Shape) -> Option<(bool, bool)> {
        let lines = &self.note.lines;
        let first = self.card.start_line();
        let synced = first == 0
            || self
                .note
                .index
                .flags
                .get(first)
                .is_some_and(|f| f & crate::note::SCAN_SYNC != 0);
        let before = !synced;
        if before {
            let prev = self.line(first - 1);
            let html = prev.starts_with("<!--") && !prev.starts_with("<!--SR:");
            let marker = !self.settings.multiline_card_end_marker.is_empty();
            let after_single = self.note.card_at_line(first - 1).is_some_and(|i| {
                let c = &self.note.cards[i];
                matches!(
                    c.kind,
                    CardType::SingleLineBasic | CardType::SingleLineReversed
                ) && c.end_line.max(c.last_line) == first - 1
            });
            (!html && (!marker || after_single)).then_some(())?;
        }
        let next = lines.line_of(shape.region.end) + 1;
        let after = next < lines.len() && !trim(self.line(next)).is_empty();
        Some((before, after))
    }

    /// Multi-line → single-line, when the question and the answer are one line each.
    fn to_single_line(&self) -> Option<Conversion> {
        let reversed = match self.card.kind {
            CardType::MultiLineBasic => false,
            CardType::MultiLineReversed => true,
            _ => return None,
        };
        let shape = self.multi_shape()?;
        let lines = &self.note.lines;
        let next = lines.line_of(shape.region.end) + 1;
        if next < lines.len() {
            let n = self.line(next);
            if n.starts_with("<!--SR:") || n.starts_with("> [!sr|card-metadata]") {
                return None;
            }
        }
        let mut pieces = vec![
            Piece::Keep(shape.prefix.clone()),
            Piece::New(shape.prefix_gap.into()),
            Piece::Keep(shape.front.clone()),
            Piece::New(self.separators(reversed).0.to_string()),
            Piece::Keep(shape.back.clone()),
        ];
        self.push_tail(&mut pieces, &shape);
        let kind = if reversed {
            CardType::SingleLineReversed
        } else {
            CardType::SingleLineBasic
        };
        let rewrite = Rewrite {
            region: shape.region.clone(),
            pieces,
        };
        let title = "Convert to a single-line card".to_string();
        self.offer("single-line", (title, false), rewrite, &self.expect(kind))
    }
}

impl Ctx<'_> {
    /// The separator that makes the card, as a byte range: the first on a single-line card's
    /// line after its question starts, the trimmed separator line of a multi-line one.
    fn separator_range(&self) -> Option<(Range<usize>, bool, bool)> {
        let (card, lines, text) = (self.card, &self.note.lines, self.text);
        let (multi, reversed) = match card.kind {
            CardType::SingleLineBasic => (false, false),
            CardType::SingleLineReversed => (false, true),
            CardType::MultiLineBasic => (true, false),
            CardType::MultiLineReversed => (true, true),
            CardType::Cloze => return None,
        };
        let (single, multi_sep) = self.separators(reversed);
        if multi {
            let l = lines.get(card.separator_line(text, lines, self.settings)?);
            let s = &text[l.start..l.end];
            let start = l.start + s.len() - trim_start(s).len();
            return Some((start..start + multi_sep.len(), multi, reversed));
        }
        let line = card.start_line();
        let q = self.question_start(line, card.leading_tag.as_deref())?;
        let at = q + text[q..lines.get(line).end].find(single)?;
        Some((at..at + single.len(), multi, reversed))
    }

    /// Basic ⇄ reversed: the separator swapped; a dropped reverse side's group removed.
    fn swap_reversed(&self) -> Option<Conversion> {
        let (sep, multi, reversed) = self.separator_range()?;
        let (single, multi_sep) = self.separators(!reversed);
        let new_sep = if multi { multi_sep } else { single };
        let mut pieces = vec![Piece::New(new_sep.to_string())];
        let span = self.span();
        let mut expect = self.expect(match (multi, reversed) {
            (false, false) => CardType::SingleLineReversed,
            (false, true) => CardType::SingleLineBasic,
            (true, false) => CardType::MultiLineReversed,
            (true, true) => CardType::MultiLineBasic,
        });
        let mut loses = false;
        let (first, back) = self.card.sides.first().cloned().unwrap_or_default();
        if reversed {
            expect.sides = vec![(first, back)];
            expect.schedule.truncate(1);
            loses = self.card.schedule.get(1).is_some_and(Option::is_some);
            let groups = self
                .card
                .comment
                .as_ref()
                .map_or(&[][..], |c| &c.groups[..]);
            if let [g0, .., last] = groups {
                pieces.push(Piece::Keep(sep.end..g0.end));
                pieces.push(Piece::Keep(last.end..span.end));
            }
        } else {
            expect.sides = vec![(first.clone(), back.clone()), (back, first)];
            expect.schedule.push(None);
        }
        if pieces.len() == 1 {
            pieces.push(Piece::Keep(sep.end..span.end));
        }
        let mut all = vec![Piece::Keep(span.start..sep.start)];
        all.extend(pieces);
        let rewrite = Rewrite {
            region: span,
            pieces: all,
        };
        let (id, title) = match (reversed, loses) {
            (false, _) => ("reversed", "Convert to a reversed card"),
            (true, false) => ("basic", "Convert to a basic card"),
            (true, true) => (
                "basic",
                "Convert to a basic card (drops the reverse side's schedule)",
            ),
        };
        self.offer(id, (title.to_string(), loses), rewrite, &expect)
    }

    /// The card put in `deck` by a tag at the start of its question (replacing a leading tag).
    fn with_deck(&self, deck: &str) -> Option<Conversion> {
        let card = self.card;
        if card.decks.len() == 1 && card.decks[0] == deck {
            return None;
        }
        let span = self.span();
        let first = card.start_line();
        let l = self.note.lines.get(first);
        let s = self.line(first);
        let indent = l.start + s.len() - trim_start(s).len();
        let (pieces, title) = match card.leading_tag.as_deref() {
            Some(old) if trim_start(s).starts_with(old) => (
                vec![
                    Piece::Keep(span.start..indent),
                    Piece::New(deck.to_string()),
                    Piece::Keep(indent + old.len()..span.end),
                ],
                format!("Replace deck tag {old} with {deck}"),
            ),
            Some(_) => return None,
            None => (
                vec![
                    Piece::Keep(span.start..indent),
                    Piece::New(format!("{deck} ")),
                    Piece::Keep(indent..span.end),
                ],
                format!("Add deck tag {deck}"),
            ),
        };
        let mut expect = self.expect(card.kind);
        expect.leading_tag = Some(deck.into());
        let rewrite = Rewrite {
            region: span,
            pieces,
        };
        self.offer(&format!("deck:{deck}"), (title, false), rewrite, &expect)
    }
}

/// A side as it renders: trimmed, and each line trimmed at its end (a multi-line card's lines
/// are, a single-line card's metadata callout header keeps its trailing space).
fn rendered(side: &str) -> String {
    let lines: Vec<&str> = trim(side).split('\n').map(trim_end).collect();
    lines.join("\n")
}

/// Whether a tag at the start of card `card_index` could change other cards' decks: when some
/// card takes the note's first flashcard tag (spec §1.2 rule 5) and this card is at or before
/// that tag's line.
///
/// Asked on every cursor move, so it walks no more of the note than it must: tags come in line
/// order and cards by first line, and a card after the note's first flashcard tag (most cards)
/// is answered at that tag.
fn moves_fallback(note: &Note, card_index: usize, settings: &Settings) -> bool {
    let fc = &settings.flashcard_tags;
    if front_matter_flashcard_tag(note, fc) {
        return false;
    }
    let line = note.cards[card_index].first_line as i64;
    let mut fc_lines = note
        .tags
        .iter()
        .filter(|t| t.line >= 0 && matches_any(&t.name, fc))
        .map(|t| t.line)
        .peekable();
    if fc_lines.peek().is_some_and(|&l| l < line) {
        return false;
    }
    // Whether a line is inside a card, for lines asked in increasing order: the furthest last
    // line of the cards (kept or dropped) that start at or before it.
    let (mut kept, mut dropped, mut reach) = (0, 0, -1i64);
    let mut in_card = |l: i64| {
        for (list, next) in [(&note.cards, &mut kept), (&note.dropped, &mut dropped)] {
            while let Some(c) = list.get(*next)
                && c.first_line as i64 <= l
            {
                reach = reach.max(c.last_line as i64);
                *next += 1;
            }
        }
        l <= reach
    };
    let first_content = fc_lines.find(|&l| !in_card(l));
    note.cards
        .iter()
        .enumerate()
        .take_while(|(_, c)| first_content.is_none_or(|l| l >= c.first_line as i64))
        .any(|(i, c)| i != card_index && c.leading_tag.is_none())
}

/// Whether the note's front matter has a flashcard tag (then no card takes the fallback).
fn front_matter_flashcard_tag(note: &Note, fc: &[String]) -> bool {
    note.front_matter
        .as_ref()
        .is_some_and(|f| f.plugin_tags.iter().any(|t| matches_any(t, fc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::grade::apply_edits;
    use crate::note::parse_note;

    /// The rule as first written, walking every card for every flashcard tag.
    fn moves_fallback_by_definition(note: &Note, card_index: usize, settings: &Settings) -> bool {
        let fc = &settings.flashcard_tags;
        if front_matter_flashcard_tag(note, fc) {
            return false;
        }
        let in_card = |line: i64| {
            note.cards
                .iter()
                .chain(&note.dropped)
                .any(|c| (c.first_line as i64..=c.last_line as i64).contains(&line))
        };
        let fc_lines: Vec<i64> = note
            .tags
            .iter()
            .filter(|t| t.line >= 0 && matches_any(&t.name, fc))
            .map(|t| t.line)
            .collect();
        let first_content = fc_lines.iter().copied().find(|&l| !in_card(l));
        let uses_fallback = note.cards.iter().enumerate().any(|(i, c)| {
            i != card_index
                && c.leading_tag.is_none()
                && first_content.is_none_or(|l| l >= c.first_line as i64)
        });
        let line = note.cards[card_index].first_line as i64;
        uses_fallback && fc_lines.first().is_none_or(|&l| l >= line)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        /// The walk that stops early answers as the rule's definition for every card.
        #[test]
        fn moves_fallback_agrees_with_its_definition(
            lines in proptest::collection::vec(0usize..8, 1..14),
        ) {
            const PIECES: [&str; 8] = [
                "#flashcards", "#flashcards/geo Q::A", "Q::A", "Q\n?\nA #flashcards",
                "text #flashcards/x", "", "#flashcards ==c==", "Q::A\n<!--SR:!2025-01-03,3,250-->",
            ];
            let text: String = lines.iter().map(|&i| format!("{}\n", PIECES[i])).collect();
            let settings = Settings::default();
            let note = parse_note(&text, &settings, &NoteContext::default());
            for i in 0..note.cards.len() {
                proptest::prop_assert_eq!(
                    moves_fallback(&note, i, &settings),
                    moves_fallback_by_definition(&note, i, &settings),
                    "card {} of {:?}", i, text
                );
            }
        }
    }

    /// Every conversion of the card on `line` as (id, title, new text).
    fn converted_with(
        text: &str,
        line: usize,
        settings: &Settings,
    ) -> Vec<(String, String, String)> {
        let note = parse_note(text, settings, &NoteContext::default());
        let i = note.card_at_line(line).expect("a card");
        let decks = ["#flashcards/geo".to_string()];
        let engine = ClozeEngine::new(&settings.cloze_patterns);
        conversions(text, &note, i, (settings, &engine), &decks)
            .into_iter()
            .map(|c| (c.id, c.title, apply_edits(text, &c.edits)))
            .collect()
    }

    fn converted(text: &str, line: usize) -> Vec<(String, String, String)> {
        converted_with(text, line, &Settings::default())
    }

    fn one(text: &str, line: usize, id: &str) -> Option<String> {
        converted(text, line)
            .into_iter()
            .find(|c| c.0 == id)
            .map(|c| c.2)
    }

    #[test]
    fn single_line_card_converts_to_multi_line_reversed_and_a_deck() {
        let text = "#flashcards\n\nQ::A\n<!--SR:!2025-01-03,15,290-->\n";
        let got = converted(text, 2);
        let want = [
            (
                "multi-line",
                "Convert to a multi-line card",
                "#flashcards\n\nQ\n?\nA\n<!--SR:!2025-01-03,15,290-->\n",
            ),
            (
                "reversed",
                "Convert to a reversed card",
                "#flashcards\n\nQ:::A\n<!--SR:!2025-01-03,15,290-->\n",
            ),
            (
                "deck:#flashcards/geo",
                "Add deck tag #flashcards/geo",
                "#flashcards\n\n#flashcards/geo Q::A\n<!--SR:!2025-01-03,15,290-->\n",
            ),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn multi_line_back_to_single_line_in_crlf_with_the_comment_on_the_same_line() {
        let text = "#flashcards\r\n\r\n😀 漢\r\n\r\nQ\r\n??\r\nA <!--SR:!2025-01-03,15,290!2025-01-04,3,250-->\r\n\r\nnext\r\n";
        assert_eq!(
            one(text, 4, "single-line").unwrap(),
            "#flashcards\r\n\r\n😀 漢\r\n\r\nQ:::A\r\n<!--SR:!2025-01-03,15,290!2025-01-04,3,250-->\r\n\r\nnext\r\n"
        );
        let same = Settings {
            card_comment_on_same_line: true,
            ..Settings::default()
        };
        let got = converted_with(text, 4, &same);
        assert_eq!(
            got[0].2,
            "#flashcards\r\n\r\n😀 漢\r\n\r\nQ:::A <!--SR:!2025-01-03,15,290!2025-01-04,3,250-->\r\n\r\nnext\r\n"
        );
    }

    #[test]
    fn reversed_to_basic_drops_the_second_group_and_says_so() {
        let text = "#flashcards\n\nQ:::A\n<!--SR:!2025-01-03,15,290!2025-01-04,3,250-->\n";
        let got = converted(text, 2);
        let basic = got.iter().find(|c| c.0 == "basic").unwrap();
        assert_eq!(
            basic.1,
            "Convert to a basic card (drops the reverse side's schedule)"
        );
        assert_eq!(
            basic.2,
            "#flashcards\n\nQ::A\n<!--SR:!2025-01-03,15,290-->\n"
        );
        let new_reverse = "#flashcards\n\nQ:::A\n<!--SR:!2025-01-03,15,290-->\n";
        let got = converted(new_reverse, 2);
        let basic = got.iter().find(|c| c.0 == "basic").unwrap();
        assert_eq!(basic.1, "Convert to a basic card");
        assert_eq!(
            basic.2,
            "#flashcards\n\nQ::A\n<!--SR:!2025-01-03,15,290-->\n"
        );
    }

    #[test]
    fn a_multi_line_reversed_card_keeps_or_drops_its_groups() {
        let text = "#flashcards\r\n\r\nQ\r\n ?? \r\nA\r\n<!--SR:!2025-01-03,15,290!2000-01-01,1,250-->\r\n";
        let got = converted(text, 2);
        let ids: Vec<&str> = got.iter().map(|c| c.1.as_str()).collect();
        assert_eq!(
            ids,
            [
                "Convert to a single-line card",
                "Convert to a basic card",
                "Add deck tag #flashcards/geo"
            ]
        );
        assert_eq!(
            got[0].2,
            "#flashcards\r\n\r\nQ:::A\r\n<!--SR:!2025-01-03,15,290!2000-01-01,1,250-->\r\n"
        );
        // Only the separator's bytes and the placeholder group go.
        assert_eq!(
            got[1].2,
            "#flashcards\r\n\r\nQ\r\n ? \r\nA\r\n<!--SR:!2025-01-03,15,290-->\r\n"
        );
        let scheduled = text.replace("!2000-01-01,1,250", "!2025-01-09,4,230");
        let got = converted(&scheduled, 3);
        assert_eq!(
            got[1].1,
            "Convert to a basic card (drops the reverse side's schedule)"
        );
    }

    #[test]
    fn neighbours_get_blank_lines_and_the_end_marker() {
        let text = "#flashcards\nQ1::A1\nQ::A\nQ3::A3";
        assert_eq!(
            one(text, 2, "multi-line").unwrap(),
            "#flashcards\nQ1::A1\n\nQ\n?\nA\n\nQ3::A3"
        );
        let marked = Settings {
            multiline_card_end_marker: "+++".into(),
            ..Settings::default()
        };
        let got = converted_with(text, 2, &marked);
        assert_eq!(got[0].2, "#flashcards\nQ1::A1\n\nQ\n?\nA\n+++\nQ3::A3");
        let back = "#flashcards\n\nQ\n?\nA\n+++\nQ3::A3";
        let got = converted_with(back, 2, &marked);
        assert_eq!(got[0].2, "#flashcards\n\nQ::A\nQ3::A3");
    }

    #[test]
    fn custom_separators_and_tabs() {
        let s = Settings {
            single_line_card_separator: ";;".into(),
            single_line_reversed_card_separator: ";;;".into(),
            multiline_card_separator: "%".into(),
            multiline_reversed_card_separator: "%%".into(),
            ..Settings::default()
        };
        let text = "#flashcards\n\n\t#geo Q\t;; A ^id1\n<!--SR:!2025-01-03,15,290-->\n";
        let got = converted_with(text, 2, &s);
        assert_eq!(
            got[0].2,
            "#flashcards\n\n\t#geo Q\n%\nA ^id1\n<!--SR:!2025-01-03,15,290-->\n"
        );
        assert_eq!(
            got[1].2,
            "#flashcards\n\n\t#geo Q\t;;; A ^id1\n<!--SR:!2025-01-03,15,290-->\n"
        );
        assert_eq!(got[2].1, "Replace deck tag #geo with #flashcards/geo");
        assert_eq!(
            got[2].2,
            "#flashcards\n\n\t#flashcards/geo Q\t;; A ^id1\n<!--SR:!2025-01-03,15,290-->\n"
        );
        let back = converted_with(&got[0].2, 2, &s);
        assert_eq!(
            back[0].2,
            "#flashcards\n\n\t#geo Q;;A ^id1\n<!--SR:!2025-01-03,15,290-->\n"
        );
    }

    #[test]
    fn no_conversion_that_would_change_the_card() {
        // The answer holds the multi-line separator's line text or another `::`.
        assert_eq!(one("#flashcards\n\n?::A\n", 2, "multi-line"), None);
        assert_eq!(one("#flashcards\n\nQ::A::B\n", 2, "multi-line"), None);
        // Two answer lines cannot become one line.
        assert_eq!(one("#flashcards\n\nQ\n?\nA\nB\n", 2, "single-line"), None);
        // A `?` line in the front: `??` → `?` would split there.
        assert_eq!(one("#flashcards\n\nQ\n?\nq\n??\nA\n", 2, "basic"), None);
        // An HTML comment above hides the blank line after it: one more goes in.
        assert_eq!(
            one("#flashcards\n<!-- x -->\n\nQ::A\n", 3, "multi-line").as_deref(),
            Some("#flashcards\n<!-- x -->\n\n\nQ\n?\nA\n")
        );
        // Clozes have none of these forms.
        let cloze = converted("#flashcards\n\na ==b== c\n", 2);
        assert_eq!(
            cloze.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
            ["deck:#flashcards/geo"]
        );
    }

    #[test]
    fn a_card_right_after_a_byte_order_mark_keeps_its_leading_tag() {
        let text = "\u{feff}#flashcards Q::A\n";
        assert_eq!(
            one(text, 0, "multi-line").as_deref(),
            Some("\u{feff}#flashcards Q\n?\nA\n")
        );
        let back = one("\u{feff}#flashcards Q\n?\nA\n", 0, "single-line");
        assert_eq!(back.as_deref(), Some(text));
    }

    #[test]
    fn callout_comments_move_into_a_callout() {
        let callouts = Settings {
            use_callouts_for_scheduling_comments: true,
            ..Settings::default()
        };
        let text = "#flashcards\n\nQ::A\n> [!sr|card-metadata] \n>  <!--SR:!2025-01-03,15,290-->\n";
        let got = converted_with(text, 2, &callouts);
        assert_eq!(
            got[0].2,
            "#flashcards\n\nQ\n?\nA\n> [!sr|card-metadata] \n>  <!--SR:!2025-01-03,15,290-->\n"
        );
        let back = converted_with(&got[0].2, 2, &callouts);
        assert_eq!(back[0].2, text);
    }

    #[test]
    fn no_deck_tag_where_other_cards_take_the_first_flashcard_tag() {
        // The second card's deck is the note's first flashcard tag, `#flashcards/x` below it.
        let text = "Q::A\n\nQ2::A2\n\n#flashcards/x\n";
        let got = converted(text, 0);
        assert!(got.iter().all(|c| !c.0.starts_with("deck:")));
    }
}
