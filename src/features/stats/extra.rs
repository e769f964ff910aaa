//! What the plugin's page does not show: the backlog of overdue cards by age, and for FSRS
//! cards the distributions of stability, difficulty and retrievability.

use super::Chart;
use super::side::Scheduled;
use crate::plugin::js::number::{js_round, to_fixed};
use crate::plugin::schedule::fsrs::retrievability;
use crate::plugin::schedule::text_interval;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Due cards by how long they have waited: due today, then overdue by age.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backlog {
    #[serde(flatten)]
    pub chart: Chart,
    /// Cards due today (SM-2 due date today, FSRS due less than a day ago).
    pub due_today: u64,
    /// Cards due before today.
    pub overdue: u64,
    /// Days the oldest due card has waited.
    pub oldest_days: Option<i64>,
}

/// Age buckets (label, largest number of days overdue in it).
const AGE_BUCKETS: [(&str, i64); 7] = [
    ("today", 0),
    ("1 day", 1),
    ("2-7 days", 7),
    ("8-30 days", 30),
    ("31-90 days", 90),
    ("91-365 days", 365),
    ("over a year", i64::MAX),
];

/// The backlog of the scheduled siblings.
pub fn backlog(sides: &[Scheduled<'_>]) -> Backlog {
    let mut counts = vec![0u64; AGE_BUCKETS.len()];
    let ages: Vec<i64> = sides.iter().filter_map(|s| s.overdue_days).collect();
    for &age in &ages {
        let b = AGE_BUCKETS.iter().position(|&(_, max)| age <= max);
        counts[b.unwrap_or(AGE_BUCKETS.len() - 1)] += 1;
    }
    let due_today = counts[0];
    let overdue = ages.len() as u64 - due_today;
    let oldest_days = ages.iter().copied().max();
    let summary = match oldest_days {
        None => "Nothing is due.".to_owned(),
        Some(_) if overdue == 0 => format!("{due_today} due today, none overdue"),
        Some(d) => format!("{due_today} due today, {overdue} overdue (the oldest by {d} day(s))"),
    };
    Backlog {
        chart: Chart {
            labels: AGE_BUCKETS.iter().map(|b| b.0.to_owned()).collect(),
            counts,
            summary,
            shown_by_default: None,
        },
        due_today,
        overdue,
        oldest_days,
    }
}

/// FSRS cards: memory state now, and what a review of everything due would give.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FsrsStats {
    /// Scheduled siblings with FSRS data.
    pub cards: u64,
    /// Stability (days until retrievability falls to 90 %), in ranges of days.
    pub stability: Chart,
    /// Difficulty, 1 (easy) to 10 (hard).
    pub difficulty: Chart,
    /// Retrievability now (the probability of recall), in tenths.
    pub retrievability: Chart,
    /// FSRS cards due now.
    pub due: u64,
    /// The expected number of due cards recalled if every one were reviewed now (Σ R).
    pub expected_recalled: f64,
    /// The same as a fraction of the due cards (`None` when none is due).
    pub expected_recall: Option<f64>,
    /// Sentence for the expected recall.
    pub summary: String,
}

/// Stability ranges (label, upper bound in days, exclusive).
const STABILITY_BUCKETS: [(&str, f64); 6] = [
    ("<1d", 1.0),
    ("1-7d", 7.0),
    ("7-30d", 30.0),
    ("30-90d", 90.0),
    ("90d-1y", 365.0),
    (">1y", f64::INFINITY),
];

