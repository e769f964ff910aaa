//! Grading a card: schedule one sibling and compute the minimal edit of the note (spec §3.3).
//!
//! The plugin rebuilds a graded card as `question.trimEnd() + separator + comment` and puts it
//! in place of the old card text. Everything before the comment's separator is the user's text
//! and comes out unchanged, so srls computes the same result as an edit of only the region
//! from the end of the question text to the end of the old comment (or an insertion when there
//! was none). Nothing else in the note is touched, and the note's line endings are kept.

use crate::note::{Card, Note};
use crate::plugin::schedule::fsrs::{self, FsrsCard, FsrsParams, FsrsPrev};
use crate::plugin::schedule::sm2::{self, Sm2Outcome, Sm2Params, Sm2Prev};
use crate::plugin::schedule::{Histogram, Response};
use crate::plugin::settings::{Algorithm, Settings};
use crate::plugin::sr_comment::{Group, SrComment};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// A replacement of bytes `start..end` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Applies edits (non-overlapping, any order) to a text.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.start));
    let mut out = text.to_string();
    for e in sorted {
        out.replace_range(e.start..e.end, &e.text);
    }
    out
}

/// What to grade, and the context the scheduler needs.
#[derive(Debug, Clone)]
pub struct GradeRequest<'a> {
    /// 0-based sibling index.
    pub sibling: usize,
    pub response: Response,
    /// The local date (SM-2) and the instant (FSRS) of the review.
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub tz: Tz,
    /// Cards already due per day from today (load balancing).
    pub histogram: &'a Histogram,
}

/// The new schedule of the graded sibling.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sm2(Sm2Outcome),
    Fsrs(FsrsCard),
}

/// A computed grade.
#[derive(Debug, Clone, PartialEq)]
pub struct Graded {
    pub edits: Vec<Edit>,
    /// The whole new comment, `<!--SR:...-->`.
    pub comment: String,
    pub outcome: Outcome,
    /// The graded sibling's due date before, for histogram updates.
    pub old_due: Option<NaiveDate>,
}

/// Why a card cannot be graded. Each message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GradeError {
    #[error("side {given} does not exist: this card has {count} side{}", if *.count == 1 { "" } else { "s" })]
    SiblingOutOfRange { given: usize, count: usize },
    #[error("this card is new: there is nothing to reset")]
    NothingToReset,
    #[error(
        "the scheduling comment is damaged (it does not read as `<!--SR:…-->`); fix it before grading"
    )]
    DamagedComment,
    #[error(
        "side {sibling}'s schedule cannot be read ({reason}); fix or remove that group before grading"
    )]
    InvalidGroup { sibling: usize, reason: String },
    #[error(
        "side {0} holds FSRS data but this vault uses SM-2-OSR; srls does not convert FSRS cards back (set `algorithm` to FSRS, or review it in Obsidian)"
    )]
    FsrsCardInSm2Vault(usize),
    #[error("the review cannot be computed: {0}")]
    Schedule(String),
}

/// The note ease of §4.7, when the note has `sr-ease` front matter.
pub fn note_ease(note: &Note, settings: &Settings) -> Option<f64> {
    let sr_ease = note.front_matter.as_ref()?.sr_ease?;
    let eases: Vec<f64> = note
        .cards
        .iter()
        .flat_map(|c| c.schedule.iter())
        .filter_map(|g| match g {
            Some(Group::Sm2 { ease, .. }) => Some(*ease as f64),
            _ => None,
        })
        .collect();
    Some(sm2::note_ease(sr_ease, &eases, settings.base_ease))
}

fn sm2_params(s: &Settings) -> Sm2Params {
    Sm2Params {
        base_ease: s.base_ease,
        lapses_interval_change: s.lapses_interval_change,
        easy_bonus: s.easy_bonus,
        load_balance: s.load_balance,
        maximum_interval: s.maximum_interval,
    }
}

/// Computes the new schedule of one sibling without touching text (hover previews use it).
pub fn schedule_sibling(
    note: &Note,
    card: &Card,
    settings: &Settings,
    req: &GradeRequest<'_>,
) -> Result<(Outcome, Option<NaiveDate>), GradeError> {
    let count = card.siblings();
    if req.sibling >= count {
        return Err(GradeError::SiblingOutOfRange {
            given: req.sibling + 1,
            count,
        });
    }
    let group = card.schedule[req.sibling].as_ref();
    if let Some(Group::Invalid(i)) = group {
        return Err(GradeError::InvalidGroup {
            sibling: req.sibling + 1,
            reason: i.reasons.join("; "),
        });
    }
    let sm2_prev = match group {
        Some(Group::Sm2 {
            due,
            interval,
            ease,
            ..
        }) => Some(Sm2Prev {
            due: *due,
            interval: *interval as f64,
            ease: *ease as f64,
        }),
        _ => None,
    };
    match settings.algorithm {
        Algorithm::Sm2Osr => schedule_sm2(note, settings, req, group, sm2_prev),
        Algorithm::Fsrs => schedule_fsrs(settings, req, group, sm2_prev),
    }
}

