//! Writing cards across a vault: deck rename over open and closed notes, references on decks
//! and questions, duplicate questions kept current as notes change.

use crate::client::{Client, apply, file_uri, vault};
use crate::workspace::{indexed, indexed_with};
use serde_json::{Value, json};

const A: &str = "---\r\ntags: [flashcards/geo]\r\n---\r\n😀 漢 #flashcards/geo/asia Q1::A1\r\n\r\nparis::France?\r\n";
const B: &str = "\u{feff}#flashcards/geo\n\nParis::France\n<!--SR:!2025-01-01,3,250-->\n";
const C: &str = "#flashcards/other\n\nX::Y\n";

fn setup() -> tempfile::TempDir {
    vault(&[
        ("v/.obsidian/app.json", "{}"),
        ("v/a.md", A),
        ("v/b.md", B),
        ("v/c.md", C),
    ])
}

fn at(uri: &str, line: u64, character: u64) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// The vault of [`setup`] indexed by a server, with the URIs of its notes a.md and b.md.
async fn started() -> (tempfile::TempDir, Client, String, String) {
    let dir = setup();
    let c = indexed(dir.path()).await;
    let a = file_uri(&dir.path().join("v/a.md"));
    let b = file_uri(&dir.path().join("v/b.md"));
    (dir, c, a, b)
}

