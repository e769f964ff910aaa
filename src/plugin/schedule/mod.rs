//! The scheduling engine: SM-2-OSR ([`sm2`]) and FSRS ([`fsrs`]), as the Obsidian Spaced
//! Repetition plugin 1.15.4 computes them, plus the JavaScript number semantics
//! ([`crate::plugin::js::number`]) needed to write the same comment text.
//!
//! Everything here is pure: no clock, no file system. "today" and "now" are parameters.

use crate::plugin::js::number::{js_number, js_round};
use std::fmt;
use std::str::FromStr;

pub mod fsrs;
pub mod sm2;

/// A review answer. `Reset` is the plugin's separate "reset card" action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Response {
    Easy,
    Good,
    Hard,
    Again,
    Reset,
}

impl Response {
    /// The lower-case name used in settings, vectors and commands (`"easy"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Response::Easy => "easy",
            Response::Good => "good",
            Response::Hard => "hard",
            Response::Again => "again",
            Response::Reset => "reset",
        }
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for [`Response::from_str`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown response {0:?} (expected easy, good, hard, again or reset)")]
pub struct ParseResponseError(pub String);

impl FromStr for Response {
    type Err = ParseResponseError;

    /// Case-insensitive, surrounding white space ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "easy" => Ok(Response::Easy),
            "good" => Ok(Response::Good),
            "hard" => Ok(Response::Hard),
            "again" => Ok(Response::Again),
            "reset" => Ok(Response::Reset),
            _ => Err(ParseResponseError(s.to_owned())),
        }
    }
}

/// The plugin's due-date histogram: days from today → number of cards due that day.
///
/// Used by SM-2 load balancing. A key whose count has dropped to 0 still counts as present.
pub type Histogram = std::collections::BTreeMap<i64, u32>;

/// The plugin's `textInterval`: how an interval of `days` reads on the review buttons and under
/// the statistics charts. With m = round(days / 3.04375) / 10 months and y = round(days / 36.525)
/// / 10 years (JavaScript `Math.round`): `N day(s)` while m < 1, else `m month(s)` while y < 1,
/// else `y year(s)`; on mobile `Nd`, `Nm`, `Ny`. Numbers print as JavaScript prints them (`7.5`,
/// `10`, never `1.0`; `NaN` and `-Infinity` too, which the statistics page can show).
pub fn text_interval(days: f64, mobile: bool) -> String {
    let m = js_round(days / 3.04375) / 10.0;
    let y = js_round(days / 36.525) / 10.0;
    let (value, unit) = if m < 1.0 {
        (days, if mobile { "d" } else { " day(s)" })
    } else if y < 1.0 {
        (m, if mobile { "m" } else { " month(s)" })
    } else {
        (y, if mobile { "y" } else { " year(s)" })
    };
    format!("{}{unit}", js_number(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_text_like_the_plugin() {
        assert_eq!(text_interval(3.0, false), "3 day(s)");
        assert_eq!(text_interval(7.5, false), "7.5 day(s)");
        assert_eq!(text_interval(0.0, false), "0 day(s)");
        // m = round(29 / 3.04375) / 10 = 1: the first value shown in months.
        assert_eq!(text_interval(28.0, false), "28 day(s)");
        assert_eq!(text_interval(29.0, false), "1 month(s)");
        assert_eq!(text_interval(346.0, false), "11.4 month(s)");
        assert_eq!(text_interval(42.0, false), "1.4 month(s)");
        assert_eq!(text_interval(100.0, false), "3.3 month(s)");
        assert_eq!(text_interval(364.0, false), "1 year(s)");
        assert_eq!(text_interval(800.0, false), "2.2 year(s)");
        assert_eq!(text_interval(800.0, true), "2.2y");
        assert_eq!(text_interval(42.0, true), "1.4m");
        assert_eq!(text_interval(2.0, true), "2d");
        assert_eq!(text_interval(f64::NEG_INFINITY, false), "-Infinity day(s)");
        assert_eq!(text_interval(f64::NAN, false), "NaN year(s)");
    }

    #[test]
    fn response_round_trip() {
        for r in [
            Response::Easy,
            Response::Good,
            Response::Hard,
            Response::Again,
            Response::Reset,
        ] {
            assert_eq!(r.to_string().parse::<Response>(), Ok(r));
        }
        assert_eq!(" Good ".parse::<Response>(), Ok(Response::Good));
        assert!("meh".parse::<Response>().is_err());
    }
}