/// [`schedule_sibling`] in an SM-2-OSR vault, for the sibling's `group` (read as `sm2_prev`
/// when it is an SM-2 one). An FSRS group is not converted back; a new card takes the note
/// ease.
fn schedule_sm2(
    note: &Note,
    settings: &Settings,
    req: &GradeRequest<'_>,
    group: Option<&Group>,
    sm2_prev: Option<Sm2Prev>,
) -> Result<(Outcome, Option<NaiveDate>), GradeError> {
    if matches!(group, Some(Group::Fsrs(_))) {
        return Err(GradeError::FsrsCardInSm2Vault(req.sibling + 1));
    }
    let p = sm2_params(settings);
    let ne = if sm2_prev.is_none() {
        note_ease(note, settings)
    } else {
        None
    };
    if req.response == Response::Reset && sm2_prev.is_none() {
        return Err(GradeError::NothingToReset);
    }
    let answer = sm2::Sm2Answer {
        prev: sm2_prev.as_ref(),
        note_ease: ne,
        response: req.response,
        today: req.today,
        histogram: req.histogram,
    };
    let o = sm2::schedule(&p, &answer).map_err(|e| GradeError::Schedule(e.to_string()))?;
    Ok((Outcome::Sm2(o), sm2_prev.map(|p| p.due)))
}

/// [`schedule_sibling`] in an FSRS vault, for the sibling's `group` (read as `sm2_prev` when it
/// is an SM-2 one, which FSRS takes over).
fn schedule_fsrs(
    settings: &Settings,
    req: &GradeRequest<'_>,
    group: Option<&Group>,
    sm2_prev: Option<Sm2Prev>,
) -> Result<(Outcome, Option<NaiveDate>), GradeError> {
    let p = FsrsParams {
        desired_retention: settings.fsrs_desired_retention,
        maximum_interval: settings.maximum_interval,
    };
    let prev = match group {
        Some(Group::Fsrs(c)) => FsrsPrev::Fsrs(c),
        _ => match &sm2_prev {
            Some(s) => FsrsPrev::Sm2(s),
            None => FsrsPrev::New,
        },
    };
    let old = match group {
        Some(Group::Fsrs(c)) => Some(c.due.with_timezone(&req.tz).date_naive()),
        _ => sm2_prev.map(|p| p.due),
    };
    match fsrs::try_review(&p, prev, req.response, req.now, req.tz) {
        Ok(Some(c)) => Ok((Outcome::Fsrs(c), old)),
        Ok(None) => Err(GradeError::NothingToReset),
        Err(e) => Err(GradeError::Schedule(e.to_string())),
    }
}

/// The comment group text of each sibling after grading `req.sibling`.
fn comment_for(
    card: &Card,
    settings: &Settings,
    sibling: usize,
    new_group: &str,
) -> Result<String, GradeError> {
    let mut out = String::from("<!--SR:");
    for (i, g) in card.schedule.iter().enumerate() {
        if i == sibling {
            out.push_str(new_group);
        } else {
            out.push_str(&group_text(g.as_ref(), settings, i)?);
        }
    }
    out.push_str("-->");
    Ok(out)
}

/// How the plugin writes back the group of sibling `i` when another sibling is graded.
pub fn group_text(g: Option<&Group>, settings: &Settings, i: usize) -> Result<String, GradeError> {
    Ok(match g {
        None | Some(Group::New { .. }) => sm2::placeholder_group(settings.base_ease),
        Some(Group::Sm2 {
            due,
            interval,
            ease,
            ..
        }) => sm2::format_group(&Sm2Outcome {
            due: *due,
            interval: *interval as f64,
            ease: *ease as f64,
        }),
        Some(Group::Fsrs(c)) => c.to_segment(),
        Some(Group::Invalid(g)) => {
            return Err(GradeError::InvalidGroup {
                sibling: i + 1,
                reason: g.reasons.join("; "),
            });
        }
    })
}

/// The group an outcome is written as (`!2025-01-10,7,250`, `!fsrs,...`).
pub fn outcome_group(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Sm2(o) => sm2::format_group(o),
        Outcome::Fsrs(c) => c.to_segment(),
    }
}

