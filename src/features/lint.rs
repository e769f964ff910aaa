//! Diagnostics: where the plugin's view of a note differs from what its author meant.
//!
//! Every diagnostic has a stable `code`, a one-line message saying what the plugin will do and
//! what to change, a byte range, and (where the fix is certain) quick fixes as plain edits.

pub mod rendered;
pub mod settings;
pub use rendered::{RenderedBlock, rendered_as_code};
pub use settings::settings_diagnostics;

use crate::features::grade::Edit;
use crate::note::incremental::{ReparseWindow, Reparsed};
use crate::note::{Card, Note, NoteContext, parse_note_with};
use crate::plugin::cloze::ClozeEngine;
use crate::plugin::js;
use crate::plugin::scanner::{CardType, ScanEvent};
use crate::plugin::settings::Settings;
use crate::plugin::sr_comment::{self, Group, GroupSpan, SrComment};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
    /// Parses a setting value; `Ok(None)` is "off".
    pub fn parse_setting(s: &str) -> Result<Option<Severity>, String> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Ok(Some(Severity::Error)),
            "warning" | "warn" => Ok(Some(Severity::Warning)),
            "information" | "info" => Ok(Some(Severity::Information)),
            "hint" => Ok(Some(Severity::Hint)),
            "off" | "none" | "ignore" => Ok(None),
            other => Err(format!(
                "unknown severity `{other}` (use error, warning, information, hint or off)"
            )),
        }
    }
}

/// A quick fix: a title and the edits that make it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub fixes: Vec<Fix>,
}

/// Every code srls emits, with its default severity and a description (for docs and settings).
pub const CODES: &[(&str, Severity, &str)] = &[
    (
        "orphan-comment",
        Severity::Warning,
        "a scheduling comment that belongs to no card",
    ),
    (
        "sibling-count",
        Severity::Warning,
        "more or fewer schedule groups than the card has sides",
    ),
    (
        "invalid-comment",
        Severity::Error,
        "a schedule group that does not parse or holds impossible values",
    ),
    (
        "legacy-date",
        Severity::Information,
        "a schedule date in an old format",
    ),
    (
        "duplicate-comment",
        Severity::Warning,
        "a second scheduling comment in one card",
    ),
    (
        "comment-on-separator",
        Severity::Error,
        "a scheduling comment on the `?` line: the card vanishes",
    ),
    (
        "separator-lookalike",
        Severity::Warning,
        "a line meant as `?`/`??` that the plugin does not recognise",
    ),
    (
        "not-flashcard-note",
        Severity::Information,
        "cards in a note the plugin does not read",
    ),
    (
        "unclosed-fence",
        Severity::Error,
        "a code fence that hides the rest of the note from the plugin",
    ),
    (
        "fence-mismatch",
        Severity::Warning,
        "a code fence the plugin closes where the editor does not, or the reverse",
    ),
    (
        "html-comment-hides",
        Severity::Error,
        "an HTML comment at column 0 that hides the rest of the note",
    ),
    (
        "html-comment-next-line",
        Severity::Warning,
        "a one-line HTML comment at column 0 that hides the next line",
    ),
    (
        "hijacked-card",
        Severity::Warning,
        "a `::` line inside a multi-line or cloze card: the card is lost",
    ),
    (
        "accidental-cloze",
        Severity::Information,
        "`==` used as an operator or underline made a cloze card",
    ),
    (
        "dataview-field",
        Severity::Hint,
        "a Dataview `key:: value` field read as a card",
    ),
    (
        "no-deck",
        Severity::Warning,
        "a card the plugin drops because it gets no deck",
    ),
    (
        "empty-side",
        Severity::Warning,
        "a card with an empty question or answer",
    ),
    (
        "duplicate-question",
        Severity::Information,
        "a card with the same question as another card of the vault (a warning within one note)",
    ),
    (
        "settings",
        Severity::Warning,
        "a problem with the vault's plugin settings",
    ),
];

pub fn default_severity(code: &str) -> Severity {
    CODES
        .iter()
        .find(|c| c.0 == code)
        .map_or(Severity::Warning, |c| c.1)
}

