//! One rule for counts: on every vault of `../shared/corpus`, `srls due`, `srls.dueSummary`
//! (what the VS Code status bar shows) and the sum of the notes' code lenses give the same due
//! and new counts.

use crate::client::{Client, file_uri};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const TODAY: &str = "2024-06-01";
const NOW: &str = "2024-06-01T12:00:00Z";

fn corpus_vaults() -> Vec<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(".obsidian").is_dir())
        .collect();
    v.sort();
    v
}

fn cli_totals(vault: &Path) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
        .args(["due", "--json", "--today", TODAY, "--now", NOW])
        .arg(vault)
        .output()
        .expect("srls due");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v["total"].clone()
}

/// `N due · M new` at the start of a lens title.
fn lens_counts(lens: &Value) -> (u64, u64) {
    let title = lens[0]["command"]["title"]
        .as_str()
        .unwrap_or("0 due · 0 new");
    let mut words = title.split(' ');
    let due = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
    let new = words.nth(2).and_then(|w| w.parse().ok()).unwrap_or(0);
    (due, new)
}

async fn server_totals(vault: &Path, notes: &[PathBuf]) -> (Value, Value) {
    let mut c = Client::start();
    let root = file_uri(vault);
    c.initialize(
        &["utf-16"],
        false,
        json!({"today": TODAY, "now": NOW}),
        Some(&root),
    )
    .await;
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
    let summary = c
        .request(
            "workspace/executeCommand",
            json!({"command": "srls.dueSummary", "arguments": []}),
        )
        .await;
    let (mut due, mut new) = (0, 0);
    for (i, n) in notes.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(n) else {
            continue;
        };
        let uri = file_uri(n);
        c.open(&uri, &text, 1);
        let lens = c
            .request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": uri}}),
            )
            .await;
        let (d, w) = lens_counts(&lens);
        (due, new) = (due + d, new + w);
        if i % 20 == 19 {
            c.notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            );
        }
    }
    c.shutdown().await;
    (summary["total"].clone(), json!({"due": due, "new": new}))
}

fn notes_of(vault: &Path) -> Vec<PathBuf> {
    let v = srls::workspace::vault::Vault::of(&vault.join("x.md"), &Default::default());
    v.note_paths()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_summary_code_lens_and_cli_agree_on_every_corpus_vault() {
    let vaults = corpus_vaults();
    assert!(vaults.len() >= 10, "{vaults:?}");
    let mut nonzero = 0;
    for v in &vaults {
        let cli = cli_totals(v);
        let (summary, lenses) = server_totals(v, &notes_of(v)).await;
        assert_eq!(cli, summary, "{}: srls due vs srls.dueSummary", v.display());
        assert_eq!(cli, lenses, "{}: srls due vs the code lenses", v.display());
        nonzero += usize::from(cli["due"].as_u64() > Some(0));
    }
    assert!(
        nonzero >= 3,
        "too few vaults with due cards to mean anything"
    );
}
