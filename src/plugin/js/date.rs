//! moment.js's forgiving date parse, as the plugin calls it for SM-2 dates:
//! `moment(text, ["YYYY-MM-DD", "DD-MM-YYYY", "ddd MMM DD YYYY"])` in non-strict mode.
//!
//! Non-strict moment searches each token's pattern anywhere in the remaining input, ignores
//! what it skips, defaults a missing month to January and a missing day to the 1st, reads a
//! two-digit year as 19xx/20xx, and picks the format with the least left over. Mutated notes
//! show the plugin reading `2025-01-1::0` as 2025-01-01 and `---04` as 2004-01-01, so srls
//! must read them the same way to agree on schedules.

use chrono::{Datelike, NaiveDate};

#[derive(Clone, Copy, PartialEq)]
enum Tok {
    Year,
    Month,
    Day,
    MonthName,
    WeekdayName,
    Lit(&'static str),
}

const FORMATS: [&[Tok]; 3] = [
    &[
        Tok::Year,
        Tok::Lit("-"),
        Tok::Month,
        Tok::Lit("-"),
        Tok::Day,
    ],
    &[
        Tok::Day,
        Tok::Lit("-"),
        Tok::Month,
        Tok::Lit("-"),
        Tok::Year,
    ],
    &[
        Tok::WeekdayName,
        Tok::Lit(" "),
        Tok::MonthName,
        Tok::Lit(" "),
        Tok::Day,
        Tok::Lit(" "),
        Tok::Year,
    ],
];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const DAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// Finds the first run of 1..=max ASCII digits. Returns (start, end).
fn find_digits(s: &str, max: usize) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let start = b.iter().position(u8::is_ascii_digit)?;
    let len = b[start..]
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count();
    Some((start, start + len))
}

/// Finds the first (leftmost) name: full or 3-letter form, case-insensitive.
fn find_name(s: &str, names: &[&str]) -> Option<(usize, usize, usize)> {
    // Names are ASCII letters: a text without one (`2024-05-01`, nearly every SR date) holds
    // none, and is not searched 38 times.
    if !s.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let mut best: Option<(usize, usize, usize)> = None;
    for (idx, n) in names.iter().enumerate() {
        for cand in [*n, &n[..3]] {
            if let Some(p) = lower.find(cand) {
                let e = p + cand.len();
                let better = match best {
                    None => true,
                    Some((bp, be, _)) => p < bp || (p == bp && e > be),
                };
                if better {
                    best = Some((p, e, idx));
                }
            }
        }
    }
    best
}

struct Parsed {
    date: Option<NaiveDate>,
    score: usize,
}

fn parse_with(input: &str, fmt: &[Tok]) -> Parsed {
    let mut rest = input;
    let mut used = 0usize;
    let mut unused_tokens = 0usize;
    let (mut year, mut month, mut day, mut weekday) = (None::<i32>, None::<u32>, None::<u32>, None);
    let mut any = false;
    for &t in fmt {
        let found: Option<(usize, usize)> = match t {
            Tok::Year => find_digits(rest, 4),
            Tok::Month | Tok::Day => find_digits(rest, 2),
            Tok::MonthName => find_name(rest, &MONTHS).map(|(s, e, i)| {
                month = Some(i as u32 + 1);
                (s, e)
            }),
            Tok::WeekdayName => find_name(rest, &DAYS).map(|(s, e, i)| {
                weekday = Some(i as u32);
                (s, e)
            }),
            Tok::Lit(l) => rest.find(l).map(|p| (p, p + l.len())),
        };
        match found {
            Some((s, e)) => {
                let text = &rest[s..e];
                match t {
                    Tok::Year => {
                        let v: i32 = text.parse().unwrap_or(0);
                        year = Some(if text.len() == 2 {
                            v + if v > 68 { 1900 } else { 2000 }
                        } else {
                            v
                        });
                    }
                    Tok::Month => month = text.parse().ok(),
                    Tok::Day => day = text.parse().ok(),
                    _ => {}
                }
                if !matches!(t, Tok::Lit(_)) {
                    any = true;
                }
                used += e - s;
                rest = &rest[e..];
            }
            None => {
                if !matches!(t, Tok::Lit(_)) {
                    unused_tokens += 1;
                }
            }
        }
    }
    let score = (input.len() - used) + 10 * unused_tokens;
    // A missing year would default to the current year: treat that as unreadable, so the result
    // never depends on the clock.
    let date = if !any {
        None
    } else {
        year.and_then(|y| NaiveDate::from_ymd_opt(y, month.unwrap_or(1), day.unwrap_or(1)))
            .filter(|d| weekday.is_none_or(|w| d.weekday().num_days_from_sunday() == w))
    };
    Parsed { date, score }
}

/// Parses like moment; `None` is moment's "Invalid date". The flag tells whether a format
/// other than `YYYY-MM-DD` won.
pub fn parse(input: &str) -> Option<(NaiveDate, bool)> {
    let mut best: Option<(Parsed, usize)> = None;
    let mut best_valid = false;
    for (i, f) in FORMATS.iter().enumerate() {
        let p = parse_with(input, f);
        let valid = p.date.is_some();
        let take = match &best {
            None => true,
            Some((b, _)) => {
                if best_valid {
                    p.score < b.score && valid
                } else {
                    p.score < b.score || valid
                }
            }
        };
        if take {
            best_valid = valid;
            best = Some((p, i));
        }
    }
    let (p, i) = best?;
    p.date.map(|d| (d, i != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(s: &str) -> Option<String> {
        parse(s).map(|(d, _)| d.format("%Y-%m-%d").to_string())
    }

    #[test]
    fn forgiving_like_moment() {
        assert_eq!(ymd("2025-01-03").as_deref(), Some("2025-01-03"));
        assert_eq!(ymd("2025- 01-03").as_deref(), Some("2025-01-03"));
        assert_eq!(ymd("2025-01-1::0").as_deref(), Some("2025-01-01"));
        assert_eq!(ymd("2025-01<").as_deref(), Some("2025-01-01"));
        assert_eq!(ymd("---04").as_deref(), Some("2004-01-01"));
        assert_eq!(ymd("11-08-2021").as_deref(), Some("2021-08-11"));
        assert_eq!(ymd("Wed Aug 11 2021").as_deref(), Some("2021-08-11"));
        assert_eq!(ymd("bad"), None);
        assert_eq!(ymd("::"), None);
        // Month 13 overflows `YYYY-MM-DD`, and moment then settles for `ddd MMM DD YYYY` with
        // its name tokens unused: day "20", year "25".
        assert_eq!(ymd("2025-13-45").as_deref(), Some("2025-01-20"));
        assert_eq!(ymd("x-y-z"), None);
    }
}
