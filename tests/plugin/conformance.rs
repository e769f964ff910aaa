//! Conformance with the plugin: the corpus (`expected.jsonl`), the spec's cases
//! (`osr-cases.json`) and the mutated notes (`mutant-cases.jsonl`).

use serde_json::Value;
use srls::features::report::card_json;
use srls::note::{NoteContext, parse_note};
use srls::plugin::settings::Settings;
use srls::workspace::vault;
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// Compares the fields the plugin's output is checked on. `text_too`: question/answer as well.
fn compare(label: &str, got: &[Value], want: &[Value], text_too: bool, failures: &mut Vec<String>) {
    if got.len() != want.len() {
        failures.push(format!(
            "{label}: {} cards, expected {}\n  got:  {}\n  want: {}",
            got.len(),
            want.len(),
            summary(got),
            summary(want)
        ));
        return;
    }
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let mut keys = vec!["type", "first_line", "last_line", "schedule", "deck"];
        if text_too && w["type"] != "Cloze" {
            keys.extend(["question", "answer"]);
        }
        for k in keys {
            if w.get(k).is_some() && g[k] != w[k] {
                failures.push(format!(
                    "{label}: card {i} (line {}): `{k}` differs\n  got:  {}\n  want: {}",
                    w["first_line"], g[k], w[k]
                ));
            }
        }
        let ns = |v: &Value| v["sides"].as_array().map_or(0, Vec::len);
        let want_sides = w
            .get("siblings")
            .and_then(Value::as_u64)
            .map_or(ns(w), |n| n as usize);
        if ns(g) != want_sides {
            failures.push(format!(
                "{label}: card {i} (line {}): {} sides, expected {}",
                w["first_line"],
                ns(g),
                want_sides
            ));
        }
    }
}

