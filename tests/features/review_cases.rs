//! `review-cases.jsonl`: 300 sessions computed by the plugin's own deck tree, queue loader and
//! sequencer. Each is replayed through [`srls::features::review::Session`], answering Good until
//! no card is left: the deck list, the status bar, the order of the cards and every rewritten
//! note must be the plugin's.

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use srls::features::due::add_note;
use srls::features::review::{Mode, Options, ReviewNote, Scope, Session, single_note_settings};
use srls::note::{NoteContext, parse_note};
use srls::plugin::schedule::{Histogram, Response};
use srls::plugin::settings::Settings;
use std::collections::BTreeMap;
use std::path::PathBuf;

const CASES: &str = "../shared/spec/review-cases.jsonl";

struct Case {
    input: Value,
    today: NaiveDate,
    settings: Settings,
    notes: Vec<(String, String)>,
}

fn case(v: &Value) -> Case {
    let input = v["input"].clone();
    let today = NaiveDate::parse_from_str(input["today"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let mut settings = Settings::default();
    assert!(settings.merge(&input["settings"]).is_empty());
    let notes = input["notes"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, t)| (k.clone(), t.as_str().unwrap().to_string()))
        .collect();
    Case {
        input,
        today,
        settings,
        notes,
    }
}

fn review_note(path: &str, text: &str, settings: &Settings) -> ReviewNote {
    let context = NoteContext {
        vault_path: Some(path.to_string()),
    };
    ReviewNote {
        path: PathBuf::from(path),
        text: text.to_string(),
        note: parse_note(text, settings, &context),
        context,
    }
}

fn start(c: &Case, single: Option<&str>) -> Session {
    let now = Utc.from_utc_datetime(&c.today.and_hms_opt(0, 0, 0).unwrap());
    let all: Vec<ReviewNote> = c
        .notes
        .iter()
        .map(|(p, t)| review_note(p, t, &c.settings))
        .collect();
    let mut histogram = Histogram::new();
    for n in &all {
        add_note(&mut histogram, &n.note, c.today, now);
    }
    let (notes, settings) = match single {
        Some(p) => {
            let s = single_note_settings(&c.settings);
            let text = &c.notes.iter().find(|n| n.0 == p).unwrap().1;
            (vec![review_note(p, text, &s)], s)
        }
        None => (all, c.settings.clone()),
    };
    let o = Options {
        settings,
        scope: Scope {
            deck: c.input["start_deck"].as_str().map(str::to_string),
            single_note: single.is_some(),
        },
        mode: Mode::Review,
        seed: 1,
        today: c.today,
        now,
        tz: chrono_tz::UTC,
        histogram,
    };
    Session::start(notes, o).unwrap()
}

/// Runs one case; returns what differs from the plugin (empty when all is the same).
fn run(v: &Value) -> Vec<String> {
    let c = case(v);
    let single = c.input["single_note"].as_str();
    let mut s = start(&c, single);
    let mut bad = Vec::new();
    let rows: Vec<Value> = s
        .deck_rows()
        .iter()
        .map(|r| json!({"deck": r.deck, "due": r.due, "new": r.new, "total": r.total}))
        .collect();
    if Value::from(rows.clone()) != v["decks"] {
        bad.push(format!("decks: {rows:?}\n  want {}", v["decks"]));
    }
    let status = start(&c, None).status_bar();
    if json!(status) != v["status_bar"] {
        bad.push(format!("status_bar {status}, want {}", v["status_bar"]));
    }
    let mut texts: BTreeMap<String, String> = c.notes.iter().cloned().collect();
    // Lines are reported in the notes as given, before any answer moved them.
    let first_lines: BTreeMap<String, Vec<usize>> = c
        .notes
        .iter()
        .map(|(p, t)| {
            let s = if single.is_some() {
                single_note_settings(&c.settings)
            } else {
                c.settings.clone()
            };
            let n = review_note(p, t, &s).note;
            (p.clone(), n.cards.iter().map(|c| c.first_line).collect())
        })
        .collect();
    let mut written = BTreeMap::new();
    let mut seq = Vec::new();
    while let Some(item) = s.current() {
        let file = item.path.to_string_lossy().to_string();
        seq.push(json!({"file": file, "line": first_lines[&file][item.card], "sibling": item.sibling, "deck": item.deck}));
        if seq.len() > 10_000 {
            bad.push("the session does not end".into());
            return bad;
        }
        let eff = s.answer(item.id, Response::Good).unwrap();
        if let Some(e) = eff.edit {
            assert_eq!(
                texts[&file], e.old_text,
                "the edit starts from the text on 'disk'"
            );
            texts.insert(file.clone(), e.new_text.clone());
            written.insert(file, Value::from(e.new_text));
        }
    }
    if Value::from(seq.clone()) != v["sequence"] {
        bad.push(format!("sequence: {seq:?}\n  want {}", v["sequence"]));
    }
    let written = Value::Object(written.into_iter().collect());
    if written != v["written"] {
        for (k, want) in v["written"].as_object().unwrap() {
            if written.get(k) != Some(want) {
                bad.push(format!(
                    "written {k}:\n{}\n  want\n{}",
                    written.get(k).and_then(Value::as_str).unwrap_or("<none>"),
                    want.as_str().unwrap()
                ));
            }
        }
        if bad.is_empty() {
            bad.push(format!("written notes: {written}"));
        }
    }
    bad
}

#[test]
fn all_review_cases_match_the_plugin() {
    let text = std::fs::read_to_string(CASES).expect("../shared/spec beside the repository");
    let cases: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(cases.len(), 300);
    let mut failed = Vec::new();
    for v in &cases {
        let bad = run(v);
        if !bad.is_empty() {
            failed.push(format!("{}:\n{}", v["id"], bad.join("\n")));
        }
    }
    let shown: Vec<&String> = failed.iter().take(5).collect();
    assert!(
        failed.is_empty(),
        "{} of 300 cases differ; first ones:\n{}",
        failed.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