fn diag(code: &'static str, start: usize, end: usize, message: String) -> Diagnostic {
    Diagnostic {
        code,
        severity: default_severity(code),
        start,
        end,
        message,
        fixes: vec![],
    }
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// Counts the cards a fresh scan of `text[from..]` would find (what a swallowing construct hides).
fn cards_in(text: &str, from: usize, settings: &Settings, engine: &ClozeEngine) -> usize {
    if from >= text.len() {
        return 0;
    }
    let mut s = settings.clone();
    s.flashcard_tags = vec!["#".into()];
    s.convert_folders_to_decks = false;
    let tail = &text[from..];
    let n = parse_note_with(&format!("#\n{tail}"), &s, &NoteContext::default(), engine);
    n.cards.len() + n.dropped.len()
}

/// Computes the diagnostics of a parsed note.
///
/// The same computation as [`Lint::new`] (which [`Lint::update`] keeps equal after edits).
pub fn lint(text: &str, note: &Note, settings: &Settings, engine: &ClozeEngine) -> Vec<Diagnostic> {
    Lint::new(text, note, settings, engine).diagnostics()
}

/// The diagnostics of a note, kept up to date edit by edit.
///
/// They come in four streams, each sorted by `(start, end)` (ties in the order they are made),
/// merged in this order of precedence for equal `(start, end)` (so the result is the stable sort
/// by `(start, end)` of the streams one after the other, what [`lint`] always returned):
///
/// 1. **head**, note-wide: unusable cloze patterns (`settings`), `not-flashcard-note`, `no-deck`
///    (decks are note-wide: a tag typed above drops or keeps every later card). Recomputed on
///    every update in O(dropped cards).
/// 2. **cards**, local: [`lint_card`] of every card, kept and dropped alike (it does not read
///    decks).
/// 3. **events**, note-wide: one per scanner event; their messages hold line numbers, which
///    move. Recomputed on every update in O(events), plus, per fence, the lines up to where an
///    editor closes it, and, for `html-comment-hides` and a never-closed fence, a parse of the
///    rest of the note to count the cards it hides (O(rest of the note), only while such an
///    event exists).
/// 4. **lines**, local: separator lookalikes, comments on separators (whose fix reads forward
///    to the paragraph's end) and orphan comments (which read the line above, the blank lines
///    above, and which card owns them).
///
/// An update after a [`Reparsed::Window`] recomputes the local streams over a window of lines
/// that holds the reparse window and is widened until no local diagnostic outside it reads a
/// line inside it (see [`lint_window`]); the ones after it are moved by the byte delta.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lint {
    head: Vec<Diagnostic>,
    cards: Vec<Diagnostic>,
    events: Vec<Diagnostic>,
    lines: Vec<Diagnostic>,
}

impl Lint {
    /// The diagnostics of `note`, the parse of `text`.
    pub fn new(text: &str, note: &Note, settings: &Settings, engine: &ClozeEngine) -> Lint {
        let n = note.lines.len();
        let all = Span::all(note);
        Lint {
            head: head_diagnostics(note),
            cards: card_diagnostics(text, note, settings, &all),
            events: event_diagnostics(text, note, settings, engine),
            lines: line_diagnostics(text, note, settings, 0..n, &all),
        }
    }

    /// Brings the diagnostics from the old note to `note`, the parse of `text`, which a
    /// reparse in place made of the old note and reported as `how`. `self` must be the
    /// diagnostics of the old note (with the same settings and engine).
    pub fn update(
        &mut self,
        text: &str,
        note: &Note,
        settings: &Settings,
        engine: &ClozeEngine,
        how: &Reparsed,
    ) {
        let Reparsed::Window(w) = how else {
            *self = Lint::new(text, note, settings, engine);
            return;
        };
        let n = note.lines.len();
        if n == 0 || w.lines_new.end > n || w.lines_new.start > w.lines_new.end {
            *self = Lint::new(text, note, settings, engine);
            return;
        }
        let (a, b) = lint_window(text, note, w);
        let byte_of = |i: usize| {
            if i < n {
                note.lines.get(i).start
            } else {
                text.len()
            }
        };
        let (bs, be) = (byte_of(a), byte_of(b));
        let be_old = be.wrapping_add_signed(-w.delta);
        let span = cards_touching(note, a, b);
        let fresh_cards = card_diagnostics(text, note, settings, &span);
        let fresh_lines = line_diagnostics(text, note, settings, a..b, &span);
        splice_window(&mut self.cards, bs, be_old, w.delta, fresh_cards);
        splice_window(&mut self.lines, bs, be_old, w.delta, fresh_lines);
        self.head = head_diagnostics(note);
        self.events = event_diagnostics(text, note, settings, engine);
    }

