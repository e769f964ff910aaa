//! `srls.review.*` over the protocol: a session over a vault, answers written to a closed note
//! on disk (what `srls grade` writes) and to an open one through a versioned
//! `workspace/applyEdit`, an edit made in the editor between showing a card and answering it,
//! undo, cram, the end; bad requests get clear errors.

use crate::client::{Client, apply, file_uri, vault};
use serde_json::{Value, json};
use std::path::Path;

const SETTINGS: &str = r#"{"settings": {"flashcardCardOrder": "DueFirstSequential"}}"#;
const A: &str = "#flashcards/geo\n\nParis::France\n<!--SR:!2025-01-01,3,250-->\n\nBerlin::Germany\n<!--SR:!2025-01-02,3,250-->\n";
const B: &str = "#flashcards/bio\n\nCell::Unit of life\n";
const TODAY: &str = "2025-01-03";

async fn command(c: &mut Client, name: &str, arg: Value) -> Value {
    c.request_raw(
        "workspace/executeCommand",
        json!({"command": name, "arguments": [arg]}),
    )
    .await
}

fn srls_grade(path: &Path, line: u64, response: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(
        dir.path()
            .join(".obsidian/plugins/obsidian-spaced-repetition"),
    )
    .unwrap();
    std::fs::write(
        dir.path()
            .join(".obsidian/plugins/obsidian-spaced-repetition/data.json"),
        SETTINGS,
    )
    .unwrap();
    let copy = dir.path().join(path.file_name().unwrap());
    std::fs::write(&copy, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
        .args([
            "grade",
            &format!("{}:{}", copy.display(), line + 1),
            response,
            "--today",
            TODAY,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(&copy).unwrap()
}

#[tokio::test]
async fn a_session_over_the_protocol() {
    let dir = vault(&[
        (
            ".obsidian/plugins/obsidian-spaced-repetition/data.json",
            SETTINGS,
        ),
        ("a.md", A),
        ("b.md", B),
    ]);
    let (a, b) = (dir.path().join("a.md"), dir.path().join("b.md"));
    let mut c = Client::start();
    c.initialize(
        &["utf-16"],
        false,
        json!({"today": TODAY}),
        Some(&file_uri(dir.path())),
    )
    .await;
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;

    // A deck that does not exist: the decks are listed.
    let e = command(
        &mut c,
        "srls.review.start",
        json!({"scope": {"deck": "#flashcards/nope"}}),
    )
    .await;
    let msg = e["error"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("flashcards/geo") && msg.contains("flashcards/bio"),
        "{e}"
    );

    let r = command(
        &mut c,
        "srls.review.start",
        json!({"scope": "workspace", "seed": 7}),
    )
    .await;
    let r = &r["result"];
    let session = r["session"].clone();
    assert_eq!(
        r["counts"],
        json!({"due": 2, "new": 1, "reviewed": 0, "waiting": 0}),
        "{r}"
    );
    // Decks in tree order: flashcards/bio (Cell, new) before flashcards/geo.
    let item = &r["item"];
    assert_eq!(item["question"], "Cell");
    assert_eq!(item["uri"], file_uri(&b));
    assert_eq!(item["line"], 2);
    assert_eq!(item["deck"], "#flashcards/bio");
    let labels: Vec<&str> = item["buttons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["response"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["again", "hard", "good", "easy"]);

    // Closed notes: the server writes them, exactly as `srls grade` would.
    let r = command(
        &mut c,
        "srls.review.answer",
        json!({"session": session, "item": item["id"], "response": "good"}),
    )
    .await;
    assert!(r.get("error").is_none(), "{r}");
    assert_eq!(
        std::fs::read_to_string(&b).unwrap(),
        srls_grade(&b, 2, "good", B)
    );
    let paris = r["result"]["item"].clone();
    assert_eq!(paris["question"], "Paris");
    let r = command(
        &mut c,
        "srls.review.answer",
        json!({"session": session, "item": paris["id"], "response": "good"}),
    )
    .await;
    assert!(r.get("error").is_none(), "{r}");
    let on_disk = std::fs::read_to_string(&a).unwrap();
    assert_eq!(on_disk, srls_grade(&a, 2, "good", A));
    let next = r["result"]["item"].clone();
    assert_eq!(next["question"], "Berlin");
    assert_eq!(r["result"]["counts"]["reviewed"], 2);

    // The note opened and its card edited in the editor after the card was shown: the answer is
    // refused, the session follows the editor's text, and the card is shown again from it.
    let uri = file_uri(&a);
    c.open(&uri, &on_disk, 1);
    let card_edited = on_disk.replace("Berlin::Germany", "Berlin::Germany (DE)");
    let edited = format!("Capitals.\n{card_edited}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let r = command(
        &mut c,
        "srls.review.answer",
        json!({"session": session, "item": next["id"], "response": "good"}),
    )
    .await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("changed"),
        "{r}"
    );
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        on_disk,
        "nothing written"
    );
    let cur = command(&mut c, "srls.review.current", json!({"session": session})).await;
    let shown = cur["result"]["item"].clone();
    assert_eq!(
        (shown["question"].as_str(), shown["line"].as_u64()),
        (Some("Berlin"), Some(6))
    );

    // An edit elsewhere in the note keeps the card on screen: the answer goes to the editor as a
    // versioned edit of the newest text; the file is not touched.
    let edited = format!("{edited}\nMore notes.\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": edited}]}),
    );
    let r = command(
        &mut c,
        "srls.review.answer",
        json!({"session": session, "item": shown["id"], "response": "easy"}),
    )
    .await;
    assert!(r.get("error").is_none(), "{r}");
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        on_disk,
        "an open note is not written on disk"
    );
    let req = c.server_requests("workspace/applyEdit");
    let change = &req.last().expect("an applyEdit")["params"]["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"], json!({"uri": uri, "version": 3}));
    let after = apply(&edited, change["edits"].as_array().unwrap(), "utf-16");
    assert_eq!(
        after,
        format!(
            "Capitals.\n{}\nMore notes.\n",
            srls_grade(&a, 5, "easy", &card_edited)
        )
    );
    assert_eq!(r["result"]["item"], Value::Null, "nothing left: {r}");
    assert_eq!(
        r["result"]["counts"],
        json!({"due": 0, "new": 0, "reviewed": 3, "waiting": 0})
    );

    let r = command(&mut c, "srls.review.end", json!({"session": session})).await;
    assert_eq!(r["result"], json!({"reviewed": 3}));
    let r = command(&mut c, "srls.review.current", json!({"session": session})).await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("no review session"),
        "{r}"
    );
}

