//! A parsed note: its cards, their scheduling comments and decks (spec §1, §2.4, §3.2).

pub mod incremental;
pub mod marks;
pub mod question;

use crate::plugin::cloze::{ClozeEngine, ClozeKind};
use crate::plugin::js;
use crate::plugin::lines::Lines;
use crate::plugin::scanner::{self, CardType, RawCard, ScanEvent};
use crate::plugin::settings::Settings;
use crate::plugin::sr_comment::{self, Group, SrComment};
use crate::plugin::tags::{self, FrontMatter, Tag};
use rayon::prelude::*;
use std::borrow::Cow;
use std::ops::Range;

/// Where a note lives, for folder decks and ignored folders.
#[derive(Debug, Clone, Default)]
pub struct NoteContext {
    /// The note's path relative to its vault root, with `/` separators.
    pub vault_path: Option<String>,
}

/// A flashcard as the plugin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub kind: CardType,
    /// 0-based lines as the plugin reports them (quirks included).
    pub first_line: usize,
    pub last_line: usize,
    /// Byte range from the start of the first line to the end of the last line's content.
    pub start: usize,
    pub end: usize,
    /// The scanner's text of the card.
    pub raw: Box<str>,
    /// Note lines that make up the card's text.
    pub src_lines: Box<[usize]>,
    /// The card's last line of text (a consumed closing fence included).
    pub end_line: usize,
    /// Front and back of each sibling, as the plugin builds them (not trimmed).
    pub sides: Vec<(String, String)>,
    /// The first scheduling comment of the card (the one the plugin reads).
    pub comment: Option<SrComment>,
    /// Further SR comments inside the card (ignored by the plugin), byte ranges.
    pub extra_comments: Box<[(usize, usize)]>,
    /// One entry per sibling: `None` for a new sibling.
    pub schedule: Box<[Option<Group>]>,
    /// Groups beyond the sibling count (the plugin drops them and rewrites the note).
    pub extra_groups: usize,
    /// Decks, as `#`-prefixed topic paths.
    pub decks: Vec<String>,
    /// Decks of `decks` that the card's tag line names more than once, once per extra naming:
    /// the plugin puts the card in such a deck that many more times (only its status bar count
    /// shows it, `review.md` §3).
    pub repeated_decks: Vec<String>,
    /// Leading tag removed from the question, and the block id cut from the end.
    pub leading_tag: Option<Box<str>>,
    pub block_id: Option<Box<str>>,
    pub cloze_kind: Option<ClozeKind>,
    /// The question as duplicate detection compares it ([`question::question_key`], hashed),
    /// `None` for an empty question: set when the card is built, so a keystroke hashes only
    /// the cards it rebuilt.
    pub key: Option<question::QuestionKey>,
}

impl Card {
    /// The first line of the card's own text (0-based): where hover, outline, the index and
    /// `srls due` place it. The plugin's `first_line` can differ (quirks of its line numbers).
    pub fn start_line(&self) -> usize {
        self.src_lines.first().copied().unwrap_or(self.first_line)
    }

    /// The `?`/`??` separator line of a multi-line card (0-based), `None` for other kinds.
    pub fn separator_line(&self, text: &str, lines: &Lines, settings: &Settings) -> Option<usize> {
        let sep = match self.kind {
            CardType::MultiLineBasic => &settings.multiline_card_separator,
            CardType::MultiLineReversed => &settings.multiline_reversed_card_separator,
            _ => return None,
        };
        self.src_lines
            .iter()
            .copied()
            .find(|&l| js::text::trim(lines.text(text, l)) == sep.as_str())
    }

    /// The line that makes this a card for the plugin: the `::` line of a single-line card,
    /// the separator of a multi-line one (`None` for cloze cards, which have no such line).
    pub fn defining_line(&self, text: &str, lines: &Lines, settings: &Settings) -> Option<usize> {
        match self.kind {
            CardType::SingleLineBasic | CardType::SingleLineReversed => {
                self.src_lines.first().copied()
            }
            CardType::MultiLineBasic | CardType::MultiLineReversed => {
                self.separator_line(text, lines, settings)
            }
            CardType::Cloze => None,
        }
    }

    /// The number of siblings (a reversed card has two, a cloze one per deletion group).
    pub fn siblings(&self) -> usize {
        self.sides.len()
    }
    /// The first sibling's front.
    pub fn question(&self) -> &str {
        self.sides.first().map_or("", |s| s.0.as_str())
    }
    /// The first sibling's back.
    pub fn answer(&self) -> &str {
        self.sides.first().map_or("", |s| s.1.as_str())
    }
}