    /// The diagnostics, sorted by `(start, end)`: exactly what [`lint`] gives.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.iter().cloned().collect()
    }

    /// The diagnostics in [`lint`]'s order, borrowed.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> + '_ {
        let mut s = [
            self.head.iter().peekable(),
            self.cards.iter().peekable(),
            self.events.iter().peekable(),
            self.lines.iter().peekable(),
        ];
        std::iter::from_fn(move || {
            let mut best: Option<(usize, (usize, usize))> = None;
            for (k, it) in s.iter_mut().enumerate() {
                if let Some(d) = it.peek() {
                    let key = (d.start, d.end);
                    if best.is_none_or(|(_, b)| key < b) {
                        best = Some((k, key));
                    }
                }
            }
            best.and_then(|(k, _)| s[k].next())
        })
    }

    /// How many diagnostics there are.
    pub fn len(&self) -> usize {
        self.head.len() + self.cards.len() + self.events.len() + self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Replaces the diagnostics starting in old bytes `bs..be_old` by `fresh` (all starting in the
/// new window, which begins at `bs` too) and moves the later ones by `delta`.
fn splice_window(
    v: &mut Vec<Diagnostic>,
    bs: usize,
    be_old: usize,
    delta: isize,
    fresh: Vec<Diagnostic>,
) {
    let i = v.partition_point(|d| d.start < bs);
    let j = v.partition_point(|d| d.start < be_old);
    if delta != 0 {
        let s = |x: &mut usize| *x = x.wrapping_add_signed(delta);
        for d in &mut v[j..] {
            s(&mut d.start);
            s(&mut d.end);
            for f in &mut d.fixes {
                for e in &mut f.edits {
                    s(&mut e.start);
                    s(&mut e.end);
                }
            }
        }
    }
    v.splice(i..j, fresh);
}

/// The lines `a..b` whose local diagnostics an update recomputes, for a reparse that changed
/// `w` (new coordinates). Nothing outside `a..b` reads a line that changed or moved relative to
/// it:
///
/// * start at `w.lines_new.start` (lines before it are untouched) and end at `w.lines_new.end`
///   (lines from there on are the old ones moved);
/// * move the start back until the line before it is blank (a comment-on-separator fix reads
///   forward to its paragraph's end), and back to the first line of a card that spans it;
/// * move the end forward until the line before it is non-blank and one of the moved lines (an
///   orphan comment reads the line above and the blank lines above it), and forward past the
///   last line of a card that spans it (a comment's owner, a card's diagnostics);
/// * repeat until neither moves.
pub fn lint_window(text: &str, note: &Note, w: &ReparseWindow) -> (usize, usize) {
    let lines = &note.lines;
    let n = lines.len();
    let blank = |i: usize| js::text::is_blank(lines.text(text, i));
    let (mut a, mut b) = (w.lines_new.start.min(n), w.lines_new.end.min(n));
    loop {
        let (a0, b0) = (a, b);
        while a > 0 && !blank(a - 1) {
            a -= 1;
        }
        while b < n && (b <= w.lines_new.end || blank(b - 1)) {
            b += 1;
        }
        for v in runs(note) {
            // Cards in scan order: first lines rise, and so do last lines (see `card_reach`).
            let k = v.partition_point(|c| card_reach(c) < a);
            if let Some(c) = v.get(k)
                && c.first_line < a
            {
                a = c.first_line;
            }
            let k = v.partition_point(|c| card_reach(c) < b);
            if let Some(c) = v.get(k)
                && c.first_line < b
            {
                b = b.max(card_reach(c) + 1).min(n);
            }
        }
        if (a, b) == (a0, b0) {
            return (a, b);
        }
    }
}

/// The last line a card reads. In scan order it rises strictly: the scanner moves on past a
/// card's last line before it collects any line of the next one.
fn card_reach(c: &Card) -> usize {
    c.last_line.max(c.end_line)
}

/// The note's cards as runs in scan order: the kept cards, the dropped ones without a deck,
/// and the dropped ones with one (a note the plugin does not read drops every card, those
/// without a deck first). Together, in this order, what [`lint`] always went through.
fn runs(note: &Note) -> [&[Card]; 3] {
    let k = note.dropped.partition_point(|c| c.decks.is_empty());
    [&note.cards, &note.dropped[..k], &note.dropped[k..]]
}

/// Index ranges into each of [`runs`].
struct Span([Range<usize>; 3]);

impl Span {
    fn all(note: &Note) -> Span {
        Span(runs(note).map(|v| 0..v.len()))
    }

    fn cards<'a>(&self, note: &'a Note) -> impl Iterator<Item = &'a Card> + use<'a, '_> {
        runs(note)
            .into_iter()
            .zip(&self.0)
            .flat_map(|(v, r)| &v[r.clone()])
    }
}

/// The cards with a line in `a..b`.
fn cards_touching(note: &Note, a: usize, b: usize) -> Span {
    Span(runs(note).map(|v| {
        let i = v.partition_point(|c| card_reach(c) < a);
        i..v.partition_point(|c| c.first_line < b).max(i)
    }))
}

/// Note-wide diagnostics that come first: settings, a note the plugin does not read, cards
/// without a deck.
fn head_diagnostics(note: &Note) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let line_range = |i: usize| line_span(note, i);
    for (p, err) in &note.cloze_errors {
        out.push(diag(
            "settings",
            0,
            0,
            format!("cloze pattern `{p}` is not usable: {err}; the plugin ignores it"),
        ));
    }

    // Cards in a note the plugin does not read.
    if !note.is_flashcard_note && !note.dropped.is_empty() {
        let c = &note.dropped[0];
        let (s, e) = line_range(c.first_line);
        out.push(diag(
            "not-flashcard-note",
            s,
            e,
            format!(
                "the plugin ignores the {} in this note: {}",
                plural(note.dropped.len(), "card"),
                note.gate_reason
                    .as_deref()
                    .unwrap_or("it has no flashcard tag")
            ),
        ));
    }
    if note.is_flashcard_note {
        for c in &note.dropped {
            let (s, e) = line_range(c.start_line());
            out.push(diag(
                "no-deck",
                s,
                e,
                "the plugin drops this card: it gets no deck (no flashcard tag above it, in the front matter `tags` list, or at its start)".into(),
            ));
        }
    }
    out.sort_by_key(|d| (d.start, d.end));
    out
}

/// [`lint_card`] of the cards in `span` (kept ones first, as [`lint`] always did).
fn card_diagnostics(text: &str, note: &Note, settings: &Settings, span: &Span) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in span.cards(note) {
        out.extend(lint_card(text, note, c, settings));
    }
    out.sort_by_key(|d| (d.start, d.end));
    out
}

/// The byte range of line `i` (the last line when `i` is past the end).
fn line_span(note: &Note, i: usize) -> (usize, usize) {
    let l = note.lines.get(i.min(note.lines.len() - 1));
    (l.start, l.end)
}

