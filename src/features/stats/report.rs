//! The statistics as a front end shows them: cut to a period, dated, with the vault's name,
//! the notes that could not be read and a sentence when there is nothing to chart. What
//! `srls stats --json` prints and the server's `srls.stats` answers.

use super::{Charts, Period, Stats, StatsClock, StatsNote, compute};
use crate::plugin::settings::Settings;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// A note that could not be read, for the footnote.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub file: String,
    pub error: String,
}

/// What `--json` prints: the statistics with the bars of the chosen period, and where they
/// come from.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The vault's folder name (or the first path's, outside a vault).
    pub vault: String,
    pub today: String,
    pub now: String,
    pub period: String,
    #[serde(flatten)]
    pub stats: Stats,
    /// Notes that could not be read, not counted.
    pub unreadable: Vec<Unreadable>,
    /// A sentence when there is nothing to chart.
    pub message: Option<String>,
}

impl Report {
    /// The statistics of `notes` (vault-relative paths), cut to `period`, with the sentence
    /// shown when there is nothing to chart. `vault` names the vault; `unreadable` lists the
    /// notes that could not be read.
    pub fn build(
        notes: &[StatsNote<'_>],
        settings: &Settings,
        clock: &StatsClock,
        period: Period,
        deck: Option<&str>,
        vault: String,
        unreadable: Vec<Unreadable>,
    ) -> Report {
        let mut stats = compute(notes, settings, clock, deck);
        cut_to_period(&mut stats.charts, period);
        for d in &mut stats.decks {
            cut_to_period(&mut d.charts, period);
        }
        let message = stats.is_empty().then(|| match deck {
            Some(d) => format!("No flashcards in deck {d}: the charts are empty."),
            None => format!(
                "No flashcards in the {} read: the charts are empty.",
                plural(stats.notes_scanned, "note")
            ),
        });
        Report {
            vault,
            today: day(clock.today),
            now: instant(clock.now),
            period: period.to_string(),
            stats,
            unreadable,
            message,
        }
    }
}

impl Report {
    /// `, deck NAME` when the report covers one deck, for titles.
    pub fn deck_suffix(&self) -> String {
        self.stats
            .deck
            .as_deref()
            .map(|d| format!(", deck {d}"))
            .unwrap_or_default()
    }
}

/// `1 note`, `2 notes`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn cut_to_period(c: &mut Charts, period: Period) {
    c.forecast = c.forecast.for_period(period);
    c.intervals = c.intervals.for_period(period);
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Sums consecutive bars so that at most `max` remain; each keeps its first label. Returns the
/// bars and how many of the originals each one holds.
pub fn bin(labels: &[String], counts: &[u64], max: usize) -> (Vec<String>, Vec<u64>, usize) {
    let group = labels.len().div_ceil(max.max(1)).max(1);
    let labels = labels.iter().step_by(group).cloned().collect();
    let counts = counts.chunks(group).map(|c| c.iter().sum()).collect();
    (labels, counts, group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binning_sums_neighbours() {
        let labels: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        let counts: Vec<u64> = (0..10).collect();
        let (l, c, g) = bin(&labels, &counts, 4);
        assert_eq!(g, 3);
        assert_eq!(l, ["0", "3", "6", "9"]);
        assert_eq!(c, [3, 12, 21, 9]);
        assert_eq!(bin(&labels, &counts, 64).2, 1);
        assert_eq!(bin(&[], &[], 64).0.len(), 0);
    }
}
