//! `srls.stats`: the statistics of the workspace's vault (or one deck and its sub-decks) as
//! JSON, the same report `srls stats --json` prints, for editor front ends to chart; with
//! `"format": "text"` also the terminal view as plain text (Neovim's `:SrlsStats`).

use super::refused as failed;
use super::review::{gather, read_all};
use crate::features::stats::{Period, Report, StatsClock, StatsNote, Unreadable, text};
use crate::lsp::state::{Shared, lock};
use crate::workspace::vault::vault_relative;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::Result;

/// What a request asks for.
struct StatsRequest {
    period: Period,
    deck: Option<String>,
    text: bool,
}

impl StatsRequest {
    fn read(args: &Value) -> Result<StatsRequest> {
        let period = match args["period"].as_str() {
            Some(p) => p.parse().map_err(failed)?,
            None => Period::default(),
        };
        let text = match args["format"].as_str() {
            None | Some("json") => false,
            Some("text") => true,
            Some(other) => {
                return Err(failed(format!(
                    "unknown format {other:?}; the formats are \"json\" and \"text\""
                )));
            }
        };
        let deck = args["deck"]
            .as_str()
            .map(|d| d.trim_start_matches('#').to_string())
            .filter(|d| !d.is_empty());
        Ok(StatsRequest { period, deck, text })
    }
}

/// `{"deck"?, "period"?: "month" | "quarter" | "year" | "lifetime", "format"?: "json" |
/// "text"}` → the report: `{"vault", "today", "now", "period", "forecast", "intervals",
/// "eases", "card_types", …, "unreadable", "message"}` (the charts cut to the period), plus
/// `"text"` when the text view was asked for.
pub async fn stats(state: &Shared, args: &Value) -> Result<Value> {
    let req = StatsRequest::read(args)?;
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
        let read = read_all(&gathered);
        let relative = |path: &std::path::Path| {
            vault_relative(vault.root.as_deref(), path)
                .unwrap_or_else(|| path.display().to_string())
        };
        let parsed: Vec<(String, crate::note::Note)> = read
            .notes
            .iter()
            .map(|(path, text)| (relative(path), vault.parse(text, Some(path))))
            .collect();
        let notes: Vec<StatsNote> = parsed
            .iter()
            .map(|(path, note)| StatsNote { path, note })
            .collect();
        let unreadable = read
            .unreadable
            .iter()
            .map(|(path, why)| Unreadable {
                file: relative(path),
                error: why
                    .strip_prefix(&format!("{}: ", path.display()))
                    .unwrap_or(why)
                    .to_owned(),
            })
            .collect();
        let name = vault
            .root
            .as_deref()
            .or(Some(gathered.from.as_path()))
            .and_then(|r| r.file_name())
            .map_or_else(|| "notes".to_owned(), |n| n.to_string_lossy().into_owned());
        let report = Report::build(
            &notes,
            &vault.settings,
            &clock,
            req.period,
            req.deck.as_deref(),
            name,
            unreadable,
        );
        answer(&report, req.text)
    })
    .await
    .map_err(|e| failed(format!("the statistics could not be computed: {e}")))?
}

fn answer(report: &Report, with_text: bool) -> Result<Value> {
    let mut v = serde_json::to_value(report).map_err(failed)?;
    if with_text {
        let mut out = Vec::new();
        text::render(&mut out, report, false).map_err(failed)?;
        v["text"] = json!(String::from_utf8_lossy(&out));
    }
    Ok(v)
}