/// An edit that deletes `start..end`.
fn deletion(start: usize, end: usize) -> Edit {
    Edit {
        start,
        end,
        text: String::new(),
    }
}

/// A fix titled `title` that removes the indentation of line `i`; `None` when it has none.
fn remove_indentation(text: &str, note: &Note, i: usize, title: &str) -> Option<Fix> {
    let l = note.lines.text(text, i);
    let ind = l.len() - l.trim_start().len();
    let start = note.lines.get(i).start;
    (ind > 0).then(|| Fix {
        title: title.into(),
        edits: vec![deletion(start, start + ind)],
    })
}

/// One diagnostic per scanner event that surprises: swallowing constructs and hijacks.
fn event_diagnostics(
    text: &str,
    note: &Note,
    settings: &Settings,
    engine: &ClozeEngine,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for ev in &note.events {
        match *ev {
            ScanEvent::CommentHidesRest { line } => {
                out.push(comment_hides_rest(text, note, settings, engine, line));
            }
            ScanEvent::CommentSkipsNextLine { line } => {
                out.extend(comment_skips_next_line(text, note, line));
            }
            ScanEvent::Fence { open, close } => {
                let editor_close = editor_fence_close(text, note, open);
                match close {
                    None => out.push(unclosed_fence(
                        text,
                        note,
                        settings,
                        engine,
                        open,
                        editor_close,
                    )),
                    Some(c) if editor_close != Some(c) => {
                        out.push(fence_mismatch(note, open, c, editor_close));
                    }
                    _ => {}
                }
            }
            ScanEvent::Hijacked { kind, start, line } => {
                out.push(hijacked_card(note, settings, kind, start, line));
            }
        }
    }
    out.sort_by_key(|d| (d.start, d.end));
    out
}

/// An HTML comment at column 0 whose `-->` is on a later line: the plugin skips the rest of
/// the note (the message counts the cards it hides).
fn comment_hides_rest(
    text: &str,
    note: &Note,
    settings: &Settings,
    engine: &ClozeEngine,
    line: usize,
) -> Diagnostic {
    let (s, e) = line_span(note, line);
    let hidden = cards_in(text, note.lines.get(line).next, settings, engine);
    diag(
        "html-comment-hides",
        s,
        e,
        format!(
            "the plugin skips everything after this HTML comment (its `-->` is on a later line), hiding {}; put `<!--` and `-->` on one line",
            plural(hidden, "card")
        ),
    )
}

/// A one-line HTML comment at column 0 that makes the plugin skip the next line, when that
/// line is not blank.
fn comment_skips_next_line(text: &str, note: &Note, line: usize) -> Option<Diagnostic> {
    let next = line + 1;
    if next >= note.lines.len() || js::text::is_blank(note.lines.text(text, next)) {
        return None;
    }
    let (s, e) = line_span(note, line);
    Some(diag(
        "html-comment-next-line",
        s,
        e,
        "the plugin also skips the line after this HTML comment; leave a blank line below it"
            .into(),
    ))
}

/// A code fence the plugin never closes: an error when it hides cards, a warning otherwise,
/// with a fix when an editor closes it with an indented fence.
fn unclosed_fence(
    text: &str,
    note: &Note,
    settings: &Settings,
    engine: &ClozeEngine,
    open: usize,
    editor_close: Option<usize>,
) -> Diagnostic {
    let (s, e) = line_span(note, open);
    let hidden = cards_in(text, note.lines.get(open).next, settings, engine);
    let fence = fence_of(note.lines.text(text, open));
    let hiding = if hidden > 0 {
        format!(", hiding {}", plural(hidden, "card"))
    } else {
        String::new()
    };
    let mut d = diag(
        "unclosed-fence",
        s,
        e,
        format!(
            "the plugin sees this code fence open to the end of the note{hiding}; close it with a line that starts with {fence} at column 0"
        ),
    );
    if hidden == 0 {
        d.severity = Severity::Warning;
    }
    if let Some(ec) = editor_close {
        d.fixes.extend(remove_indentation(
            text,
            note,
            ec,
            "Move the closing fence to column 0",
        ));
    }
    d
}

/// A code fence the plugin closes on line `close` where an editor closes it elsewhere (or
/// not at all).
fn fence_mismatch(
    note: &Note,
    open: usize,
    close: usize,
    editor_close: Option<usize>,
) -> Diagnostic {
    let (s, e) = line_span(note, open);
    diag(
        "fence-mismatch",
        s,
        e,
        format!(
            "the plugin ends this code block at line {}, the editor {}; cards around it may differ from what you see",
            close + 1,
            editor_close.map_or("does not end it there".to_string(), |x| format!(
                "at line {}",
                x + 1
            ))
        ),
    )
}

/// A `::` line that cut short the multi-line or cloze card started on line `start`.
fn hijacked_card(
    note: &Note,
    settings: &Settings,
    kind: CardType,
    start: usize,
    line: usize,
) -> Diagnostic {
    let (s, e) = line_span(note, line);
    diag(
        "hijacked-card",
        s,
        e,
        format!(
            "this line's `{}` makes it a single-line card and the plugin discards the {} card started on line {}; separate them with a blank line or put the `::` in backticks",
            settings.single_line_card_separator,
            match kind {
                CardType::Cloze => "cloze",
                _ => "multi-line",
            },
            start + 1
        ),
    )
}

