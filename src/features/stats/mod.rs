//! Statistics over a vault's cards: exactly the numbers of the plugin's statistics page
//! (`statistics.md`: forecast, intervals, eases, card types, the notes table), for the whole
//! vault, one deck with its sub-decks, or whatever notes are given (a folder), plus what the
//! page does not show: the same per deck, the overdue backlog by age, and FSRS memory states.
//!
//! Pure: the notes come parsed, the clock is a parameter, the answer is plain serializable data
//! with every bar (the period only changes what a front end draws: [`Chart::for_period`]).

mod charts;
mod decks;
mod extra;
mod notes;
pub mod report;
mod side;
pub mod tally;
pub mod text;

pub use charts::{DEFAULT_BARS, MAX_FILLED_BARS};
pub use decks::{in_deck, tree_order};
pub use extra::{Backlog, FsrsStats};
pub use report::{Report, Unreadable};
pub use side::{Scheduled, Side, local_midnight, side};

use crate::note::{Card, Note};
use crate::plugin::settings::Settings;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A parsed note and its path relative to the vault root (`/`-separated).
#[derive(Debug, Clone, Copy)]
pub struct StatsNote<'a> {
    pub path: &'a str,
    pub note: &'a Note,
}

/// The plugin's clock: "today" (SM-2 keys count from its local midnight) and "now" (FSRS keys
/// and retrievability), in the vault's time zone.
#[derive(Debug, Clone, Copy)]
pub struct StatsClock {
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub tz: Tz,
}

/// One chart as the plugin hands it to chart.js: every bar, and the text under it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub labels: Vec<String>,
    pub counts: Vec<u64>,
    pub summary: String,
    /// Bars drawn under the default period (Month), for the charts that have a period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shown_by_default: Option<usize>,
}

impl Chart {
    /// The bars a period shows (the first 31, 91 or 366, or all), the summary unchanged.
    pub fn for_period(&self, period: Period) -> Chart {
        let n = period.bars().unwrap_or(usize::MAX).min(self.labels.len());
        Chart {
            labels: self.labels[..n].to_vec(),
            counts: self.counts[..n].to_vec(),
            ..self.clone()
        }
    }
}

/// The calculator's counts: cards without a schedule, scheduled with an interval below 32 days,
/// and from 32 days on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CardCounts {
    pub new: u64,
    pub young: u64,
    pub mature: u64,
}

impl CardCounts {
    /// Every card (each sibling once).
    pub fn total(&self) -> u64 {
        self.new + self.young + self.mature
    }
}

/// Everything computed over one set of cards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Charts {
    pub forecast: Chart,
    pub intervals: Chart,
    pub eases: Chart,
    pub card_types: Chart,
    pub stats: CardCounts,
    /// Beyond the plugin: due cards by how long they have waited.
    pub overdue: Backlog,
    /// Beyond the plugin: FSRS memory states.
    pub fsrs: FsrsStats,
}

/// The statistics of one deck and its sub-decks (each card once).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeckStats {
    /// The deck path without `#`, e.g. `flashcards/geo`.
    pub deck: String,
    #[serde(flatten)]
    pub charts: Charts,
}

impl DeckStats {
    /// The columns of the decks table: cards, new, young, mature, due (today and overdue),
    /// overdue.
    pub fn row(&self) -> [u64; 6] {
        let (c, o) = (&self.charts.stats, &self.charts.overdue);
        [
            c.total(),
            c.new,
            c.young,
            c.mature,
            o.due_today + o.overdue,
            o.overdue,
        ]
    }
}

/// The statistics of a scope: the notes given, optionally narrowed to one deck.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Markdown notes read.
    pub notes_scanned: usize,
    /// The deck the numbers are narrowed to, if any.
    pub deck: Option<String>,
    #[serde(flatten)]
    pub charts: Charts,
    /// The notes table: `[name, ease]`, highest ease first.
    pub note_eases: Vec<(String, i64)>,
    /// The same numbers for every deck in scope, in the deck list's order.
    pub decks: Vec<DeckStats>,
}

impl Stats {
    /// Whether the scope holds no card at all.
    pub fn is_empty(&self) -> bool {
        self.charts.stats.total() == 0
    }
}

/// The period dropdown above the forecast and intervals charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    Month,
    Quarter,
    Year,
    Lifetime,
}

impl Period {
    /// Every period, in the dropdown's order.
    pub const ALL: [Period; 4] = [
        Period::Month,
        Period::Quarter,
        Period::Year,
        Period::Lifetime,
    ];

    /// Bars shown: 31, 91, 366, or all (`None`).
    pub fn bars(self) -> Option<usize> {
        match self {
            Period::Month => Some(31),
            Period::Quarter => Some(91),
            Period::Year => Some(366),
            Period::Lifetime => None,
        }
    }

    /// The lower-case name (`month`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
            Period::Lifetime => "lifetime",
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for [`Period::from_str`]: names the valid periods.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown period `{0}` (valid: month, quarter, year, lifetime)")]
pub struct ParsePeriodError(pub String);

impl FromStr for Period {
    type Err = ParsePeriodError;

    /// Case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParsePeriodError(s.to_owned()))
    }
}

