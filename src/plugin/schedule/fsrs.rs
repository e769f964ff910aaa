//! FSRS as the plugin runs it when `algorithm` is `FSRS` (spec: `fsrs.md`): ts-fsrs 5.4.1,
//! FSRS-6 default weights, short-term scheduling on, learning steps `1m, 10m`, relearning
//! step `10m`, no fuzz.
//!
//! **Why our own code and not the `fsrs` crate (fsrs-rs).** fsrs-rs computes in `f32`
//! (through `burn`), does not round stability, difficulty and retrievability to 8 decimals
//! between steps as ts-fsrs does, counts elapsed days differently and has no notion of
//! ts-fsrs' learning-step state machine. The plugin writes ts-fsrs' rounded `f64` values
//! verbatim (`2.11810397`), so reproducing its comments byte for byte needs ts-fsrs'
//! arithmetic. The formulas are short; this module implements them from `fsrs.md` in `f64`,
//! rounding to 8 decimals as `Math.round(x·10^8)/10^8` wherever ts-fsrs rounds (see
//! `round8`; `toFixed(8)` differs on one vector), and reproduces all 2,071 reviews of
//! `fsrs-cases.jsonl`. fsrs-rs would also pull in a large dependency tree.
//!
//! Entry points: [`review`] / [`try_review`] grade a card, [`FsrsCard::parse_segment`] and
//! [`FsrsCard::to_segment`] read and write the `!fsrs,...` comment group,
//! [`retrievability`] and [`ease_equivalent`] are for display, [`from_sm2`] is the
//! conversion of an SM-2 card on its first FSRS review.

use std::fmt;

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
    Utc,
};
use chrono_tz::Tz;

use crate::plugin::js::number::{js_number, js_round, parse_float, parse_int};
use crate::plugin::schedule::Response;
use crate::plugin::schedule::sm2::Sm2Prev;

/// The 21 FSRS-6 default weights of ts-fsrs 5.4.1 (`w[20]` is the decay).
pub const WEIGHTS: [f64; 21] = [
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
];

/// Smallest stability ts-fsrs accepts and produces.
const S_MIN: f64 = 0.001;
/// Largest stability ts-fsrs produces.
const S_MAX: f64 = 36500.0;
/// Learning steps in minutes (ts-fsrs default `1m, 10m`).
const LEARNING_STEPS: [f64; 2] = [1.0, 10.0];
/// Relearning steps in minutes (ts-fsrs default `10m`).
const RELEARNING_STEPS: [f64; 1] = [10.0];

const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_DAY: i64 = 86_400_000;

/// The settings the plugin passes to ts-fsrs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FsrsParams {
    /// `fsrsDesiredRetention`, in (0, 1]; 0 is treated as 0.9 like ts-fsrs does.
    pub desired_retention: f64,
    /// `maximumInterval` in days (shared with SM-2).
    pub maximum_interval: f64,
}

impl Default for FsrsParams {
    fn default() -> Self {
        FsrsParams {
            desired_retention: 0.9,
            maximum_interval: 36525.0,
        }
    }
}

/// ts-fsrs card states, written as 0–3 in the comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FsrsState {
    /// Only after a reset.
    New = 0,
    Learning = 1,
    Review = 2,
    Relearning = 3,
}

impl FsrsState {
    /// The number written in the comment.
    pub fn as_i64(self) -> i64 {
        self as i64
    }

    /// The state for a comment number.
    pub fn from_i64(n: i64) -> Option<FsrsState> {
        match n {
            0 => Some(FsrsState::New),
            1 => Some(FsrsState::Learning),
            2 => Some(FsrsState::Review),
            3 => Some(FsrsState::Relearning),
            _ => None,
        }
    }
}

impl fmt::Display for FsrsState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FsrsState::New => "New",
            FsrsState::Learning => "Learning",
            FsrsState::Review => "Review",
            FsrsState::Relearning => "Relearning",
        })
    }
}

/// One sibling's FSRS schedule, the fields of `!fsrs,<due>,<interval>,<stability>,
/// <difficulty>,<state>,<reps>,<lapses>,<learningSteps>,<lastReview>`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FsrsCard {
    /// When the card is due (exact instant; FSRS has no whole-day rule).
    pub due: DateTime<Utc>,
    /// ts-fsrs `scheduled_days`: whole days, 0 while in a (re)learning step. Not used by the
    /// next computation.
    pub interval: f64,
    pub stability: f64,
    pub difficulty: f64,
    pub state: FsrsState,
    pub reps: i64,
    pub lapses: i64,
    /// Index of the current (re)learning step, 0 based.
    pub learning_steps: i64,
    /// `None` is written `-` (after a reset). A segment without the field reads as `None`
    /// too; the plugin then uses the current time, which schedules identically (t = 0).
    pub last_review: Option<DateTime<Utc>>,
}

