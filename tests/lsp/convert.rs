//! Card conversions as code actions: the list at a cursor, each resolved and applied byte for
//! byte (CRLF, emoji and CJK before the edit, a scheduled reversed card), and the cards that get
//! none.

use crate::client::{Client, apply, file_uri, vault};
use crate::workspace::{indexed, indexed_with};
use serde_json::{Value, json};

const NOTE: &str = "#flashcards/lang\r\n\r\n😀 漢字::かんじ\r\n\r\navoir:::to have\r\n<!--SR:!2025-01-03,15,290!2025-01-05,3,250-->\r\n\r\nQ\r\n?\r\nA\r\n\r\nQ2::A2::B2\r\n";

fn setup() -> tempfile::TempDir {
    vault(&[
        ("v/.obsidian/app.json", "{}"),
        ("v/n.md", NOTE),
        ("v/geo.md", "#flashcards/geo\n\nParis::France\n"),
    ])
}

/// The conversions (actions whose data names one) at the start of `line`.
async fn conversions(c: &mut Client, uri: &str, line: u64) -> Vec<Value> {
    let actions = c.code_actions(uri, line, 0, &["refactor.rewrite"]).await;
    actions
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["data"].get("convert").is_some())
        .cloned()
        .collect()
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect()
}

/// The note after the conversion titled `title` at `line`, resolved.
async fn applied(c: &mut Client, uri: &str, line: u64, title: &str) -> String {
    let all = conversions(c, uri, line).await;
    let a = all.iter().find(|a| a["title"] == title).unwrap().clone();
    assert!(a.get("edit").is_none(), "edits come at resolve: {a}");
    let r = c.request("codeAction/resolve", a).await;
    let change = &r["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 1);
    apply(NOTE, change["edits"].as_array().unwrap(), "utf-16")
}

#[tokio::test]
async fn conversions_at_a_cursor_and_their_edits() {
    let dir = setup();
    let mut c = indexed(dir.path()).await;
    let uri = file_uri(&dir.path().join("v/n.md"));
    c.open(&uri, NOTE, 1);
    let single = conversions(&mut c, &uri, 2).await;
    assert_eq!(
        single[0],
        json!({"title": "Convert to a multi-line card", "kind": "refactor.rewrite",
               "data": {"uri": uri, "version": 1, "line": 2, "convert": "multi-line"}})
    );
    assert_eq!(
        titles(&single),
        [
            "Convert to a multi-line card",
            "Convert to a reversed card",
            "Add deck tag #flashcards",
            "Add deck tag #flashcards/geo"
        ]
    );
    let card = "😀 漢字::かんじ";
    let cases = [
        (2, "Convert to a multi-line card", "😀 漢字\r\n?\r\nかんじ"),
        (2, "Convert to a reversed card", "😀 漢字:::かんじ"),
        (
            2,
            "Add deck tag #flashcards/geo",
            "#flashcards/geo 😀 漢字::かんじ",
        ),
    ];
    for (line, title, new) in cases {
        let got = applied(&mut c, &uri, line, title).await;
        assert_eq!(got, NOTE.replace(card, new), "{title}");
    }
    c.shutdown().await;
}

#[tokio::test]
async fn a_scheduled_reversed_card_keeps_both_groups_or_says_what_it_drops() {
    let dir = setup();
    let mut c = indexed(dir.path()).await;
    let uri = file_uri(&dir.path().join("v/n.md"));
    c.open(&uri, NOTE, 1);
    assert_eq!(
        titles(&conversions(&mut c, &uri, 4).await),
        [
            "Convert to a multi-line card",
            "Convert to a basic card (drops the reverse side's schedule)",
            "Add deck tag #flashcards",
            "Add deck tag #flashcards/geo"
        ]
    );
    let multi = applied(&mut c, &uri, 4, "Convert to a multi-line card").await;
    assert_eq!(
        multi,
        NOTE.replace("avoir:::to have\r\n", "avoir\r\n??\r\nto have\r\n")
    );
    let title = "Convert to a basic card (drops the reverse side's schedule)";
    let basic = applied(&mut c, &uri, 5, title).await;
    assert_eq!(
        basic,
        NOTE.replace(
            "avoir:::to have\r\n<!--SR:!2025-01-03,15,290!2025-01-05,3,250-->",
            "avoir::to have\r\n<!--SR:!2025-01-03,15,290-->"
        )
    );
    c.shutdown().await;
}

#[tokio::test]
async fn a_multi_line_card_becomes_single_line_and_some_cards_get_none() {
    let dir = setup();
    let mut c = indexed(dir.path()).await;
    let uri = file_uri(&dir.path().join("v/n.md"));
    c.open(&uri, NOTE, 1);
    let multi = conversions(&mut c, &uri, 8).await;
    assert_eq!(
        titles(&multi)[..2],
        [
            "Convert to a single-line card",
            "Convert to a reversed card"
        ]
    );
    let single = applied(&mut c, &uri, 8, "Convert to a single-line card").await;
    assert_eq!(single, NOTE.replace("Q\r\n?\r\nA\r\n", "Q::A\r\n"));
    let reversed = applied(&mut c, &uri, 7, "Convert to a reversed card").await;
    assert_eq!(reversed, NOTE.replace("\r\n?\r\n", "\r\n??\r\n"));
    // `Q2::A2::B2`: its answer holds `::`, which would make a multi-line answer line a card.
    assert_eq!(
        titles(&conversions(&mut c, &uri, 11).await),
        [
            "Convert to a reversed card",
            "Add deck tag #flashcards",
            "Add deck tag #flashcards/geo"
        ]
    );
    c.shutdown().await;
}

#[tokio::test]
async fn without_resolve_the_edits_come_with_the_list() {
    let dir = setup();
    let mut c = indexed_with(dir.path(), |caps| {
        caps["textDocument"]["codeAction"]
            .as_object_mut()
            .unwrap()
            .remove("resolveSupport");
    })
    .await;
    let uri = file_uri(&dir.path().join("v/n.md"));
    c.open(&uri, NOTE, 1);
    let all = conversions(&mut c, &uri, 2).await;
    // `😀 漢字::` is 7 UTF-16 units: the third `:` goes after them.
    let edits = all[1]["edit"]["documentChanges"][0]["edits"].clone();
    assert_eq!(
        edits,
        json!([{"range": {"start": {"line": 2, "character": 7}, "end": {"line": 2, "character": 7}},
                "newText": ":"}])
    );
    c.shutdown().await;
}