/// The FSRS statistics of the scheduled siblings at `now`.
pub fn fsrs_stats(sides: &[Scheduled<'_>], now: DateTime<Utc>) -> FsrsStats {
    let cards: Vec<_> = sides.iter().filter_map(|s| Some((s, s.fsrs?))).collect();
    let stab: Vec<f64> = finite(cards.iter().map(|c| c.1.stability));
    let diff: Vec<f64> = finite(cards.iter().map(|c| c.1.difficulty));
    let rets: Vec<f64> = finite(cards.iter().map(|c| retrievability(c.1, now)));
    let due: Vec<f64> = finite(
        cards
            .iter()
            .filter(|c| c.0.overdue_days.is_some())
            .map(|c| retrievability(c.1, now)),
    );
    // A fold from +0 (an empty `sum` of f64 is -0, which JSON would show as -0.0).
    let recalled = due.iter().fold(0.0, |a, r| a + r);
    let expected = (!due.is_empty()).then(|| recalled / due.len() as f64);
    let summary = match expected {
        None => "No FSRS card is due.".to_owned(),
        Some(p) => format!(
            "Reviewing all {} due now, about {} would be recalled ({}%)",
            due.len(),
            to_fixed(recalled, 1),
            to_fixed(p * 100.0, 1)
        ),
    };
    FsrsStats {
        cards: cards.len() as u64,
        stability: stability_chart(&stab),
        difficulty: difficulty_chart(&diff),
        retrievability: retrievability_chart(&rets),
        due: due.len() as u64,
        expected_recalled: recalled,
        expected_recall: expected,
        summary,
    }
}

fn finite(values: impl Iterator<Item = f64>) -> Vec<f64> {
    values.filter(|v| v.is_finite()).collect()
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn stability_chart(values: &[f64]) -> Chart {
    let counts = bucket_counts(values, STABILITY_BUCKETS.len(), |s| {
        STABILITY_BUCKETS.iter().position(|&(_, hi)| s < hi)
    });
    let summary = mean(values).map_or("Average stability: -".to_owned(), |m| {
        format!(
            "Average stability: {}",
            text_interval(js_round(m * 10.0) / 10.0, false)
        )
    });
    distribution(
        STABILITY_BUCKETS.iter().map(|b| b.0.to_owned()),
        counts,
        summary,
    )
}

fn difficulty_chart(values: &[f64]) -> Chart {
    // Difficulty lies in 1..=10: nine ranges, 10 itself in the last.
    let counts = bucket_counts(values, 9, |d| {
        Some((d.clamp(1.0, 9.0).floor() as usize) - 1)
    });
    let summary = mean(values).map_or("Average difficulty: -".to_owned(), |m| {
        format!("Average difficulty: {}", to_fixed(m, 1))
    });
    distribution((1..=9).map(|i| format!("{i}-{}", i + 1)), counts, summary)
}

fn retrievability_chart(values: &[f64]) -> Chart {
    let counts = bucket_counts(values, 10, |r| {
        Some(((r.clamp(0.0, 1.0) * 10.0).floor() as usize).min(9))
    });
    let summary = mean(values).map_or("Average retrievability: -".to_owned(), |m| {
        format!("Average retrievability: {}%", to_fixed(m * 100.0, 1))
    });
    distribution(
        (0..10).map(|i| format!("{}-{}%", i * 10, i * 10 + 10)),
        counts,
        summary,
    )
}

fn bucket_counts(values: &[f64], n: usize, bucket: impl Fn(f64) -> Option<usize>) -> Vec<u64> {
    let mut counts = vec![0; n];
    for &v in values {
        if let Some(b) = bucket(v).filter(|&b| b < n) {
            counts[b] += 1;
        }
    }
    counts
}

fn distribution(labels: impl Iterator<Item = String>, counts: Vec<u64>, summary: String) -> Chart {
    Chart {
        labels: labels.collect(),
        counts,
        summary,
        shown_by_default: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::schedule::fsrs::FsrsCard;

    fn overdue(days: Option<i64>) -> Scheduled<'static> {
        Scheduled {
            forecast_day: 0,
            interval: 1.0,
            ease: 250.0,
            overdue_days: days,
            fsrs: None,
        }
    }

    #[test]
    fn backlog_by_age() {
        let sides: Vec<_> = [None, Some(0), Some(0), Some(1), Some(5), Some(400)]
            .into_iter()
            .map(overdue)
            .collect();
        let b = backlog(&sides);
        assert_eq!(b.chart.counts, [2, 1, 1, 0, 0, 0, 1]);
        assert_eq!((b.due_today, b.overdue, b.oldest_days), (2, 3, Some(400)));
        assert_eq!(
            b.chart.summary,
            "2 due today, 3 overdue (the oldest by 400 day(s))"
        );
        assert_eq!(backlog(&[]).chart.summary, "Nothing is due.");
        let none = fsrs_stats(&[], "2024-06-01T00:00:00Z".parse().unwrap());
        assert!(none.expected_recalled.is_sign_positive() && none.expected_recall.is_none());
    }

    #[test]
    fn fsrs_distributions() {
        let seg = |due: &str, s: f64, d: f64, last: &str| {
            FsrsCard::parse_segment(&format!("fsrs,{due},3,{s},{d},2,3,0,0,{last}")).unwrap()
        };
        let now: DateTime<Utc> = "2024-06-01T00:00:00Z".parse().unwrap();
        let a = seg(
            "2024-05-30T00:00:00.000Z",
            3.0,
            2.5,
            "2024-05-27T00:00:00.000Z",
        );
        let b = seg(
            "2024-07-01T00:00:00.000Z",
            400.0,
            10.0,
            "2024-05-31T00:00:00.000Z",
        );
        let side = |c: &'static FsrsCard, late: Option<i64>| Scheduled {
            fsrs: Some(c),
            ..overdue(late)
        };
        let (a, b) = (Box::leak(Box::new(a)), Box::leak(Box::new(b)));
        let f = fsrs_stats(&[side(a, Some(2)), side(b, None), overdue(Some(1))], now);
        assert_eq!((f.cards, f.due), (2, 1));
        assert_eq!(f.stability.counts, [0, 1, 0, 0, 0, 1]);
        assert_eq!(f.difficulty.counts[1], 1);
        assert_eq!(f.difficulty.counts[8], 1);
        let r = retrievability(a, now);
        assert!(r > 0.0 && r < 1.0);
        assert_eq!(f.expected_recall, Some(r));
        assert_eq!(f.retrievability.counts.iter().sum::<u64>(), 2);
        assert!(f.summary.starts_with("Reviewing all 1 due now"));
    }
}