/// The per-line diagnostics of lines `range`: separator lookalikes, comments on separators and
/// orphan comments; `span` holds every card with a line in `range` (the comments' owners).
fn line_diagnostics(
    text: &str,
    note: &Note,
    settings: &Settings,
    range: Range<usize>,
    span: &Span,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if range.is_empty() {
        return out;
    }
    let seps = Separators::of(settings);
    let sr_lines = sr_comment_lines(text, note, &range);
    // Only short lines and lines holding an SR comment can be a separator lookalike, so long
    // lines are skipped without being read.
    let short = seps.short_line_limit();
    let mut next_sr = sr_lines.iter().peekable();
    for i in range {
        let line = note.lines.get(i);
        let has_sr = next_sr.next_if(|&&l| l == i).is_some();
        if (!has_sr && line.end - line.start > short) || in_front_matter(note, i) {
            continue;
        }
        out.extend(separator_problem(text, note, i, has_sr, seps));
    }
    let owned = owned_comment_spans(note, span);
    orphan_comments(text, note, &sr_lines, &owned, seps, &mut out);
    out.sort_by_key(|d| (d.start, d.end));
    out
}

/// The two multi-line separators (`?` and `??` by default).
#[derive(Clone, Copy)]
struct Separators<'a> {
    basic: &'a str,
    reversed: &'a str,
}

impl<'a> Separators<'a> {
    fn of(settings: &'a Settings) -> Self {
        Separators {
            basic: settings.multiline_card_separator.as_str(),
            reversed: settings.multiline_reversed_card_separator.as_str(),
        }
    }

    /// Whether `t` is one of the separators.
    fn matches(self, t: &str) -> bool {
        t == self.basic || t == self.reversed
    }

    /// Lines longer than this (in bytes) cannot look like a separator.
    fn short_line_limit(self) -> usize {
        (self.basic.len().max(self.reversed.len()) + 48).max(64)
    }
}

/// Whether line `i` is in the note's front matter (its closing line included).
fn in_front_matter(note: &Note, i: usize) -> bool {
    note.front_matter
        .as_ref()
        .is_some_and(|f| i <= f.close_line)
}

/// The lines of `range` that hold `<!--SR:`, ascending, each once.
fn sr_comment_lines(text: &str, note: &Note, range: &Range<usize>) -> Vec<usize> {
    let lines = &note.lines;
    let from = lines.get(range.start).start;
    let to = if range.end < lines.len() {
        lines.get(range.end).start
    } else {
        text.len()
    };
    let mut sr_lines: Vec<usize> =
        memchr::memmem::find_iter(&text.as_bytes()[from..to], b"<!--SR:")
            .map(|o| lines.line_of(from + o))
            .collect();
    sr_lines.dedup();
    sr_lines
}

/// The byte ranges of the comments the cards of `span` own (first and extra ones), sorted.
fn owned_comment_spans(note: &Note, span: &Span) -> Vec<(usize, usize)> {
    let mut owned = Vec::new();
    for c in span.cards(note) {
        if let Some(cm) = &c.comment {
            owned.push((cm.start, cm.end));
        }
        owned.extend(c.extra_comments.iter().copied());
    }
    owned.sort_unstable();
    owned
}

/// Whether a card owns the comment `s..e`, given `owned` from [`owned_comment_spans`].
fn is_owned(owned: &[(usize, usize)], s: usize, e: usize) -> bool {
    let k = owned.partition_point(|&(os, _)| os <= s);
    owned[..k]
        .iter()
        .rev()
        .take(4)
        .any(|&(os, oe)| os <= s && e <= oe)
}

/// Line `i` as a would-be separator: an SR comment on it, invisible characters around it, or
/// a `>` quote before it.
fn separator_problem(
    text: &str,
    note: &Note,
    i: usize,
    has_sr: bool,
    seps: Separators,
) -> Option<Diagnostic> {
    let l = note.lines.text(text, i);
    let t = js::text::trim(l);
    if seps.matches(t) || t.is_empty() {
        return None;
    }
    if has_sr && let Some(d) = comment_on_separator(text, note, i, seps) {
        return Some(d);
    }
    invisible_separator(note, i, t, seps).or_else(|| quoted_separator(note, i, t, seps))
}

/// An SR comment on a separator line: the line is no longer a separator and the card vanishes.
fn comment_on_separator(text: &str, note: &Note, i: usize, seps: Separators) -> Option<Diagnostic> {
    let l = note.lines.text(text, i);
    let p = l.find("<!--SR:")?;
    let before = js::text::trim(&l[..p]);
    if before.is_empty() || !seps.matches(before) {
        return None;
    }
    let line = note.lines.get(i);
    let mut d = diag(
        "comment-on-separator",
        line.start,
        line.end,
        format!(
            "a scheduling comment on the `{before}` line: the line is no longer a separator and the card vanishes; move the comment to the card's last line"
        ),
    );
    d.fixes.extend(move_comment_off_separator(text, note, i, p));
    Some(d)
}

