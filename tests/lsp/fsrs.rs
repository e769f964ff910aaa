//! FSRS in the editor: hints and hover on learning and review cards, and grading that writes
//! exactly what the plugin wrote in its own vectors.

use crate::client::{Client, apply, file_uri, vault};
use serde_json::json;

const LEARNING: &str =
    "<!--SR:!fsrs,2024-01-12T09:32:32.000Z,0,1.2931,5.11217071,1,1,0,0,2024-01-12T09:26:32.000Z-->";
const REVIEW: &str =
    "<!--SR:!fsrs,2024-01-20T00:00:00.000Z,10,10.5,5.5,2,3,0,0,2024-01-10T00:00:00.000Z-->";
// fsrs-cases.jsonl line 2: Hard at 2024-01-12T09:36:16Z on the learning card.
const AFTER_HARD: &str =
    "<!--SR:!fsrs,2024-01-12T09:42:16.000Z,0,1.2931,6.74045952,1,2,0,0,2024-01-12T09:36:16.000Z-->";

#[tokio::test]
async fn fsrs_hints_hover_and_grading() {
    let note = format!("#flashcards\n\nLearn::ing\n{LEARNING}\n\nRev::iew\n{REVIEW}\n\nNew::one\n");
    let dir = vault(&[
        (
            "V/.obsidian/plugins/obsidian-spaced-repetition/data.json",
            r#"{"settings": {"algorithm": "FSRS"}}"#,
        ),
        ("V/n.md", &note),
    ]);
    let path = dir.path().join("V/n.md");
    let uri = file_uri(&path);
    let mut c = Client::start();
    c.initialize(
        &["utf-8"],
        false,
        json!({"now": "2024-01-12T09:23:32Z"}),
        None,
    )
    .await;
    c.open(&uri, &note, 1);

    let r = c
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}}}),
        )
        .await;
    let labels: Vec<&str> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        vec!["due in 9m · learning step 1/2", "due in 8d", "new"]
    );

    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 1}}),
        )
        .await;
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(
        v.contains("FSRS Review · stability 10.5 · difficulty 5.5 · retrievability 9"),
        "{v}"
    );
    assert!(v.contains("next: Again 10m · Hard"), "{v}");

    // Grade the learning card at the vector's instant.
    *c.configuration.lock().unwrap() = json!({"now": "2024-01-12T09:36:16Z"});
    c.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    // Wait until the new instant is in force (the learning card's hint turns "due now").
    let mut ok = false;
    for _ in 0..100 {
        let r = c
            .request(
                "textDocument/inlayHint",
                json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 200}}}),
            )
            .await;
        if r[0]["label"].as_str().unwrap_or("").starts_with("due now") {
            ok = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(ok, "the new instant was not applied");
    let actions = c.code_actions(&uri, 2, 0, &[]).await;
    let a = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Grade: Hard ·"))
        })
        .unwrap()
        .clone();
    let r = c.request("codeAction/resolve", a).await;
    let out = apply(
        &note,
        r["edit"]["documentChanges"][0]["edits"].as_array().unwrap(),
        "utf-8",
    );
    assert_eq!(out, note.replace(LEARNING, AFTER_HARD));

    // The CLI writes the same.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
        .args([
            "grade",
            &format!("{}:3", path.display()),
            "hard",
            "--now",
            "2024-01-12T09:36:16Z",
        ])
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), out);
}