fn range(l0: u64, c0: u64, l1: u64, c1: u64) -> Value {
    json!({"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}})
}

#[tokio::test]
async fn rename_a_deck_in_open_and_closed_notes() {
    let (_dir, mut c, a, b) = started().await;
    c.open(&a, A, 3);
    // The body tag after an emoji (2 UTF-16 units) and a CJK character (1).
    let p = c.request("textDocument/prepareRename", at(&a, 3, 8)).await;
    assert_eq!(
        p,
        json!({"range": range(3, 6, 3, 25), "placeholder": "flashcards/geo/asia"})
    );
    // The front-matter entry.
    let p = c.request("textDocument/prepareRename", at(&a, 1, 9)).await;
    assert_eq!(
        p,
        json!({"range": range(1, 7, 1, 21), "placeholder": "flashcards/geo"})
    );

    let mut params = at(&a, 1, 9);
    params["newName"] = json!("#flashcards/地理");
    let edit = c.request("textDocument/rename", params).await;
    let new = "flashcards/地理";
    assert_eq!(
        edit,
        json!({"documentChanges": [
            {"textDocument": {"uri": a, "version": 3}, "edits": [
                {"range": range(1, 7, 1, 21), "newText": new},
                {"range": range(3, 6, 3, 20), "newText": new}]},
            {"textDocument": {"uri": b, "version": null}, "edits": [
                {"range": range(0, 1, 0, 15), "newText": new}]}
        ]})
    );
    let changes = edit["documentChanges"].as_array().unwrap();
    let a_edits = changes[0]["edits"].as_array().unwrap();
    assert_eq!(
        apply(A, a_edits, "utf-16"),
        "---\r\ntags: [flashcards/地理]\r\n---\r\n😀 漢 #flashcards/地理/asia Q1::A1\r\n\r\nparis::France?\r\n"
    );
    // The editor opens b.md without its byte order mark to apply the edit.
    let b_edits = changes[1]["edits"].as_array().unwrap();
    let b_new = format!("\u{feff}{}", apply(&B[3..], b_edits, "utf-16"));
    assert_eq!(b_new, B.replace("flashcards/geo", new));
    c.shutdown().await;
}

#[tokio::test]
async fn rename_refuses_bad_names_merges_and_other_tags() {
    let (_dir, mut c, a, _) = started().await;
    c.open(&a, A, 1);
    let mut params = at(&a, 1, 9);
    params["newName"] = json!("flashcards/other");
    let r = c.request_raw("textDocument/rename", params.clone()).await;
    assert_eq!(
        r["error"]["message"],
        "srls: #flashcards/other is already a deck of this vault: renaming #flashcards/geo would merge the two decks"
    );
    params["newName"] = json!("flashcards/a b");
    let r = c.request_raw("textDocument/rename", params).await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is not a tag name"),
        "{r}"
    );
    // No tag under the cursor: nothing to rename.
    let p = c.request("textDocument/prepareRename", at(&a, 5, 2)).await;
    assert_eq!(p, Value::Null);
    c.shutdown().await;
}

#[tokio::test]
async fn rename_into_an_existing_deck_asks_to_confirm_the_merge() {
    let dir = setup();
    let mut c = indexed_with(dir.path(), |caps| {
        caps["workspace"]["workspaceEdit"]["changeAnnotationSupport"] = json!({});
    })
    .await;
    let a = file_uri(&dir.path().join("v/a.md"));
    let b = file_uri(&dir.path().join("v/b.md"));
    c.open(&a, A, 4);
    let mut params = at(&a, 1, 9);
    params["newName"] = json!("flashcards/other");
    let edit = c.request("textDocument/rename", params).await;
    let new = "flashcards/other";
    let annotated = |r: Value| json!({"range": r, "newText": new, "annotationId": "srls.merge"});
    assert_eq!(
        edit,
        json!({
            "documentChanges": [
                {"textDocument": {"uri": a, "version": 4}, "edits": [
                    annotated(range(1, 7, 1, 21)), annotated(range(3, 6, 3, 20))]},
                {"textDocument": {"uri": b, "version": null}, "edits": [
                    annotated(range(0, 1, 0, 15))]}
            ],
            "changeAnnotations": {"srls.merge": {
                "label": "Merge deck #flashcards/geo into the existing deck #flashcards/other",
                "needsConfirmation": true,
                "description": "Renaming #flashcards/geo to #flashcards/other merges deck #flashcards/geo into existing deck #flashcards/other (3 cards)"
            }}
        })
    );
    // A rename into a new name is not annotated.
    let mut params = at(&a, 1, 9);
    params["newName"] = json!("flashcards/geo2");
    let edit = c.request("textDocument/rename", params).await;
    assert!(edit.get("changeAnnotations").is_none(), "{edit}");
    c.shutdown().await;
}

#[tokio::test]
async fn references_on_a_deck_and_on_a_question() {
    let (_dir, mut c, a, b) = started().await;
    c.open(&a, A, 1);
    let mut params = at(&a, 1, 9);
    params["context"] = json!({"includeDeclaration": true});
    let r = c.request("textDocument/references", params).await;
    let loc = |u: &str, l: u64| json!({"uri": u, "range": range(l, 0, l, 0)});
    assert_eq!(r, json!([loc(&a, 3), loc(&a, 5), loc(&b, 2)]));
    let mut params = at(&a, 5, 3);
    params["context"] = json!({"includeDeclaration": false});
    let r = c.request("textDocument/references", params).await;
    assert_eq!(r, json!([loc(&b, 2)]));
    c.shutdown().await;
}

fn duplicates(p: &Value) -> Vec<Value> {
    let all = p["diagnostics"].as_array().unwrap();
    let dup = all.iter().filter(|d| d["code"] == "duplicate-question");
    dup.cloned().collect()
}

/// A request that copies the open notes into the index between an edit and its publish (here a
/// completion right after the keystroke) does not swallow the change: the peer whose
/// duplicate went away is still published again.
#[tokio::test]
async fn peers_are_published_again_when_a_request_copied_the_edit_first() {
    let (_dir, mut c, a, b) = started().await;
    c.open(&a, A, 1);
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == a && !duplicates(p).is_empty()
    })
    .await;
    c.open(&b, B, 1);
    let changed = B.replace("Paris", "Lyon");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": b, "version": 2}, "contentChanges": [{"text": changed}]}),
    );
    // Within the publish's pause: a completion copies b.md into the index.
    let _ = c.request("textDocument/completion", at(&b, 0, 5)).await;
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == a && duplicates(p).is_empty()
    })
    .await;
    c.shutdown().await;
}

#[tokio::test]
async fn duplicate_questions_follow_edits_of_other_notes() {
    let (dir, mut c, a, b) = started().await;
    c.open(&a, A, 1);
    let p = c
        .wait_for("textDocument/publishDiagnostics", |p| p["uri"] == a)
        .await;
    assert_eq!(
        duplicates(&p),
        vec![json!({
            "range": range(5, 0, 5, 14),
            "severity": 3,
            "code": "duplicate-question",
            "source": "srls",
            "message": "the same question as 1 card in other notes",
            "relatedInformation": [{"location": {"uri": b, "range": range(2, 0, 2, 0)}, "message": "the same question"}]
        })]
    );
    // b.md opened and its question changed: a.md is published again, without the duplicate.
    c.open(&b, B, 1);
    let changed = B.replace("Paris", "Lyon");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": b, "version": 2}, "contentChanges": [{"text": changed}]}),
    );
    let p = c
        .wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == a && duplicates(p).is_empty()
        })
        .await;
    assert_eq!(p["version"], 1);
    // A closed note changed on disk now asks b.md's new question: b.md is published again.
    let c_path = dir.path().join("v/c.md");
    std::fs::write(&c_path, "#flashcards/other\n\nLYON::France\n").unwrap();
    let c_uri = file_uri(&c_path);
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c_uri, "type": 2}]}),
    );
    let p = c
        .wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == b && !duplicates(p).is_empty()
        })
        .await;
    let related = &duplicates(&p)[0]["relatedInformation"][0]["location"];
    assert_eq!(related, &json!({"uri": c_uri, "range": range(2, 0, 2, 0)}));
    c.shutdown().await;
}