/// The statistics of `notes` (in load order: sorted by path, as the plugin's tests load them),
/// narrowed to `deck` and its sub-decks when given.
pub fn compute(
    notes: &[StatsNote<'_>],
    settings: &Settings,
    clock: &StatsClock,
    deck: Option<&str>,
) -> Stats {
    let in_scope = |c: &Card| deck.is_none_or(|d| c.decks.iter().any(|cd| in_deck(cd, d)));
    let cards: Vec<&Card> = notes
        .iter()
        .flat_map(|n| n.note.cards.iter())
        .filter(|c| in_scope(c))
        .collect();
    let table_notes: Vec<StatsNote> = notes
        .iter()
        .filter(|n| deck.is_none() || n.note.cards.iter().any(in_scope))
        .copied()
        .collect();
    Stats {
        notes_scanned: notes.len(),
        deck: deck.map(|d| d.trim_start_matches('#').to_owned()),
        charts: charts_of(&cards, clock),
        note_eases: notes::note_eases(&table_notes, settings.base_ease, clock),
        decks: deck_stats(&cards, clock, deck),
    }
}

/// The numbers over a set of cards (each sibling once).
pub fn charts_of(cards: &[&Card], clock: &StatsClock) -> Charts {
    let mut tallies = charts::Tallies::default();
    let mut scheduled = Vec::new();
    for s in cards
        .iter()
        .flat_map(|c| c.schedule.iter())
        .map(|g| side(g, clock))
    {
        tallies.add(&s);
        if let Side::Scheduled(s) = s {
            scheduled.push(s);
        }
    }
    Charts {
        forecast: tallies.forecast(),
        intervals: tallies.intervals(),
        eases: tallies.eases(),
        card_types: tallies.card_types(),
        stats: tallies.counts,
        overdue: extra::backlog(&scheduled),
        fsrs: extra::fsrs_stats(&scheduled, clock.now),
    }
}

/// Every deck holding a card of `cards` (within `scope` when given), with its statistics.
fn deck_stats(cards: &[&Card], clock: &StatsClock, scope: Option<&str>) -> Vec<DeckStats> {
    let mut by_deck: BTreeMap<String, Vec<&Card>> = BTreeMap::new();
    for &c in cards {
        for d in decks::card_decks(c) {
            if scope.is_none_or(|s| in_deck(&d, s)) {
                by_deck.entry(d).or_default().push(c);
            }
        }
    }
    let mut out: Vec<DeckStats> = by_deck
        .into_iter()
        .map(|(deck, cards)| DeckStats {
            charts: charts_of(&cards, clock),
            deck,
        })
        .collect();
    out.sort_by(|a, b| tree_order(&a.deck, &b.deck));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{NoteContext, parse_note};

    fn clock() -> StatsClock {
        let today = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        StatsClock {
            today,
            now: local_midnight(today, Tz::UTC),
            tz: Tz::UTC,
        }
    }

    const NOTE: &str = "#flashcards/geo\nQ1::A <!--SR:!2024-06-03,40,250-->\n\n\
        #flashcards/geo/eu #flashcards/hist\nQ2:::A <!--SR:!2024-05-30,3,230-->\n\n\
        #flashcards/hist\nQ3::A\n";

    #[test]
    fn decks_count_each_card_once_with_sub_decks() {
        let s = Settings::default();
        let note = parse_note(NOTE, &s, &NoteContext::default());
        let notes = [StatsNote {
            path: "n.md",
            note: &note,
        }];
        let all = compute(&notes, &s, &clock(), None);
        assert_eq!(
            all.charts.stats,
            CardCounts {
                new: 2,
                young: 1,
                mature: 1
            }
        );
        let names: Vec<&str> = all.decks.iter().map(|d| d.deck.as_str()).collect();
        assert_eq!(
            names,
            [
                "flashcards",
                "flashcards/geo",
                "flashcards/geo/eu",
                "flashcards/hist"
            ]
        );
        // Q2 is in geo/eu and hist: once in their common parent.
        assert_eq!(all.decks[0].charts.stats.total(), 4);
        assert_eq!(all.decks[1].charts.stats.total(), 3);
        assert_eq!(all.decks[3].charts.stats.total(), 3);
        let geo = compute(&notes, &s, &clock(), Some("#flashcards/geo"));
        assert_eq!(geo.charts.stats.total(), 3);
        assert_eq!(geo.decks.len(), 2);
        assert_eq!(geo.charts.overdue.overdue, 1);
        assert!(compute(&notes, &s, &clock(), Some("nope")).is_empty());
    }

    #[test]
    fn periods() {
        assert_eq!("Quarter".parse::<Period>(), Ok(Period::Quarter));
        let e = "week".parse::<Period>().unwrap_err().to_string();
        assert!(e.contains("month, quarter, year, lifetime"), "{e}");
        let c = Chart {
            labels: (0..40).map(|i| i.to_string()).collect(),
            counts: vec![1; 40],
            summary: String::new(),
            shown_by_default: Some(31),
        };
        assert_eq!(c.for_period(Period::Month).labels.len(), 31);
        assert_eq!(c.for_period(Period::Year).labels.len(), 40);
        assert_eq!(c.for_period(Period::Lifetime), c);
    }
}
