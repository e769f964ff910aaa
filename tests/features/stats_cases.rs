//! The plugin's own statistics page numbers (`../shared/spec/stats-cases.json`, computed by the
//! plugin's code for every corpus vault on 2024-06-01 in UTC) against `features::stats`.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde_json::Value;
use srls::features::stats::{self, StatsClock, StatsNote, local_midnight};
use srls::note::Note;
use srls::workspace::vault::{Vault, vault_relative};
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

fn cases() -> Value {
    let text = std::fs::read_to_string(shared().join("spec/stats-cases.json"))
        .expect("../shared/spec/stats-cases.json");
    serde_json::from_str(&text).expect("stats-cases.json is JSON")
}

/// srls's statistics of a vault folder as JSON, at the cases' clock.
fn srls_stats(dir: &Path, today: NaiveDate) -> Value {
    let vault = Vault::of(dir, &Default::default());
    let mut parsed: Vec<(String, Note)> = Vec::new();
    for p in vault.note_paths() {
        let text = std::fs::read_to_string(&p).expect("corpus notes are UTF-8");
        let rel = vault_relative(vault.root.as_deref(), &p).expect("note inside its vault");
        parsed.push((rel, vault.parse(&text, Some(&p))));
    }
    let notes: Vec<StatsNote> = parsed
        .iter()
        .map(|(path, note)| StatsNote { path, note })
        .collect();
    let clock = StatsClock {
        today,
        now: local_midnight(today, Tz::UTC),
        tz: Tz::UTC,
    };
    serde_json::to_value(stats::compute(&notes, &vault.settings, &clock, None)).unwrap()
}

/// The fields of `want` that `got` has differently, as `field: want != got` lines.
fn differences(want: &Value, got: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for chart in ["forecast", "intervals", "eases", "card_types"] {
        let Some(fields) = want[chart].as_object() else {
            out.push(format!("{chart}: missing from the cases"));
            continue;
        };
        for (field, w) in fields {
            if &got[chart][field] != w {
                out.push(format!("{chart}.{field}: {w} != {}", got[chart][field]));
            }
        }
    }
    for field in ["stats", "note_eases", "notes_scanned"] {
        if got[field] != want[field] {
            out.push(format!("{field}: {} != {}", want[field], got[field]));
        }
    }
    out
}

#[test]
fn every_corpus_vault_matches_the_plugin() {
    let cases = cases();
    assert_eq!(cases["time_zone"], "UTC");
    let today = NaiveDate::parse_from_str(cases["today"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let vaults = cases["vaults"].as_object().expect("vaults");
    assert!(
        vaults.len() >= 18,
        "only {} vaults in the cases",
        vaults.len()
    );
    let mut failures = Vec::new();
    for (name, want) in vaults {
        let got = srls_stats(&shared().join("corpus").join(name), today);
        let diff = differences(want, &got);
        if !diff.is_empty() {
            failures.push(format!("{name}:\n  {}", diff.join("\n  ")));
        }
    }
    println!(
        "stats-cases: {}/{} vaults match",
        vaults.len() - failures.len(),
        vaults.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_comparison_sees_a_difference() {
    // A guard on the test itself: a changed count or summary must be reported.
    let cases = cases();
    let (name, want) = cases["vaults"].as_object().unwrap().iter().next().unwrap();
    let today = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let mut got = srls_stats(&shared().join("corpus").join(name), today);
    assert!(differences(want, &got).is_empty());
    got["eases"]["summary"] = Value::from("Average ease: 1");
    got["stats"]["new"] = Value::from(12345);
    assert_eq!(differences(want, &got).len(), 2);
}
