//! `srls due`: what is due and new, where, grouped by deck, with a 7-day forecast.

use crate::features::due::{Due, sibling_dues};
use crate::features::report::schedule_json;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct DueArgs {
    pub paths: Vec<PathBuf>,
    pub deck: Option<String>,
    pub today: Option<String>,
    pub now: Option<String>,
    pub json: bool,
    pub forecast: bool,
}

struct Row {
    file: String,
    line: usize,
    first_line: usize,
    decks: Vec<String>,
    question: String,
    kind: &'static str,
    due: bool,
    label: String,
    schedule: Vec<Value>,
}

fn in_deck(decks: &[String], want: &str) -> bool {
    let w = want.trim_start_matches('#');
    decks.iter().any(|d| {
        let d = d.trim_start_matches('#');
        d == w || d.starts_with(&format!("{w}/"))
    })
}

pub fn run(a: &DueArgs) -> i32 {
    let clk = match super::clock(a.today.as_deref(), a.now.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let mut rows = Vec::new();
    let mut forecast = [0usize; 7];
    let failed = super::each_note(&paths, |t, _, note, _| {
        for c in &note.cards {
            if a.deck.as_deref().is_some_and(|d| !in_deck(&c.decks, d)) {
                continue;
            }
            let dues = sibling_dues(c);
            for d in &dues {
                if let Some(k) = d.day_key(clk.today, clk.now) {
                    let slot = if d.is_due(clk.today, clk.now) {
                        0
                    } else {
                        k.max(0) as usize
                    };
                    if slot < 7 {
                        forecast[slot] += 1;
                    }
                }
            }
            let is_due = dues.iter().any(|d| d.is_due(clk.today, clk.now));
            let is_new = !is_due && dues.iter().any(|d| matches!(d, Due::New));
            if !is_due && !is_new {
                continue;
            }
            let label = dues
                .iter()
                .map(|d| crate::features::hints::due_label(d, clk.today, clk.now))
                .collect::<Vec<_>>()
                .join(", ");
            rows.push(Row {
                file: t.display.clone(),
                line: c.src_lines.first().copied().unwrap_or(c.first_line) + 1,
                first_line: c.first_line,
                decks: c
                    .decks
                    .iter()
                    .map(|d| d.trim_start_matches('#').to_string())
                    .collect(),
                question: crate::features::report::one_line(c.question(), 70),
                kind: c.kind.as_str(),
                due: is_due,
                label,
                schedule: c.schedule.iter().map(schedule_json).collect(),
            });
        }
        std::ops::ControlFlow::Continue(())
    });
    let code = if failed { 2 } else { 0 };
    let due_n = rows.iter().filter(|r| r.due).count();
    let new_n = rows.len() - due_n;
    let mut by_deck: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        for d in &r.decks {
            by_deck.entry(d.clone()).or_default().push(r);
        }
    }
    if a.json {
        let v = json!({
            "today": clk.today.format("%Y-%m-%d").to_string(),
            "total": {"due": due_n, "new": new_n},
            "decks": by_deck.iter().map(|(d, rs)| json!({
                "deck": d,
                "due": rs.iter().filter(|r| r.due).count(),
                "new": rs.iter().filter(|r| !r.due).count(),
            })).collect::<Vec<_>>(),
            "cards": rows.iter().map(|r| json!({
                "file": r.file, "line": r.line, "first_line": r.first_line, "decks": r.decks, "type": r.kind,
                "question": r.question, "state": if r.due { "due" } else { "new" },
                "due": r.label, "schedule": r.schedule,
            })).collect::<Vec<_>>(),
            "forecast": if a.forecast {
                Value::Array(forecast.iter().enumerate().map(|(i, n)| json!({
                    "date": (clk.today + chrono::Days::new(i as u64)).format("%Y-%m-%d").to_string(),
                    "due": n,
                })).collect())
            } else { Value::Null },
        });
        println!("{v}");
        return code;
    }
    for (deck, rs) in &by_deck {
        let d = rs.iter().filter(|r| r.due).count();
        println!("{deck}  ({d} due, {} new)", rs.len() - d);
        for r in rs {
            println!("  {}:{}  {}  {}", r.file, r.line, r.label, r.question);
        }
    }
    println!(
        "{due_n} due, {new_n} new ({})",
        clk.today.format("%Y-%m-%d")
    );
    if a.forecast {
        println!("forecast:");
        for (i, n) in forecast.iter().enumerate() {
            let day = clk.today + chrono::Days::new(i as u64);
            println!("  {}  {n}", day.format("%Y-%m-%d %a"));
        }
    }
    code
}