/// A separator with invisible characters around it (`t` is line `i` trimmed), with a fix that
/// removes them.
fn invisible_separator(note: &Note, i: usize, t: &str, seps: Separators) -> Option<Diagnostic> {
    if !t.contains(is_invisible) {
        return None; // the visible text is `t` itself
    }
    let visible: String = t.chars().filter(|&c| !is_invisible(c)).collect();
    if !seps.matches(&visible) {
        return None;
    }
    let line = note.lines.get(i);
    let mut d = diag(
        "separator-lookalike",
        line.start,
        line.end,
        format!(
            "this line holds invisible characters around `{visible}`, so the plugin does not see a card separator"
        ),
    );
    d.fixes.push(Fix {
        title: "Remove the invisible characters".into(),
        edits: vec![Edit {
            start: line.start,
            end: line.end,
            text: visible,
        }],
    });
    Some(d)
}

/// A separator in a block quote or callout (`> ?`; `t` is line `i` trimmed).
fn quoted_separator(note: &Note, i: usize, t: &str, seps: Separators) -> Option<Diagnostic> {
    let quoted = t.starts_with('>') && seps.matches(js::text::trim(t.trim_start_matches('>')));
    let line = note.lines.get(i);
    quoted.then(|| {
        diag(
            "separator-lookalike",
            line.start,
            line.end,
            "the plugin does not find multi-line cards inside block quotes or callouts: `> ?` is not a separator".into(),
        )
    })
}

/// The SR comments on `sr_lines` (outside the front matter and off separator lines) that no
/// card owns.
fn orphan_comments(
    text: &str,
    note: &Note,
    sr_lines: &[usize],
    owned: &[(usize, usize)],
    seps: Separators,
    out: &mut Vec<Diagnostic>,
) {
    for &i in sr_lines {
        if in_front_matter(note, i) {
            continue;
        }
        let line = note.lines.get(i);
        for (s, e) in sr_comment::find_all_lines(text, line.start, line.end) {
            if !is_owned(owned, s, e) {
                out.extend(orphan_comment(text, note, i, (s, e), seps));
            }
        }
    }
}

/// The comment `s..e` on line `i`, which no card owns, with the reason and fixes; `None` on a
/// separator line (reported as comment-on-separator).
fn orphan_comment(
    text: &str,
    note: &Note,
    i: usize,
    (s, e): (usize, usize),
    seps: Separators,
) -> Option<Diagnostic> {
    let lines = &note.lines;
    let l = lines.text(text, i);
    if seps.matches(js::text::trim(&l[..s - lines.get(i).start])) {
        return None;
    }
    let indented = l.starts_with([' ', '\t']);
    let before_blank = i > 0 && js::text::is_blank(lines.text(text, i - 1));
    let alone = js::text::trim(l) == &text[s..e];
    let why = if alone && indented {
        "it is indented"
    } else if alone && before_blank {
        "a blank line separates it from the card above"
    } else if alone {
        "no card ends on the line above it"
    } else {
        "its paragraph is not a card the plugin recognises"
    };
    let mut d = diag(
        "orphan-comment",
        s,
        e,
        format!(
            "this scheduling comment belongs to no card ({why}); the plugin ignores it and the schedule is lost"
        ),
    );
    if alone && indented {
        let title = "Re-attach the comment (remove the indentation)";
        d.fixes.extend(remove_indentation(text, note, i, title));
    } else if alone && before_blank {
        d.fixes.extend(remove_blank_lines_above(text, note, i));
    }
    d.fixes.push(Fix {
        title: "Remove the orphan comment".into(),
        edits: vec![remove_comment_edit(text, note, s, e)],
    });
    Some(d)
}

/// Re-attaches line `i` to the card above by removing the blank lines between them; `None`
/// when only blank lines are above.
fn remove_blank_lines_above(text: &str, note: &Note, i: usize) -> Option<Fix> {
    let lines = &note.lines;
    let mut j = i;
    while j > 0 && js::text::is_blank(lines.text(text, j - 1)) {
        j -= 1;
    }
    (j > 0).then(|| Fix {
        title: "Re-attach the comment to the card above".into(),
        edits: vec![deletion(lines.get(j - 1).next, lines.get(i).start)],
    })
}

/// The problems of one schedule group (side `side`): a `legacy-date` for an old date format,
/// and one `invalid-comment` naming every problem (what the reader could not parse, values no
/// review writes), so none hides behind another.
fn group_diagnostics(g: &GroupSpan, side: usize, out: &mut Vec<Diagnostic>) {
    let (due, interval, ease, legacy, reasons) = match &g.group {
        Group::Invalid(i) => (i.due, i.interval, i.ease, false, i.reasons.as_slice()),
        Group::Sm2 {
            due,
            interval,
            ease,
            legacy_date,
        } => (
            Some(*due),
            Some(*interval),
            Some(*ease),
            *legacy_date,
            &[][..],
        ),
        _ => return,
    };
    // (what is wrong, what it means)
    let mut problems: Vec<(String, String)> = Vec::new();
    let cannot = "the plugin cannot schedule this side";
    if let Some(due) = due {
        let date_text = g.text.split(',').next().unwrap_or("").trim();
        if is_unreal_date(date_text) {
            problems.push((
                format!("`{date_text}` is not a real date"),
                format!("the plugin reads it as {}", due.format("%Y-%m-%d")),
            ));
        } else if legacy {
            out.push(diag("legacy-date", g.start, g.end, format!("side {side}: the date `{date_text}` is in an old format; the plugin reads it as {} and writes YYYY-MM-DD on the next review", due.format("%Y-%m-%d"))));
        }
    }
    problems.extend(reasons.iter().map(|r| (r.clone(), cannot.to_string())));
    if let Some(ease) = ease.filter(|&e| e < 130) {
        problems.push((
            format!("ease {ease} is below the minimum of 130"),
            "the plugin never writes it".into(),
        ));
    }
    if let Some(interval) = interval.filter(|&i| i < 0) {
        problems.push((
            format!("the interval {interval} is negative"),
            String::new(),
        ));
    }
    if !problems.is_empty() {
        out.push(diag(
            "invalid-comment",
            g.start,
            g.end,
            problem_message(side, &problems),
        ));
    }
}

