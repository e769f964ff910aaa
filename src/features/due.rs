//! Due state of cards: what is due, when, the counts, and the due-date histogram for load
//! balancing.
//!
//! One rule for everyone (`srls due`, `srls.dueSummary`, the code lens, the status bar): as in
//! the plugin, **each side is a card** (a reversed card is two, a cloze one per deletion group),
//! and a side is new, due or not yet due ([`SideState`]).

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
    /// The due state of a sibling's schedule group (`None`: new).
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

    /// The side's state at `today` / `now` (`review.md` §2).
    pub fn state(&self, today: NaiveDate, now: DateTime<Utc>) -> SideState {
        match self {
            Due::New => SideState::New,
            Due::Invalid => SideState::Unreadable,
            d if d.is_due(today, now) => SideState::Due,
            _ => SideState::Later,
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

/// Where one side stands for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideState {
    /// Never reviewed.
    New,
    /// Scheduled and due (SM-2: on or after its day; FSRS: once its instant has passed).
    Due,
    /// Scheduled, not yet due.
    Later,
    /// The schedule group cannot be read (counted nowhere).
    Unreadable,
}

/// Due and new sides (the plugin's cards).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub due: usize,
    pub new: usize,
}

impl Counts {
    /// Counts one side.
    pub fn add(&mut self, state: SideState) {
        match state {
            SideState::Due => self.due += 1,
            SideState::New => self.new += 1,
            SideState::Later | SideState::Unreadable => {}
        }
    }

    /// Counts the sides of one card.
    pub fn add_card(&mut self, dues: &[Due], today: NaiveDate, now: DateTime<Utc>) {
        for d in dues {
            self.add(d.state(today, now));
        }
    }
}

/// Whether a card with `decks` belongs to the deck `want` or one of its sub-decks (`#` optional
/// on both sides).
pub fn in_deck(decks: &[String], want: &str) -> bool {
    let w = want.trim_start_matches('#');
    decks.iter().any(|d| {
        let d = d.trim_start_matches('#');
        d.strip_prefix(w)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// A note's counts and when its next not-yet-due side falls due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoteSummary {
    pub counts: Counts,
    /// Days until the soonest side that is not yet due.
    pub next_in_days: Option<i64>,
}

/// One card's part of its note's summary (its due tally): its sides' counts and the soonest
/// day one of them that is not yet due falls due.
pub fn card_summary(card: &Card, today: NaiveDate, now: DateTime<Utc>) -> NoteSummary {
    let mut out = NoteSummary::default();
    for d in card.schedule.iter().map(Due::of) {
        let state = d.state(today, now);
        out.counts.add(state);
        if state == SideState::Later
            && let Some(k) = d.day_key(today, now).filter(|k| *k > 0)
        {
            out.next_in_days = Some(out.next_in_days.map_or(k, |n| n.min(k)));
        }
    }
    out
}

/// Siblings of a card with their due state.
pub fn sibling_dues(card: &Card) -> Dues {
    card.schedule.iter().map(Due::of).collect()
}

/// A card's due moments, one per side: nearly always one, held inline without an allocation
/// (the index keeps one per card of the vault).
pub type Dues = smallvec::SmallVec<[Due; 1]>;

/// Adds scheduled sides to a due-date histogram (the one builder: the vault walk and the index
/// both use it).
pub fn add_to_histogram<'a>(
    h: &mut Histogram,
    dues: impl IntoIterator<Item = &'a Due>,
    today: NaiveDate,
    now: DateTime<Utc>,
) {
    for d in dues {
        if let Some(k) = d.day_key(today, now) {
            *h.entry(k).or_insert(0) += 1;
        }
    }
}

/// Adds every scheduled sibling of a note to the histogram.
pub fn add_note(h: &mut Histogram, note: &Note, today: NaiveDate, now: DateTime<Utc>) {
    for c in &note.cards {
        add_to_histogram(h, &sibling_dues(c), today, now);
    }
}
