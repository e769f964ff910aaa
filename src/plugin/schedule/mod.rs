//! The scheduling engine: SM-2-OSR ([`sm2`]) and FSRS ([`fsrs`]), as the Obsidian Spaced
//! Repetition plugin 1.15.4 computes them, plus the JavaScript number semantics
//! ([`crate::plugin::js::number`]) needed to write the same comment text.
//!
//! Everything here is pure: no clock, no file system. "today" and "now" are parameters.

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

#[cfg(test)]
mod tests {
    use super::*;

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
