//! `srls.stats` gives the numbers `srls stats --json` gives (and so the plugin's), over the
//! workspace's vault.

use crate::client::{Client, file_uri};
use serde_json::{Value, json};
use std::path::Path;

#[tokio::test]
async fn stats_command_equals_the_cli() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    for name in ["Atlinx__gre-text", "currently-coding__knowledge"] {
        let vault = corpus.join(name);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
            .args([
                "stats",
                "--json",
                "--period",
                "lifetime",
                "--today",
                "2024-06-01",
            ])
            .arg(&vault)
            .env("SRLS_TZ", "UTC")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cli: Value = serde_json::from_slice(&out.stdout).unwrap();

        let mut c = Client::start();
        let init = json!({"today": "2024-06-01", "now": "2024-06-01T00:00:00Z"});
        c.initialize(&["utf-16"], false, init, Some(&file_uri(&vault)))
            .await;
        let r = c
            .request(
                "workspace/executeCommand",
                json!({"command": "srls.stats", "arguments": [{"period": "lifetime"}]}),
            )
            .await;
        // The same report: every chart, the decks, the notes table, the vault's name and date.
        assert_eq!(r, cli, "{name}");
        assert!(
            r["forecast"]["counts"]
                .as_array()
                .is_some_and(|c| !c.is_empty()),
            "{name}"
        );
        let e = c
            .request_raw(
                "workspace/executeCommand",
                json!({"command": "srls.stats", "arguments": [{"period": "decade"}]}),
            )
            .await;
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("lifetime"),
            "{e}"
        );
    }
}

/// The text view (`"format": "text"`, what Neovim's `:SrlsStats` shows) is what `srls stats`
/// prints without colour; a note that cannot be read is named in its footnote, and in the JSON.
#[tokio::test]
async fn stats_text_is_the_cli_view_with_unreadable_notes_named() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path();
    std::fs::create_dir(vault.join(".obsidian")).unwrap();
    std::fs::write(
        vault.join("a.md"),
        "#flashcards\nQ1::A1\n<!--SR:!2024-06-03,3,250-->\nQ2::A2\n",
    )
    .unwrap();
    std::fs::write(vault.join("bad.md"), b"#flashcards\nQ::\xff\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
        .args(["stats", "--today", "2024-06-01"])
        .arg(vault)
        .env("SRLS_TZ", "UTC")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let cli_text = String::from_utf8(out.stdout).unwrap();
    assert!(cli_text.contains("bad.md"), "{cli_text}");
    // The CLI names a note as given on its command line, the server from the vault's root.
    let cli_text = cli_text.replace(&format!("{}/", vault.display()), "");

    let mut c = Client::start();
    let init = json!({"today": "2024-06-01", "now": "2024-06-01T00:00:00Z"});
    c.initialize(&["utf-16"], false, init, Some(&file_uri(vault)))
        .await;
    let r = c
        .request(
            "workspace/executeCommand",
            json!({"command": "srls.stats", "arguments": [{"format": "text"}]}),
        )
        .await;
    assert_eq!(r["text"].as_str(), Some(cli_text.as_str()));
    assert_eq!(r["unreadable"][0]["file"], "bad.md", "{r}");
    assert!(
        r["unreadable"][0]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("not UTF-8 text")),
        "{r}"
    );
    assert_eq!(r["card_types"]["counts"], json!([1, 1, 0]), "{r}");

    let e = c
        .request_raw(
            "workspace/executeCommand",
            json!({"command": "srls.stats", "arguments": [{"format": "svg"}]}),
        )
        .await;
    assert!(
        e["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("\"text\"")),
        "{e}"
    );
}