/// A parsed note.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Note {
    /// Whether the plugin parses this note for cards at all.
    pub is_flashcard_note: bool,
    /// Why not, when it is not (for diagnostics).
    pub gate_reason: Option<String>,
    pub cards: Vec<Card>,
    /// Cards the scanner found but that got no deck (the plugin drops them).
    pub dropped: Vec<Card>,
    /// Obsidian's tags of the note (front matter first, line −1).
    pub tags: Vec<Tag>,
    pub front_matter: Option<FrontMatter>,
    pub events: Vec<ScanEvent>,
    pub lines: Lines,
    pub cloze_errors: Vec<(String, String)>,
    /// Where scanning may resume, line by line (for [`crate::note::incremental`]).
    pub(crate) index: ParseIndex,
}

/// Per-line facts a reparse resumes from: one byte per line of [`SCAN_SYNC`] and [`TAG_CLEAR`].
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct ParseIndex {
    pub(crate) flags: Vec<u8>,
}

/// The card scanner reaches this line in its initial state (line 0, or right after a boundary).
pub(crate) const SCAN_SYNC: u8 = 1;
/// The tag reader has no fence, math block or `%%` comment open at the start of this line.
pub(crate) const TAG_CLEAR: u8 = 2;

impl std::fmt::Debug for ParseIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ParseIndex({} lines)", self.flags.len())
    }
}

impl Note {
    /// The card's byte span in the note: from the start of its first own line to the end of its
    /// last line (a consumed closing fence included).
    pub fn card_span(&self, card: &Card) -> std::ops::Range<usize> {
        let last = card.end_line.min(self.lines.len().saturating_sub(1));
        self.lines.get(card.start_line()).start..self.lines.get(last).end
    }

    /// The card under a byte offset: the one whose own lines hold it.
    pub fn card_at_offset(&self, offset: usize) -> Option<usize> {
        self.card_at_line(self.lines.line_of(offset))
    }

    /// The card holding a 0-based line: the one whose own lines cover it most tightly (the first
    /// of equals), else the first whose plugin lines (`first_line..=last_line`) do.
    ///
    /// Cards are in document order, so only those starting at or before `line` can hold it: a
    /// binary search, then a walk back that stops at a card ending before `line` (the cards
    /// before it end earlier still) or once a card starts too far back to be tighter than the
    /// best one found. `tests/note/card_at.rs` checks it against the scan of every card.
    pub fn card_at_line(&self, line: usize) -> Option<usize> {
        let upto = self.cards.partition_point(|c| c.start_line() <= line);
        let mut best: Option<(usize, usize)> = None;
        for i in (0..upto).rev() {
            let c = &self.cards[i];
            let (lo, hi) = (c.start_line(), c.end_line.max(c.start_line()));
            match best {
                Some((_, s)) if line - lo > s => break,
                None if hi < line => break,
                _ => {}
            }
            if hi >= line && best.is_none_or(|(_, s)| hi - lo <= s) {
                best = Some((i, hi - lo));
            }
        }
        best.map(|(i, _)| i)
            .or_else(|| self.card_at_plugin_line(line))
    }

    /// The first card whose plugin lines hold `line` (walking back from the last that starts at
    /// or before it, while they reach it).
    fn card_at_plugin_line(&self, line: usize) -> Option<usize> {
        let upto = self.cards.partition_point(|c| c.first_line <= line);
        (0..upto)
            .rev()
            .take_while(|&i| self.cards[i].last_line >= line)
            .last()
    }
}

/// Parses a note. Pure: no file system, no clock.
pub fn parse_note(text: &str, settings: &Settings, ctx: &NoteContext) -> Note {
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    parse_note_with(text, settings, ctx, &engine)
}

/// Notes from this size on are parsed on every core (rayon's current pool): below it, the
/// hand-off costs more than it saves.
pub(crate) const PARALLEL_BYTES: usize = 256 * 1024;

