//! SM-2-OSR, the plugin's default algorithm (spec: `osr-format.md` §4).
//!
//! * [`schedule`] is the plugin's scheduling computation, always producing an outcome;
//!   [`review`] wraps it with the review-screen rule that resetting a new card writes nothing.
//! * [`format_group`] / [`placeholder_group`] write comment groups with JavaScript number text.
//! * [`least_loaded`], [`update_histogram`] and [`note_ease`] are the helpers around load
//!   balancing (§4.3) and note ease (§4.7).
//!
//! Arithmetic is done in `f64` in the plugin's order of operations, so that rounding of
//! intermediate values (e.g. `2.5 → 3`) matches exactly.

use chrono::{Datelike, Days, NaiveDate};

use super::{Histogram, Response};
use crate::plugin::js::number::{js_number, js_round};

/// The date that marks a sibling as new in a comment (`!2000-01-01,1,<baseEase>`).
pub const PLACEHOLDER_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => unreachable!(),
};

/// The plugin settings SM-2-OSR uses for flashcards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sm2Params {
    /// `baseEase`: the ease of a new card (default 250).
    pub base_ease: f64,
    /// `lapsesIntervalChange`: the interval factor for Hard (default 0.5).
    pub lapses_interval_change: f64,
    /// `easyBonus`: the extra factor for Easy (default 1.3).
    pub easy_bonus: f64,
    /// `loadBalance`: round to whole days and spread over the histogram (default true).
    pub load_balance: bool,
    /// `maximumInterval` in days (default 36525).
    pub maximum_interval: f64,
}

impl Default for Sm2Params {
    fn default() -> Self {
        Sm2Params {
            base_ease: 250.0,
            lapses_interval_change: 0.5,
            easy_bonus: 1.3,
            load_balance: true,
            maximum_interval: 36525.0,
        }
    }
}

/// A sibling's schedule as read from its comment group. `interval` and `ease` are the values
/// after the reader's `parseInt` (so `2.5` was already read as 2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sm2Prev {
    pub due: NaiveDate,
    pub interval: f64,
    pub ease: f64,
}

/// The schedule written after a review: `!<due>,<interval>,<ease>`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sm2Outcome {
    pub due: NaiveDate,
    /// Days; an integer with load balancing on, one decimal place with it off, 0 after Again.
    pub interval: f64,
    pub ease: f64,
}

/// Why an SM-2 review could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Sm2Error {
    #[error("the card's {0} is not a number")]
    NotANumber(&'static str),
    #[error("the new due date is outside the supported calendar range")]
    DateOutOfRange,
}

/// One answer to one sibling, and what the computation reads besides the settings.
#[derive(Debug, Clone, Copy)]
pub struct Sm2Answer<'a> {
    /// The sibling's schedule, `None` for a new sibling (no group or the placeholder).
    pub prev: Option<&'a Sm2Prev>,
    /// The note ease of §4.7, used only for new siblings.
    pub note_ease: Option<f64>,
    pub response: Response,
    pub today: NaiveDate,
    /// The due-date histogram (days from `today` → cards due), read only with load balancing.
    pub histogram: &'a Histogram,
}