/// Why a `fsrs,...` segment could not be read. The plugin then treats the card as new.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FsrsParseError {
    #[error("not an FSRS group: it must start with \"fsrs,\"")]
    NotFsrs,
    #[error(
        "an FSRS group needs at least 9 comma-separated fields (fsrs,due,...,learningSteps), found {0}"
    )]
    FieldCount(usize),
    #[error("the {field} {value:?} is not a valid date and time")]
    BadInstant { field: &'static str, value: String },
    #[error("the {field} {value:?} is not a number")]
    BadNumber { field: &'static str, value: String },
    #[error("the difficulty {0} is outside 1–10")]
    DifficultyOutOfRange(f64),
    #[error("the stability {0} is negative")]
    NegativeStability(f64),
    #[error("the state {0} is unknown (0 New, 1 Learning, 2 Review, 3 Relearning)")]
    UnknownState(String),
}

/// Why a review could not be computed (where ts-fsrs or the plugin would throw).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FsrsError {
    #[error("the last review ({last_review}) is on a later UTC date than the review time ({now})")]
    NegativeElapsed {
        last_review: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    #[error("the desired retention {0} is not in (0, 1]")]
    InvalidRetention(f64),
    #[error("the memory state is invalid (stability {stability}, difficulty {difficulty})")]
    InvalidMemoryState { stability: f64, difficulty: f64 },
    #[error("the SM-2 card's {0} is not a number")]
    Sm2NotANumber(&'static str),
    #[error("the new due date is outside the supported range")]
    DateOutOfRange,
}

/// The schedule a card has before a review.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FsrsPrev<'a> {
    /// No schedule (no group, the `2000-01-01` placeholder, or an unreadable group).
    New,
    /// An SM-2 group, converted on this first FSRS review (see [`from_sm2`]).
    Sm2(&'a Sm2Prev),
    /// An FSRS group.
    Fsrs(&'a FsrsCard),
}

impl FsrsCard {
    /// A card that was never reviewed (ts-fsrs `createEmptyCard(now)`); this is also what a
    /// reset writes: `!fsrs,<now>,0,0,0,0,0,0,0,-`.
    pub fn empty(now: DateTime<Utc>) -> FsrsCard {
        FsrsCard {
            due: truncate_ms(now),
            interval: 0.0,
            stability: 0.0,
            difficulty: 0.0,
            state: FsrsState::New,
            reps: 0,
            lapses: 0,
            learning_steps: 0,
            last_review: None,
        }
    }

    /// Reads one `fsrs,...` piece of a comment (a leading `!` and surrounding white space are
    /// allowed). Instants without an offset are read as UTC; see [`Self::parse_segment_in`].
    ///
    /// Numbers are read like the plugin does (`parseFloat` for interval, stability and
    /// difficulty, `parseInt` for the rest, so trailing junk is ignored), fields after the
    /// tenth are ignored, and a missing tenth field (lastReview) reads as `None`.
    /// Rejected: fewer than 9 fields, an unreadable due or lastReview (`-` is allowed for
    /// lastReview only), a field that is not a number, a negative stability, a difficulty
    /// outside 1–10 (0 is allowed together with stability 0, the state a reset writes), and a
    /// state other than 0–3.
    pub fn parse_segment(seg: &str) -> Result<FsrsCard, FsrsParseError> {
        Self::parse_segment_in(seg, Tz::UTC)
    }

    /// [`Self::parse_segment`], reading instants written without an offset (which the
    /// plugin never writes) as local time in `tz`, as moment does.
    pub fn parse_segment_in(seg: &str, tz: Tz) -> Result<FsrsCard, FsrsParseError> {
        let seg = seg.trim();
        let seg = seg.strip_prefix('!').unwrap_or(seg).trim();
        let fields: Vec<&str> = seg.split(',').collect();
        if fields[0] != "fsrs" {
            return Err(FsrsParseError::NotFsrs);
        }
        if fields.len() < 9 {
            return Err(FsrsParseError::FieldCount(fields.len()));
        }
        let instant = |field: &'static str, value: &str| {
            parse_instant(value, tz).ok_or_else(|| FsrsParseError::BadInstant {
                field,
                value: value.to_owned(),
            })
        };
        let number = |field: &'static str, value: &str, int: bool| {
            let x = if int {
                parse_int(value)
            } else {
                parse_float(value)
            };
            if x.is_finite() {
                Ok(x)
            } else {
                Err(FsrsParseError::BadNumber {
                    field,
                    value: value.to_owned(),
                })
            }
        };
        let due = instant("due", fields[1])?;
        let interval = number("interval", fields[2], false)?;
        let stability = number("stability", fields[3], false)?;
        let difficulty = number("difficulty", fields[4], false)?;
        let state_number = parse_int(fields[5]);
        let state = if state_number.is_finite() {
            FsrsState::from_i64(state_number as i64)
        } else {
            None
        }
        .ok_or_else(|| FsrsParseError::UnknownState(fields[5].to_owned()))?;
        let reps = number("reps", fields[6], true)? as i64;
        let lapses = number("lapses", fields[7], true)? as i64;
        let learning_steps = number("learningSteps", fields[8], true)? as i64;
        let last_review = match fields.get(9).map(|s| s.trim()) {
            None | Some("-") => None,
            Some(value) => Some(instant("lastReview", value)?),
        };
        if stability < 0.0 {
            return Err(FsrsParseError::NegativeStability(stability));
        }
        let empty_memory = difficulty == 0.0 && stability == 0.0;
        if !(1.0..=10.0).contains(&difficulty) && !empty_memory {
            return Err(FsrsParseError::DifficultyOutOfRange(difficulty));
        }
        Ok(FsrsCard {
            due,
            interval,
            stability,
            difficulty,
            state,
            reps,
            lapses,
            learning_steps,
            last_review,
        })
    }

    /// The comment group, with its leading `!`:
    /// `!fsrs,2025-03-01T09:40:00.000Z,0,1.2931,5.11217071,1,1,0,0,2025-03-01T09:34:00.000Z`.
    pub fn to_segment(&self) -> String {
        format!(
            "!fsrs,{},{},{},{},{},{},{},{},{}",
            iso_string(self.due),
            js_number(self.interval),
            js_number(self.stability),
            js_number(self.difficulty),
            self.state.as_i64(),
            self.reps,
            self.lapses,
            self.learning_steps,
            self.last_review
                .map(iso_string)
                .unwrap_or_else(|| "-".to_owned()),
        )
    }
}

/// Grades a card; `None` for a Reset of a card without schedule (nothing changes) and when
/// the review cannot be computed (see [`try_review`] for the reason).
///
/// `tz` is the vault's time zone: SM-2 dates are local midnights. FSRS itself counts
/// elapsed days in UTC calendar dates.
pub fn review(
    p: &FsrsParams,
    prev: FsrsPrev,
    r: Response,
    now: DateTime<Utc>,
    tz: Tz,
) -> Option<FsrsCard> {
    try_review(p, prev, r, now, tz).ok().flatten()
}

/// [`review`] with the reason when the plugin would throw: a last review on a later UTC date
/// than `now`, a retention outside (0, 1], a stored memory state ts-fsrs rejects
/// (difficulty below 1 or stability below 0.001 outside the New state), an SM-2 card without
/// ease, or a due date out of range. `Ok(None)`: Reset of a card without schedule.
pub fn try_review(
    p: &FsrsParams,
    prev: FsrsPrev,
    r: Response,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Option<FsrsCard>, FsrsError> {
    let now = truncate_ms(now);
    let card = match prev {
        FsrsPrev::New if r == Response::Reset => return Ok(None),
        FsrsPrev::New => FsrsCard::empty(now),
        FsrsPrev::Sm2(sm2) => from_sm2(sm2, tz)?,
        FsrsPrev::Fsrs(card) => *card,
    };
    let grade = match r {
        Response::Reset => return Ok(Some(FsrsCard::empty(now))),
        Response::Again => 1,
        Response::Hard => 2,
        Response::Good => 3,
        Response::Easy => 4,
    };
    Scheduler::new(p, &card, now)?.grade(grade).map(Some)
}

/// The retrievability of a card at `now`, as the plugin's hover shows it: the forgetting curve
/// at the whole UTC days elapsed since the last review (0 when earlier), rounded to 8
/// decimals. 0 for a card in state New, without last review or without stability.
pub fn retrievability(card: &FsrsCard, now: DateTime<Utc>) -> f64 {
    let Some(last) = card.last_review else {
        return 0.0;
    };
    if card.state == FsrsState::New || card.stability.is_nan() || card.stability <= 0.0 {
        return 0.0;
    }
    let t = elapsed_days(last, now).max(0) as f64;
    forgetting_curve(t, card.stability)
}

/// The SM-2 ease the plugin shows for a difficulty (`latestEase`):
/// `round(130 + (10 − clamp(D, 1, 10))/9 · 240)`.
pub fn ease_equivalent(difficulty: f64) -> f64 {
    js_round(130.0 + (10.0 - difficulty.clamp(1.0, 10.0)) / 9.0 * 240.0)
}

/// The in-memory conversion of an SM-2 card on its first FSRS review (`fsrs.md`,
/// "Converting SM-2 cards"). `prev.interval` is the value as read (already `parseInt`-ed).
pub fn from_sm2(prev: &Sm2Prev, tz: Tz) -> Result<FsrsCard, FsrsError> {
    if prev.interval.is_nan() {
        return Err(FsrsError::Sm2NotANumber("interval"));
    }
    if prev.ease.is_nan() {
        return Err(FsrsError::Sm2NotANumber("ease"));
    }
    let interval = js_round(prev.interval).max(1.0);
    let due = local_midnight(prev.due, tz).ok_or(FsrsError::DateOutOfRange)?;
    let last_date = if interval < 1.0e9 {
        prev.due.checked_sub_days(Days::new(interval as u64))
    } else {
        None
    };
    let last_review = last_date
        .and_then(|d| local_midnight(d, tz))
        .ok_or(FsrsError::DateOutOfRange)?;
    let difficulty =
        (10.0 - 9.0 * (prev.ease.clamp(130.0, 370.0) - 130.0) / 240.0).clamp(1.0, 10.0);
    Ok(FsrsCard {
        due,
        interval,
        stability: interval.max(0.1),
        difficulty,
        state: FsrsState::Review,
        reps: js_round((interval + 1.0).log2()).max(1.0) as i64,
        lapses: 0,
        learning_steps: 0,
        last_review: Some(last_review),
    })
}

/// ts-fsrs' interval modifier for a desired retention: `(R^(1/decay) − 1)/factor`, rounded
/// to 8 decimals (1 at 0.9). 0 is read as 0.9.
pub fn interval_modifier(desired_retention: f64) -> Result<f64, FsrsError> {
    let r = if desired_retention == 0.0 {
        0.9
    } else {
        desired_retention
    };
    if !(r > 0.0 && r <= 1.0) {
        return Err(FsrsError::InvalidRetention(desired_retention));
    }
    let (decay, factor) = decay_factor();
    Ok(round8((r.powf(1.0 / decay) - 1.0) / factor))
}

// ---------------------------------------------------------------------------------------
// The model.

/// ts-fsrs' `roundTo(x, 8)`: `Math.round(x · 10^8) / 10^8`. (Not `toFixed`: the product
/// is rounded to a double first, so 3.4558785549999999… becomes 3.45587856.)
fn round8(x: f64) -> f64 {
    js_round(x * 1e8) / 1e8
}

fn w(i: usize) -> f64 {
    WEIGHTS[i]
}

/// `(decay, factor)`: decay = −w20, factor = 0.9^(1/decay) − 1 rounded to 8 decimals.
fn decay_factor() -> (f64, f64) {
    let decay = -w(20);
    let factor = (decay.powi(-1) * 0.9f64.ln()).exp() - 1.0;
    (decay, round8(factor))
}

/// R(t, S) = (1 + factor·t/S)^decay, rounded to 8 decimals.
fn forgetting_curve(t: f64, s: f64) -> f64 {
    let (decay, factor) = decay_factor();
    round8((1.0 + factor * t / s).powf(decay))
}

fn init_stability(g: u8) -> f64 {
    w(usize::from(g) - 1).max(0.1)
}

/// D₀(G) = w4 − e^{(G−1)·w5} + 1, rounded to 8 decimals, unclamped.
fn init_difficulty(g: u8) -> f64 {
    round8(w(4) - ((f64::from(g) - 1.0) * w(5)).exp() + 1.0)
}

fn next_difficulty(d: f64, g: u8) -> f64 {
    let delta = -w(6) * (f64::from(g) - 3.0);
    let damped = round8(delta * (10.0 - d) / 9.0);
    let next = d + damped;
    let reverted = round8(w(7) * init_difficulty(4) + (1.0 - w(7)) * next);
    reverted.clamp(1.0, 10.0)
}

fn next_recall_stability(d: f64, s: f64, r: f64, g: u8) -> f64 {
    let hard_penalty = if g == 2 { w(15) } else { 1.0 };
    let easy_bonus = if g == 4 { w(16) } else { 1.0 };
    let grown = s
        * (1.0
            + w(8).exp()
                * (11.0 - d)
                * s.powf(-w(9))
                * (((1.0 - r) * w(10)).exp() - 1.0)
                * hard_penalty
                * easy_bonus);
    round8(grown.clamp(S_MIN, S_MAX))
}

fn next_forget_stability(d: f64, s: f64, r: f64) -> f64 {
    let lapsed = w(11) * d.powf(-w(12)) * ((s + 1.0).powf(w(13)) - 1.0) * ((1.0 - r) * w(14)).exp();
    round8(lapsed.clamp(S_MIN, S_MAX))
}

fn next_short_term_stability(s: f64, g: u8) -> f64 {
    let sinc = s.powf(-w(19)) * (w(17) * (f64::from(g) - 3.0 + w(18))).exp();
    let sinc = if g >= 2 { sinc.max(1.0) } else { sinc };
    round8((s * sinc).clamp(S_MIN, S_MAX))
}

/// (difficulty, stability) after grading, from the previous memory state and the elapsed
/// UTC days `t` (ts-fsrs `next_state` with short-term scheduling on).
fn next_memory(d: f64, s: f64, t: i64, g: u8) -> Result<(f64, f64), FsrsError> {
    if d == 0.0 && s == 0.0 {
        return Ok((init_difficulty(g).clamp(1.0, 10.0), init_stability(g)));
    }
    if d.is_nan() || s.is_nan() || d < 1.0 || s < S_MIN {
        return Err(FsrsError::InvalidMemoryState {
            stability: s,
            difficulty: d,
        });
    }
    let t = t as f64;
    let r = forgetting_curve(t, s);
    let new_s = if t == 0.0 {
        next_short_term_stability(s, g)
    } else if g == 1 {
        let floor = round8(s / (w(17) * w(18)).exp());
        floor.max(S_MIN).min(next_forget_stability(d, s, r))
    } else {
        next_recall_stability(d, s, r, g)
    };
    Ok((next_difficulty(d, g), new_s))
}

/// The (re)learning step outcome for one grade: minutes until due and the next step index.
#[derive(Debug, Clone, Copy)]
struct Step {
    minutes: f64,
    next: i64,
}

/// ts-fsrs' default learning-steps strategy: which grades stay in a step, for a card in
/// `state` at step `cur`. A grade without an entry graduates to Review.
fn step_for(state: FsrsState, cur: i64, g: u8) -> Option<Step> {
    let steps: &[f64] = match state {
        FsrsState::Review | FsrsState::Relearning => &RELEARNING_STEPS,
        FsrsState::New | FsrsState::Learning => &LEARNING_STEPS,
    };
    let cur = cur.max(0);
    if steps.is_empty() || cur >= steps.len() as i64 {
        return None;
    }
    let cur_idx = cur as usize;
    if state == FsrsState::Review {
        return (g == 1).then_some(Step {
            minutes: steps[cur_idx],
            next: 0,
        });
    }
    match g {
        1 => Some(Step {
            minutes: steps[0],
            next: 0,
        }),
        2 => {
            let minutes = match steps.get(1) {
                Some(second) => js_round((steps[0] + second) / 2.0),
                None => js_round(steps[0] * 1.5),
            };
            Some(Step { minutes, next: cur })
        }
        3 => steps.get(cur_idx + 1).map(|&m| Step {
            minutes: js_round(m),
            next: cur + 1,
        }),
        _ => None,
    }
}

/// One review of one card at one instant.
struct Scheduler<'a> {
    p: &'a FsrsParams,
    card: &'a FsrsCard,
    now: DateTime<Utc>,
    /// Whole UTC calendar days since the last review (0 without one).
    elapsed: i64,
    modifier: f64,
}

impl<'a> Scheduler<'a> {
    fn new(p: &'a FsrsParams, card: &'a FsrsCard, now: DateTime<Utc>) -> Result<Self, FsrsError> {
        let elapsed = match card.last_review {
            Some(last) => elapsed_days(last, now),
            None => 0,
        };
        if elapsed < 0 {
            return Err(FsrsError::NegativeElapsed {
                last_review: card.last_review.unwrap_or(now),
                now,
            });
        }
        Ok(Scheduler {
            p,
            card,
            now,
            elapsed,
            modifier: interval_modifier(p.desired_retention)?,
        })
    }

    /// ts-fsrs `next_interval` without fuzz: max(1, round(S·modifier)), capped.
    fn interval(&self, s: f64) -> f64 {
        js_round(s * self.modifier)
            .max(1.0)
            .min(self.p.maximum_interval)
    }

    fn grade(&self, g: u8) -> Result<FsrsCard, FsrsError> {
        let c = self.card;
        let mut next = FsrsCard {
            reps: c.reps.saturating_add(1),
            last_review: Some(self.now),
            ..*c
        };
        match c.state {
            FsrsState::New => {
                next.difficulty = init_difficulty(g).clamp(1.0, 10.0);
                next.stability = init_stability(g);
                self.apply_steps(&mut next, g, FsrsState::Learning)?;
            }
            FsrsState::Learning | FsrsState::Relearning => {
                (next.difficulty, next.stability) =
                    next_memory(c.difficulty, c.stability, self.elapsed, g)?;
                self.apply_steps(&mut next, g, c.state)?;
            }
            FsrsState::Review => {
                if g == 1 {
                    (next.difficulty, next.stability) =
                        next_memory(c.difficulty, c.stability, self.elapsed, 1)?;
                    next.lapses = c.lapses.saturating_add(1);
                    self.apply_steps(&mut next, 1, FsrsState::Relearning)?;
                } else {
                    // Hard, Good and Easy are computed together and forced into order.
                    let memory = |g| next_memory(c.difficulty, c.stability, self.elapsed, g);
                    let hard = memory(2)?;
                    let good = memory(3)?;
                    let easy = memory(4)?;
                    let mut hard_days = self.interval(hard.1);
                    let mut good_days = self.interval(good.1);
                    hard_days = hard_days.min(good_days);
                    good_days = good_days.max(hard_days + 1.0);
                    let easy_days = self.interval(easy.1).max(good_days + 1.0);
                    let (memory, days) = match g {
                        2 => (hard, hard_days),
                        3 => (good, good_days),
                        _ => (easy, easy_days),
                    };
                    (next.difficulty, next.stability) = memory;
                    next.learning_steps = 0;
                    next.state = FsrsState::Review;
                    next.interval = days;
                    next.due = self.add_ms(days, MS_PER_DAY)?;
                }
            }
        }
        Ok(next)
    }

    /// Puts the card into its next (re)learning step, or graduates it to Review.
    fn apply_steps(
        &self,
        next: &mut FsrsCard,
        g: u8,
        to_state: FsrsState,
    ) -> Result<(), FsrsError> {
        let step = step_for(self.card.state, self.card.learning_steps, g);
        let minutes = step.map_or(0.0, |s| s.minutes.max(0.0));
        let next_step = step.map_or(0, |s| s.next.max(0));
        if minutes > 0.0 && minutes < 1440.0 {
            next.learning_steps = next_step;
            next.interval = 0.0;
            next.state = to_state;
            next.due = self.add_ms(js_round(minutes), MS_PER_MINUTE)?;
        } else if minutes >= 1440.0 {
            // Day-long steps (never with the plugin's fixed steps).
            next.state = FsrsState::Review;
            next.learning_steps = next_step;
            next.interval = (minutes / 1440.0).floor();
            next.due = self.add_ms(js_round(minutes), MS_PER_MINUTE)?;
        } else {
            next.state = FsrsState::Review;
            next.learning_steps = 0;
            let days = self.interval(next.stability);
            next.interval = days;
            next.due = self.add_ms(days, MS_PER_DAY)?;
        }
        Ok(())
    }

    /// `now + amount · unit` milliseconds.
    fn add_ms(&self, amount: f64, unit_ms: i64) -> Result<DateTime<Utc>, FsrsError> {
        let ms = amount * unit_ms as f64;
        if !ms.is_finite() || ms.abs() > 8.64e15 {
            return Err(FsrsError::DateOutOfRange);
        }
        self.now
            .timestamp_millis()
            .checked_add(ms as i64)
            .and_then(DateTime::from_timestamp_millis)
            .ok_or(FsrsError::DateOutOfRange)
    }
}

// ---------------------------------------------------------------------------------------
// Dates.

/// Whole UTC calendar dates from `last` to `now` (negative when `now` is on an earlier date).
fn elapsed_days(last: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now.date_naive() - last.date_naive()).num_days()
}