/// Like [`parse_note`] with a prepared cloze engine (compiling regexes once per vault).
pub fn parse_note_with(
    text: &str,
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> Note {
    parse_note_on(text, settings, ctx, engine, text.len() >= PARALLEL_BYTES)
}

/// [`parse_note_with`], on every core when `big`.
fn parse_note_on(
    text: &str,
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
    big: bool,
) -> Note {
    let lines = Lines::new(text);
    let fm = tags::front_matter(text, &lines);
    let body_from = fm.as_ref().map_or(0, |f| f.close_line + 1);
    // The tags and the scan read the same lines independently: a big note does both at once.
    let tags_of = || {
        let mut tag_flags = vec![0u8; lines.len()];
        let mut all_tags = front_matter_tags(fm.as_ref());
        tags::inline_tags_from(text, &lines, body_from, &mut all_tags, |i, clear| {
            if clear {
                tag_flags[i] |= TAG_CLEAR;
            }
            false
        });
        (all_tags, tag_flags)
    };
    let scan = || {
        let mut flags = vec![0u8; lines.len()];
        flags[0] |= SCAN_SYNC;
        let (mut raw, mut events) = (Vec::new(), Vec::new());
        scanner::scan_from(
            text,
            &lines,
            fm.as_ref().map(|f| f.close_line),
            settings,
            engine,
            Some(&mut events),
            0,
            &mut raw,
            |i| {
                flags[i] |= SCAN_SYNC;
                false
            },
        );
        (raw, events, flags)
    };
    let ((all_tags, tag_flags), (raw, events, mut flags)) = if big {
        rayon::join(tags_of, scan)
    } else {
        (tags_of(), scan())
    };
    for (f, t) in flags.iter_mut().zip(tag_flags) {
        *f |= t;
    }
    let mut note = Note {
        lines,
        events,
        ..Note::default()
    };
    note.index = ParseIndex { flags };
    note.tags = all_tags;
    note.front_matter = fm;
    let build = |rc| build_card(text, &note.lines, rc, settings, engine);
    // Each card is built from its own lines: a big note builds them on every core, in order.
    let all = if big {
        raw.into_par_iter().with_min_len(64).map(build).collect()
    } else {
        raw.into_iter().map(build).collect()
    };
    finish(&mut note, all, settings, ctx, engine);
    note
}

/// The front matter's tags as Obsidian reports them (line −1), the start of a note's tag list.
pub(crate) fn front_matter_tags(fm: Option<&FrontMatter>) -> Vec<Tag> {
    fm.iter()
        .flat_map(|f| f.tags.iter())
        .map(|t| Tag {
            name: t.clone(),
            line: -1,
            start: 0,
            end: 0,
        })
        .collect()
}

/// Why the plugin skips the note, if it does (spec §1.1).
fn gate(
    tags: &[Tag],
    settings: &Settings,
    ctx: &NoteContext,
    folder: Option<&str>,
) -> Option<String> {
    let mut reason = None;
    let ignored_tag = tags
        .iter()
        .find(|t| tags::matches_any(&t.name, &settings.flashcard_tags_to_ignore));
    if let Some(t) = ignored_tag {
        reason = Some(format!("the note has the ignored tag {}", t.name));
    } else if settings.convert_folders_to_decks {
        if folder.is_none() {
            reason = Some(
                "folders are decks in this vault, and notes at the vault root hold no cards".into(),
            );
        }
    } else if !tags
        .iter()
        .any(|t| tags::matches_any(&t.name, &settings.flashcard_tags))
    {
        reason = Some(format!(
            "the note has no flashcard tag ({})",
            settings.flashcard_tags.join(", ")
        ));
    }
    if let Some(p) = ctx.vault_path.as_deref()
        && let Some(glob) = settings
            .note_folders_to_ignore
            .iter()
            .find(|g| crate::plugin::glob::path_ignored(p, g))
    {
        reason = Some(format!(
            "the note's path matches the ignored folder `{glob}`"
        ));
    }
    reason
}

/// The note's folder (relative to the vault root), if it is not at the root.
fn folder_of(ctx: &NoteContext) -> Option<&str> {
    ctx.vault_path
        .as_deref()
        .and_then(|p| p.rsplit_once('/').map(|(d, _)| d))
        .filter(|d| !d.is_empty())
}

/// The note-wide last step, given every scanned card in scan order (`note.tags` and
/// `note.front_matter` set): the gate, each card's decks, and the split into kept and dropped
/// cards. O(cards + tags); a card's `decks` is only rewritten when it changes.
pub(crate) fn finish(
    note: &mut Note,
    mut all: Vec<Card>,
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) {
    let folder = folder_of(ctx);
    note.gate_reason = gate(&note.tags, settings, ctx, folder);
    note.is_flashcard_note = note.gate_reason.is_none();
    if note.cloze_errors != engine.errors {
        note.cloze_errors = engine.errors.clone();
    }
    let decker = Decker::new(note, settings, &all, folder);
    let mut all_decked = true;
    let mut cursor = 0;
    for card in &mut all {
        decker.assign(card, &mut cursor);
        all_decked &= !card.decks.is_empty();
    }
    if all_decked && note.is_flashcard_note {
        note.cards = all;
        note.dropped = Vec::new();
        return;
    }
    let (decked, deckless): (Vec<Card>, Vec<Card>) =
        all.into_iter().partition(|c| !c.decks.is_empty());
    note.dropped = deckless;
    if note.is_flashcard_note {
        note.cards = decked;
    } else {
        note.cards = Vec::new();
        note.dropped.extend(decked);
    }
}

/// Like [`finish`], after an edit that touched no flashcard or ignored tag and no line where one
/// stands, in a note that reads cards and dropped none: every card outside `fresh` keeps its
/// decks (the tags above it are the same), so only the cards `fresh` get theirs. Gives the cards
/// back when a fresh card gets no deck (then [`finish`] sorts them out).
pub(crate) fn finish_fresh(
    note: &mut Note,
    mut all: Vec<Card>,
    fresh: std::ops::Range<usize>,
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> Result<(), Vec<Card>> {
    if !note.is_flashcard_note || note.cloze_errors != engine.errors {
        return Err(all);
    }
    let decked = {
        let decker = Decker::new(note, settings, &all, folder_of(ctx));
        let mut ok = true;
        for card in &mut all[fresh] {
            let mut cursor = decker
                .content
                .partition_point(|(l, _)| *l < card.first_line as i64);
            decker.assign(card, &mut cursor);
            ok &= !card.decks.is_empty();
        }
        ok
    };
    if !decked {
        return Err(all);
    }
    note.cards = all;
    Ok(())
}

/// Whether the plugin reads this tag as a flashcard tag or an ignored one (what decks and the
/// note's gate depend on).
pub(crate) fn significant_tag(name: &str, settings: &Settings) -> bool {
    tags::matches_any(name, &settings.flashcard_tags)
        || tags::matches_any(name, &settings.flashcard_tags_to_ignore)
}

/// Undoes the split of [`finish`]: every card of the note in scan order, taken out of it.
pub(crate) fn take_all_cards(note: &mut Note) -> Vec<Card> {
    let cards = std::mem::take(&mut note.cards);
    let mut dropped = std::mem::take(&mut note.dropped);
    if dropped.is_empty() {
        return cards;
    }
    let (a, b) = if cards.is_empty() {
        // A skipped note: its deckless cards, then the ones with decks.
        let k = dropped.partition_point(|c| c.decks.is_empty());
        let b = dropped.split_off(k);
        (dropped, b)
    } else {
        (cards, dropped)
    };
    if b.is_empty() {
        return a;
    }
    // Scan order is strictly increasing in (first line, last line).
    let key = |c: &Card| (c.first_line, c.last_line);
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => key(x) <= key(y),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
    out
}

/// Removes every SR comment (greedy within each line) from a card's text.
fn strip_sr_comments(s: &str) -> std::borrow::Cow<'_, str> {
    let Some(mut open) = sr_comment::find_open(s) else {
        return std::borrow::Cow::Borrowed(s);
    };
    // Line by line, only the lines that hold an opening are looked at: each loses its first
    // opening up to its last `-->`.
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    loop {
        let line_start = s[..open].rfind('\n').map_or(0, |i| i + 1);
        let line_end = s[open..].find('\n').map_or(s.len(), |i| open + i);
        if let Some(c) = s[line_start..line_end].rfind("-->")
            && line_start + c >= open + 7
        {
            out.push_str(&s[copied..open]);
            copied = line_start + c + 3;
        }
        match sr_comment::find_open(&s[line_end..]) {
            Some(p) => open = line_end + p,
            None => break,
        }
    }
    out.push_str(&s[copied..]);
    std::borrow::Cow::Owned(out)
}

/// A leading tag: after left trim, `#` and one or more characters that are neither white space
/// nor `#`, with a non-empty path. Returns (tag, byte length consumed including white space).
fn leading_tag(s: &str) -> Option<(&str, usize)> {
    let lead = s.len() - js::text::trim_start(s).len();
    let rest = &s[lead..];
    let body = rest.strip_prefix('#')?;
    let blen: usize = body
        .chars()
        .take_while(|&c| !js::text::is_js_space(c) && !c.is_whitespace() && c != '#')
        .map(char::len_utf8)
        .sum();
    if blen == 0 || body[..blen].split('/').all(str::is_empty) {
        return None;
    }
    let tag = &rest[..1 + blen];
    let after = &rest[1 + blen..];
    let ws = after.len() - js::text::trim_start(after).len();
    Some((tag, lead + 1 + blen + ws))
}

/// `s.substring(units)` in JavaScript, rounding a split surrogate pair up.
fn utf16_suffix(s: &str, units: usize) -> String {
    let mut seen = 0;
    for (i, c) in s.char_indices() {
        if seen >= units {
            return s[i..].to_string();
        }
        seen += c.len_utf16();
    }
    String::new()
}

/// ` ^block-id` at the very end.
fn block_id(s: &str) -> Option<usize> {
    // The last ` ^` with only id characters after it: the id is the text's trailing run of
    // them (`^` is not one), so look just before that run instead of searching the card.
    let id_len = s
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .count();
    let run = s.len() - id_len;
    (id_len > 0 && s[..run].ends_with(" ^")).then(|| run - 2)
}

/// Makes a [`Card`] of a scanned card: its scheduling comments, its question (leading tag and
/// block id cut off), its sides and its schedule; decks come later.
pub(crate) fn build_card(
    text: &str,
    lines: &Lines,
    rc: RawCard,
    settings: &Settings,
    engine: &ClozeEngine,
) -> Card {
    let start = lines.get(rc.first_line.min(lines.len() - 1)).start;
    let end = lines.get(rc.last_line.min(lines.len() - 1)).end;
    let (comment, extra_comments) = card_comments(text, lines, &rc.src_lines);
    let stripped = strip_sr_comments(&rc.text);
    let (q, tag, bid) = question_bounds(&stripped);
    let (tag, bid) = (tag.map(Box::from), bid.map(Box::from));
    let (sides, cloze_kind) = card_sides(&stripped[q], rc.kind, settings, engine);
    let kind = if sides.is_empty() {
        CardType::Cloze
    } else {
        rc.kind
    };
    let (schedule, extra_groups) = schedule_of(comment.as_ref(), sides.len());
    // An open note keeps every card: no room beyond the text (the scanner pushes line by line).
    let mut sides = sides;
    sides.shrink_to_fit();
    for (f, b) in &mut sides {
        f.shrink_to_fit();
        b.shrink_to_fit();
    }
    let mut card = Card {
        kind,
        first_line: rc.first_line,
        last_line: rc.last_line,
        start,
        end,
        raw: rc.text.into_boxed_str(),
        src_lines: rc.src_lines.into_boxed_slice(),
        end_line: rc.end_line,
        sides,
        comment,
        extra_comments: extra_comments.into_boxed_slice(),
        schedule: schedule.into_boxed_slice(),
        extra_groups,
        decks: vec![],
        repeated_decks: vec![],
        leading_tag: tag,
        block_id: bid,
        cloze_kind,
        key: None,
    };
    card.key = question::question_key(&card).map(|k| question::QuestionKey::of(&k));
    card
}

/// The first SR comment in a card's own lines (or, failing that, a damaged one the plugin
/// still reads), and the byte ranges of any further ones.
fn card_comments(
    text: &str,
    lines: &Lines,
    card_lines: &[usize],
) -> (Option<SrComment>, Vec<(usize, usize)>) {
    let mut comment: Option<SrComment> = None;
    let mut extra_comments = Vec::new();
    for &li in card_lines {
        let l = lines.get(li);
        if comment.is_none()
            && let Some(c) = sr_comment::find_first(text, l.start, l.end)
        {
            for (s, e) in sr_comment::find_all_lines(text, l.start, l.end) {
                if s != c.start {
                    extra_comments.push((s, e));
                }
            }
            comment = Some(c);
            continue;
        }
        if comment.is_some() {
            extra_comments.extend(sr_comment::find_all_lines(text, l.start, l.end));
        }
    }
    if comment.is_none() {
        comment = sr_comment::find_loose(text, lines, card_lines);
    }
    (comment, extra_comments)
}

/// Where a card's question lies in its text with the comments cut out: after a leading tag
/// (and the space after it), else up to the end trimmed; then before a trailing
/// ` ^block-id` (trimmed). The question's range, the tag and the block id: the one rule that
/// [`build_card`] and [`marks`] read the question by.
pub(crate) fn question_bounds(stripped: &str) -> (Range<usize>, Option<&str>, Option<&str>) {
    let (from, to, tag) = match leading_tag(stripped) {
        Some((tag, consumed)) => (consumed, stripped.len(), Some(tag)),
        None => (0, js::text::trim_end(stripped).len(), None),
    };
    let q = &stripped[from..to];
    match block_id(q) {
        Some(c) => {
            let end = from + js::text::trim_end(&q[..c]).len();
            (from..end, tag, Some(&q[c + 2..]))
        }
        None => (from..to, tag, None),
    }
}

/// Front and back of each sibling of a card of `kind` with question `q`, and the cloze kind of
/// a cloze card.
fn card_sides(
    q: &str,
    kind: CardType,
    settings: &Settings,
    engine: &ClozeEngine,
) -> (Vec<(String, String)>, Option<ClozeKind>) {
    match kind {
        CardType::SingleLineBasic => {
            let sides = single_line_sides(q, &settings.single_line_card_separator);
            (with_reverse(sides, false), None)
        }
        CardType::SingleLineReversed => {
            let sides = single_line_sides(q, &settings.single_line_reversed_card_separator);
            (with_reverse(sides, true), None)
        }
        CardType::MultiLineBasic => {
            let sides = multi_line_sides(q, &settings.multiline_card_separator);
            (with_reverse(sides, false), None)
        }
        CardType::MultiLineReversed => {
            let sides = multi_line_sides(q, &settings.multiline_reversed_card_separator);
            (with_reverse(sides, true), None)
        }
        CardType::Cloze => {
            let (ck, dels, n) = engine.siblings(q);
            let sides = (0..n).map(|k| engine.render(q, ck, &dels, k)).collect();
            (sides, Some(ck))
        }
    }
}

/// The one sibling `(front, back)`, or, for a reversed card, it and `(back, front)`.
fn with_reverse((f, b): (String, String), reversed: bool) -> Vec<(String, String)> {
    if reversed {
        vec![(f.clone(), b.clone()), (b, f)]
    } else {
        vec![(f, b)]
    }
}

/// Front and back of a single-line card: the text around the first `sep`.
fn single_line_sides(q: &str, sep: &str) -> (String, String) {
    match q.find(sep) {
        Some(p) => (q[..p].to_string(), q[p + sep.len()..].to_string()),
        // `indexOf` gave −1: JavaScript's `substring(0, -1)` is empty and the back
        // starts `sep.length − 1` units in (a damaged comment can cause this).
        None => (
            String::new(),
            utf16_suffix(q, sep.encode_utf16().count() - 1),
        ),
    }
}

/// Front and back of a multi-line card: the lines before and after the first line that is
/// `sep` once trimmed (all of `q` and nothing without one).
fn multi_line_sides(q: &str, sep: &str) -> (String, String) {
    // The lines before the first separator line, and those after it, joined again by `\n`:
    // the text on either side of that line.
    let mut start = 0;
    for line in q.split('\n') {
        let end = start + line.len();
        if js::text::trim(line) == sep {
            let front = &q[..start.saturating_sub(1)];
            let back = q.get(end + 1..).unwrap_or("");
            return (front.to_string(), back.to_string());
        }
        start = end + 1;
    }
    (q.to_string(), String::new())
}

/// The schedule of each of `n` siblings from the comment's groups (`None` for a new one), and
/// how many groups there are beyond `n`.
fn schedule_of(comment: Option<&SrComment>, n: usize) -> (Vec<Option<Group>>, usize) {
    let groups = comment.map_or(&[][..], |c| &c.groups[..]);
    let schedule = (0..n)
        .map(|i| match groups.get(i).map(|g| &g.group) {
            None | Some(Group::New { .. }) => None,
            Some(g) => Some(g.clone()),
        })
        .collect();
    (schedule, groups.len().saturating_sub(n))
}

/// Deck assignment (spec §1.2). Deck names borrow from the tags when a tag is its own deck
/// name (nearly always), so assigning decks allocates nothing for cards whose decks are unchanged.
struct Decker<'a> {
    folder_mode: bool,
    folder: Vec<Cow<'a, str>>,
    /// Content groups: (line, decks as a range of `names`), in line order.
    content: Vec<(i64, std::ops::Range<usize>)>,
    /// For each content group, the decks its line names again.
    repeats: Vec<Vec<Cow<'a, str>>>,
    names: Vec<Cow<'a, str>>,
    front_matter: Vec<Cow<'a, str>>,
    fallback: Vec<Cow<'a, str>>,
}