/// The plugin's SM-2-OSR computation for one sibling (§4.3–§4.5, §4.7), for `a` ([`Sm2Answer`]):
///
/// * `prev`: the sibling's schedule, `None` for a new sibling (no group or the placeholder).
/// * `note_ease`: the note ease of §4.7, used only for new siblings; rounded with `Math.round`
///   here (pass the unrounded `NE` or an already rounded value, the result is the same).
/// * `h`: the due-date histogram (days from `today` → cards due), consulted only when
///   `p.load_balance` is on. Pass an empty map to ignore other cards.
///
/// `Reset` gives interval 1, ease `baseEase`, due `today`, also for a new sibling: this is
/// what the scheduler returns (and what `schedule-cases.jsonl` records). Whether anything is
/// written is the caller's decision, see [`review`].
pub fn schedule(p: &Sm2Params, a: &Sm2Answer<'_>) -> Result<Sm2Outcome, Sm2Error> {
    let Sm2Answer {
        prev,
        note_ease,
        response: r,
        today,
        histogram: h,
    } = *a;
    if r == Response::Reset {
        return Ok(Sm2Outcome {
            due: today,
            interval: 1.0,
            ease: p.base_ease,
        });
    }

    // Inputs (§4.4): a new card starts at interval 1 with the note ease or baseEase, no delay.
    let (interval0, ease0, delay) = match prev {
        Some(prev) => {
            let delay = (prev.due - today).num_days().max(0) as f64;
            (prev.interval, prev.ease, delay)
        }
        None => (1.0, note_ease.map(js_round).unwrap_or(p.base_ease), 0.0),
    };
    if interval0.is_nan() {
        return Err(Sm2Error::NotANumber("interval"));
    }
    if ease0.is_nan() {
        return Err(Sm2Error::NotANumber("ease"));
    }
    let i = interval0.max(1.0);

    // The core formula (§4.3), in the plugin's order of operations.
    let (ease, mut days) = match r {
        Response::Easy => {
            let ease = ease0 + 20.0;
            (ease, ((i + delay) * ease / 100.0) * p.easy_bonus)
        }
        Response::Good => (ease0, (i + delay / 2.0) * ease0 / 100.0),
        Response::Hard => (
            (ease0 - 20.0).max(130.0),
            ((i + delay / 4.0) * p.lapses_interval_change).max(1.0),
        ),
        Response::Again => ((ease0 - 20.0).max(130.0), 0.0),
        Response::Reset => unreachable!("handled above"),
    };

    if p.load_balance {
        days = js_round(days);
        let fuzz = if days <= 7.0 {
            0.0
        } else if days <= 21.0 {
            1.0
        } else if days <= 180.0 {
            (0.05 * days).floor().min(3.0)
        } else {
            (0.025 * days).floor().min(7.0)
        };
        days = least_loaded(h, days, fuzz);
    }
    days = days.min(p.maximum_interval);
    days = js_round(10.0 * days) / 10.0;

    let due = add_days(today, js_round(days)).ok_or(Sm2Error::DateOutOfRange)?;
    Ok(Sm2Outcome {
        due,
        interval: days,
        ease,
    })
}

/// A review as the plugin's review screen applies it: [`schedule`], except that `Reset` on a
/// new sibling (`prev` is `None`) changes nothing and writes nothing, giving `None`.
/// Also `None` when the schedule cannot be computed (NaN interval/ease, date overflow).
pub fn review(p: &Sm2Params, a: &Sm2Answer<'_>) -> Option<Sm2Outcome> {
    if a.response == Response::Reset && a.prev.is_none() {
        return None;
    }
    schedule(p, a).ok()
}

/// Load balancing (§4.3): the day in `days ± fuzz` to use instead of `days`.
///
/// If `days` is not a key, it is kept. Otherwise the window is searched outwards
/// (`days−1`, `days+1`, `days−2`, ...): the first day that is not a key wins at once; else
/// the day with the strictly smallest count (earliest found on equal counts).
/// `days` and `fuzz` are whole numbers of days (as `f64`).
pub fn least_loaded(h: &Histogram, days: f64, fuzz: f64) -> f64 {
    // Keys are whole days; a value outside i64 (or NaN) cannot be a key.
    if !(days.is_finite() && days.abs() < 9.0e15) {
        return days;
    }
    let target = days as i64;
    let Some(&target_count) = h.get(&target) else {
        return days;
    };
    let (mut best, mut best_count) = (target, target_count);
    let fuzz = if fuzz.is_finite() {
        fuzz.max(0.0) as i64
    } else {
        0
    };
    for k in 1..=fuzz {
        for c in [target - k, target + k] {
            match h.get(&c) {
                None => return c as f64,
                Some(&count) if count < best_count => {
                    best = c;
                    best_count = count;
                }
                Some(_) => {}
            }
        }
    }
    best as f64
}

