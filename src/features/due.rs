//! Due state of cards: what is due, when, and the due-date histogram for load balancing.

use crate::note::{Card, Note};
use crate::plugin::schedule::Histogram;
use crate::plugin::sr_comment::Group;
use chrono::{DateTime, NaiveDate, Utc};

/// When one sibling is due.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Due {
    /// Never reviewed.
    New,
    /// SM-2: a local date; due for the whole day.
    Day(NaiveDate),
    /// FSRS: an exact instant (no whole-day rule).
    Instant(DateTime<Utc>),
    /// The group cannot be read.
    Invalid,
}

impl Due {
    pub fn of(g: &Option<Group>) -> Due {
        match g {
            None | Some(Group::New { .. }) => Due::New,
            Some(Group::Sm2 { due, .. }) => Due::Day(*due),
            Some(Group::Fsrs(c)) => Due::Instant(c.due),
            Some(Group::Invalid { .. }) => Due::Invalid,
        }
    }

    /// Whether the sibling is due for review (new siblings are not "due", they are new).
    pub fn is_due(&self, today: NaiveDate, now: DateTime<Utc>) -> bool {
        match self {
            Due::Day(d) => *d <= today,
            Due::Instant(t) => *t <= now,
            _ => false,
        }
    }

    /// The histogram key: days from today (`ceil((due − now) / 1 day)` for instants).
    pub fn day_key(&self, today: NaiveDate, now: DateTime<Utc>) -> Option<i64> {
        match self {
            Due::Day(d) => Some((*d - today).num_days()),
            Due::Instant(t) => {
                let secs = (*t - now).num_milliseconds() as f64 / 86_400_000.0;
                Some(secs.ceil() as i64)
            }
            _ => None,
        }
    }
}

/// Siblings of a card with their due state.
pub fn sibling_dues(card: &Card) -> Vec<Due> {
    card.schedule.iter().map(Due::of).collect()
}

/// Adds every scheduled sibling of a note to the histogram.
pub fn add_note(h: &mut Histogram, note: &Note, today: NaiveDate, now: DateTime<Utc>) {
    for c in &note.cards {
        for d in sibling_dues(c) {
            if let Some(k) = d.day_key(today, now) {
                *h.entry(k).or_insert(0) += 1;
            }
        }
    }
}
