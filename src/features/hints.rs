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

/// The hints of the cards whose hint offset lies in `from..=to`.
pub fn hints(
    note: &Note,
    from: usize,
    to: usize,
    style: HintStyle,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<Hint> {
    let mut out = Vec::new();
    for card in &note.cards {
        let off = hint_offset(note, card);
        if off < from || off > to {
            continue;
        }
        let dues = sibling_dues(card);
        let n = dues.len();
        let step = |i: usize| learning_step(&card.schedule[i]);
        if n == 1 || style == HintStyle::Compact {
            let label = if n == 1 {
                let mut l = due_label(&dues[0], today, now);
                if let Some(s) = step(0) {
                    l = format!("{l} · {s}");
                }
                l
            } else {
                let due = dues.iter().filter(|d| d.is_due(today, now)).count();
                let new = dues.iter().filter(|d| matches!(d, Due::New)).count();
                match (due, new) {
                    (0, k) if k == n => "new".into(),
                    (0, _) => {
                        // Nothing due: say when the next side is.
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
            };
            let tooltip = (n > 1).then(|| {
                dues.iter()
                    .enumerate()
                    .map(|(i, d)| format!("side {}: {}", i + 1, due_label(d, today, now)))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            out.push(Hint {
                offset: off,
                label,
                tooltip,
            });
        } else {
            for (i, d) in dues.iter().enumerate() {
                let mut label = format!("{}: {}", i + 1, due_label(d, today, now));
                if let Some(s) = step(i) {
                    label = format!("{label} · {s}");
                }
                out.push(Hint {
                    offset: off,
                    label,
                    tooltip: Some(format!("side {} of {n}", i + 1)),
                });
            }
        }
    }
    out
}