fn truncate_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// Local midnight of `date` in `tz` as a JavaScript `Date` resolves it: an ambiguous time
/// takes the earlier instant, a skipped time uses the offset before the transition.
fn local_midnight(date: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    resolve_local(date.and_time(NaiveTime::MIN), tz)
}

fn resolve_local(naive: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => {
            // In a gap: read the wall time with the offset in force a day before.
            let before = naive.checked_sub_days(Days::new(1))?;
            let offset = tz.offset_from_utc_datetime(&before);
            let utc = naive - chrono::Offset::fix(&offset);
            Some(Utc.from_utc_datetime(&utc))
        }
    }
}

/// `Date.prototype.toISOString()`: `2025-03-01T09:40:00.000Z`, with a signed six-digit year
/// outside 0000–9999.
pub fn iso_string(t: DateTime<Utc>) -> String {
    let year = t.year();
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else if year < 0 {
        format!("-{:06}", -i64::from(year))
    } else {
        format!("+{year:06}")
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.timestamp_subsec_millis()
    )
}

/// Reads an ISO 8601 instant as moment does for the forms that matter: `YYYY-MM-DD`,
/// optionally `T` or a space and `HH:MM[:SS[.fff…]]`, optionally `Z` or `±HH[:MM]`. Years may
/// be written `±YYYYYY`. Without an offset the time is local to `tz`. Fractions beyond
/// milliseconds are truncated.
pub fn parse_instant(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let mut cursor = Cursor {
        text: s.trim(),
        at: 0,
    };
    let date = cursor.date()?;
    if cursor.peek().is_none() {
        return local_midnight(date, tz);
    }
    if !matches!(cursor.peek(), Some(b'T' | b't' | b' ')) {
        return None;
    }
    cursor.at += 1;
    let naive = cursor.time_on(date)?;
    let rest = &cursor.text[cursor.at..];
    if rest.is_empty() {
        return resolve_local(naive, tz);
    }
    if rest == "Z" || rest == "z" {
        return Some(Utc.from_utc_datetime(&naive));
    }
    let utc = naive.checked_sub_signed(utc_offset(rest)?)?;
    Some(Utc.from_utc_datetime(&utc))
}

