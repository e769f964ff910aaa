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
use crate::plugin::sr_comment::Group;
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
    if let Some(Group::Invalid { reasons, .. }) = group {
        return Err(GradeError::InvalidGroup {
            sibling: req.sibling + 1,
            reason: reasons.join("; "),
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
    let old_due = sm2_prev.map(|p| p.due);
    match settings.algorithm {
        Algorithm::Sm2Osr => {
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
            let o = sm2::schedule(
                &p,
                sm2_prev.as_ref(),
                ne,
                req.response,
                req.today,
                req.histogram,
            )
            .map_err(|e| GradeError::Schedule(e.to_string()))?;
            Ok((Outcome::Sm2(o), old_due))
        }
        Algorithm::Fsrs => {
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
                _ => old_due,
            };
            match fsrs::try_review(&p, prev, req.response, req.now, req.tz) {
                Ok(Some(c)) => Ok((Outcome::Fsrs(c), old)),
                Ok(None) => Err(GradeError::NothingToReset),
                Err(e) => Err(GradeError::Schedule(e.to_string())),
            }
        }
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
            continue;
        }
        match g {
            None | Some(Group::New { .. }) => {
                out.push_str(&sm2::placeholder_group(settings.base_ease))
            }
            Some(Group::Sm2 {
                due,
                interval,
                ease,
                ..
            }) => out.push_str(&sm2::format_group(&Sm2Outcome {
                due: *due,
                interval: *interval as f64,
                ease: *ease as f64,
            })),
            Some(Group::Fsrs(c)) => out.push_str(&c.to_segment()),
            Some(Group::Invalid { reasons, .. }) => {
                return Err(GradeError::InvalidGroup {
                    sibling: i + 1,
                    reason: reasons.join("; "),
                });
            }
        }
    }
    out.push_str("-->");
    Ok(out)
}

/// The line ending to use when inserting at `offset`: the one of the line holding it, else the
/// note's first one, else `\n`.
fn line_ending(text: &str, note: &Note, offset: usize) -> &'static str {
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

fn trim_ws_back(text: &str, lo: usize, mut at: usize) -> usize {
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
    let group = match &outcome {
        Outcome::Sm2(o) => sm2::format_group(o),
        Outcome::Fsrs(c) => c.to_segment(),
    };
    let comment = comment_for(card, settings, req.sibling, &group)?;
    let edits = place_comment(text, note, card, settings, &comment);
    Ok(Graded {
        edits,
        comment,
        outcome,
        old_due,
    })
}

/// Where the comment goes: replace the old one (with the separator before it) or insert it.
fn place_comment(
    text: &str,
    note: &Note,
    card: &Card,
    settings: &Settings,
    comment: &str,
) -> Vec<Edit> {
    let card_start = note
        .lines
        .get(card.src_lines.first().copied().unwrap_or(card.first_line))
        .start;
    let end_line = note.lines.get(card.end_line.min(note.lines.len() - 1));
    let same_line = settings.card_comment_on_same_line;
    let callout = settings.use_callouts_for_scheduling_comments;
    let ends_with_fence = card.raw.ends_with("```") || card.raw.ends_with("~~~");

    if let Some(old) = &card.comment {
        // Callout storage: the comment line is `>  <!--SR:…-->`; only the comment changes.
        if callout
            || text[note.lines.get(note.lines.line_of(old.start)).start..old.start]
                .trim_start()
                .starts_with('>')
        {
            return minimal(text, old.start, old.end, comment);
        }
        // White space before the comment is rewritten only back to the end of the card's own
        // text: lines the scanner skipped (after a one-line HTML comment) stay as they are.
        let cl = note.lines.line_of(old.start);
        let floor = card
            .src_lines
            .iter()
            .rev()
            .find(|&&l| l < cl)
            .map_or(note.lines.get(cl).start, |&l| {
                if l + 1 == cl {
                    note.lines.get(l).end
                } else {
                    note.lines.get(cl).start
                }
            })
            .max(card_start);
        let before = trim_ws_back(text, floor, old.start);
        let after_comment = &text[old.end..end_line.end.max(old.end)];
        let trailing_is_empty = after_comment.trim().is_empty()
            || (after_comment.trim().starts_with('^') && !after_comment.contains('\n'));
        if trailing_is_empty {
            let nl = line_ending(text, note, before);
            let at_line_start = note.lines.get(note.lines.line_of(before)).start == before;
            let sep = if at_line_start {
                // Kept on its own line (skipped lines above it are not the card's).
                String::new()
            } else if same_line
                && !text[..before].ends_with("```")
                && !text[..before].ends_with("~~~")
            {
                " ".to_string()
            } else {
                nl.to_string()
            };
            let new = format!("{sep}{comment}");
            return minimal(text, before, old.end, &new);
        }
        // The comment sits inside the card: the plugin moves it to the end.
        let line = note.lines.get(note.lines.line_of(old.start));
        let own_line = text[line.start..old.start].trim().is_empty()
            && text[old.end..line.end].trim().is_empty();
        let del = if own_line {
            Edit {
                start: line.start,
                end: line.next.min(text.len()),
                text: String::new(),
            }
        } else {
            Edit {
                start: trim_ws_back(text, line.start, old.start),
                end: old.end,
                text: String::new(),
            }
        };
        let mut edits = vec![del];
        edits.extend(insert_at_end(
            text,
            note,
            card,
            card_start,
            end_line.end,
            same_line,
            ends_with_fence,
            callout,
            comment,
        ));
        return edits;
    }
    insert_at_end(
        text,
        note,
        card,
        card_start,
        end_line.end,
        same_line,
        ends_with_fence,
        callout,
        comment,
    )
}

#[allow(clippy::too_many_arguments)]
fn insert_at_end(
    text: &str,
    note: &Note,
    card: &Card,
    card_start: usize,
    end: usize,
    same_line: bool,
    ends_with_fence: bool,
    callout: bool,
    comment: &str,
) -> Vec<Edit> {
    let at = trim_ws_back(text, card_start, end);
    let nl = line_ending(text, note, at);
    // With same-line comments and a block id, the comment goes before the ` ^id`.
    if same_line
        && !callout
        && let Some(id) = &card.block_id
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
    let new = if callout {
        format!("{nl}> [!sr|card-metadata] {nl}>  {comment}")
    } else if same_line && !ends_with_fence {
        format!(" {comment}")
    } else {
        format!("{nl}{comment}")
    };
    vec![Edit {
        start: at,
        end,
        text: new,
    }]
}

/// Shrinks a replacement to the bytes that really change.
fn minimal(text: &str, start: usize, end: usize, new: &str) -> Vec<Edit> {
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
