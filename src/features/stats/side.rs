//! What one side of a card (one sibling) adds to the statistics: the plugin's per-card rules.

use super::StatsClock;
use crate::plugin::schedule::fsrs::{FsrsCard, ease_equivalent};
use crate::plugin::sr_comment::Group;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

const MS_PER_DAY: f64 = 86_400_000.0;

/// One sibling as the statistics see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Side<'a> {
    /// No schedule: no group, the `2000-01-01` placeholder, or a group whose date (SM-2) or
    /// whole segment (FSRS) cannot be read. Adds to the New count only.
    New,
    /// A schedule: adds to the forecast, the intervals, the eases and Young or Mature.
    Scheduled(Scheduled<'a>),
}

/// The numbers of a scheduled sibling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scheduled<'a> {
    /// The forecast bar: `max(0, floor(t / 1 day))` (see [`side`]).
    pub forecast_day: i64,
    /// The interval as stored: SM-2 `parseInt` (NaN when unreadable), FSRS `scheduled_days`.
    pub interval: f64,
    /// The ease: SM-2 `parseInt`, FSRS the ease equivalent of the difficulty.
    pub ease: f64,
    /// Whole days past due when due (0: due today), `None` when not yet due.
    pub overdue_days: Option<i64>,
    /// The FSRS state, for the FSRS distributions.
    pub fsrs: Option<&'a FsrsCard>,
}

impl Scheduled<'_> {
    /// The plugin's Mature rule: an interval of at least 32 days (NaN is Young).
    pub fn is_mature(&self) -> bool {
        self.interval >= 32.0
    }
}

/// The sibling's statistics. SM-2: the forecast key is the days from today's local midnight to
/// the due date's (cards due today or overdue are 0). FSRS: the plugin stores `now − due`, so
/// the key counts days **overdue** and every card not yet due is 0 (its quirk, kept).
pub fn side<'a>(group: &'a Option<Group>, clock: &StatsClock) -> Side<'a> {
    match group {
        None | Some(Group::New { .. }) => Side::New,
        Some(Group::Sm2 {
            due,
            interval,
            ease,
            ..
        }) => Side::Scheduled(sm2_side(*due, *interval as f64, *ease as f64, clock)),
        // The plugin reads a group whose date is valid but whose numbers are not as a schedule
        // with NaN in them (`parseInt` of nothing); only FSRS groups lose their due date.
        Some(Group::Invalid(i)) => match i.due {
            None => Side::New,
            Some(due) => Side::Scheduled(sm2_side(
                due,
                i.interval.map_or(f64::NAN, |i| i as f64),
                i.ease.map_or(f64::NAN, |e| e as f64),
                clock,
            )),
        },
        Some(Group::Fsrs(card)) => Side::Scheduled(fsrs_side(card, clock)),
    }
}

fn sm2_side(due: NaiveDate, interval: f64, ease: f64, clock: &StatsClock) -> Scheduled<'static> {
    let t = local_midnight(due, clock.tz) - local_midnight(clock.today, clock.tz);
    Scheduled {
        forecast_day: day_key(t.num_milliseconds()),
        interval,
        ease,
        overdue_days: (due <= clock.today).then(|| (clock.today - due).num_days()),
        fsrs: None,
    }
}

fn fsrs_side<'a>(card: &'a FsrsCard, clock: &StatsClock) -> Scheduled<'a> {
    let overdue_ms = (clock.now - card.due).num_milliseconds();
    Scheduled {
        forecast_day: day_key(overdue_ms),
        interval: card.interval,
        ease: ease_equivalent(card.difficulty),
        overdue_days: (card.due <= clock.now).then(|| day_key(overdue_ms)),
        fsrs: Some(card),
    }
}

/// `Math.max(0, Math.floor(ms / 86 400 000))`.
fn day_key(ms: i64) -> i64 {
    ((ms as f64) / MS_PER_DAY).floor().max(0.0) as i64
}

/// The instant a local day starts (moment's `startOf("day")`): midnight, or the first instant
/// after a gap that swallows midnight.
pub fn local_midnight(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    (0..=3)
        .find_map(|h| {
            tz.from_local_datetime(&(naive + chrono::Duration::hours(h)))
                .earliest()
        })
        .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::sr_comment::parse_group;

    fn clock(tz: Tz) -> StatsClock {
        let today = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        StatsClock {
            today,
            now: local_midnight(today, tz),
            tz,
        }
    }

    fn scheduled(g: &str, c: &StatsClock) -> Scheduled<'static> {
        let g = Box::leak(Box::new(Some(parse_group(g))));
        match side(g, c) {
            Side::Scheduled(s) => s,
            Side::New => panic!("{g:?} read as new"),
        }
    }

    #[test]
    fn sm2_keys_count_days_until_due() {
        let c = clock(Tz::UTC);
        let s = scheduled("2024-06-11,8,250", &c);
        assert_eq!((s.forecast_day, s.interval, s.ease), (10, 8.0, 250.0));
        assert_eq!(s.overdue_days, None);
        let late = scheduled("2024-05-20,3,230", &c);
        assert_eq!((late.forecast_day, late.overdue_days), (0, Some(12)));
        assert_eq!(scheduled("2024-06-01,40,230", &c).overdue_days, Some(0));
        assert!(scheduled("2024-06-01,40,230", &c).is_mature());
        assert!(!scheduled("2024-06-01,31,230", &c).is_mature());
    }

    #[test]
    fn a_spring_forward_lands_a_day_earlier() {
        // Europe/Berlin moves to summer time on 2025-03-30: the two midnights are 23 h apart.
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let today = NaiveDate::from_ymd_opt(2025, 3, 29).unwrap();
        let c = StatsClock {
            today,
            now: local_midnight(today, tz),
            tz,
        };
        assert_eq!(scheduled("2025-03-31,2,250", &c).forecast_day, 1);
        assert_eq!(scheduled("2025-03-31,2,250", &clock(Tz::UTC)).interval, 2.0);
    }

    #[test]
    fn unreadable_numbers_are_nan_but_unreadable_dates_are_new() {
        let c = clock(Tz::UTC);
        let s = scheduled("2024-06-03,x,250", &c);
        assert!(s.interval.is_nan() && !s.is_mature());
        assert_eq!(s.forecast_day, 2);
        assert!(scheduled("2024-06-03,5", &c).ease.is_nan());
        for g in ["x-y-z,1,250", "2000-01-01,1,250", "fsrs,bad"] {
            assert_eq!(side(&Some(parse_group(g)), &c), Side::New, "{g}");
        }
        assert_eq!(side(&None, &c), Side::New);
    }

    #[test]
    fn fsrs_keys_count_days_overdue() {
        let c = clock(Tz::UTC);
        let g = "fsrs,2024-05-28T00:00:00.000Z,5,12.3,4.2,2,3,0,0,2024-05-23T00:00:00.000Z";
        let s = scheduled(g, &c);
        assert_eq!((s.forecast_day, s.overdue_days), (4, Some(4)));
        assert_eq!(s.interval, 5.0);
        assert_eq!(s.ease, ease_equivalent(4.2));
        let later = "fsrs,2024-06-20T00:00:00.000Z,19,12.3,4.2,2,3,0,0,2024-06-01T00:00:00.000Z";
        let s = scheduled(later, &c);
        assert_eq!((s.forecast_day, s.overdue_days), (0, None));
        assert!(s.fsrs.is_some());
    }
}