/// A `YYYY-MM-DD` date that is not in the calendar (moment reads it as another day).
fn is_unreal_date(s: &str) -> bool {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()
}

/// `side 1: what; means` for one problem, `side 1: 2 problems: what (means); what` for more.
fn problem_message(side: usize, problems: &[(String, String)]) -> String {
    let part = |(what, means): &(String, String), sep: (&str, &str)| {
        if means.is_empty() {
            what.clone()
        } else {
            format!("{what}{}{means}{}", sep.0, sep.1)
        }
    };
    match problems {
        [one] => format!("side {side}: {}", part(one, ("; ", ""))),
        _ => {
            let parts: Vec<String> = problems.iter().map(|p| part(p, (" (", ")"))).collect();
            format!(
                "side {side}: {} problems: {}",
                problems.len(),
                parts.join("; ")
            )
        }
    }
}

/// The diagnostics that depend only on one card (its text, comment and lines): the server
/// caches them per card, so a keystroke re-lints only the cards it changed.
pub fn lint_card(
    text: &str,
    note: &Note,
    c: &crate::note::Card,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let lines = &note.lines;
    let span = (
        lines.get(c.start_line()).start,
        lines.get(c.end_line.min(lines.len() - 1)).end,
    );
    if let Some(cm) = &c.comment {
        comment_diagnostics(cm, c, &mut out);
    }
    for &(s, e) in &c.extra_comments {
        let mut d = diag(
            "duplicate-comment",
            s,
            e,
            "a second scheduling comment in this card: the plugin reads only the first one".into(),
        );
        d.fixes.push(Fix {
            title: "Remove the duplicate comment".into(),
            edits: vec![remove_comment_edit(text, note, s, e)],
        });
        out.push(d);
    }
    out.extend(empty_side(c, span));
    out.extend(dataview_field(text, note, c, settings));
    out.extend(accidental_cloze(c, span));
    out
}

/// A card's scheduling comment: damaged, groups that do not parse or hold impossible values,
/// legacy dates, and more or fewer groups than sides.
fn comment_diagnostics(cm: &SrComment, c: &crate::note::Card, out: &mut Vec<Diagnostic>) {
    if cm.loose {
        out.push(diag(
            "invalid-comment",
            cm.start,
            cm.end,
            "damaged scheduling comment: the plugin still reads this schedule but will not recognise the comment when it rewrites the card; write it as `<!--SR:!YYYY-MM-DD,interval,ease-->`".into(),
        ));
    }
    for (gi, g) in cm.groups.iter().enumerate() {
        group_diagnostics(g, gi + 1, out);
    }
    out.extend(sibling_count(cm, c));
}

/// More schedule groups than sides (the plugin drops the extra ones: a fix drops them too), or
/// fewer (the other sides are new).
fn sibling_count(cm: &SrComment, c: &crate::note::Card) -> Option<Diagnostic> {
    let (n, k) = (c.siblings(), cm.groups.len());
    let counted = format!(
        "{} for a card with {}",
        plural(k, "schedule group"),
        plural(n, "side")
    );
    if k > n && !cm.loose {
        let mut d = diag(
            "sibling-count",
            cm.start,
            cm.end,
            format!(
                "{counted}: the plugin drops the extra ones and rewrites the note when it loads it"
            ),
        );
        let kept: String = cm.groups[..n]
            .iter()
            .map(|g| format!("!{}", g.text))
            .collect();
        d.fixes.push(Fix {
            title: format!("Drop the {}", plural(k - n, "extra group")),
            edits: vec![Edit {
                start: cm.start,
                end: cm.end,
                text: format!("<!--SR:{kept}-->"),
            }],
        });
        Some(d)
    } else if k < n && k > 0 {
        let mut d = diag(
            "sibling-count",
            cm.start,
            cm.end,
            format!("{counted}: the plugin treats the other sides as new"),
        );
        d.severity = Severity::Information;
        Some(d)
    } else {
        None
    }
}

/// A basic or reversed card with an empty question or answer.
fn empty_side(c: &crate::note::Card, (cs, ce): (usize, usize)) -> Option<Diagnostic> {
    if c.kind == CardType::Cloze {
        return None;
    }
    let q = js::text::trim(c.question()).is_empty();
    let a = js::text::trim(c.answer()).is_empty();
    let what = match (q, a) {
        (false, false) => return None,
        (true, true) => "question and answer are",
        (true, false) => "question is",
        _ => "answer is",
    };
    Some(diag(
        "empty-side",
        cs,
        ce.max(cs),
        format!("this card's {what} empty; the plugin still reviews it"),
    ))
}

