//! Reparsing a note after an edit in time proportional to the edit, not the note.
//!
//! The result is always exactly [`parse_note_with`] of the new text; what is reused is only
//! what provably cannot differ:
//!
//! * **Lines.** The edited lines are split again, from the line before the edit's line (a `\n`
//!   typed after a `\r` joins two lines) until a line start at or after the edit's end that was
//!   also a line start before. Later lines are the old ones moved by the byte delta.
//! * **Cards and scan events.** The card scanner's whole state is empty when it reaches a line
//!   right after a boundary (spec §2.2 step 2), and from there its output depends only on the
//!   lines that follow. A full parse marks those lines ([`SCAN_SYNC`]); a reparse rescans from
//!   the last mark at or before the edit until it reaches a mark again, past the edit, on a line
//!   that was marked before the edit too. Old cards and events from there on are moved by the
//!   line and byte deltas. An HTML comment that hides the rest of the note ends the rescan like
//!   the end of the note does.
//! * **Tags.** Obsidian's tag reader carries code fences, `$$` math and `%%` comments from line
//!   to line; lines where none is open are marked ([`TAG_CLEAR`]) and tags are reread the same
//!   way between two marks.
//! * **Note-wide parts** are recomputed, in O(cards + tags): the gate and every card's decks.
//!
//! * **Front matter.** An edit between its first and closing lines that types no `---` line
//!   keeps the block (moved by the line delta): the block is read again, the body only moved.
//!
//! Falls back to a full parse when the front matter could appear, vanish or change its extent
//! (an edit on its first or closing line, a `---` line typed inside it, line 0 becoming or
//! leaving `---`, a `---` line typed below an unclosed one), when the edits do not fit the
//! texts, or when the old note carries no index (not made by [`parse_note_with`] or this
//! module). Everything else, fences, math, `%%` and HTML comments (including one that hides the
//! rest of the note) included, is handled by rescanning: an edit that changes how far a fence
//! reaches rescans as far as the difference goes, up to the end of the note.

//!
//! A server keeps one [`Note`] per open document and, after applying a `didChange`, calls
//! [`reparse_in_place`] with the byte spans of the applied changes (`text::AppliedEdit`'s
//! `start_byte`, `old_end_byte`, `new_end_byte`). The old note must be exactly what a parse (or
//! reparse) of the old text gave, with the same settings, context and cloze engine: after a
//! settings change, parse afresh.

use crate::note::{
    self, Card, Note, NoteContext, SCAN_SYNC, TAG_CLEAR, build_card, parse_note_with,
};
use crate::plugin::cloze::ClozeEngine;
use crate::plugin::lines::{self, Line};
use crate::plugin::scanner::{self, ScanEvent};
use crate::plugin::settings::Settings;
use crate::plugin::tags::{self, Tag};
use std::ops::Range;

/// An edit in bytes: `start..old_end` of the old text became `start..new_end` of the new text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditSpan {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

/// Same result as `parse_note_with(new_text, settings, ctx, engine)`, computed by reusing `old`
/// (which must be the parse of `old_text` with the same settings, context and engine).
///
/// `edits` are in the order they were applied, each in the coordinates of the text the previous
/// ones left. This clones the reused part of `old`; a caller that owns the old note should use
/// [`reparse_in_place`], which only touches what the edit changes or moves.
pub fn reparse(
    old: &Note,
    old_text: &str,
    new_text: &str,
    edits: &[EditSpan],
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> Note {
    let e = merge_edits(edits);
    let plan = match e {
        Some(e) if e.old_end <= old_text.len() && !old_text.is_char_boundary(e.start) => None,
        _ => plan(old, OldFacts::of(old_text, old), new_text, edits),
    };
    match plan {
        Some(p) => {
            let mut note = old.clone();
            apply(&mut note, p, new_text, settings, ctx, engine);
            note
        }
        None => parse_note_with(new_text, settings, ctx, engine),
    }
}

/// What a reparse in place did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reparsed {
    /// The note was parsed afresh: nothing of the old one is known to hold.
    Full,
    /// The old note was reused; see [`ReparseWindow`].
    Window(ReparseWindow),
}

impl Reparsed {
    /// Whether the old note was reused (`false`: it fell back to a full parse).
    pub fn reused(&self) -> bool {
        matches!(self, Reparsed::Window(_))
    }
}