#[tokio::test]
async fn undo_restores_the_note_and_cram_writes_nothing() {
    let dir = vault(&[
        (
            ".obsidian/plugins/obsidian-spaced-repetition/data.json",
            SETTINGS,
        ),
        ("a.md", A),
    ]);
    let a = dir.path().join("a.md");
    let mut c = Client::start();
    c.initialize(
        &["utf-16"],
        false,
        json!({"today": TODAY}),
        Some(&file_uri(dir.path())),
    )
    .await;
    let r = command(
        &mut c,
        "srls.review.start",
        json!({"scope": {"uri": file_uri(&a)}}),
    )
    .await;
    let session = r["result"]["session"].clone();
    let item = r["result"]["item"].clone();
    command(
        &mut c,
        "srls.review.answer",
        json!({"session": session, "item": item["id"], "response": "hard"}),
    )
    .await;
    assert_ne!(std::fs::read_to_string(&a).unwrap(), A);
    let r = command(&mut c, "srls.review.undo", json!({"session": session})).await;
    assert!(r.get("error").is_none(), "{r}");
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        A,
        "undo restores the note"
    );
    assert_eq!(r["result"]["item"]["question"], "Paris");

    let r = command(&mut c, "srls.review.start", json!({"mode": "cram"})).await;
    let session = r["result"]["session"].clone();
    let item = r["result"]["item"].clone();
    let r = command(
        &mut c,
        "srls.review.answer",
        json!({"session": session, "item": item["id"], "response": "good"}),
    )
    .await;
    assert!(r.get("error").is_none(), "{r}");
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        A,
        "cram writes nothing"
    );
}
