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
use crate::plugin::scanner::{self, RawCard, ScanEvent};
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
/// whether it is kept or dropped, which are note-wide; `decks_kept` says when those held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReparseWindow {
    pub lines_old: Range<usize>,
    pub lines_new: Range<usize>,
    pub bytes_old: Range<usize>,
    pub bytes_new: Range<usize>,
    pub dl: isize,
    pub delta: isize,
    /// Every card outside the window kept its decks and stayed kept (no tag that decides decks
    /// changed, no card moved between kept and dropped): only the window's cards got theirs.
    pub decks_kept: bool,
    /// The note's tag names are the same, in the same order (the tags may have moved).
    pub tags_kept: bool,
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

/// What a reparse knows of the text before the edits: the text itself (checked against the
/// edits), or only [`OldFacts`] taken from it before it was changed in place.
#[derive(Debug, Clone, Copy)]
pub enum Old<'a> {
    Text(&'a str),
    /// The edits must describe how the old text became the new one (the bytes before each
    /// edit's start and after its end are the same).
    Facts(OldFacts),
}

impl<'a> From<&'a str> for Old<'a> {
    fn from(text: &'a str) -> Old<'a> {
        Old::Text(text)
    }
}

impl<'a> From<&'a String> for Old<'a> {
    fn from(text: &'a String) -> Old<'a> {
        Old::Text(text)
    }
}

impl From<OldFacts> for Old<'_> {
    fn from(facts: OldFacts) -> Self {
        Old::Facts(facts)
    }
}

/// Updates `note`, the parse of the old text with `settings`, `ctx` and `engine`, to the parse
/// of `new_text` (the same as `parse_note_with(new_text, settings, ctx, engine)`), reusing what
/// the edit did not touch. `old` is the old text, or [`OldFacts::of`] it and `note` taken before
/// the text was changed. `edits` are in the order they were applied, each in the coordinates of
/// the text the previous ones left; edits that do not fit the old text fall back to a full parse.
pub fn reparse_in_place<'a>(
    note: &mut Note,
    old: impl Into<Old<'a>>,
    new_text: &str,
    edits: &[EditSpan],
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> Reparsed {
    let facts = match old.into() {
        Old::Facts(facts) => Some(facts),
        Old::Text(old_text) => checked_facts(note, old_text, new_text, edits),
    };
    match facts.and_then(|facts| plan(note, facts, new_text, edits)) {
        Some(p) => apply(note, p, new_text, settings, ctx, engine),
        None => {
            *note = parse_note_with(new_text, settings, ctx, engine);
            Reparsed::Full
        }
    }
}

