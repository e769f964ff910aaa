//! The four charts of the plugin's statistics page, with its summaries, from the tallies of the
//! cards (`statistics.md` §2–§5).

use super::side::{Scheduled, Side};
use super::tally::{Tally, or_else};
use super::{CardCounts, Chart};
use crate::plugin::js::number::{js_number, js_round, to_fixed};
use crate::plugin::schedule::text_interval;

/// Bars drawn under the default period (Month).
pub const DEFAULT_BARS: usize = 31;

/// The page fills every missing day, interval or ease between the ends of a chart with a 0 bar;
/// srls stops after this many (a date in the year 9999 would otherwise make millions of bars).
pub const MAX_FILLED_BARS: usize = 1_000_000;

/// The calculator's tallies over a set of cards (`Stats` in the plugin).
#[derive(Debug, Clone, Default)]
pub struct Tallies {
    delayed_days: Tally,
    intervals: Tally,
    eases: Tally,
    pub counts: CardCounts,
}

impl Tallies {
    /// Adds one sibling: a new one to New, a scheduled one to each tally and Young or Mature.
    pub fn add(&mut self, side: &Side<'_>) {
        match side {
            Side::New => self.counts.new += 1,
            Side::Scheduled(s) => self.add_scheduled(s),
        }
    }

    fn add_scheduled(&mut self, s: &Scheduled<'_>) {
        self.intervals.add(s.interval);
        self.eases.add(s.ease);
        self.delayed_days.add(s.forecast_day as f64);
        if s.is_mature() {
            self.counts.mature += 1;
        } else {
            self.counts.young += 1;
        }
    }

    fn scheduled(&self) -> f64 {
        (self.counts.young + self.counts.mature) as f64
    }

    /// Forecast: a bar per day from 0 to the largest key, days ≤ 0 merged into bar 0; summary
    /// `Average: X reviews/day` with X = scheduled / max(largest key, 1), `toFixed(1)`.
    pub fn forecast(&self) -> Chart {
        let mut days = self.delayed_days.clone();
        let max_n = days.max_value();
        fill_range(&mut days, 0.0, max_n);
        let mut labels = vec!["0".to_owned()];
        let mut counts = vec![0];
        for (key, value, count) in days.ordered() {
            if value <= 0.0 {
                counts[0] += count;
            } else {
                labels.push(key.to_owned());
                counts.push(count);
            }
        }
        let avg = self.scheduled() / max_n.max(1.0);
        bar_chart(
            labels,
            counts,
            format!("Average: {} reviews/day", to_fixed(avg, 1)),
        )
    }

    /// Intervals: a bar per interval from 0 to the longest; summary with the average (one
    /// decimal) and the longest as interval texts (`-Infinity day(s)` without cards, as the
    /// plugin prints it).
    pub fn intervals(&self) -> Chart {
        let mut ivl = self.intervals.clone();
        let longest = ivl.max_value();
        fill_range(&mut ivl, 0.0, longest);
        let avg = or_else(js_round(ivl.total() / self.scheduled() * 10.0) / 10.0, 0.0);
        let summary = format!(
            "Average interval: {}, Longest interval: {}",
            text_interval(avg, false),
            text_interval(ivl.max_value(), false)
        );
        let (labels, counts) = labels_and_counts(&ivl);
        bar_chart(labels, counts, summary)
    }

    /// Eases: a bar per integer from the smallest ease to the largest; summary with the
    /// rounded average.
    pub fn eases(&self) -> Chart {
        let mut eases = self.eases.clone();
        fill_range(&mut eases, self.eases.min_key(), self.eases.max_key());
        let avg = or_else(js_round(eases.total() / self.scheduled()), 0.0);
        let (labels, counts) = labels_and_counts(&eases);
        Chart {
            labels,
            counts,
            summary: format!("Average ease: {}", js_number(avg)),
            shown_by_default: None,
        }
    }