/// Where a reparse in place changed the note.
///
/// Lines (and bytes) before `lines_new.start` (`bytes_new.start`) are untouched: the same lines,
/// cards and scan events as before. From old line `lines_old.end` / new line `lines_new.end` on
/// (bytes `bytes_old.end` / `bytes_new.end`), the lines, cards and scan events are the old ones
/// moved by `dl` lines and `delta` bytes. Cards and events whose first line lies in the window
/// were computed afresh. `lines_old.start == lines_new.start` and
/// `lines_new.end - lines_old.end == dl` (likewise for bytes and `delta`).
///
/// Not covered: tags (reread separately, and only ever read note-wide: the gate and the decks),
/// the front matter's content (an edit inside it keeps its extent) and each card's decks and
/// whether it is kept or dropped, which are note-wide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReparseWindow {
    pub lines_old: Range<usize>,
    pub lines_new: Range<usize>,
    pub bytes_old: Range<usize>,
    pub bytes_new: Range<usize>,
    pub dl: isize,
    pub delta: isize,
}

/// What a reparse needs to know of the old text, taken before the caller changes it in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OldFacts {
    /// The old text's length in bytes.
    pub len: usize,
    /// Whether the old text's line 0 is exactly `---`.
    pub line0_is_rule: bool,
}

impl OldFacts {
    /// The facts of `old_text`, whose parse (or reparse) is `note`.
    pub fn of(old_text: &str, note: &Note) -> OldFacts {
        OldFacts {
            len: old_text.len(),
            line0_is_rule: !note.lines.is_empty()
                && note.lines.get(0).end <= old_text.len()
                && note.lines.text(old_text, 0) == "---",
        }
    }
}

