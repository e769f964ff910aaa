//! `srls stats` as a user runs it: the built binary on corpus vaults and on small vaults made
//! here (no cards, an unreadable note, bad arguments, a closed pipe).

use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// How many vaults the failure lines name.
fn failing(failures: &[String]) -> usize {
    let mut names: Vec<&str> = failures
        .iter()
        .filter_map(|f| f.split(' ').next())
        .collect();
    names.dedup();
    names.len()
}

fn srls(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_srls"))
        .args(args)
        .env("SRLS_TZ", "UTC")
        .env_remove("SRLS_TODAY")
        .env_remove("SRLS_NOW")
        .output()
        .expect("srls runs")
}

fn json_of(args: &[&str]) -> Value {
    let out = srls(args);
    assert!(
        out.status.success(),
        "{:?}: {}",
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("--json prints JSON")
}

/// A vault folder (with `.obsidian/`) holding `notes` (path, bytes).
fn vault(notes: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".obsidian")).unwrap();
    for (path, bytes) in notes {
        std::fs::write(dir.path().join(path), bytes).unwrap();
    }
    dir
}

#[test]
fn json_lifetime_is_the_plugins_page_for_every_corpus_vault() {
    let text = std::fs::read_to_string(shared().join("spec/stats-cases.json")).unwrap();
    let cases: Value = serde_json::from_str(&text).unwrap();
    let vaults = cases["vaults"].as_object().unwrap();
    let mut failures = Vec::new();
    for (name, want) in vaults {
        let dir = shared().join("corpus").join(name);
        let dir = dir.to_str().unwrap();
        let got = json_of(&[
            "stats",
            "--json",
            "--period",
            "lifetime",
            "--today",
            "2024-06-01",
            dir,
        ]);
        for chart in ["forecast", "intervals", "eases", "card_types"] {
            for field in ["labels", "counts", "summary"] {
                if got[chart][field] != want[chart][field] {
                    failures.push(format!("{name} {chart}.{field}"));
                }
            }
        }
        for field in ["stats", "note_eases", "notes_scanned"] {
            if got[field] != want[field] {
                failures.push(format!("{name} {field}"));
            }
        }
        assert_eq!(got["vault"], name.as_str());
        assert_eq!(got["period"], "lifetime");
    }
    println!(
        "srls stats --json: {}/{} vaults match",
        vaults.len() - failing(&failures),
        vaults.len()
    );
    assert!(failures.is_empty(), "differ: {failures:?}");
}

#[test]
fn the_period_cuts_forecast_and_intervals_only() {
    let dir = shared().join("corpus/Atlinx__gre-text");
    let dir = dir.to_str().unwrap();
    let all = json_of(&[
        "stats",
        "--json",
        "--period",
        "lifetime",
        "--today",
        "2024-06-01",
        dir,
    ]);
    let month = json_of(&["stats", "--json", "--today", "2024-06-01", dir]);
    assert_eq!(month["period"], "month");
    let total = all["forecast"]["labels"].as_array().unwrap().len();
    assert!(total > 31, "the test needs a forecast longer than a month");
    assert_eq!(month["forecast"]["labels"].as_array().unwrap().len(), 31);
    assert_eq!(month["forecast"]["summary"], all["forecast"]["summary"]);
    assert_eq!(month["eases"], all["eases"]);
    let quarter = json_of(&[
        "stats",
        "--json",
        "--period",
        "Quarter",
        "--today",
        "2024-06-01",
        dir,
    ]);
    assert_eq!(
        quarter["forecast"]["counts"].as_array().unwrap().len(),
        91.min(total)
    );
}