/// A tag's deck: its path without empty pieces (`#a//b/` → `#a/b`).
fn deck_of(tag: &str) -> Option<Cow<'_, str>> {
    let body = tag.trim_start_matches('#');
    if body.is_empty() {
        return None;
    }
    if tag.len() == body.len() + 1 && !body.split('/').any(str::is_empty) {
        return Some(Cow::Borrowed(tag));
    }
    let pieces: Vec<&str> = body.split('/').filter(|p| !p.is_empty()).collect();
    (!pieces.is_empty()).then(|| Cow::Owned(format!("#{}", pieces.join("/"))))
}

impl<'a> Decker<'a> {
    /// `cards`: every scanned card, in scan order (so by first line).
    fn new(
        note: &'a Note,
        settings: &Settings,
        cards: &[Card],
        folder: Option<&str>,
    ) -> Decker<'a> {
        let is_fc = |t: &str| tags::matches_any(t, &settings.flashcard_tags);
        // Tags come in line order and cards by first line: one pass, keeping the furthest
        // last line of the cards that start at or before the tag's line.
        let mut next_card = 0;
        let mut reach: i64 = -1;
        let mut in_card = |line: i64| {
            while let Some(c) = cards.get(next_card)
                && c.first_line as i64 <= line
            {
                reach = reach.max(c.last_line as i64);
                next_card += 1;
            }
            line <= reach
        };
        let mut content: Vec<(i64, std::ops::Range<usize>)> = Vec::new();
        let mut repeats: Vec<Vec<Cow<'a, str>>> = Vec::new();
        let mut names: Vec<Cow<'a, str>> = Vec::new();
        for t in note.tags.iter().filter(|t| t.line >= 0 && is_fc(&t.name)) {
            if in_card(t.line) {
                continue;
            }
            let Some(d) = deck_of(&t.name) else { continue };
            match content.last_mut() {
                Some((l, r)) if *l == t.line => {
                    if names[r.clone()].contains(&d) {
                        if let Some(v) = repeats.last_mut() {
                            v.push(d);
                        }
                    } else {
                        names.push(d);
                        r.end += 1;
                    }
                }
                _ => {
                    content.push((t.line, names.len()..names.len() + 1));
                    repeats.push(Vec::new());
                    names.push(d);
                }
            }
        }
        let mut front_matter = Vec::new();
        if let Some(fm) = &note.front_matter {
            for t in &fm.plugin_tags {
                if is_fc(t)
                    && let Some(d) = deck_of(t)
                    && !front_matter.contains(&d)
                {
                    front_matter.push(d);
                }
            }
        }
        // The fallback is the first flashcard tag in line order, where the front matter's tags are
        // the plugin's own reading of `tags` (so `tags: a b` gives none: the cards are dropped).
        let fallback = front_matter.first().cloned().or_else(|| {
            note.tags
                .iter()
                .filter(|t| t.line >= 0 && is_fc(&t.name))
                .find_map(|t| deck_of(&t.name))
        });
        Decker {
            folder_mode: settings.convert_folders_to_decks,
            folder: folder
                .map(|f| Cow::Owned(format!("#{f}")))
                .into_iter()
                .collect(),
            content,
            repeats,
            names,
            front_matter,
            fallback: fallback.into_iter().collect(),
        }
    }

    /// Sets the card's decks, unless they already are these. Cards come in scan order (by first
    /// line); `cursor` counts the content groups above the previous card (start at 0).
    fn assign(&self, card: &mut Card, cursor: &mut usize) {
        let leading;
        let mut repeats: &[Cow<'_, str>] = &[];
        let decks: &[Cow<'_, str>] = if self.folder_mode {
            &self.folder
        } else if let Some(t) = &card.leading_tag {
            leading = deck_of(t);
            leading.as_slice()
        } else {
            while self
                .content
                .get(*cursor)
                .is_some_and(|(l, _)| *l < card.first_line as i64)
            {
                *cursor += 1;
            }
            let k = *cursor;
            if k > 0 {
                repeats = &self.repeats[k - 1];
                &self.names[self.content[k - 1].1.clone()]
            } else if !self.front_matter.is_empty() {
                &self.front_matter
            } else {
                &self.fallback
            }
        };
        let same =
            card.decks.len() == decks.len() && card.decks.iter().zip(decks).all(|(a, b)| a == b);
        if !same {
            card.decks = decks.iter().map(|d| d.to_string()).collect();
        }
        if card.repeated_decks.len() != repeats.len()
            || card.repeated_decks.iter().zip(repeats).any(|(a, b)| a != b)
        {
            card.repeated_decks = repeats.iter().map(|d| d.to_string()).collect();
        }
    }
}