    /// Card types: New, Young, Mature with rounded percentages of all cards (`NaN%` without
    /// cards, as the plugin prints it).
    pub fn card_types(&self) -> Chart {
        let c = &self.counts;
        let total = c.total();
        let label = |name: &str, n: u64| {
            let pct = js_round(n as f64 / total as f64 * 100.0);
            format!("{name} - {}%", js_number(pct))
        };
        Chart {
            labels: vec![
                label("New", c.new),
                label("Young", c.young),
                label("Mature", c.mature),
            ],
            counts: vec![c.new, c.young, c.mature],
            summary: format!("Total cards: {total}"),
            shown_by_default: None,
        }
    }
}

/// `for (v = from; v <= to; v++) clearCountIfMissing(v)`, at most [`MAX_FILLED_BARS`] times.
fn fill_range(t: &mut Tally, from: f64, to: f64) {
    let mut v = from;
    let mut n = 0;
    while v <= to && n < MAX_FILLED_BARS {
        t.fill(v);
        v += 1.0;
        n += 1;
    }
}

fn labels_and_counts(t: &Tally) -> (Vec<String>, Vec<u64>) {
    t.ordered()
        .into_iter()
        .map(|(key, _, count)| (key.to_owned(), count))
        .unzip()
}

/// A bar chart with a period dropdown: the first [`DEFAULT_BARS`] bars are drawn by default.
fn bar_chart(labels: Vec<String>, counts: Vec<u64>, summary: String) -> Chart {
    Chart {
        shown_by_default: Some(labels.len().min(DEFAULT_BARS)),
        labels,
        counts,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::stats::side::Scheduled;

    fn sched(day: i64, interval: f64, ease: f64) -> Side<'static> {
        Side::Scheduled(Scheduled {
            forecast_day: day,
            interval,
            ease,
            overdue_days: None,
            fsrs: None,
        })
    }

    #[test]
    fn without_cards_the_plugin_quirks_show() {
        let t = Tallies::default();
        let f = t.forecast();
        assert_eq!((f.labels, f.counts), (vec!["0".to_owned()], vec![0]));
        assert_eq!(f.summary, "Average: 0.0 reviews/day");
        let i = t.intervals();
        assert!(i.labels.is_empty());
        assert_eq!(i.shown_by_default, Some(0));
        assert_eq!(
            i.summary,
            "Average interval: 0 day(s), Longest interval: -Infinity day(s)"
        );
        assert_eq!(t.eases().summary, "Average ease: 0");
        assert_eq!(t.card_types().labels[0], "New - NaN%");
    }

    #[test]
    fn gaps_are_filled_and_averages_rounded() {
        let mut t = Tallies::default();
        for s in [
            sched(0, 2.0, 250.0),
            sched(3, 5.0, 252.0),
            sched(3, 40.0, 230.0),
        ] {
            t.add(&s);
        }
        t.add(&Side::New);
        let f = t.forecast();
        assert_eq!(f.counts, [1, 0, 0, 2]);
        assert_eq!(f.summary, "Average: 1.0 reviews/day");
        let i = t.intervals();
        assert_eq!(i.labels.len(), 41);
        assert_eq!(i.counts[2] + i.counts[5] + i.counts[40], 3);
        // (2 + 5 + 40) / 3 = 15.67 → 15.7
        assert_eq!(
            i.summary,
            "Average interval: 15.7 day(s), Longest interval: 1.3 month(s)"
        );
        let e = t.eases();
        assert_eq!(e.labels.first().map(String::as_str), Some("230"));
        assert_eq!(e.labels.len(), 23);
        assert_eq!(e.summary, "Average ease: 244");
        let c = t.card_types();
        assert_eq!(c.labels, ["New - 25%", "Young - 50%", "Mature - 25%"]);
        assert_eq!(c.summary, "Total cards: 4");
    }

    #[test]
    fn a_nan_ease_stops_the_fill_as_in_javascript() {
        let mut t = Tallies::default();
        t.add(&sched(0, 3.0, 250.0));
        t.add(&sched(0, 3.0, 230.0));
        t.add(&sched(0, f64::NAN, f64::NAN));
        let e = t.eases();
        assert_eq!(e.labels, ["230", "250", "NaN"]);
        assert_eq!(e.summary, "Average ease: 0");
        let i = t.intervals();
        assert_eq!(i.labels, ["0", "3", "NaN"]);
        assert_eq!(
            i.summary,
            "Average interval: 0 day(s), Longest interval: 0 day(s)"
        );
    }
}