#[test]
fn an_unknown_period_lists_the_valid_ones() {
    let out = srls(&["stats", "--period", "week", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("week") && err.contains("month, quarter, year, lifetime"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_vault_without_cards_gives_empty_charts_and_a_sentence() {
    let v = vault(&[("plain.md", b"# Just a note\n\nNo cards here.\n")]);
    let dir = v.path().to_str().unwrap();
    let out = srls(&["stats", "--today", "2024-06-01", dir]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("No flashcards in the 1 note read"), "{text}");
    assert!(text.contains("Average: 0.0 reviews/day"), "{text}");
    assert!(
        text.contains("Longest interval: -Infinity day(s)"),
        "{text}"
    );
    let j = json_of(&["stats", "--json", "--today", "2024-06-01", dir]);
    assert!(
        j["message"]
            .as_str()
            .is_some_and(|m| m.contains("No flashcards"))
    );
    assert_eq!(j["intervals"]["labels"], Value::Array(vec![]));
    assert_eq!(j["card_types"]["counts"], serde_json::json!([0, 0, 0]));
}

#[test]
fn unreadable_notes_are_counted_and_named_in_a_footnote() {
    let v = vault(&[
        (
            "good.md",
            b"#flashcards\nQ::A <!--SR:!2024-06-03,4,250-->\n",
        ),
        ("broken.md", b"#flashcards\nQ::\xff\xfe\n"),
    ]);
    let dir = v.path().to_str().unwrap();
    let out = srls(&["stats", "--today", "2024-06-01", dir]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("* 1 note could not be read"), "{text}");
    assert!(text.contains("broken.md: not UTF-8"), "{text}");
    let j = json_of(&["stats", "--json", "--today", "2024-06-01", dir]);
    // Paths as given: the folder argument was absolute.
    assert_eq!(j["unreadable"][0]["file"], format!("{dir}/broken.md"));
    assert_eq!(j["stats"]["young"], 1);
    assert_eq!(j["notes_scanned"], 1);
}

#[test]
fn deck_narrows_to_the_deck_and_its_sub_decks() {
    let v = vault(&[(
        "n.md",
        b"#flashcards/geo\nQ1::A <!--SR:!2024-06-03,40,250-->\n\n#flashcards/geo/eu\nQ2::A\n\n#flashcards/hist\nQ3::A <!--SR:!2024-05-20,3,230-->\n",
    )]);
    let dir = v.path().to_str().unwrap();
    let all = json_of(&["stats", "--json", "--today", "2024-06-01", dir]);
    let geo = json_of(&[
        "stats",
        "--json",
        "--today",
        "2024-06-01",
        "--deck",
        "flashcards/geo",
        dir,
    ]);
    assert_eq!(geo["deck"], "flashcards/geo");
    assert_eq!(
        geo["stats"],
        serde_json::json!({"new": 1, "young": 0, "mature": 1})
    );
    let listed = all["decks"].as_array().unwrap();
    let names: Vec<&str> = listed.iter().map(|d| d["deck"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "flashcards",
            "flashcards/geo",
            "flashcards/geo/eu",
            "flashcards/hist"
        ]
    );
    assert_eq!(listed[1]["stats"], geo["stats"]);
    assert_eq!(all["overdue"]["overdue"], 1);
    assert_eq!(geo["overdue"]["overdue"], 0);
}

#[test]
fn text_output_fits_80_columns_without_colour_in_a_pipe() {
    let dir = shared().join("corpus/GeniusMilk__enotebook");
    let out = srls(&[
        "stats",
        "--period",
        "lifetime",
        "--today",
        "2024-06-01",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "colour in a pipe");
    for needle in [
        "reviews/day",
        "Average interval",
        "Longest interval",
        "Average ease",
        "█",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // A card due in 2090 makes a forecast of ~24,000 bars: far more JSON than a pipe holds.
    let v = vault(&[("n.md", b"#flashcards\nQ::A <!--SR:!2090-01-01,5,250-->\n")]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_srls"))
        .args([
            "stats",
            "--json",
            "--period",
            "lifetime",
            "--today",
            "2024-06-01",
        ])
        .arg(v.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert!(err.is_empty(), "stderr: {err}");
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    // util-linux's `script` gives the command a pseudo-terminal.
    if Command::new("script").arg("--version").output().is_err() {
        println!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let dir = shared().join("corpus/Arminismus__Notes");
    let cmd = format!(
        "{} stats --today 2024-06-01 {}",
        env!("CARGO_BIN_EXE_srls"),
        dir.display()
    );
    let on_tty = |no_color: bool| {
        let mut c = Command::new("script");
        c.args(["-qec", &cmd, "/dev/null"]).env_remove("NO_COLOR");
        if no_color {
            c.env("NO_COLOR", "1");
        }
        let out = c.output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(
        on_tty(false).contains("\x1b[36m"),
        "no colour on a terminal"
    );
    assert!(!on_tty(true).contains('\x1b'), "colour despite NO_COLOR");
}
