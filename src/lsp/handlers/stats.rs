//! `srls.stats`: the statistics of the workspace's vault (or one deck and its sub-decks) as
//! JSON, the same numbers `srls stats --json` prints, for editor front ends to chart.

use super::review::{gather, read_all};
use crate::features::stats::{self, Period, StatsClock, StatsNote};
use crate::lsp::state::{Shared, lock};
use crate::workspace::vault::vault_relative;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

fn failed(msg: impl std::fmt::Display) -> Error {
    Error {
        code: ErrorCode::InvalidRequest,
        message: format!("srls: {msg}").into(),
        data: None,
    }
}

/// `{"deck"?, "period"?: "month" | "quarter" | "year" | "lifetime"}` → `{"vault", "today",
/// "period", "forecast", "intervals", "eases", "card_types", …}` (the charts cut to the period).
pub async fn stats(state: &Shared, args: &Value) -> Result<Value> {
    let period: Period = match args["period"].as_str() {
        Some(p) => p.parse().map_err(failed)?,
        None => Period::default(),
    };
    let deck = args["deck"]
        .as_str()
        .map(|d| d.trim_start_matches('#').to_string());
    let (gathered, clock) = {
        let mut s = lock(state);
        (gather(&mut s, None)?, s.clock())
    };
    let clock = StatsClock {
        today: clock.today,
        now: clock.now,
        tz: clock.tz,
    };
    tokio::task::spawn_blocking(move || {
        let vault = &gathered.vault;
        let parsed: Vec<(String, crate::note::Note)> = read_all(&gathered)
            .into_iter()
            .map(|(path, text)| {
                let rel = vault_relative(vault.root.as_deref(), &path)
                    .unwrap_or_else(|| path.display().to_string());
                (rel, vault.parse(&text, Some(&path)))
            })
            .collect();
        let notes: Vec<StatsNote> = parsed
            .iter()
            .map(|(path, note)| StatsNote { path, note })
            .collect();
        let mut computed = stats::compute(&notes, &vault.settings, &clock, deck.as_deref());
        computed.charts.forecast = computed.charts.forecast.for_period(period);
        computed.charts.intervals = computed.charts.intervals.for_period(period);
        let name = vault
            .root
            .as_deref()
            .and_then(|r| r.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        let mut v = serde_json::to_value(&computed).map_err(failed)?;
        if let Value::Object(o) = &mut v {
            o.insert("vault".into(), json!(name));
            o.insert(
                "today".into(),
                json!(clock.today.format("%Y-%m-%d").to_string()),
            );
            o.insert("period".into(), json!(period.to_string()));
        }
        Ok(v)
    })
    .await
    .map_err(|e| failed(format!("the statistics could not be computed: {e}")))?
}