/// The facts of `old_text`, unless the edits split one of its characters (then only a full
/// parse is right).
fn checked_facts(
    note: &Note,
    old_text: &str,
    new_text: &str,
    edits: &[EditSpan],
) -> Option<OldFacts> {
    if let Some(e) = merge_edits(edits)
        && e.old_end <= old_text.len()
        && e.new_end <= new_text.len()
        && old_text.len() - e.old_end == new_text.len() - e.new_end
        && !old_text.is_char_boundary(e.start)
    {
        return None;
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
    Some(OldFacts::of(old_text, note))
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
    let e = fitting_edit(old, facts, new_text, edits)?;
    let delta = new_text.len() as isize - facts.len as isize;
    let (l0, l1_old, region) = split_edited_lines(old, new_text, e, delta);
    let in_front_matter = edit_in_front_matter(old, facts, new_text, l0, l1_old, &region)?;
    let (s0, t0) = resume_lines(old, l0, in_front_matter)?;
    Some(Plan {
        l0,
        l1_old,
        region,
        delta,
        s0,
        t0,
    })
}

/// The edits as one span, when the old note carries its index and the span fits both texts
/// (the same bytes after it, a character boundary at its start); `None`: parse afresh.
fn fitting_edit(
    old: &Note,
    facts: OldFacts,
    new_text: &str,
    edits: &[EditSpan],
) -> Option<EditSpan> {
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
    Some(e)
}

/// Splits the edited lines of the new text again: `(l0, l1_old, region)`, old lines
/// `l0..l1_old` become the lines `region`. `l0` is the first line the edit may change; the
/// region ends at the first line start at or after the edit's end that was a line start before
/// too (or at the end of the text).
fn split_edited_lines(
    old: &Note,
    new_text: &str,
    e: EditSpan,
    delta: isize,
) -> (usize, usize, Vec<Line>) {
    // A line break typed right after a `\r` changes the line before.
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
            break old.lines.len();
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
    (l0, l1_old, region)
}

/// Whether old lines `l0..l1_old`, which became `region`, lie inside the front matter
/// (`Some(true)`) or below it or in a note without one (`Some(false)`). `None` when the edit
/// could make the front matter (lines `0..=close`, which decide what every other line reads
/// as) appear, vanish or change its extent: only a full parse is right then.
fn edit_in_front_matter(
    old: &Note,
    facts: OldFacts,
    new_text: &str,
    l0: usize,
    l1_old: usize,
    region: &[Line],
) -> Option<bool> {
    let is_rule = |l: Line| &new_text[l.start..l.end] == "---";
    match &old.front_matter {
        Some(fm) if l0 <= fm.close_line => {
            // Inside the block, it stays the same block (moved by the line delta) as long as
            // its first and closing lines are untouched and no `---` line is typed before the
            // closing one.
            if l0 == 0 || l1_old > fm.close_line || region.iter().any(|&l| is_rule(l)) {
                return None;
            }
            Some(true)
        }
        Some(_) => Some(false),
        None => {
            let old0 = facts.line0_is_rule;
            if l0 == 0 {
                if old0 || is_rule(region[0]) {
                    return None;
                }
            } else if old0 && region.iter().any(|&l| is_rule(l)) {
                // An unclosed front matter that a new `---` line would close.
                return None;
            }
            Some(false)
        }
    }
}

/// Where the card scanner (`s0`) and the tag reader (`t0`; `None` for an edit inside the front
/// matter, which leaves the body's tags as they are) resume: the last line at or before `l0`
/// marked for each. What holds at the start of line `l0` depends only on the lines before it,
/// which the edit left alone.
fn resume_lines(old: &Note, l0: usize, in_front_matter: bool) -> Option<(usize, Option<usize>)> {
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
    Some((s0, t0))
}

/// Carries out `plan` on `note` (the parse of the old text): splices the edited lines in, rescans
/// cards, events and tags from where the plan resumes until they agree with the old ones again
/// (moving the old ones after that), then recomputes the note-wide parts.
fn apply(
    note: &mut Note,
    plan: Plan,
    text: &str,
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> Reparsed {
    let (l0, l1_old, delta, s0) = (plan.l0, plan.l1_old, plan.delta, plan.s0);
    let n_region = plan.region.len();
    let l1_new = l0 + n_region;
    let dl = n_region as isize - (l1_old - l0) as isize;
    // The flags of line `l0` hold: they depend only on the lines before it.
    let keep_l0 = note.index.flags[l0];

    note.lines.splice(l0..l1_old, plan.region, delta);
    if plan.t0.is_none() && !reread_front_matter(note, text, dl) {
        *note = parse_note_with(text, settings, ctx, engine);
        return Reparsed::Full;
    }
    note.index.flags.splice(
        l0..l1_old,
        std::iter::once(keep_l0).chain(std::iter::repeat_n(0, n_region - 1)),
    );
    // From here on `flags[i]` for `i >= l1_new` is still the old flag of line `i - dl`, the same
    // line moved.

    // Cards and scan events.
    let rescan = rescan_cards(note, text, s0, l1_new, settings, engine);
    let old_stop = rescan.stop.map(|r| r.wrapping_add_signed(-dl));
    let had_dropped = !note.dropped.is_empty();
    let mut all = note::take_all_cards(note);
    let replaced = rescanned(&all, s0, old_stop, |c, line| c.first_line < line);
    let fresh: Vec<Card> = rescan
        .cards
        .into_iter()
        .map(|rc| build_card(text, &note.lines, rc, settings, engine))
        .collect();
    let fresh_cards = replaced.start..replaced.start + fresh.len();
    replace_rescanned(&mut all, replaced, fresh, |c| shift_card(c, dl, delta));
    let replaced = rescanned(&note.events, s0, old_stop, |e, line| event_line(e) < line);
    replace_rescanned(&mut note.events, replaced, rescan.events, |e| {
        shift_event(e, dl)
    });

    let (significant, tags_kept) = update_tags(note, text, plan.t0, l1_new, dl, delta, settings);
    let tags_quiet = !significant;
    let end_new = rescan.stop.unwrap_or(note.lines.len());
    let quiet = tags_quiet && !had_dropped && !significant_tag_on(note, s0..end_new, settings);
    let decks_kept = finish_cards(note, all, fresh_cards, quiet, settings, ctx, engine);
    let mut window = rescanned_window(note, text, s0, rescan.stop, (dl, delta));
    window.decks_kept = decks_kept;
    window.tags_kept = tags_kept;
    Reparsed::Window(window)
}

/// For an edit inside the front matter: reads the block again from the spliced lines. `false`
/// (the note left half-updated, for a full parse) when its closing line is not the old one
/// moved by `dl` lines.
fn reread_front_matter(note: &mut Note, text: &str, dl: isize) -> bool {
    let fm = tags::front_matter(text, &note.lines);
    let want = note
        .front_matter
        .as_ref()
        .map(|f| f.close_line.wrapping_add_signed(dl));
    if fm.as_ref().map(|f| f.close_line) != want {
        return false;
    }
    note.front_matter = fm;
    true
}

/// What a rescan of the cards found.
struct Rescan {
    cards: Vec<RawCard>,
    events: Vec<ScanEvent>,
    /// The new line it stopped at, where the old cards and events hold again (`None`: it ran
    /// to the end of the note).
    stop: Option<usize>,
}

/// Rescans the cards from line `s0` until the scanner is in its initial state on a line past
/// the edited ones (new lines `..l1_new`) that was marked [`SCAN_SYNC`] before the edit too,
/// marking the lines it passes afresh.
fn rescan_cards(
    note: &mut Note,
    text: &str,
    s0: usize,
    l1_new: usize,
    settings: &Settings,
    engine: &ClozeEngine,
) -> Rescan {
    let blank_until = note.front_matter.as_ref().map(|f| f.close_line);
    let flags = &mut note.index.flags;
    let mut cards = Vec::new();
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
        &mut cards,
        |i| {
            clear_flag(&mut flags[last + 1..i], SCAN_SYNC);
            last = i;
            let was = flags[i] & SCAN_SYNC != 0;
            flags[i] |= SCAN_SYNC;
            i >= l1_new && was
        },
    );
    if stop.is_none() {
        clear_flag(&mut flags[last + 1..], SCAN_SYNC);
    }
    Rescan {
        cards,
        events,
        stop,
    }
}

/// Clears `flag` on every line of `flags`.
fn clear_flag(flags: &mut [u8], flag: u8) {
    for f in flags {
        *f &= !flag;
    }
}

/// Where, in `items` (in line order), the ones a rescan from line `from` replaces are: from
/// the first on line `from` or after to the first on old line `old_stop` or after (to the end
/// when the rescan ran to the end of the note). `before(item, line)`: the item lies before
/// `line`.
fn rescanned<T>(
    items: &[T],
    from: usize,
    old_stop: Option<usize>,
    before: impl Fn(&T, usize) -> bool,
) -> Range<usize> {
    let start = items.partition_point(|x| before(x, from));
    let end = match old_stop {
        Some(r) => items.partition_point(|x| before(x, r)),
        None => items.len(),
    };
    start..end
}

/// Puts `fresh` in place of `items[replaced]`, moving each item after it with `shift`.
fn replace_rescanned<T>(
    items: &mut Vec<T>,
    replaced: Range<usize>,
    fresh: Vec<T>,
    shift: impl FnMut(&mut T),
) {
    items[replaced.end..].iter_mut().for_each(shift);
    items.splice(replaced, fresh);
}

/// Whether a flashcard or ignored tag stands on lines `lines` (where a rescanned card may now
/// cover it).
fn significant_tag_on(note: &Note, lines: Range<usize>, settings: &Settings) -> bool {
    let i = note.tags.partition_point(|t| t.line < lines.start as i64);
    note.tags[i..]
        .iter()
        .take_while(|t| t.line < lines.end as i64)
        .any(|t| note::significant_tag(&t.name, settings))
}

/// Assigns the decks and the gate. Decks are note-wide: a flashcard tag typed above changes
/// every card below. When `quiet` (the edit touched no flashcard or ignored tag, none stands on
/// the rescanned lines and no card was dropped before), only the fresh cards need theirs.
/// Returns whether that was so (every other card kept its decks and stayed kept).
fn finish_cards(
    note: &mut Note,
    all: Vec<Card>,
    fresh_cards: Range<usize>,
    quiet: bool,
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> bool {
    if quiet {
        match note::finish_fresh(note, all, fresh_cards, settings, ctx, engine) {
            Ok(()) => return true,
            Err(all) => note::finish(note, all, settings, ctx, engine),
        }
    } else {
        note::finish(note, all, settings, ctx, engine);
    }
    false
}

/// The window a reparse recomputed: from line `s0` to where the rescan stopped (`stop`, or the
/// end of the note), in old and new lines and bytes.
fn rescanned_window(
    note: &Note,
    text: &str,
    s0: usize,
    stop: Option<usize>,
    (dl, delta): (isize, isize),
) -> ReparseWindow {
    let end_new = stop.unwrap_or(note.lines.len());
    let bytes_end_new = match stop {
        Some(r) => note.lines.get(r).start,
        None => text.len(),
    };
    let s0_byte = note.lines.get(s0).start;
    ReparseWindow {
        lines_old: s0..end_new.wrapping_add_signed(-dl),
        lines_new: s0..end_new,
        bytes_old: s0_byte..bytes_end_new.wrapping_add_signed(-delta),
        bytes_new: s0_byte..bytes_end_new,
        dl,
        delta,
        decks_kept: false,
        tags_kept: false,
    }
}

/// Brings the tags up to date: rereads them from line `t0` (see [`reread_tags`]), or for an
/// edit inside the front matter (`t0` is `None`) takes the front matter's tags again and only
/// moves the body's. Returns whether the change of tags may change decks (a flashcard or
/// ignored tag was among the tags reread, or the front matter's tags were taken again), and
/// whether the note's tag names stayed the same, in order.
fn update_tags(
    note: &mut Note,
    text: &str,
    t0: Option<usize>,
    l1_new: usize,
    dl: isize,
    delta: isize,
    settings: &Settings,
) -> (bool, bool) {
    let Some(t0) = t0 else {
        // The front matter's tags (line −1) come first; the body's only moved.
        let body = note.tags.partition_point(|t| t.line < 0);
        let fm_tags = note::front_matter_tags(note.front_matter.as_ref());
        let kept = same_names(&note.tags[..body], &fm_tags);
        replace_rescanned(&mut note.tags, 0..body, fm_tags, |t| {
            shift_tag(t, dl, delta)
        });
        return (true, kept);
    };
    reread_tags(note, text, t0, l1_new, dl, delta, settings)
}

/// Rereads the inline tags from line `t0`, where nothing is open, until a line past the edited
/// ones (new lines `..l1_new`) where nothing is open now and nothing was before.
/// Returns whether a flashcard or ignored tag was among the tags reread (before or after), and
/// whether the names reread are the old ones.
fn reread_tags(
    note: &mut Note,
    text: &str,
    t0: usize,
    l1_new: usize,
    dl: isize,
    delta: isize,
    settings: &Settings,
) -> (bool, bool) {
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
    let old_stop = stop.map(|r| r.wrapping_add_signed(-dl));
    let replaced = rescanned(&note.tags, t0, old_stop, |t, line| t.line < line as i64);
    let significant = note.tags[replaced.clone()]
        .iter()
        .chain(&fresh_tags)
        .any(|t| note::significant_tag(&t.name, settings));
    let kept = same_names(&note.tags[replaced.clone()], &fresh_tags);
    replace_rescanned(&mut note.tags, replaced, fresh_tags, |t| {
        shift_tag(t, dl, delta)
    });
    (significant, kept)
}

/// Whether two runs of tags name the same tags in the same order.
fn same_names(a: &[Tag], b: &[Tag]) -> bool {
    a.iter().map(|t| &t.name).eq(b.iter().map(|t| &t.name))
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
        let mut got = before.clone();
        reparse_in_place(&mut got, old, &text, &spans, &settings, &ctx, &engine);
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
