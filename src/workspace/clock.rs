//! "Today" and "now", injected: from an argument, a setting or `SRLS_TODAY`/`SRLS_NOW`, and only
//! then from the system clock. Tests never depend on the real date.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Parses `YYYY-MM-DD`.
pub fn parse_today(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

/// Parses an ISO 8601 instant such as `2025-03-01T09:30:00Z`.
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| format!("`{s}` is not an instant such as 2025-03-01T09:30:00Z"))
}

/// The vault's time zone: `SRLS_TZ`, then `TZ` (IANA names), else UTC.
pub fn time_zone() -> Tz {
    for var in ["SRLS_TZ", "TZ"] {
        if let Ok(v) = std::env::var(var)
            && let Ok(tz) = v.trim_start_matches(':').parse::<Tz>()
        {
            return tz;
        }
    }
    Tz::UTC
}

/// A resolved clock: explicit values win, then the environment, then the system clock.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub tz: Tz,
}

impl Clock {
    /// `today`/`now` from arguments or settings (already parsed), else `SRLS_TODAY`/`SRLS_NOW`,
    /// else the system clock. When only one of the two is given, the other follows it.
    pub fn resolve(today: Option<NaiveDate>, now: Option<DateTime<Utc>>) -> Result<Clock, String> {
        let tz = time_zone();
        let env_today = match std::env::var("SRLS_TODAY") {
            Ok(v) if !v.trim().is_empty() => {
                Some(parse_today(&v).map_err(|e| format!("SRLS_TODAY: {e}"))?)
            }
            _ => None,
        };
        let env_now = match std::env::var("SRLS_NOW") {
            Ok(v) if !v.trim().is_empty() => {
                Some(parse_now(&v).map_err(|e| format!("SRLS_NOW: {e}"))?)
            }
            _ => None,
        };
        let today = today.or(env_today);
        let now = now.or(env_now);
        Ok(match (today, now) {
            (Some(t), Some(n)) => Clock {
                today: t,
                now: n,
                tz,
            },
            (Some(t), None) => Clock {
                today: t,
                now: local_noon(t, tz),
                tz,
            },
            (None, Some(n)) => Clock {
                today: n.with_timezone(&tz).date_naive(),
                now: n,
                tz,
            },
            (None, None) => {
                let n = Utc::now();
                Clock {
                    today: chrono::Local::now().date_naive(),
                    now: n,
                    tz,
                }
            }
        })
    }
}

/// Noon of a local date, as an instant (a stable "now" when only a date is given).
pub fn local_noon(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    let naive = d.and_hms_opt(12, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| naive.and_utc())
}