/// The line ending to use when inserting at `offset`: the one of the line holding it, else the
/// note's first one, else `\n`.
pub(crate) fn line_ending(text: &str, note: &Note, offset: usize) -> &'static str {
    let li = note.lines.line_of(offset);
    let l = note.lines.get(li);
    let term = &text[l.end..l.next];
    if term == "\r\n" {
        return "\r\n";
    }
    if term == "\r" {
        return "\r";
    }
    if term == "\n" {
        return "\n";
    }
    for l in note.lines.iter() {
        match &text[l.end..l.next] {
            "\r\n" => return "\r\n",
            "\r" => return "\r",
            "\n" => return "\n",
            _ => {}
        }
    }
    "\n"
}

pub(crate) fn trim_ws_back(text: &str, lo: usize, mut at: usize) -> usize {
    while at > lo {
        let c = text[..at].chars().next_back().unwrap_or('x');
        if crate::plugin::js::text::is_js_space(c) {
            at -= c.len_utf8();
        } else {
            break;
        }
    }
    at
}

/// Grades sibling `req.sibling` of `note.cards[card_index]` and returns the minimal edit.
pub fn grade(
    text: &str,
    note: &Note,
    card_index: usize,
    settings: &Settings,
    req: &GradeRequest<'_>,
) -> Result<Graded, GradeError> {
    let card = &note.cards[card_index.min(note.cards.len().saturating_sub(1))];
    if card.comment.as_ref().is_some_and(|c| c.loose) {
        return Err(GradeError::DamagedComment);
    }
    let (outcome, old_due) = schedule_sibling(note, card, settings, req)?;
    let group = outcome_group(&outcome);
    let comment = comment_for(card, settings, req.sibling, &group)?;
    let edits = place_comment(text, note, card, settings, &comment);
    Ok(Graded {
        edits,
        comment,
        outcome,
        old_due,
    })
}

/// Whether a card's sides can be graded at all: not when its comment is damaged or one of its
/// groups cannot be read (the rewritten comment would lose it). [`grade`] refuses the same
/// cards; this answers for every side at once, without building a comment.
pub fn check_card(card: &Card) -> Result<(), GradeError> {
    if card.comment.as_ref().is_some_and(|c| c.loose) {
        return Err(GradeError::DamagedComment);
    }
    match card
        .schedule
        .iter()
        .position(|g| matches!(g, Some(Group::Invalid { .. })))
    {
        Some(k) => match &card.schedule[k] {
            Some(Group::Invalid(i)) => Err(GradeError::InvalidGroup {
                sibling: k + 1,
                reason: i.reasons.join("; "),
            }),
            _ => Ok(()),
        },
        None => Ok(()),
    }
}

/// Where the comment goes: replace the old one (with the separator before it) or insert it.
fn place_comment(
    text: &str,
    note: &Note,
    card: &Card,
    settings: &Settings,
    comment: &str,
) -> Vec<Edit> {
    let placement = Placement {
        text,
        note,
        card,
        card_start: note.lines.get(card.start_line()).start,
        card_end: note.lines.get(card.end_line.min(note.lines.len() - 1)).end,
        same_line: settings.card_comment_on_same_line,
        callout: settings.use_callouts_for_scheduling_comments,
        comment,
    };
    match &card.comment {
        Some(old) => placement.replace(old),
        None => placement.insert_at_end(),
    }
}

/// Where a graded card's new comment goes, and what decides it.
struct Placement<'a> {
    text: &'a str,
    note: &'a Note,
    card: &'a Card,
    /// Where the card's first line starts.
    card_start: usize,
    /// Where the card's last line ends (before its terminator).
    card_end: usize,
    /// `card_comment_on_same_line`.
    same_line: bool,
    /// `use_callouts_for_scheduling_comments`.
    callout: bool,
    /// The new comment, `<!--SR:…-->`.
    comment: &'a str,
}

