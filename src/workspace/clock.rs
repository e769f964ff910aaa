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

/// The vault's time zone: `SRLS_TZ`, then `TZ`, else UTC. `SRLS_TZ` must be an IANA name
/// (`Asia/Tokyo`); so must `TZ`, except in its file forms (`:/etc/localtime`,
/// `/usr/share/zoneinfo/Asia/Tokyo`), where the name after `zoneinfo/` is used when there is one
/// and UTC otherwise. An unknown name is an error naming the variable, so a typo never moves FSRS
/// times to another zone.
pub fn time_zone() -> Result<Tz, String> {
    if let Some(v) = env_value("SRLS_TZ") {
        return zone_named("SRLS_TZ", &v);
    }
    match env_value("TZ") {
        Some(v) if v.starts_with([':', '/']) => Ok(zone_of_file(&v)),
        Some(v) => zone_named("TZ", &v),
        None => Ok(Tz::UTC),
    }
}

/// A variable's value, `None` when unset or blank.
fn env_value(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.trim().is_empty())
}

fn zone_named(var: &str, name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!("{var}: unknown time zone `{name}` (expected an IANA name such as Europe/Paris)")
    })
}

/// The zone of a file form of `TZ`: the name after `zoneinfo/` in the path or where the link
/// points, else UTC (`:Europe/Paris` is the name itself).
fn zone_of_file(v: &str) -> Tz {
    let v = v.trim_start_matches(':');
    if let Ok(tz) = v.parse::<Tz>() {
        return tz;
    }
    let path = std::path::Path::new(v);
    let target = std::fs::read_link(path).unwrap_or_else(|_| path.to_path_buf());
    let target = target.to_string_lossy();
    target
        .rsplit_once("zoneinfo/")
        .and_then(|(_, name)| name.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC)
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
    /// else the system clock. When only one of the two is given, the other follows it. An
    /// unknown time zone is logged and UTC used (the server's clock; see [`Clock::strict`]).
    pub fn resolve(today: Option<NaiveDate>, now: Option<DateTime<Utc>>) -> Result<Clock, String> {
        let tz = time_zone().unwrap_or_else(|e| {
            tracing::warn!("{e}; using UTC");
            Tz::UTC
        });
        Clock::resolve_in(today, now, tz)
    }

    /// Like [`Clock::resolve`], but an unknown time zone is an error (the command line's clock).
    pub fn strict(today: Option<NaiveDate>, now: Option<DateTime<Utc>>) -> Result<Clock, String> {
        Clock::resolve_in(today, now, time_zone()?)
    }

    /// Like [`Clock::resolve`] in the zone `tz`.
    pub fn resolve_in(
        today: Option<NaiveDate>,
        now: Option<DateTime<Utc>>,
        tz: Tz,
    ) -> Result<Clock, String> {
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