/// Updates the histogram after a review the way the plugin does: the sibling's old key
/// (its old due date, if it had one) is decremented and the key of its new due date is
/// incremented. Keys are days from `today`. A decremented key stays present at 0; a missing
/// old key is left alone.
pub fn update_histogram(
    h: &mut Histogram,
    old_due: Option<NaiveDate>,
    new_due: NaiveDate,
    today: NaiveDate,
) {
    if let Some(old) = old_due
        && let Some(count) = h.get_mut(&(old - today).num_days())
    {
        *count = count.saturating_sub(1);
    }
    let count = h.entry((new_due - today).num_days()).or_insert(0);
    *count = count.saturating_add(1);
}

/// The note ease `NE` of §4.7 for a note with `sr-ease` frontmatter, given the eases of its
/// scheduled siblings. New siblings of that note start at `round(NE)`.
pub fn note_ease(sr_ease: f64, sibling_eases: &[f64], base_ease: f64) -> f64 {
    if sibling_eases.is_empty() {
        return sr_ease;
    }
    let n = sibling_eases.len() as f64;
    let avg = sibling_eases.iter().sum::<f64>() / n;
    let c = ((n + 0.5).ln() / 64f64.ln()).min(1.0);
    let fa = avg * c + base_ease * (1.0 - c);
    (fa + sr_ease) / 2.0
}

/// The comment group written for a schedule: `!2025-01-13,3,250` (no leading `<!--SR:`).
pub fn format_group(o: &Sm2Outcome) -> String {
    format!(
        "!{},{},{}",
        format_date(o.due),
        js_number(o.interval),
        js_number(o.ease)
    )
}

/// The group written for a sibling without a schedule: `!2000-01-01,1,<baseEase>`.
pub fn placeholder_group(base_ease: f64) -> String {
    format!("!2000-01-01,1,{}", js_number(base_ease))
}