#[cfg(test)]
mod block_id_tests {
    use super::block_id;

    /// The trailing-run rule agrees with "the last ` ^`, followed only by id characters".
    #[test]
    fn block_id_is_the_last_caret_before_a_trailing_id() {
        let by_rfind = |s: &str| {
            let caret = s.rfind(" ^")?;
            let id = &s[caret + 2..];
            (!id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
                .then_some(caret)
        };
        for s in [
            "Q::A ^abc-1",
            "Q::A ^",
            "Q::A ^ab c",
            "Q ^x::A ^y",
            "Q::A^abc",
            "Q::A  ^é",
            "Q::A ^^abc",
            "^abc",
            " ^abc",
            "x ^a ^b",
            "",
            "日本 ^id",
        ] {
            assert_eq!(block_id(s), by_rfind(s), "{s:?}");
        }
    }
}

#[cfg(test)]
mod parallel_tests {
    use super::*;

    /// A note parsed on every core is the note parsed on one: the corpus notes one after
    /// another, behind front matter with a flashcard tag.
    #[test]
    fn parallel_parse_equals_sequential_parse() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let list = std::fs::read_to_string(corpus.join("expected.jsonl")).expect("the corpus");
        let mut text = String::from("---\ntags: [flashcards/fm]\n---\n");
        for line in list.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json");
            if let Ok(t) = std::fs::read_to_string(corpus.join(v["file"].as_str().unwrap())) {
                text.push_str(&t);
                text.push_str("\n\n");
            }
        }
        let settings = Settings::default();
        let engine = ClozeEngine::new(&settings.cloze_patterns);
        let ctx = NoteContext::default();
        let one = parse_note_on(&text, &settings, &ctx, &engine, false);
        let all = parse_note_on(&text, &settings, &ctx, &engine, true);
        assert!(one.cards.len() > 500, "{} cards", one.cards.len());
        assert!(one == all, "the parallel parse differs");
        assert!(one.index == all.index);
    }
}