/// Where [`parse_instant`] is in the (trimmed) text.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl Cursor<'_> {
    /// The byte at the cursor, if any.
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Exactly `n` ASCII digits, read as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let part = self.text.get(self.at..self.at + n)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        self.at += n;
        part.parse().ok()
    }

    /// The byte `c`.
    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.at += 1)
    }

    /// `YYYY-MM-DD` or `±YYYYYY-MM-DD`.
    fn date(&mut self) -> Option<NaiveDate> {
        let year: i32 = match self.peek()? {
            sign @ (b'+' | b'-') => {
                self.at += 1;
                let y = self.digits(6)? as i32;
                if sign == b'-' { -y } else { y }
            }
            _ => self.digits(4)? as i32,
        };
        self.expect(b'-')?;
        let month = self.digits(2)?;
        self.expect(b'-')?;
        let day = self.digits(2)?;
        NaiveDate::from_ymd_opt(year, month, day)
    }

    /// `HH:MM[:SS[.fff…]]` on `date`; `24:00:00` is the end of the day, as in JavaScript.
    fn time_on(&mut self, date: NaiveDate) -> Option<NaiveDateTime> {
        let hour = self.digits(2)?;
        self.expect(b':')?;
        let minute = self.digits(2)?;
        let mut second = 0;
        let mut millis = 0;
        if self.peek() == Some(b':') {
            self.at += 1;
            second = self.digits(2)?;
            millis = self.millis()?;
        }
        let (time, extra_day) = if hour == 24 && minute == 0 && second == 0 && millis == 0 {
            (NaiveTime::MIN, 1)
        } else {
            (
                NaiveTime::from_hms_milli_opt(hour, minute, second, millis)?,
                0,
            )
        };
        Some(date.checked_add_days(Days::new(extra_day))?.and_time(time))
    }

    /// The milliseconds of a fraction `.fff…` or `,fff…` (0 when none follows); digits beyond
    /// milliseconds are truncated.
    fn millis(&mut self) -> Option<u32> {
        if !matches!(self.peek(), Some(b'.' | b',')) {
            return Some(0);
        }
        self.at += 1;
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        if self.at == start {
            return None;
        }
        let frac = &self.text[start..self.at];
        let ms = format!("{:0<3}", &frac[..frac.len().min(3)]);
        ms.parse().ok()
    }
}

