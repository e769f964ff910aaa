//! Replays every SM-2-OSR review of `schedule-cases.jsonl` (computed by the plugin's own
//! scheduling code) and requires interval, ease, due date and comment to match exactly.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::Value;
use srls::plugin::schedule::sm2::{self, Sm2Params, Sm2Prev};
use srls::plugin::schedule::{Histogram, Response};

fn spec_file(name: &str) -> PathBuf {
    let dir = std::env::var("SRLS_SPEC_DIR").unwrap_or_else(|_| "/work/shared/spec".to_owned());
    PathBuf::from(dir).join(name)
}

fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(v.as_str().expect("a date string"), "%Y-%m-%d").expect("a date")
}

#[test]
fn every_schedule_case_matches() {
    let path = spec_file("schedule-cases.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut failures = Vec::new();
    let mut failed_lines = std::collections::BTreeSet::new();
    let mut total = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        total += 1;
        let line_no = n + 1;
        let case: Value = serde_json::from_str(line).expect("valid JSON");
        let input = &case["input"];
        let r: Response = input["grade"].as_str().unwrap().parse().unwrap();
        let today = date(&input["today"]);
        let params = Sm2Params {
            load_balance: input["load_balance"].as_bool().unwrap(),
            ..Sm2Params::default()
        };
        let prev = if input["new"].as_bool().unwrap_or(false) {
            None
        } else {
            Some(Sm2Prev {
                due: date(&input["due"]),
                interval: input["interval"].as_f64().unwrap(),
                ease: input["ease"].as_f64().unwrap(),
            })
        };
        let note_ease = input["note_ease"].as_f64();
        let mut h = Histogram::new();
        if let Some(obj) = input["histogram"].as_object() {
            for (k, v) in obj {
                h.insert(k.parse().unwrap(), v.as_u64().unwrap() as u32);
            }
        }

        let failures_start = failures.len();
        let answer = sm2::Sm2Answer {
            prev: prev.as_ref(),
            note_ease,
            response: r,
            today,
            histogram: &h,
        };
        let got = sm2::schedule(&params, &answer);
        let want = (
            case["interval"].as_f64().unwrap(),
            case["ease"].as_f64().unwrap(),
            date(&case["due"]),
            case["comment"].as_str().unwrap().to_owned(),
        );
        match &got {
            Ok(o) => {
                let comment = format!("<!--SR:{}-->", sm2::format_group(o));
                let got = (o.interval, o.ease, o.due, comment);
                if got != want {
                    failures.push(format!(
                        "line {line_no}: got {got:?}, want {want:?}\n  {line}"
                    ));
                }
            }
            Err(e) => failures.push(format!(
                "line {line_no}: error {e}, want {want:?}\n  {line}"
            )),
        }

        // `review` is `schedule` except for Reset on a new card, which writes nothing.
        let reviewed = sm2::review(&params, &answer);
        if r == Response::Reset && prev.is_none() {
            if reviewed.is_some() {
                failures.push(format!(
                    "line {line_no}: review wrote a reset of a new card"
                ));
            }
        } else if reviewed != got.clone().ok() {
            failures.push(format!("line {line_no}: review differs from schedule"));
        }
        if failures.len() > failures_start {
            failed_lines.insert(line_no);
        }
    }
    for f in &failures {
        eprintln!("{f}");
    }
    eprintln!(
        "schedule-cases: {} of {total} matched",
        total - failed_lines.len()
    );
    assert!(failures.is_empty(), "{} failures", failures.len());
    assert_eq!(total, 2400);
}