/// A single-line card that looks like a Dataview field (`key:: value`).
fn dataview_field(
    text: &str,
    note: &Note,
    c: &crate::note::Card,
    settings: &Settings,
) -> Option<Diagnostic> {
    if c.kind != CardType::SingleLineBasic || c.comment.is_some() {
        return None;
    }
    let line = note.lines.get(c.start_line());
    let body = &text[line.start..line.end];
    let sep = &settings.single_line_card_separator;
    let p = body.find(sep.as_str())?;
    let (key, val) = (&body[..p], &body[p + sep.len()..]);
    let keyish = !key.is_empty()
        && key
            .chars()
            .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_');
    (keyish && val.starts_with(' ')).then(|| {
        diag(
            "dataview-field",
            line.start,
            line.end,
            format!("`{key}::` reads as a flashcard (front `{key}`); if this is a Dataview field, the plugin still makes a card of it"),
        )
    })
}

/// A cloze card made by a `=====` underline or `==` used as an operator.
fn accidental_cloze(c: &crate::note::Card, (cs, ce): (usize, usize)) -> Option<Diagnostic> {
    if c.kind != CardType::Cloze {
        return None;
    }
    let setext = c.raw.lines().any(|l| {
        let t = js::text::trim(l);
        t.len() >= 4 && t.bytes().all(|b| b == b'=')
    });
    if !setext && !engine_deletions_look_operator(c) {
        return None;
    }
    Some(diag(
        "accidental-cloze",
        cs,
        ce,
        if setext {
            "a `=====` underline made this paragraph a cloze card; use `# Heading` instead if that is not meant".into()
        } else {
            "`==` used as an operator made this paragraph a cloze card; wrap the code in backticks if that is not meant".into()
        },
    ))
}

fn engine_deletions_look_operator(c: &crate::note::Card) -> bool {
    // `a == b and c == d`: the deletion text starts and ends with white space.
    c.raw.lines().any(|l| {
        let mut parts = l.split("==");
        parts.next();
        parts
            .next()
            .is_some_and(|mid| mid.starts_with(' ') && mid.ends_with(' ') && !mid.trim().is_empty())
    })
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
    )
}

fn fence_of(l: &str) -> &str {
    let c = l.as_bytes().first().copied().unwrap_or(b'`');
    let n = l.bytes().take_while(|&b| b == c).count();
    &l[..n]
}

/// Where a CommonMark editor closes the fence opened on `open`.
fn editor_fence_close(text: &str, note: &Note, open: usize) -> Option<usize> {
    let l = note.lines.text(text, open);
    let c = l.as_bytes().first().copied()?;
    let n = l.bytes().take_while(|&b| b == c).count();
    if c == b'`' && l[n..].contains('`') {
        return None; // not a fence for CommonMark: an inline code span
    }
    for i in open + 1..note.lines.len() {
        let t = note.lines.text(text, i);
        let ind = t.len() - t.trim_start_matches(' ').len();
        if ind > 3 {
            continue;
        }
        let r = &t[ind..];
        let m = r.bytes().take_while(|&b| b == c).count();
        if m >= n && r[m..].trim().is_empty() {
            return Some(i);
        }
    }
    None
}

/// Deletes a comment; the whole line when the comment is alone on it.
fn remove_comment_edit(text: &str, note: &Note, s: usize, e: usize) -> Edit {
    let li = note.lines.line_of(s);
    let l = note.lines.get(li);
    if text[l.start..s].trim().is_empty() && text[e..l.end].trim().is_empty() {
        if l.next > l.end {
            return Edit {
                start: l.start,
                end: l.next,
                text: String::new(),
            };
        }
        // Last line without a terminator: take the break before it.
        let start = if li > 0 {
            note.lines.get(li - 1).end
        } else {
            l.start
        };
        return Edit {
            start,
            end: l.end,
            text: String::new(),
        };
    }
    let mut start = s;
    while start > l.start && text[..start].ends_with([' ', '\t']) {
        start -= 1;
    }
    Edit {
        start,
        end: e,
        text: String::new(),
    }
}

/// Moves a comment from a separator line to the end of its paragraph.
fn move_comment_off_separator(text: &str, note: &Note, line: usize, at: usize) -> Option<Fix> {
    let l = note.lines.get(line);
    let s = l.start + at;
    let cm = sr_comment::find_first(text, s, l.end)?;
    let mut last = line;
    while last + 1 < note.lines.len() && !js::text::is_blank(note.lines.text(text, last + 1)) {
        last += 1;
    }
    let mut del_start = cm.start;
    while del_start > l.start && text[..del_start].ends_with([' ', '\t']) {
        del_start -= 1;
    }
    let end_l = note.lines.get(last);
    let nl = if text[l.end..l.next].is_empty() {
        "\n"
    } else {
        &text[l.end..l.next]
    };
    Some(Fix {
        title: "Move the comment to the card's last line".into(),
        edits: vec![
            Edit {
                start: del_start,
                end: cm.end,
                text: String::new(),
            },
            Edit {
                start: end_l.end,
                end: end_l.end,
                text: format!("{nl}{}", &text[cm.start..cm.end]),
            },
        ],
    })
}