#[cfg(test)]
mod rewrite_tests {
    use super::*;

    /// The rule as first written: every line split off and searched.
    fn strip_by_lines(s: &str) -> String {
        let mut out = String::new();
        for (i, line) in s.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            match (sr_comment::find_open(line), line.rfind("-->")) {
                (Some(o), Some(c)) if c >= o + 7 => {
                    out.push_str(&line[..o]);
                    out.push_str(&line[c + 3..]);
                }
                _ => out.push_str(line),
            }
        }
        out
    }

    /// The sides as first written: the lines split off and joined again.
    fn sides_by_lines(q: &str, sep: &str) -> (String, String) {
        let ls: Vec<&str> = q.split('\n').collect();
        match ls.iter().position(|l| js::text::trim(l) == sep) {
            Some(p) => (ls[..p].join("\n"), ls[p + 1..].join("\n")),
            None => (q.to_string(), String::new()),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Slicing around the separator line gives the lines joined again.
        #[test]
        fn multi_line_sides_agree_with_joined_lines(
            pieces in proptest::collection::vec(0usize..6, 0..12),
        ) {
            const PIECES: [&str; 6] = ["?", "\n", "x", " ", "??", "é"];
            let q: String = pieces.iter().map(|&i| PIECES[i]).collect();
            proptest::prop_assert_eq!(multi_line_sides(&q, "?"), sides_by_lines(&q, "?"));
        }

        /// Stripping only the lines with an opening gives what stripping every line gives.
        #[test]
        fn strip_sr_comments_agrees_with_the_line_rule(
            pieces in proptest::collection::vec(0usize..9, 0..16),
        ) {
            const PIECES: [&str; 9] =
                ["<!--SR:", "-->", "\n", "x", "<!--SR:!2025-01-03,3,250-->", "é", " ", "-", "<!--"];
            let s: String = pieces.iter().map(|&i| PIECES[i]).collect();
            let (fast, slow) = (strip_sr_comments(&s).into_owned(), strip_by_lines(&s));
            proptest::prop_assert_eq!(fast, slow);
        }
    }
}