/// The labels of a completion list's items.
fn labels(list: &Value) -> Vec<&str> {
    let items = list["items"].as_array().unwrap();
    items.iter().map(|i| i["label"].as_str().unwrap()).collect()
}

/// A vault with more decks than a completion offers: the decks with the most cards, in name
/// order, and the list marked incomplete; typing on narrows it to a complete list.
#[tokio::test]
async fn deck_completion_offers_the_most_used_decks_and_says_when_there_are_more() {
    let mut body = String::new();
    for i in 0..130 {
        // Deck d000 holds one card, d001 two, ...: the most used are the last ones.
        body.push_str(&format!("#flashcards/d{i:03}\n\n"));
        for j in 0..=i % 7 {
            body.push_str(&format!("Q{i} {j}::A\n\n"));
        }
    }
    let note = format!("{body}#flashcards/d\n");
    let dir = vault(&[("v/.obsidian/app.json", "{}"), ("v/n.md", &note)]);
    let mut c = indexed(dir.path()).await;
    let n = file_uri(&dir.path().join("v/n.md"));
    c.open(&n, &note, 1);
    let last = note.lines().count() as u64 - 1;
    let r = c.request("textDocument/completion", at(&n, last, 13)).await;
    let labels = labels(&r);
    assert_eq!(r["isIncomplete"], true);
    assert_eq!(labels.len(), 100);
    let mut sorted = labels.clone();
    sorted.sort();
    assert_eq!(labels, sorted);
    // Decks of 7 cards (i % 7 == 6) are all there; one of the smallest (d000, 1 card) is not.
    assert!(labels.contains(&"flashcards/d006"));
    assert!(!labels.contains(&"flashcards/d000"));
    // `#flashcards/d12`: d120..d129 and the tag being typed (a deck tag written in the vault,
    // with no cards), all offered.
    let typed = format!("{body}#flashcards/d12\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": n, "version": 2}, "contentChanges": [{"text": typed}]}),
    );
    let r = c.request("textDocument/completion", at(&n, last, 15)).await;
    assert_eq!(r["isIncomplete"], false);
    assert_eq!(r["items"].as_array().unwrap().len(), 11);
    c.shutdown().await;
}

#[tokio::test]
async fn deck_completion_in_the_body_and_the_front_matter_then_resolve() {
    let (dir, mut c, a, _) = started().await;
    c.open(&a, A, 1);
    // After `#flashcards/g` on the line with an emoji and a CJK character before the tag.
    let r = c.request("textDocument/completion", at(&a, 3, 18)).await;
    let item = |label: &str, n: &str, r: Value| {
        json!({"label": label, "kind": 19, "detail": n,
               "textEdit": {"range": r, "newText": label},
               "data": {"deck": format!("#{label}"), "root": dir.path().join("v")}})
    };
    assert_eq!(
        r,
        json!({"isIncomplete": false, "items": [
            item("flashcards/geo", "3 cards", range(3, 6, 3, 18)),
            item("flashcards/geo/asia", "0 cards", range(3, 6, 3, 18)),
        ]})
    );
    // In the front matter's tags list, after `[fla`.
    let r = c.request("textDocument/completion", at(&a, 1, 10)).await;
    let labels = labels(&r);
    assert_eq!(
        labels,
        [
            "flashcards",
            "flashcards/geo",
            "flashcards/geo/asia",
            "flashcards/other"
        ]
    );
    assert_eq!(r["items"][0]["detail"], "4 cards");
    assert_eq!(r["items"][0]["textEdit"]["range"], range(1, 7, 1, 10));
    // Not a tag: no completion.
    assert_eq!(
        c.request("textDocument/completion", at(&a, 5, 3)).await,
        Value::Null
    );
    // Resolve: Paris is due (2025-01-01), the two other cards of the deck are new.
    let first = r["items"][1].clone();
    let resolved = c.request("completionItem/resolve", first).await;
    assert_eq!(
        resolved["documentation"],
        "#flashcards/geo: 1 due, 2 new (2025-01-03)"
    );
    c.shutdown().await;
}