/// `YYYY-MM-DD` as moment's `format("YYYY-MM-DD")` writes it.
pub fn format_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// `date + days` (a whole number of days, possibly negative); `None` when out of range.
fn add_days(date: NaiveDate, days: f64) -> Option<NaiveDate> {
    if !days.is_finite() || days.abs() > 1.0e9 {
        return None;
    }
    let n = days as i64;
    if n >= 0 {
        date.checked_add_days(Days::new(n as u64))
    } else {
        date.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Response::{Again, Easy, Good, Hard, Reset};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn prev(due: &str, interval: f64, ease: f64) -> Sm2Prev {
        Sm2Prev {
            due: d(due),
            interval,
            ease,
        }
    }

    /// Runs one example with default settings and returns the written group.
    fn run(prev: Option<&Sm2Prev>, r: Response, today: &str) -> (Sm2Outcome, String) {
        let h = Histogram::new();
        let answer = Sm2Answer {
            prev,
            note_ease: None,
            response: r,
            today: d(today),
            histogram: &h,
        };
        let o = review(&Sm2Params::default(), &answer).expect("an outcome");
        let g = format_group(&o);
        (o, g)
    }

    /// Worked examples 1 to 16 of spec §4.6: number, the previous group (`due,interval,ease`,
    /// or `new`), response, review date, the group written.
    #[rustfmt::skip]
    const WORKED_EXAMPLES: [(u32, &str, Response, &str, &str); 16] = [
        (1, "new", Good, "2025-01-10", "!2025-01-13,3,250"),
        (2, "new", Easy, "2025-01-10", "!2025-01-14,4,270"),
        (3, "new", Hard, "2025-01-10", "!2025-01-11,1,230"),
        (4, "new", Again, "2025-01-10", "!2025-01-10,0,230"),
        (5, "2025-01-13,3,250", Good, "2025-01-13", "!2025-01-21,8,250"),
        (6, "2025-01-21,8,250", Good, "2025-01-21", "!2025-02-10,20,250"),
        (7, "2025-02-10,20,250", Easy, "2025-02-10", "!2025-04-21,70,270"),
        (8, "2025-04-21,70,270", Hard, "2025-04-21", "!2025-05-26,35,250"),
        (9, "2025-01-03,15,290", Good, "2025-01-03", "!2025-02-16,44,290"),
        // Seven days late, lateness ignored.
        (10, "2025-01-03,15,290", Good, "2025-01-10", "!2025-02-23,44,290"),
        (11, "2025-01-02,14,290", Easy, "2025-01-02", "!2025-02-27,56,310"),
        (12, "2025-01-02,14,290", Hard, "2025-01-02", "!2025-01-09,7,270"),
        (13, "2025-03-01,10,140", Hard, "2025-03-01", "!2025-03-06,5,130"),
        (14, "2025-03-01,20000,300", Good, "2025-03-01", "!2125-03-02,36525,300"),
        (15, "2025-01-10,0,230", Good, "2025-01-10", "!2025-01-12,2,230"),
        (16, "2024-12-01,40,310", Reset, "2025-01-10", "!2025-01-10,1,250"),
    ];

    /// Answers Good with `params`, expecting an outcome.
    fn good(
        params: &Sm2Params,
        prev: Option<&Sm2Prev>,
        note_ease: Option<f64>,
        today: NaiveDate,
        h: &Histogram,
    ) -> Sm2Outcome {
        let answer = Sm2Answer {
            prev,
            note_ease,
            response: Response::Good,
            today,
            histogram: h,
        };
        review(params, &answer).expect("an outcome")
    }

    #[test]
    fn examples_1_to_16() {
        for &(n, before, r, today, group) in &WORKED_EXAMPLES {
            let p = (before != "new").then(|| {
                let fields: Vec<&str> = before.split(',').collect();
                prev(
                    fields[0],
                    fields[1].parse().unwrap(),
                    fields[2].parse().unwrap(),
                )
            });
            assert_eq!(run(p.as_ref(), r, today).1, group, "example {n}");
        }
    }

    #[test]
    fn reset_on_new_card_writes_nothing() {
        let p = Sm2Params::default();
        let h = Histogram::new();
        let reset = Sm2Answer {
            prev: None,
            note_ease: None,
            response: Response::Reset,
            today: d("2025-01-10"),
            histogram: &h,
        };
        assert_eq!(review(&p, &reset), None);
        // The scheduler itself still answers (as the vectors record).
        let o = schedule(&p, &reset).unwrap();
        assert_eq!(format_group(&o), "!2025-01-10,1,250");
    }

    #[test]
    fn example_17_load_balancing() {
        let h: Histogram = [(17, 4), (18, 5), (19, 3)].into_iter().collect();
        let p = prev("2025-01-10", 7.0, 250.0);
        let today = d("2025-01-10");
        let o = good(&Sm2Params::default(), Some(&p), None, today, &h);
        assert_eq!(o.interval, 19.0);
        assert_eq!(o.ease, 250.0);
        assert_eq!(o.due, d("2025-01-29"));
    }

    #[test]
    fn example_18_load_balancing_wide_window() {
        let h: Histogram = [
            (1245, 7),
            (1246, 4),
            (1247, 2),
            (1248, 9),
            (1249, 5),
            (1250, 4),
            (1251, 1),
            (1252, 1),
            (1254, 1),
        ]
        .into_iter()
        .collect();
        let p = prev("2025-01-10", 500.0, 250.0);
        let today = d("2025-01-10");
        let o = good(&Sm2Params::default(), Some(&p), None, today, &h);
        assert_eq!(o.interval, 1253.0);
        assert_eq!(o.due, today + Days::new(1253));
    }

    #[test]
    fn example_19_no_load_balancing() {
        let params = Sm2Params {
            load_balance: false,
            ..Sm2Params::default()
        };
        let today = d("2025-01-10");
        let o = good(&params, None, None, today, &Histogram::new());
        assert_eq!(o.interval, 2.5);
        assert_eq!(format_group(&o), "!2025-01-13,2.5,250");
    }

    #[test]
    fn example_22_late_card_ignores_delay() {
        let p = prev("2025-01-01", 10.0, 250.0);
        let (o, _) = run(Some(&p), Response::Good, "2025-01-05");
        assert_eq!((o.interval, o.ease, o.due), (25.0, 250.0, d("2025-01-30")));
    }

    #[test]
    fn example_23_note_ease() {
        let today = d("2025-01-10");
        let ne = note_ease(270.0, &[], 250.0);
        let o = good(
            &Sm2Params::default(),
            None,
            Some(ne),
            today,
            &Histogram::new(),
        );
        assert_eq!((o.interval, o.ease), (3.0, 270.0));
        assert_eq!(o.due, d("2025-01-13"));
    }

    #[test]
    fn early_review_uses_delay() {
        // §4.5: interval 45, ease 150, due in 1 day, Good → 68.25 → 68.3 without load balancing.
        let params = Sm2Params {
            load_balance: false,
            ..Sm2Params::default()
        };
        let p = prev("2025-01-11", 45.0, 150.0);
        let o = good(&params, Some(&p), None, d("2025-01-10"), &Histogram::new());
        assert_eq!(o.interval, 68.3);
    }

    #[test]
    fn note_ease_mixes_siblings() {
        // n = 2: c = ln 2.5 / ln 64.
        let c = 2.5f64.ln() / 64f64.ln();
        let expected = ((270.0 * c + 250.0 * (1.0 - c)) + 300.0) / 2.0;
        assert_eq!(note_ease(300.0, &[260.0, 280.0], 250.0), expected);
    }

    #[test]
    fn histogram_update() {
        let today = d("2025-01-10");
        let mut h: Histogram = [(3, 1)].into_iter().collect();
        update_histogram(&mut h, Some(d("2025-01-13")), d("2025-01-20"), today);
        assert_eq!(h.get(&3), Some(&0));
        assert_eq!(h.get(&10), Some(&1));
        update_histogram(&mut h, None, d("2025-01-20"), today);
        assert_eq!(h.get(&10), Some(&2));
    }

    #[test]
    fn nan_and_huge_inputs_do_not_panic() {
        let params = Sm2Params::default();
        let h = Histogram::new();
        let today = d("2025-01-10");
        let good = |p| Sm2Answer {
            prev: Some(p),
            note_ease: None,
            response: Response::Good,
            today,
            histogram: &h,
        };
        let p = prev("2025-01-10", f64::NAN, 250.0);
        assert_eq!(review(&params, &good(&p)), None);
        let p = prev("2025-01-10", 5.0, f64::NAN);
        assert!(schedule(&params, &good(&p)).is_err());
        let big = Sm2Params {
            maximum_interval: f64::INFINITY,
            ..Sm2Params::default()
        };
        let p = prev("2025-01-10", 1e300, 250.0);
        assert_eq!(schedule(&big, &good(&p)), Err(Sm2Error::DateOutOfRange));
        let p = prev("2025-01-10", 5.0, -1000.0);
        let o = schedule(&params, &good(&p)).unwrap();
        assert!(o.due < today);
        let h: Histogram = [(i64::MAX, 1), (i64::MIN, 1)].into_iter().collect();
        assert_eq!(least_loaded(&h, 1e300, 7.0), 1e300);
    }

    proptest::proptest! {
        #[test]
        fn schedule_never_panics(
            interval in proptest::num::f64::ANY,
            ease in proptest::num::f64::ANY,
            note in proptest::option::of(proptest::num::f64::ANY),
            offset in -1_000_000i64..1_000_000,
            grade in 0usize..5,
            load_balance in proptest::bool::ANY,
            max in proptest::num::f64::ANY,
            keys in proptest::collection::btree_map(proptest::num::i64::ANY, 0u32..5, 0..8),
        ) {
            let today = d("2025-01-10");
            let due = today + chrono::TimeDelta::days(offset);
            let r = [Response::Again, Response::Hard, Response::Good, Response::Easy, Response::Reset][grade];
            let params = Sm2Params { load_balance, maximum_interval: max, ..Sm2Params::default() };
            let p = Sm2Prev { due, interval, ease };
            let _ = schedule(&params, &Sm2Answer { prev: Some(&p), note_ease: note, response: r, today, histogram: &keys });
            let _ = review(&params, &Sm2Answer { prev: None, note_ease: note, response: r, today, histogram: &keys });
        }
    }

    #[test]
    fn placeholder() {
        assert_eq!(placeholder_group(250.0), "!2000-01-01,1,250");
        assert_eq!(placeholder_group(262.5), "!2000-01-01,1,262.5");
    }
}
