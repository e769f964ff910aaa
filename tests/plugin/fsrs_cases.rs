//! Replays every FSRS review of `fsrs-cases.jsonl` (computed by the plugin's own code) and
//! requires the whole comment the plugin wrote to match exactly.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::Value;
use srls::plugin::js::number::parse_int;
use srls::plugin::schedule::Response;
use srls::plugin::schedule::fsrs::{self, FsrsCard, FsrsParams, FsrsPrev};
use srls::plugin::schedule::sm2::{self, Sm2Outcome, Sm2Prev};

fn spec_file(name: &str) -> PathBuf {
    let dir = std::env::var("SRLS_SPEC_DIR").unwrap_or_else(|_| "/work/shared/spec".to_owned());
    PathBuf::from(dir).join(name)
}

/// One sibling's schedule as the plugin reads it from the comment.
#[derive(Debug, Clone)]
enum Group {
    New,
    Sm2(Sm2Prev),
    Fsrs(FsrsCard),
}

/// Splits the first `<!--SR:…-->` body on `!`, trims and drops empty pieces, and reads each
/// piece: `fsrs,` pieces as FSRS, `2000-01-01` as new, others as SM-2 with `parseInt`.
fn read_groups(comment: &str, tz: Tz) -> Vec<Group> {
    let Some(start) = comment.find("<!--SR:") else {
        return Vec::new();
    };
    let body = &comment[start + 7..];
    let body = &body[..body.find("-->").expect("a closed comment")];
    body.split('!')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|piece| {
            if piece.starts_with("fsrs,") {
                FsrsCard::parse_segment_in(piece, tz)
                    .map(Group::Fsrs)
                    .unwrap_or(Group::New)
            } else {
                let mut fields = piece.split(',');
                let date = fields.next().unwrap_or("");
                let interval = parse_int(fields.next().unwrap_or(""));
                let ease = parse_int(fields.next().unwrap_or(""));
                match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                    Ok(d) if d == sm2::PLACEHOLDER_DATE => Group::New,
                    Ok(due) => Group::Sm2(Sm2Prev {
                        due,
                        interval,
                        ease,
                    }),
                    Err(_) => Group::New,
                }
            }
        })
        .collect()
}

fn write_group(g: &Group) -> String {
    match g {
        Group::New => sm2::placeholder_group(250.0),
        Group::Sm2(p) => sm2::format_group(&Sm2Outcome {
            due: p.due,
            interval: p.interval,
            ease: p.ease,
        }),
        Group::Fsrs(c) => c.to_segment(),
    }
}

#[test]
fn every_fsrs_case_matches() {
    let path = spec_file("fsrs-cases.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut failures = Vec::new();
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
        let now: DateTime<Utc> =
            fsrs::parse_instant(input["now"].as_str().unwrap(), Tz::UTC).expect("a review time");
        let tz: Tz = input["tz"]
            .as_str()
            .unwrap_or("UTC")
            .parse()
            .expect("an IANA zone");
        let mut params = FsrsParams::default();
        if let Some(r) = input["settings"]["fsrsDesiredRetention"].as_f64() {
            params.desired_retention = r;
        }
        if let Some(m) = input["settings"]["maximumInterval"].as_f64() {
            params.maximum_interval = m;
        }
        let cards = input["cards"].as_u64().unwrap_or(1) as usize;
        let index = input["card_index"].as_u64().unwrap_or(0) as usize;
        let mut groups = read_groups(input["comment"].as_str().unwrap_or(""), tz);
        groups.resize(cards, Group::New);

        let prev = match &groups[index] {
            Group::New => FsrsPrev::New,
            Group::Sm2(p) => FsrsPrev::Sm2(p),
            Group::Fsrs(c) => FsrsPrev::Fsrs(c),
        };
        let want = case["output"]["comment"].as_str().unwrap();
        match fsrs::try_review(&params, prev, r, now, tz) {
            Ok(Some(card)) => {
                groups[index] = Group::Fsrs(card);
                let got: String = groups.iter().map(write_group).collect();
                let got = format!("<!--SR:{got}-->");
                if got != want {
                    failures.push(format!(
                        "line {line_no}:\n  got  {got}\n  want {want}\n  {line}"
                    ));
                }
            }
            Ok(None) => failures.push(format!("line {line_no}: nothing written, want {want}")),
            Err(e) => failures.push(format!("line {line_no}: error {e}, want {want}")),
        }
    }
    for f in &failures {
        eprintln!("{f}");
    }
    eprintln!("fsrs-cases: {} of {total} matched", total - failures.len());
    assert!(failures.is_empty(), "{} failures", failures.len());
    assert_eq!(total, 2071);
}