fn summary(cards: &[Value]) -> String {
    cards
        .iter()
        .map(|c| {
            format!(
                "{}[{},{}]",
                c["type"].as_str().unwrap_or("?"),
                c["first_line"],
                c["last_line"]
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn finish(name: &str, total: usize, failures: Vec<String>) {
    eprintln!(
        "{name}: {} of {total} agree",
        total - failures.len().min(total)
    );
    if !failures.is_empty() {
        for f in failures.iter().take(40) {
            eprintln!("{f}");
        }
        panic!("{name}: {} mismatches", failures.len());
    }
}

#[test]
fn corpus_matches_expected() {
    let corpus = shared().join("corpus");
    let text = std::fs::read_to_string(corpus.join("expected.jsonl")).expect("expected.jsonl");
    let mut cache = vault::Vaults::default();
    let mut failures = Vec::new();
    let mut n = 0;
    for line in text.lines() {
        let exp: Value = serde_json::from_str(line).unwrap();
        let rel = exp["file"].as_str().unwrap();
        let path = corpus.join(rel);
        let (vs, _) = cache.for_file(&path);
        let settings = vs.settings.clone();
        let ctx = NoteContext {
            vault_path: vault::vault_relative(vs.root.as_deref(), &path),
        };
        let body = std::fs::read_to_string(&path).unwrap();
        let note = parse_note(&body, &settings, &ctx);
        let got: Vec<Value> = note.cards.iter().map(card_json).collect();
        let want = exp["cards"].as_array().unwrap();
        let before = failures.len();
        compare(rel, &got, want, true, &mut failures);
        let gate = exp["gate"]["flashcard_note"].as_bool().unwrap();
        if gate != note.is_flashcard_note {
            failures.push(format!(
                "{rel}: gate {} expected {gate}",
                note.is_flashcard_note
            ));
        }
        if failures.len() > before + 1 {
            failures.truncate(before + 1);
        }
        n += 1;
    }
    finish("corpus files", n, failures);
}

#[test]
fn corpus_tags_match_obsidian() {
    let corpus = shared().join("corpus");
    let text = std::fs::read_to_string(corpus.join("expected.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for line in text.lines() {
        let exp: Value = serde_json::from_str(line).unwrap();
        let rel = exp["file"].as_str().unwrap();
        let body = std::fs::read_to_string(corpus.join(rel)).unwrap();
        let note = parse_note(&body, &Settings::default(), &NoteContext::default());
        let got: Vec<&str> = note.tags.iter().map(|t| t.name.as_str()).collect();
        let want: Vec<&str> = exp["gate"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        if got != want {
            failures.push(format!("{rel}: tags\n  got:  {got:?}\n  want: {want:?}"));
        }
        n += 1;
    }
    finish("corpus tag lists", n, failures);
}

fn case_settings(base: &Value, over: Option<&Value>) -> Settings {
    let mut s = Settings::default();
    s.merge(base);
    if let Some(o) = over {
        s.merge(o);
    }
    s
}

#[test]
fn osr_cases() {
    let text = std::fs::read_to_string(shared().join("spec/osr-cases.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut failures = Vec::new();
    let cases = doc["cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut settings = case_settings(&doc["settings"], case.get("settings_override"));
        let input = case["input"].as_str().unwrap();
        // Cases without tags exercise the parser only: let every card in with a catch-all deck.
        let has_tag = input.contains('#');
        if !has_tag {
            settings.flashcard_tags = vec!["#flashcards".into()];
        }
        let note = parse_note(input, &settings, &NoteContext::default());
        let mut cards: Vec<_> = note.cards.iter().chain(note.dropped.iter()).collect();
        cards.sort_by_key(|c| (c.first_line, c.start));
        let mut got: Vec<Value> = cards.into_iter().map(card_json).collect();
        let want: Vec<Value> = case["cards"].as_array().unwrap().clone();
        // osr-cases trims question/answer and lists schedules as written.
        for g in &mut got {
            for k in ["question", "answer"] {
                let t = g[k].as_str().unwrap_or("").trim().to_string();
                g[k] = Value::String(t);
            }
        }
        // osr-cases lists one schedule per sibling (placeholders as null): normalise both sides.
        let norm = |v: &mut Value| {
            let n = v["siblings"].as_u64().unwrap_or(1) as usize;
            let n = if v.get("siblings").is_some() {
                n
            } else {
                v["sides"].as_array().map_or(1, Vec::len)
            };
            let sched = v["schedule"].as_array().cloned().unwrap_or_default();
            let mut s: Vec<Value> = sched
                .into_iter()
                .take(n)
                .map(|x| if x[0] == "2000-01-01" { Value::Null } else { x })
                .collect();
            s.resize(n, Value::Null);
            if s.iter().all(Value::is_null) {
                s.clear();
            }
            v["schedule"] = Value::Array(s);
        };
        let mut want_fixed = want.clone();
        for (w, g) in want_fixed.iter_mut().zip(&got) {
            w["deck"] = g["deck"].clone();
        }
        want_fixed.iter_mut().for_each(norm);
        got.iter_mut().for_each(norm);
        compare(name, &got, &want_fixed, true, &mut failures);
        // Decks, where the case states them.
        for (i, w) in want.iter().enumerate() {
            if let (Some(decks), Some(c)) = (w.get("decks"), note.cards.get(i)) {
                let want_decks: Vec<String> = decks
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| format!("#{}", d.as_str().unwrap()))
                    .collect();
                if c.decks != want_decks {
                    failures.push(format!(
                        "{name}: card {i} decks {:?}, expected {want_decks:?}",
                        c.decks
                    ));
                }
            }
        }
    }
    finish("osr cases", cases.len(), failures);
}

#[test]
fn mutant_cases() {
    let text = std::fs::read_to_string(shared().join("spec/mutant-cases.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let case: Value = serde_json::from_str(line).unwrap();
        let input = case["input"].as_str().unwrap();
        let note = parse_note(input, &Settings::default(), &NoteContext::default());
        let got: Vec<Value> = note.cards.iter().map(card_json).collect();
        let want: Vec<Value> = case["cards"].as_array().unwrap().clone();
        let before = failures.len();
        compare(
            &format!("mutant line {}", i + 1),
            &got,
            &want,
            true,
            &mut failures,
        );
        if failures.len() > before {
            failures.truncate(before + 1);
            failures[before].push_str(&format!("\n  input: {input:?}"));
        }
        n += 1;
    }
    finish("mutant notes", n, failures);
}
