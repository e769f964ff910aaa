//! `srls due`: what is due and new, where, grouped by deck, with a 7-day forecast.

use super::output::Output;
use crate::features::due::{Counts, SideState, in_deck, sibling_dues};
use crate::features::report::schedule_json;
use crate::note::Card;
use crate::workspace::clock::Clock;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Arguments of `srls due`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DueArgs {
    /// Files or folders (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Only this deck and its sub-decks (e.g. `flashcards/geo`).
    #[arg(long)]
    pub deck: Option<String>,
    #[command(flatten)]
    pub clock: super::ClockArgs,
    #[arg(long)]
    pub json: bool,
    /// Also print how many sides fall due on each of the next 7 days.
    #[arg(long)]
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

/// The due and new cards, and how many sides fall due on each of the next 7 days.
struct Found {
    rows: Vec<Row>,
    forecast: [usize; 7],
    /// Due and new sides (the plugin's cards), in all and per deck.
    total: Counts,
    decks: BTreeMap<String, Counts>,
}

impl Found {
    fn new() -> Found {
        Found {
            rows: Vec::new(),
            forecast: [0; 7],
            total: Counts::default(),
            decks: BTreeMap::new(),
        }
    }

    /// Adds what another note (later in the order) found.
    fn merge(&mut self, other: Found) {
        self.rows.extend(other.rows);
        for (a, b) in self.forecast.iter_mut().zip(other.forecast) {
            *a += b;
        }
        self.total.due += other.total.due;
        self.total.new += other.total.new;
        for (d, c) in other.decks {
            let e = self.decks.entry(d).or_default();
            e.due += c.due;
            e.new += c.new;
        }
    }

    /// Counts a card's sides into the forecast and lists it when due or new.
    fn add(&mut self, file: &str, c: &Card, clock: &Clock) {
        let dues = sibling_dues(c);
        self.total.add_card(&dues, clock.today, clock.now);
        for d in &c.decks {
            let key = d.trim_start_matches('#').to_string();
            self.decks
                .entry(key)
                .or_default()
                .add_card(&dues, clock.today, clock.now);
        }
        for d in &dues {
            if let Some(k) = d.day_key(clock.today, clock.now) {
                let slot = if d.is_due(clock.today, clock.now) {
                    0
                } else {
                    k.max(0) as usize
                };
                if slot < 7 {
                    self.forecast[slot] += 1;
                }
            }
        }
        let states: Vec<SideState> = dues
            .iter()
            .map(|d| d.state(clock.today, clock.now))
            .collect();
        let is_due = states.contains(&SideState::Due);
        let is_new = !is_due && states.contains(&SideState::New);
        if !is_due && !is_new {
            return;
        }
        let label = dues
            .iter()
            .map(|d| crate::features::hints::due_label(d, clock.today, clock.now))
            .collect::<Vec<_>>()
            .join(", ");
        self.rows.push(Row {
            file: file.to_string(),
            line: c.start_line() + 1,
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

    /// The rows by deck (a card with several decks is listed under each).
    fn by_deck(&self) -> BTreeMap<&str, Vec<&Row>> {
        let mut by_deck: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
        for r in &self.rows {
            for d in &r.decks {
                by_deck.entry(d).or_default().push(r);
            }
        }
        by_deck
    }
}

/// Runs the command; returns the exit code.
pub fn run(a: &DueArgs) -> i32 {
    let clock = match a.clock.clock() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let paths = super::paths_or_here(&a.paths);
    let mut found = Found::new();
    // Each note's rows and counts are found on any core, then merged in the order of the notes.
    let failed = super::each_note_par(
        &paths,
        |t, _, note, _| {
            let mut f = Found::new();
            for c in &note.cards {
                if a.deck.as_deref().is_none_or(|d| in_deck(&c.decks, d)) {
                    f.add(&t.display, c, &clock);
                }
            }
            f
        },
        |_, f| {
            found.merge(f);
            std::ops::ControlFlow::Continue(())
        },
    );
    let mut out = Output::new();
    if a.json {
        writeln!(out, "{}", as_json(&found, &clock, a.forecast));
    } else {
        as_text(&mut out, &found, &clock, a.forecast);
    }
    out.finish(if failed { 2 } else { 0 })
}

fn as_json(found: &Found, clock: &Clock, forecast: bool) -> Value {
    let rows = &found.rows;
    json!({
        "today": clock.today.format("%Y-%m-%d").to_string(),
        "total": found.total,
        "decks": found.by_deck().keys().map(|d| json!({
            "deck": d,
            "due": found.decks[*d].due,
            "new": found.decks[*d].new,
        })).collect::<Vec<_>>(),
        "cards": rows.iter().map(|r| json!({
            "file": r.file, "line": r.line, "first_line": r.first_line, "decks": r.decks, "type": r.kind,
            "question": r.question, "state": if r.due { "due" } else { "new" },
            "due": r.label, "schedule": r.schedule,
        })).collect::<Vec<_>>(),
        "forecast": if forecast {
            Value::Array(found.forecast.iter().enumerate().map(|(i, n)| json!({
                "date": (clock.today + chrono::Days::new(i as u64)).format("%Y-%m-%d").to_string(),
                "due": n,
            })).collect())
        } else { Value::Null },
    })
}

fn as_text(out: &mut Output, found: &Found, clock: &Clock, forecast: bool) {
    for (deck, rs) in &found.by_deck() {
        let counts = found.decks[*deck];
        writeln!(out, "{deck}  ({} due, {} new)", counts.due, counts.new);
        for r in rs {
            writeln!(out, "  {}:{}  {}  {}", r.file, r.line, r.label, r.question);
        }
        if !out.ok() {
            return;
        }
    }
    writeln!(
        out,
        "{} due, {} new ({})",
        found.total.due,
        found.total.new,
        clock.today.format("%Y-%m-%d")
    );
    if forecast {
        writeln!(out, "forecast:");
        for (i, n) in found.forecast.iter().enumerate() {
            let day = clock.today + chrono::Days::new(i as u64);
            writeln!(out, "  {}  {n}", day.format("%Y-%m-%d %a"));
        }
    }
}
