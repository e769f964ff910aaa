//! Due labels: inlay hints and the words hover and the outline use.

use crate::features::due::{Due, sibling_dues};
use crate::note::{Card, Note};
use crate::plugin::schedule::fsrs::FsrsState;
use crate::plugin::sr_comment::Group;
use chrono::{DateTime, NaiveDate, Utc};

/// How hints are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HintStyle {
    /// One hint per side: `due in 3d`, `new`.
    #[default]
    Full,
    /// One hint per card: `2/3 due`, `new`, `due in 3d`.
    Compact,
}

/// An inlay hint: shown at byte `offset` (the end of a line).
#[derive(Debug, Clone, PartialEq)]
pub struct Hint {
    pub offset: usize,
    pub label: String,
    pub tooltip: Option<String>,
}

/// Days as a short duration: `3d`.
fn days(n: i64) -> String {
    format!("{n}d")
}

/// A short relative label for one side.
pub fn due_label(d: &Due, today: NaiveDate, now: DateTime<Utc>) -> String {
    match d {
        Due::New => "new".into(),
        Due::Invalid => "unreadable schedule".into(),
        Due::Day(date) => {
            let n = (*date - today).num_days();
            match n {
                0 => "due today".into(),
                n if n > 0 => format!("due in {}", days(n)),
                n => format!("overdue {}", days(-n)),
            }
        }
        Due::Instant(t) => {
            let secs = (*t - now).num_seconds();
            if secs <= 0 {
                let late = -secs;
                if late < 86_400 {
                    "due now".into()
                } else {
                    format!("overdue {}", days(late / 86_400))
                }
            } else if secs < 3600 {
                format!("due in {}m", (secs + 59) / 60)
            } else if secs < 86_400 {
                format!("due in {}h", (secs + 3599) / 3600)
            } else {
                format!("due in {}", days((secs + 86_399) / 86_400))
            }
        }
    }
}

/// `learning step 2/2` for FSRS cards in (re)learning.
pub fn learning_step(g: &Option<Group>) -> Option<String> {
    match g {
        Some(Group::Fsrs(c)) => match c.state {
            FsrsState::Learning => {
                Some(format!("learning step {}/2", (c.learning_steps + 1).min(2)))
            }
            FsrsState::Relearning => Some("relearning step 1/1".into()),
            _ => None,
        },
        _ => None,
    }
}

/// Where a card's hint goes: the end of its SR comment's line, else of its last text line.
pub fn hint_offset(note: &Note, card: &Card) -> usize {
    let line = match &card.comment {
        Some(c) if !c.loose => note.lines.line_of(c.start),
        _ => card.end_line.min(note.lines.len() - 1),
    };
    note.lines.get(line).end
}

/// The cards whose hint may lie in `from..=to`: a binary search in the cards, which are in
/// document order, their hints too (each at the end of one of its card's own lines).
fn cards_near(note: &Note, from: usize, to: usize) -> &[Card] {
    let cards = &note.cards;
    let start = cards.partition_point(|c| hint_offset(note, c) < from);
    let end = cards.partition_point(|c| note.lines.get(c.start_line()).start <= to);
    &cards[start..end.max(start)]
}

/// The hints of the cards whose hint offset lies in `from..=to`: one per card (editors such as
/// Helix draw several hints at one position with no space between them).
pub fn hints(
    note: &Note,
    from: usize,
    to: usize,
    style: HintStyle,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<Hint> {
    let mut out = Vec::new();
    for card in cards_near(note, from, to) {
        let offset = hint_offset(note, card);
        if offset < from || offset > to {
            continue;
        }
        let dues = sibling_dues(card);
        let n = dues.len();
        let side = |i: usize| {
            let mut l = due_label(&dues[i], today, now);
            if let Some(s) = learning_step(&card.schedule[i]) {
                l = format!("{l} · {s}");
            }
            l
        };
        let label = if n == 1 {
            side(0)
        } else if style == HintStyle::Compact {
            compact_label(&dues, today, now)
        } else {
            (0..n)
                .map(|i| format!("{}: {}", i + 1, side(i)))
                .collect::<Vec<_>>()
                .join(" · ")
        };
        let tooltip = (n > 1).then(|| {
            (0..n)
                .map(|i| format!("side {}: {}", i + 1, side(i)))
                .collect::<Vec<_>>()
                .join("\n")
        });
        out.push(Hint {
            offset,
            label,
            tooltip,
        });
    }
    out
}

/// A card with several sides in one word: `2/3 due`, `2/3 due · 1 new`, `new`, or when nothing
/// is due the next side's label.
fn compact_label(dues: &[Due], today: NaiveDate, now: DateTime<Utc>) -> String {
    let n = dues.len();
    let due = dues.iter().filter(|d| d.is_due(today, now)).count();
    let new = dues.iter().filter(|d| matches!(d, Due::New)).count();
    match (due, new) {
        (0, k) if k == n => "new".into(),
        (0, _) => {
            let next = dues
                .iter()
                .filter(|d| matches!(d, Due::Day(_) | Due::Instant(_)))
                .min_by_key(|d| d.day_key(today, now).unwrap_or(i64::MAX));
            let mut l = next.map_or("new".into(), |d| due_label(d, today, now));
            if new > 0 {
                l = format!("{l} · {new} new");
            }
            l
        }
        (d, 0) => format!("{d}/{n} due"),
        (d, k) => format!("{d}/{n} due · {k} new"),
    }
}