/// Like [`reparse`], updating `note` (the parse of `old_text`) to the parse of `new_text`.
pub fn reparse_in_place(
    note: &mut Note,
    old_text: &str,
    new_text: &str,
    edits: &[EditSpan],
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> Reparsed {
    if let Some(e) = merge_edits(edits)
        && e.old_end <= old_text.len()
        && e.new_end <= new_text.len()
        && old_text.len() - e.old_end == new_text.len() - e.new_end
        && !old_text.is_char_boundary(e.start)
    {
        *note = parse_note_with(new_text, settings, ctx, engine);
        return Reparsed::Full;
    }
    debug_assert!(
        merge_edits(edits).is_none_or(|e| e.old_end > old_text.len()
            || e.new_end > new_text.len()
            || old_text.len() - e.old_end != new_text.len() - e.new_end
            || (old_text.as_bytes()[..e.start.min(new_text.len())]
                == new_text.as_bytes()[..e.start.min(new_text.len())]
                && old_text.as_bytes()[e.old_end..] == new_text.as_bytes()[e.new_end..])),
        "the edits do not describe how the old text became the new one"
    );
    let facts = OldFacts::of(old_text, note);
    reparse_in_place_facts(note, facts, new_text, edits, settings, ctx, engine)
}

/// Like [`reparse_in_place`], without the old text: `old` is [`OldFacts::of`] the old text and
/// `note`, taken before the text was changed. The edits must describe how the old text became
/// `new_text` (the bytes before each edit's start and after its end are the same).
pub fn reparse_in_place_facts(
    note: &mut Note,
    old: OldFacts,
    new_text: &str,
    edits: &[EditSpan],
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> Reparsed {
    match plan(note, old, new_text, edits) {
        Some(p) => apply(note, p, new_text, settings, ctx, engine),
        None => {
            *note = parse_note_with(new_text, settings, ctx, engine);
            Reparsed::Full
        }
    }
}

/// One span covering a sequence of edits: `start..old_end` of the text before the first edit
/// became `start..new_end` of the text after the last. `None` for no edits or a malformed one.
pub fn merge_edits(edits: &[EditSpan]) -> Option<EditSpan> {
    let mut acc: Option<EditSpan> = None;
    for e in edits {
        if e.start > e.old_end || e.start > e.new_end {
            return None;
        }
        acc = Some(match acc {
            None => *e,
            // `c.start..c.new_end` is the span in the current text, where `e` applies.
            Some(c) => EditSpan {
                start: c.start.min(e.start),
                old_end: c.old_end + e.old_end.saturating_sub(c.new_end),
                new_end: c.new_end.max(e.old_end) - e.old_end + e.new_end,
            },
        });
    }
    acc
}

/// What the edit changed, found without touching the note.
struct Plan {
    /// Old lines `l0..l1_old` became `region` (new lines `l0..l0 + region.len()`).
    l0: usize,
    l1_old: usize,
    region: Vec<Line>,
    /// Byte delta after the edit.
    delta: isize,
    /// Where the card scanner and the tag reader resume (at or before `l0`); `t0` is `None`
    /// for an edit inside the front matter, which leaves the body's tags as they are.
    s0: usize,
    t0: Option<usize>,
}

/// `old`: the old text's facts. The old text is not needed: the bytes before the edit are the
/// new text's, so its character-boundary check stands for both.
fn plan(old: &Note, facts: OldFacts, new_text: &str, edits: &[EditSpan]) -> Option<Plan> {
    let n_old = old.lines.len();
    if n_old == 0 || old.index.flags.len() != n_old || old.lines.get(n_old - 1).next != facts.len {
        return None;
    }
    let e = merge_edits(edits)?;
    if e.old_end > facts.len
        || e.new_end > new_text.len()
        || facts.len - e.old_end != new_text.len() - e.new_end
        || !new_text.is_char_boundary(e.start)
    {
        return None;
    }
    // An edit in the first bytes may type or delete a leading byte order mark, which moves
    // where line 0 starts: reparse the whole note.
    if e.start < lines::BOM.len()
        && (old.lines.get(0).start > 0 || new_text.starts_with(lines::BOM))
    {
        return None;
    }
    let delta = new_text.len() as isize - facts.len as isize;

    // The first line the edit may change: a line break typed right after a `\r` changes the
    // line before.
    let mut l0 = old.lines.line_of(e.start);
    if l0 > 0 && old.lines.get(l0).start == e.start {
        l0 -= 1;
    }
    let mut region = Vec::new();
    let mut q = old.lines.get(l0).start;
    let l1_old = loop {
        let l = lines::line_from(new_text, q);
        region.push(l);
        if l.next == l.end {
            break n_old;
        }
        q = l.next;
        if q >= e.new_end {
            // From a line start on, the lines depend only on the text that follows.
            let oq = q.wrapping_add_signed(-delta);
            let k = old.lines.line_of(oq);
            if old.lines.get(k).start == oq {
                break k;
            }
        }
    };

    // The front matter (lines 0..=close) decides what every other line reads as.
    let is_rule = |t: &str, l: Line| &t[l.start..l.end] == "---";
    let mut in_front_matter = false;
    match &old.front_matter {
        Some(fm) if l0 <= fm.close_line => {
            // Inside the block, it stays the same block (moved by the line delta) as long as
            // its first and closing lines are untouched and no `---` line is typed before the
            // closing one.
            if l0 == 0 || l1_old > fm.close_line || region.iter().any(|&l| is_rule(new_text, l)) {
                return None;
            }
            in_front_matter = true;
        }
        Some(_) => {}
        None => {
            let old0 = facts.line0_is_rule;
            if l0 == 0 {
                if old0 || is_rule(new_text, region[0]) {
                    return None;
                }
            } else if old0 && region.iter().any(|&l| is_rule(new_text, l)) {
                // An unclosed front matter that a new `---` line would close.
                return None;
            }
        }
    }
    // Where the scanner and the tag reader resume: what holds at the start of line `l0`
    // depends only on the lines before it, which the edit left alone.
    let body_from = old.front_matter.as_ref().map_or(0, |f| f.close_line + 1);
    let flags = &old.index.flags;
    let s0 = (0..=l0).rev().find(|&i| flags[i] & SCAN_SYNC != 0)?;
    let t0 = if in_front_matter {
        None
    } else {
        Some(
            (body_from..=l0)
                .rev()
                .find(|&i| flags[i] & TAG_CLEAR != 0)?,
        )
    };
    Some(Plan {
        l0,
        l1_old,
        region,
        delta,
        s0,
        t0,
    })
}

fn apply(
    note: &mut Note,
    p: Plan,
    text: &str,
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> Reparsed {
    let Plan {
        l0,
        l1_old,
        region,
        delta,
        s0,
        t0,
    } = p;
    let n_region = region.len();
    let l1_new = l0 + n_region;
    let dl = n_region as isize - (l1_old - l0) as isize;
    // The flags of line `l0` hold: they depend only on the lines before it.
    let keep_l0 = note.index.flags[l0];

    note.lines.splice(l0..l1_old, region, delta);
    if t0.is_none() {
        // An edit inside the front matter: read it again (its closing line moved by `dl`).
        let fm = tags::front_matter(text, &note.lines);
        let want = note
            .front_matter
            .as_ref()
            .map(|f| f.close_line.wrapping_add_signed(dl));
        if fm.as_ref().map(|f| f.close_line) != want {
            *note = parse_note_with(text, settings, ctx, engine);
            return Reparsed::Full;
        }
        note.front_matter = fm;
    }
    let blank_until = note.front_matter.as_ref().map(|f| f.close_line);
    let flags = &mut note.index.flags;
    flags.splice(
        l0..l1_old,
        std::iter::once(keep_l0).chain(std::iter::repeat_n(0, n_region - 1)),
    );
    // From here on `flags[i]` for `i >= l1_new` is still the old flag of line `i - dl`, the same
    // line moved.

    // Cards and scan events.
    let mut raw = Vec::new();
    let mut events = Vec::new();
    let mut last = s0;
    let stop = scanner::scan_from(
        text,
        &note.lines,
        blank_until,
        settings,
        engine,
        Some(&mut events),
        s0,
        &mut raw,
        |i| {
            for f in &mut flags[last + 1..i] {
                *f &= !SCAN_SYNC;
            }
            last = i;
            let was = flags[i] & SCAN_SYNC != 0;
            flags[i] |= SCAN_SYNC;
            i >= l1_new && was
        },
    );
    if stop.is_none() {
        for f in &mut flags[last + 1..] {
            *f &= !SCAN_SYNC;
        }
    }
    let old_line = |new: usize| new.wrapping_add_signed(-dl);

    let had_dropped = !note.dropped.is_empty();
    let mut all = note::take_all_cards(note);
    let a = all.partition_point(|c| c.first_line < s0);
    let b = match stop {
        Some(r) => all.partition_point(|c| c.first_line < old_line(r)),
        None => all.len(),
    };
    for c in &mut all[b..] {
        shift_card(c, dl, delta);
    }
    let fresh: Vec<Card> = raw
        .into_iter()
        .map(|rc| build_card(text, &note.lines, rc, settings, engine))
        .collect();
    let fresh_cards = a..a + fresh.len();
    all.splice(a..b, fresh);

    let a = note.events.partition_point(|e| event_line(e) < s0);
    let b = match stop {
        Some(r) => note.events.partition_point(|e| event_line(e) < old_line(r)),
        None => note.events.len(),
    };
    for e in &mut note.events[b..] {
        shift_event(e, dl);
    }
    note.events.splice(a..b, events);

    // Tags.
    let tags_quiet = match t0 {
        Some(t0) => !reread_tags(note, text, t0, l1_new, dl, delta, settings),
        None => {
            // The front matter's tags (line −1) come first; the body's only moved.
            let k = note.tags.partition_point(|t| t.line < 0);
            for t in &mut note.tags[k..] {
                shift_tag(t, dl, delta);
            }
            note.tags
                .splice(..k, note::front_matter_tags(note.front_matter.as_ref()));
            false
        }
    };

    // Decks are note-wide: a flashcard tag typed above changes every card below. When the edit
    // touched none, and none stands on the rescanned lines (where a card may now cover it),
    // only the fresh cards need theirs.
    let end_new = stop.unwrap_or(note.lines.len());
    let quiet = tags_quiet && !had_dropped && {
        let i = note.tags.partition_point(|t| t.line < s0 as i64);
        note.tags[i..]
            .iter()
            .take_while(|t| t.line < end_new as i64)
            .all(|t| !note::significant_tag(&t.name, settings))
    };
    if quiet {
        if let Err(all) = note::finish_fresh(note, all, fresh_cards, settings, ctx, engine) {
            note::finish(note, all, settings, ctx, engine);
        }
    } else {
        note::finish(note, all, settings, ctx, engine);
    }

    let n_new = note.lines.len();
    let end_new = stop.unwrap_or(n_new);
    let bytes_end_new = match stop {
        Some(r) => note.lines.get(r).start,
        None => text.len(),
    };
    let s0_byte = note.lines.get(s0).start;
    Reparsed::Window(ReparseWindow {
        lines_old: s0..end_new.wrapping_add_signed(-dl),
        lines_new: s0..end_new,
        bytes_old: s0_byte..bytes_end_new.wrapping_add_signed(-delta),
        bytes_new: s0_byte..bytes_end_new,
        dl,
        delta,
    })
}

/// Rereads the inline tags from line `t0`, where nothing is open, until a line past the edited
/// ones (new lines `..l1_new`) where nothing is open now and nothing was before.
/// Returns whether a flashcard or ignored tag was among the tags reread (before or after).
fn reread_tags(
    note: &mut Note,
    text: &str,
    t0: usize,
    l1_new: usize,
    dl: isize,
    delta: isize,
    settings: &Settings,
) -> bool {
    let old_line = |new: usize| new.wrapping_add_signed(-dl);
    let flags = &mut note.index.flags;
    let mut fresh_tags = Vec::new();
    let stop = tags::inline_tags_from(text, &note.lines, t0, &mut fresh_tags, |i, clear| {
        let was = flags[i] & TAG_CLEAR != 0;
        if clear {
            if i >= l1_new && was {
                return true;
            }
            flags[i] |= TAG_CLEAR;
        } else {
            flags[i] &= !TAG_CLEAR;
        }
        false
    });
    let a = note.tags.partition_point(|t| t.line < t0 as i64);
    let b = match stop {
        Some(r) => note.tags.partition_point(|t| t.line < old_line(r) as i64),
        None => note.tags.len(),
    };
    for t in &mut note.tags[b..] {
        shift_tag(t, dl, delta);
    }
    let significant = note.tags[a..b]
        .iter()
        .chain(&fresh_tags)
        .any(|t| note::significant_tag(&t.name, settings));
    note.tags.splice(a..b, fresh_tags);
    significant
}

fn event_line(e: &ScanEvent) -> usize {
    match e {
        ScanEvent::CommentSkipsNextLine { line }
        | ScanEvent::CommentHidesRest { line }
        | ScanEvent::Hijacked { line, .. } => *line,
        ScanEvent::Fence { open, .. } => *open,
    }
}

fn shift_event(e: &mut ScanEvent, dl: isize) {
    if dl == 0 {
        return;
    }
    let s = |x: &mut usize| *x = x.wrapping_add_signed(dl);
    match e {
        ScanEvent::CommentSkipsNextLine { line } | ScanEvent::CommentHidesRest { line } => s(line),
        ScanEvent::Hijacked { start, line, .. } => {
            s(start);
            s(line);
        }
        ScanEvent::Fence { open, close } => {
            s(open);
            if let Some(c) = close {
                s(c);
            }
        }
    }
}

fn shift_tag(t: &mut Tag, dl: isize, db: isize) {
    t.line += dl as i64;
    t.start = t.start.wrapping_add_signed(db);
    t.end = t.end.wrapping_add_signed(db);
}

fn shift_card(c: &mut Card, dl: isize, db: isize) {
    if dl != 0 {
        let s = |x: &mut usize| *x = x.wrapping_add_signed(dl);
        s(&mut c.first_line);
        s(&mut c.last_line);
        s(&mut c.end_line);
        c.src_lines.iter_mut().for_each(s);
    }
    if db != 0 {
        let s = |x: &mut usize| *x = x.wrapping_add_signed(db);
        s(&mut c.start);
        s(&mut c.end);
        if let Some(cm) = &mut c.comment {
            s(&mut cm.start);
            s(&mut cm.end);
            for g in &mut cm.groups {
                s(&mut g.start);
                s(&mut g.end);
            }
        }
        for (a, b) in &mut c.extra_comments {
            s(a);
            s(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(old: &str, edits: &[(usize, usize, &str)]) {
        let settings = Settings::default();
        let ctx = NoteContext::default();
        let engine = ClozeEngine::new(&settings.cloze_patterns);
        let mut text = old.to_string();
        let mut spans = Vec::new();
        for &(s, e, ins) in edits {
            text.replace_range(s..e, ins);
            spans.push(EditSpan {
                start: s,
                old_end: e,
                new_end: s + ins.len(),
            });
        }
        let before = parse_note_with(old, &settings, &ctx, &engine);
        let got = reparse(&before, old, &text, &spans, &settings, &ctx, &engine);
        let want = parse_note_with(&text, &settings, &ctx, &engine);
        assert_eq!(got, want, "{old:?} -> {text:?}");
    }

    #[test]
    fn small_edits() {
        let t = "#flashcards\n\nQ::A\n\nq\n?\na\n\n```\nx\n\n```\n\nc ==d== e\n";
        for i in 0..=t.len() {
            check(t, &[(i, i, "x")]);
            check(t, &[(i, i, "\n")]);
            check(t, &[(i, i, "\r")]);
            check(t, &[(i, i, "```")]);
            check(t, &[(i, i, "<!--")]);
            if i < t.len() {
                check(t, &[(i, i + 1, "")]);
            }
        }
    }

    #[test]
    fn cr_then_lf_joins_lines() {
        check("#flashcards\n\nQ::A\rB::C\n", &[(18, 18, "\n")]);
        check("#flashcards\n\nQ::A\r\nB::C\n", &[(18, 19, "")]);
    }

    #[test]
    fn merged_edits() {
        check(
            "#flashcards\n\nQ::A\n\nB::C\n",
            &[(14, 14, "x"), (20, 21, ""), (0, 1, "")],
        );
        assert_eq!(
            merge_edits(&[
                EditSpan {
                    start: 5,
                    old_end: 6,
                    new_end: 8
                },
                EditSpan {
                    start: 1,
                    old_end: 2,
                    new_end: 2
                }
            ]),
            Some(EditSpan {
                start: 1,
                old_end: 6,
                new_end: 8
            })
        );
    }
}