impl Placement<'_> {
    /// Replaces the card's old comment `old`: in place when nothing but a block id follows it
    /// in the card, else moved to the end of the card as the plugin does.
    fn replace(&self, old: &SrComment) -> Vec<Edit> {
        let (text, lines) = (self.text, &self.note.lines);
        // Callout storage: the comment line is `>  <!--SR:…-->`; only the comment changes.
        if self.callout
            || text[lines.get(lines.line_of(old.start)).start..old.start]
                .trim_start()
                .starts_with('>')
        {
            return minimal(text, old.start, old.end, self.comment);
        }
        let after_comment = &text[old.end..self.card_end.max(old.end)];
        let trailing_is_empty = after_comment.trim().is_empty()
            || (after_comment.trim().starts_with('^') && !after_comment.contains('\n'));
        if trailing_is_empty {
            self.rewrite_at_end(old)
        } else {
            self.move_to_end(old)
        }
    }

    /// The old comment ends the card: rewrites it together with the white space before it.
    fn rewrite_at_end(&self, old: &SrComment) -> Vec<Edit> {
        let (text, lines) = (self.text, &self.note.lines);
        let before = trim_ws_back(text, self.whitespace_floor(old), old.start);
        let nl = line_ending(text, self.note, before);
        let at_line_start = lines.get(lines.line_of(before)).start == before;
        let sep = if at_line_start {
            // Kept on its own line (skipped lines above it are not the card's).
            String::new()
        } else if self.same_line
            && !text[..before].ends_with("```")
            && !text[..before].ends_with("~~~")
        {
            " ".to_string()
        } else {
            nl.to_string()
        };
        let new = format!("{sep}{}", self.comment);
        minimal(text, before, old.end, &new)
    }

    /// How far back white space before the old comment is rewritten: only to the end of the
    /// card's own text, so lines the scanner skipped (after a one-line HTML comment) stay as
    /// they are.
    fn whitespace_floor(&self, old: &SrComment) -> usize {
        let lines = &self.note.lines;
        let comment_line = lines.line_of(old.start);
        self.card
            .src_lines
            .iter()
            .rev()
            .find(|&&l| l < comment_line)
            .map_or(lines.get(comment_line).start, |&l| {
                if l + 1 == comment_line {
                    lines.get(l).end
                } else {
                    lines.get(comment_line).start
                }
            })
            .max(self.card_start)
    }

    /// The old comment sits inside the card: deletes it (its whole line when it stands alone
    /// there) and inserts the new one at the end, as the plugin moves it.
    fn move_to_end(&self, old: &SrComment) -> Vec<Edit> {
        let text = self.text;
        let line = self.note.lines.get(self.note.lines.line_of(old.start));
        let own_line = text[line.start..old.start].trim().is_empty()
            && text[old.end..line.end].trim().is_empty();
        let (start, end) = if own_line {
            (line.start, line.next.min(text.len()))
        } else {
            (trim_ws_back(text, line.start, old.start), old.end)
        };
        let mut edits = vec![Edit {
            start,
            end,
            text: String::new(),
        }];
        edits.extend(self.insert_at_end());
        edits
    }

    /// Inserts the comment after the card's text (white space at its end replaced): before a
    /// same-line block id, in a metadata callout, on the card's last line or on a line below.
    fn insert_at_end(&self) -> Vec<Edit> {
        let (text, comment) = (self.text, self.comment);
        let at = trim_ws_back(text, self.card_start, self.card_end);
        let nl = line_ending(text, self.note, at);
        // With same-line comments and a block id, the comment goes before the ` ^id`.
        if self.same_line
            && !self.callout
            && let Some(id) = &self.card.block_id
        {
            let tail = format!(" ^{id}");
            if text[..at].ends_with(&tail) {
                let pos = at - tail.len();
                return vec![Edit {
                    start: pos,
                    end: pos,
                    text: format!(" {comment}"),
                }];
            }
        }
        let ends_with_fence = self.card.raw.ends_with("```") || self.card.raw.ends_with("~~~");
        let new = if self.callout {
            format!("{nl}> [!sr|card-metadata] {nl}>  {comment}")
        } else if self.same_line && !ends_with_fence {
            format!(" {comment}")
        } else {
            format!("{nl}{comment}")
        };
        vec![Edit {
            start: at,
            end: self.card_end,
            text: new,
        }]
    }
}

/// Shrinks a replacement to the bytes that really change.
pub(crate) fn minimal(text: &str, start: usize, end: usize, new: &str) -> Vec<Edit> {
    let old = &text[start..end];
    let mut p = 0;
    for (a, b) in old.char_indices().zip(new.char_indices()) {
        if a.1 != b.1 {
            break;
        }
        p = a.0 + a.1.len_utf8();
    }
    let (o, n) = (&old[p..], &new[p..]);
    let mut s = 0;
    for (a, b) in o.chars().rev().zip(n.chars().rev()) {
        if a != b {
            break;
        }
        s += a.len_utf8();
    }
    let s = s.min(o.len()).min(n.len());
    vec![Edit {
        start: start + p,
        end: end - s,
        text: n[..n.len() - s].to_string(),
    }]
}