/// A UTC offset that is the whole of `rest`: `±HH`, `±HHMM` or `±HH:MM`.
fn utc_offset(rest: &str) -> Option<chrono::TimeDelta> {
    let sign = match rest.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let off = &rest[1..];
    if !off.bytes().all(|c| c.is_ascii_digit() || c == b':') {
        return None;
    }
    let (oh, om) = match off.len() {
        2 => (off.parse::<i64>().ok()?, 0),
        4 => (off[..2].parse().ok()?, off[2..].parse().ok()?),
        5 if off.as_bytes()[2] == b':' => (off[..2].parse().ok()?, off[3..].parse().ok()?),
        _ => return None,
    };
    if oh > 23 || om > 59 {
        return None;
    }
    Some(chrono::TimeDelta::minutes(sign * (oh * 60 + om)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        parse_instant(s, Tz::UTC).expect("an instant")
    }

    #[test]
    fn modifier_values() {
        assert_eq!(interval_modifier(0.9), Ok(1.0));
        assert_eq!(interval_modifier(0.0), Ok(1.0));
        for (r, m) in [
            (0.7, 9.288),
            (0.8, 3.316),
            (0.85, 1.906),
            (0.95, 0.4026),
            (0.97, 0.2228),
        ] {
            let got = interval_modifier(r).unwrap();
            assert!((got - m).abs() < 5e-4, "{r}: {got}");
        }
        assert!(interval_modifier(1.5).is_err());
        assert!(interval_modifier(-0.1).is_err());
        assert!(interval_modifier(f64::NAN).is_err());
    }

    #[test]
    fn new_card_grades() {
        let p = FsrsParams::default();
        let now = t("2024-01-12T09:26:32Z");
        let hard = review(&p, FsrsPrev::New, Response::Hard, now, Tz::UTC).unwrap();
        assert_eq!(
            hard.to_segment(),
            "!fsrs,2024-01-12T09:32:32.000Z,0,1.2931,5.11217071,1,1,0,0,2024-01-12T09:26:32.000Z"
        );
        let easy = review(&p, FsrsPrev::New, Response::Easy, now, Tz::UTC).unwrap();
        assert_eq!((easy.state, easy.interval), (FsrsState::Review, 8.0));
        assert_eq!(
            review(&p, FsrsPrev::New, Response::Reset, now, Tz::UTC),
            None
        );
    }

    #[test]
    fn segment_round_trip() {
        let seg = "!fsrs,2024-01-12T10:25:22.000Z,0,1.33589976,6.72894743,1,3,0,1,2024-01-12T10:15:22.000Z";
        let card = FsrsCard::parse_segment(seg).unwrap();
        assert_eq!(card.to_segment(), seg);
        let reset = "fsrs,2089-02-20T08:03:13.000Z,0,0,0,0,0,0,0,-";
        let card = FsrsCard::parse_segment(reset).unwrap();
        assert_eq!(card.last_review, None);
        assert_eq!(card.to_segment(), format!("!{reset}"));
    }

    #[test]
    fn segment_errors() {
        use FsrsParseError as E;
        let ok = "fsrs,2024-01-12T10:25:22.000Z,0,1.3,6.7,1,3,0,1,2024-01-12T10:15:22.000Z";
        assert!(FsrsCard::parse_segment(ok).is_ok());
        assert_eq!(FsrsCard::parse_segment("2025-01-01,3,250"), Err(E::NotFsrs));
        assert_eq!(FsrsCard::parse_segment("fsrs,1,2"), Err(E::FieldCount(3)));
        assert!(matches!(
            FsrsCard::parse_segment(&ok.replace("2024-01-12T10:25:22.000Z,0", "-,0")),
            Err(E::BadInstant { field: "due", .. })
        ));
        assert!(matches!(
            FsrsCard::parse_segment(&ok.replace(",6.7,", ",11,")),
            Err(E::DifficultyOutOfRange(_))
        ));
        assert!(matches!(
            FsrsCard::parse_segment(&ok.replace(",1.3,", ",-1,")),
            Err(E::NegativeStability(_))
        ));
        assert!(matches!(
            FsrsCard::parse_segment(&ok.replace(",6.7,1,", ",6.7,7,")),
            Err(E::UnknownState(_))
        ));
        assert!(matches!(
            FsrsCard::parse_segment(&ok.replace(",1.3,", ",x,")),
            Err(E::BadNumber {
                field: "stability",
                ..
            })
        ));
        // A missing lastReview reads as none.
        let short = "fsrs,2024-01-12T10:25:22.000Z,0,1.3,6.7,1,3,0,1";
        assert_eq!(FsrsCard::parse_segment(short).unwrap().last_review, None);
    }

    #[test]
    fn instants() {
        for (instant, iso) in [
            ("2025-03-01T09:40:00Z", "2025-03-01T09:40:00.000Z"),
            ("2025-03-01T09:40:00.123456Z", "2025-03-01T09:40:00.123Z"),
            ("2025-03-01T10:40:00+01:00", "2025-03-01T09:40:00.000Z"),
            ("2025-03-01T10:40+0100", "2025-03-01T09:40:00.000Z"),
            ("2025-03-01", "2025-03-01T00:00:00.000Z"),
        ] {
            assert_eq!(iso_string(t(instant)), iso, "{instant}");
        }
        let tokyo = parse_instant("2025-03-01T09:00:00", chrono_tz::Asia::Tokyo).unwrap();
        assert_eq!(iso_string(tokyo), "2025-03-01T00:00:00.000Z");
        assert_eq!(
            iso_string(t("+012025-03-01T00:00:00Z")),
            "+012025-03-01T00:00:00.000Z"
        );
        for bad in [
            "2025-03-01T09:40:00+1é1",
            "2025-03-01T09:40:00+é",
            "",
            "-",
            "2025-13-01",
            "2025-03-01T",
            "2025-03-01T25:00Z",
            "2025-03-01Tx",
            "2025-03-01T09:40:00.Z",
        ] {
            assert_eq!(parse_instant(bad, Tz::UTC), None, "{bad}");
        }
    }

    #[test]
    fn negative_elapsed_is_an_error() {
        let card = FsrsCard::parse_segment(
            "fsrs,2024-01-12T10:25:22.000Z,0,1.3,6.7,1,3,0,1,2024-01-12T10:15:22.000Z",
        )
        .unwrap();
        let now = t("2024-01-11T23:00:00Z");
        let p = FsrsParams::default();
        assert!(matches!(
            try_review(&p, FsrsPrev::Fsrs(&card), Response::Good, now, Tz::UTC),
            Err(FsrsError::NegativeElapsed { .. })
        ));
        assert_eq!(
            review(&p, FsrsPrev::Fsrs(&card), Response::Good, now, Tz::UTC),
            None
        );
    }

    #[test]
    fn sm2_conversion() {
        let prev = Sm2Prev {
            due: NaiveDate::from_ymd_opt(2023, 1, 12).unwrap(),
            interval: 1.0,
            ease: 250.0,
        };
        let card = from_sm2(&prev, chrono_tz::Asia::Tokyo).unwrap();
        assert_eq!(iso_string(card.due), "2023-01-11T15:00:00.000Z");
        assert_eq!(
            card.last_review.map(iso_string).as_deref(),
            Some("2023-01-10T15:00:00.000Z")
        );
        assert_eq!((card.stability, card.difficulty, card.reps), (1.0, 5.5, 1));
        let nan = Sm2Prev {
            ease: f64::NAN,
            ..prev
        };
        assert!(from_sm2(&nan, Tz::UTC).is_err());
    }

    #[test]
    fn ease_and_retrievability() {
        assert_eq!(ease_equivalent(5.5), 250.0);
        assert_eq!(ease_equivalent(10.0), 130.0);
        assert_eq!(ease_equivalent(0.0), 370.0);
        let card = FsrsCard::parse_segment(
            "fsrs,2024-01-22T00:00:00.000Z,10,10,5,2,3,0,0,2024-01-12T00:00:00.000Z",
        )
        .unwrap();
        assert_eq!(retrievability(&card, t("2024-01-22T00:00:00Z")), 0.9);
        assert_eq!(retrievability(&card, t("2024-01-12T05:00:00Z")), 1.0);
        assert_eq!(
            retrievability(
                &FsrsCard::empty(t("2024-01-12T05:00:00Z")),
                t("2024-01-13T00:00:00Z")
            ),
            0.0
        );
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,80}") {
            let _ = FsrsCard::parse_segment(&s);
            let _ = FsrsCard::parse_segment(&format!("fsrs,{s}"));
            let _ = parse_instant(&s, Tz::UTC);
            let _ = parse_instant(&format!("2025-03-01T09:40:00{s}"), Tz::UTC);
            let _ = parse_instant(&format!("2025-03-01T09:40:00+{s}"), Tz::UTC);
            let _ = parse_instant(&format!("2025-03-01T09:40:00.{s}"), Tz::UTC);
        }

        #[test]
        fn review_never_panics(
            fields in proptest::collection::vec("-?[0-9]{0,6}(\\.[0-9]{0,9})?", 8),
            grade in 0usize..5,
            secs in -5_000_000_000i64..5_000_000_000i64,
        ) {
            let seg = format!(
                "fsrs,2024-01-12T10:25:22.000Z,{},2024-01-12T10:15:22.000Z",
                fields.join(",")
            );
            let now = DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap();
            let r = [Response::Again, Response::Hard, Response::Good, Response::Easy, Response::Reset][grade];
            if let Ok(card) = FsrsCard::parse_segment(&seg) {
                let _ = try_review(&FsrsParams::default(), FsrsPrev::Fsrs(&card), r, now, Tz::UTC);
                let _ = retrievability(&card, now);
            }
            let p = FsrsParams { desired_retention: 0.0001, maximum_interval: 1e300 };
            let _ = try_review(&p, FsrsPrev::New, r, now, Tz::UTC);
        }
    }
}
