//! The real server, in process, over `tokio::io::duplex` with real JSON-RPC framing.

use crate::client::{Client, apply, file_uri, offset_of, vault};
use serde_json::{Value, json};
use std::time::Duration;

const NOTE: &str = "#flashcards\n## Key 🃏 questions:\n\nWhat is 漢字 in 🇯🇵?\n?\nKanji 👩‍👩‍👧\n<!--SR:!2025-01-03,15,290-->\n\navoir:::to have\n\nQ2::A2\n<!--SR:!2025-13-45,x,290-->\n";

fn opts() -> Value {
    json!({"today": "2025-01-03"})
}

async fn started(enc: &[&str], pull: bool) -> Client {
    let mut c = Client::start();
    c.initialize(enc, pull, opts(), None).await;
    c
}

#[tokio::test]
async fn negotiates_the_position_encoding() {
    let mut c = Client::start();
    let r = c
        .initialize(&["utf-8", "utf-16"], false, Value::Null, None)
        .await;
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(r["capabilities"]["textDocumentSync"]["change"], 2);
    assert!(
        r["capabilities"]["inlayHintProvider"]
            .as_bool()
            .unwrap_or(true)
    );
    c.shutdown().await;
    let mut c = Client::start();
    let r = c.initialize(&["utf-16"], false, Value::Null, None).await;
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-16");
    let mut c2 = Client::start();
    let r = c2.initialize(&["utf-32"], false, Value::Null, None).await;
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-32");
}

#[tokio::test]
async fn diagnostics_are_pushed_with_the_version_and_follow_edits() {
    let c = started(&["utf-16"], false).await;
    c.open("file:///n.md", NOTE, 1);
    let d = c
        .wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1)
        .await;
    let items = d["diagnostics"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{d}");
    assert_eq!(items[0]["code"], "invalid-comment");
    assert_eq!(items[0]["source"], "srls");
    assert_eq!(items[0]["range"]["start"]["line"], 11);
    // Fix the comment with an incremental edit on a line after emoji (UTF-16 columns).
    let line = 11;
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///n.md", "version": 2}, "contentChanges": [
            {"range": {"start": {"line": line, "character": 8}, "end": {"line": line, "character": 18}}, "text": "2025-01-05"},
            {"range": {"start": {"line": line, "character": 19}, "end": {"line": line, "character": 20}}, "text": "3"}
        ]}),
    );
    let d = c
        .wait_for("textDocument/publishDiagnostics", |p| p["version"] == 2)
        .await;
    assert_eq!(d["diagnostics"], json!([]), "{d}");
    // Emoji edit: insert before the 🇯🇵 flag on line 3 (UTF-16: the flag is 4 units).
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///n.md", "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 3, "character": 15}, "end": {"line": 3, "character": 15}}, "text": "🎉"}
        ]}),
    );
    c.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 3)
        .await;
}

#[tokio::test]
async fn pull_diagnostics_when_the_client_pulls() {
    let mut c = started(&["utf-8"], true).await;
    c.open("file:///n.md", NOTE, 1);
    let r = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": "file:///n.md"}}),
        )
        .await;
    assert_eq!(r["kind"], "full");
    assert_eq!(r["items"][0]["code"], "invalid-comment");
    assert!(
        c.try_wait_for(
            "textDocument/publishDiagnostics",
            |_| true,
            Duration::from_millis(300)
        )
        .await
        .is_none(),
        "a pulling client gets no pushed diagnostics"
    );
}

#[tokio::test]
async fn hover_shows_the_schedule_in_both_encodings() {
    for enc in ["utf-16", "utf-8"] {
        let mut c = started(&[enc], false).await;
        c.open("file:///n.md", NOTE, 1);
        // Hover on the 漢 of line 3.
        let ch = match enc {
            "utf-8" => "What is ".len(),
            _ => "What is ".encode_utf16().count(),
        };
        let h = c
            .request("textDocument/hover", json!({"textDocument": {"uri": "file:///n.md"}, "position": {"line": 3, "character": ch}}))
            .await;
        let v = h["contents"]["value"].as_str().unwrap();
        assert!(v.contains("**Multi-line card**"), "{v}");
        assert!(
            v.contains("due **2025-01-03** (due today) · interval 15d · ease 290"),
            "{v}"
        );
        assert!(v.contains("Hard 8d · Good 44d · Easy 60d"), "{v}");
        // Markdown lines that belong together end with a hard break, or VS Code runs them
        // together ("ease 290 next: Again today").
        assert!(v.contains("ease 290  \n  next: Again today"), "{v:?}");
        assert!(v.contains("Key 🃏 questions:"), "breadcrumb: {v}");
        assert_eq!(h["range"]["start"]["line"], 3);
        assert_eq!(h["range"]["end"]["line"], 6);
        let end_char = match enc {
            "utf-8" => "<!--SR:!2025-01-03,15,290-->".len(),
            _ => 28,
        };
        assert_eq!(h["range"]["end"]["character"], end_char);
        // Nothing on a heading.
        let h = c
            .request("textDocument/hover", json!({"textDocument": {"uri": "file:///n.md"}, "position": {"line": 1, "character": 2}}))
            .await;
        assert!(h.is_null());
    }
}

#[tokio::test]
async fn inlay_hints_exact_labels_and_positions() {
    for enc in ["utf-16", "utf-8"] {
        let mut c = started(&[enc], false).await;
        let text = NOTE.replace('\n', "\r\n");
        c.open("file:///n.md", &text, 1);
        let r = c
            .request(
                "textDocument/inlayHint",
                json!({"textDocument": {"uri": "file:///n.md"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}}}),
            )
            .await;
        let got: Vec<(u64, u64, String)> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["position"]["line"].as_u64().unwrap(),
                    h["position"]["character"].as_u64().unwrap(),
                    h["label"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let avoir = "avoir:::to have".len() as u64;
        assert_eq!(
            got,
            vec![
                (6, 28, "due today".into()),
                // One hint per position (Helix draws several at one place with no space).
                (8, avoir, "1: new · 2: new".into()),
                (11, 27, "unreadable schedule".into()),
            ],
            "{enc}"
        );
        // Only the requested range (Helix asks for the visible part).
        let r = c
            .request(
                "textDocument/inlayHint",
                json!({"textDocument": {"uri": "file:///n.md"}, "range": {"start": {"line": 7, "character": 0}, "end": {"line": 9, "character": 0}}}),
            )
            .await;
        assert_eq!(
            r.as_array().unwrap().len(),
            1,
            "one hint for the two sides: {r}"
        );
    }
}

#[tokio::test]
async fn grade_actions_in_the_plugins_order_with_intervals_and_good_preferred() {
    let mut c = started(&["utf-16"], false).await;
    c.open("file:///n.md", NOTE, 1);
    let actions = c.code_actions("file:///n.md", 5, 0, &[]).await;
    let got: Vec<Value> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "refactor.rewrite")
        .map(|a| {
            json!([
                a["title"],
                a.get("isPreferred").cloned().unwrap_or(Value::Null)
            ])
        })
        .collect();
    assert_eq!(
        got,
        vec![
            json!(["Grade: Again · today", null]),
            json!(["Grade: Hard · 8d", null]),
            json!(["Grade: Good · 44d", true]),
            json!(["Grade: Easy · 60d", null]),
            json!(["Reset", null]),
            json!(["Convert to a single-line card", null]),
            json!(["Convert to a reversed card", null]),
        ]
    );
}

/// A grade action's title without the interval it shows (`Grade: Good · 44d (side 2)` →
/// `Grade: Good (side 2)`).
fn without_interval(title: &str) -> String {
    match title.split_once(" · ") {
        Some((answer, rest)) => match rest.split_once(' ') {
            Some((_, side)) => format!("{answer} {side}"),
            None => answer.to_string(),
        },
        None => title.to_string(),
    }
}

async fn grade_good(c: &mut Client, uri: &str, line: u64, title: &str) -> Value {
    let actions = c.code_actions(uri, line, 0, &[]).await;
    let a = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().map(without_interval).as_deref() == Some(title))
        .unwrap_or_else(|| panic!("no action {title} in {actions}"))
        .clone();
    assert!(
        a.get("edit").is_none() || a["edit"].is_null(),
        "edit computed at resolve time"
    );
    c.request_raw("codeAction/resolve", a).await
}

#[tokio::test]
async fn grade_action_rewrites_only_the_comment_in_both_encodings() {
    for enc in ["utf-16", "utf-8"] {
        let mut c = started(&[enc], false).await;
        let text = NOTE.replace('\n', "\r\n");
        c.open("file:///n.md", &text, 7);
        let r = grade_good(&mut c, "file:///n.md", 5, "Grade: Good").await;
        let edit = &r["result"]["edit"]["documentChanges"][0];
        assert_eq!(edit["textDocument"]["version"], 7);
        let out = apply(&text, edit["edits"].as_array().unwrap(), enc);
        assert_eq!(
            out,
            text.replace("!2025-01-03,15,290", "!2025-02-16,44,290")
        );
        // The reversed card's second side: a placeholder for side 1, then the new group.
        let r = grade_good(&mut c, "file:///n.md", 8, "Grade: Good (side 2: to have)").await;
        let edit = &r["result"]["edit"]["documentChanges"][0];
        let out = apply(&text, edit["edits"].as_array().unwrap(), enc);
        assert_eq!(
            out,
            text.replace(
                "avoir:::to have\r\n",
                "avoir:::to have\r\n<!--SR:!2000-01-01,1,250!2025-01-06,3,250-->\r\n"
            )
        );
    }
}

#[tokio::test]
async fn a_stale_grade_action_is_rejected() {
    let mut c = started(&["utf-16"], false).await;
    c.open("file:///n.md", NOTE, 1);
    let actions = c.code_actions("file:///n.md", 5, 0, &[]).await;
    let a = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Grade: Good ·"))
        })
        .unwrap()
        .clone();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///n.md", "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]}),
    );
    let r = c.request_raw("codeAction/resolve", a).await;
    let msg = r["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("changed since"), "{r}");
}

#[tokio::test]
async fn grade_action_equals_the_cli() {
    let dir = vault(&[(".obsidian/app.json", "{}"), ("n.md", NOTE)]);
    let path = dir.path().join("n.md");
    let uri = file_uri(&path);
    let mut c = started(&["utf-8"], false).await;
    c.open(&uri, NOTE, 1);
    let r = grade_good(&mut c, &uri, 3, "Grade: Good").await;
    let edit = &r["result"]["edit"]["documentChanges"][0];
    let via_lsp = apply(NOTE, edit["edits"].as_array().unwrap(), "utf-8");
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
        .args([
            "grade",
            &format!("{}:4", path.display()),
            "good",
            "--today",
            "2025-01-03",
        ])
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), via_lsp);
}

#[tokio::test]
async fn quick_fix_reattaches_an_orphan_comment() {
    let mut c = started(&["utf-16"], false).await;
    let text = "#flashcards\n\nQ1::A1\n\n<!--SR:!2025-01-03,15,290-->\n";
    c.open("file:///o.md", text, 3);
    let actions = c.code_actions("file:///o.md", 4, 3, &["quickfix"]).await;
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Re-attach the comment to the card above",
            "Remove the orphan comment"
        ]
    );
    let edit = &actions[0]["edit"]["documentChanges"][0];
    assert_eq!(edit["textDocument"]["version"], 3);
    let out = apply(text, edit["edits"].as_array().unwrap(), "utf-16");
    assert_eq!(out, "#flashcards\n\nQ1::A1\n<!--SR:!2025-01-03,15,290-->\n");
    let out = apply(
        text,
        actions[1]["edit"]["documentChanges"][0]["edits"]
            .as_array()
            .unwrap(),
        "utf-16",
    );
    assert_eq!(out, "#flashcards\n\nQ1::A1\n\n");
}

#[tokio::test]
async fn outline_and_folding() {
    let mut c = started(&["utf-16"], false).await;
    c.open("file:///n.md", NOTE, 1);
    let s = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": "file:///n.md"}}),
        )
        .await;
    assert_eq!(s[0]["name"], "Key 🃏 questions:");
    let kids: Vec<&str> = s[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(kids, vec!["What is 漢字 in 🇯🇵?", "avoir", "Q2"]);
    assert_eq!(s[0]["children"][0]["detail"], "due today");
    let f = c
        .request(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": "file:///n.md"}}),
        )
        .await;
    let got: Vec<(u64, u64)> = f
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["startLine"].as_u64().unwrap(),
                r["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, vec![(4, 6), (10, 11)]);
}

#[tokio::test]
async fn configuration_changes_apply_and_bad_types_warn() {
    let mut c = Client::start();
    c.initialize(
        &["utf-16"],
        false,
        json!({"today": "2025-01-03", "inlayHints": {"enabled": "yes"}}),
        None,
    )
    .await;
    let m = c.wait_for("window/showMessage", |_| true).await;
    assert!(
        m["message"]
            .as_str()
            .unwrap()
            .contains("inlayHints.enabled"),
        "{m}"
    );
    c.open("file:///n.md", NOTE, 1);
    *c.configuration.lock().unwrap() = json!({"today": "2025-01-03", "inlayHints": {"style": "compact"}, "diagnostics": {"severity": {"invalid-comment": "off"}}});
    c.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["diagnostics"] == json!([])
    })
    .await;
    let r = c
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": "file:///n.md"}, "range": {"start": {"line": 8, "character": 0}, "end": {"line": 9, "character": 0}}}),
        )
        .await;
    assert_eq!(r[0]["label"], "new");
}

#[tokio::test]
async fn a_burst_of_typing_ends_with_the_final_diagnostics() {
    let mut c = started(&["utf-16"], false).await;
    let base = "#flashcards\n\nQ::A\n";
    c.open("file:///b.md", base, 1);
    c.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1)
        .await;
    // Type `<!--SR:!bad-->` then more, one character per change, 200 changes.
    let typed: String = "\n<!--SR:!2025-01-03,15,2"
        .chars()
        .chain(std::iter::repeat_n('9', 176))
        .collect();
    let mut line = 3u64;
    let mut col = 0u64;
    let mut hover_id = None;
    for (i, ch) in typed.chars().enumerate() {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": "file:///b.md", "version": i + 2}, "contentChanges": [
                {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": ch.to_string()}]}),
        );
        if ch == '\n' {
            line += 1;
            col = 0;
        } else {
            col += 1;
        }
        if i == 100 {
            hover_id = Some(c.request_start("textDocument/hover", json!({"textDocument": {"uri": "file:///b.md"}, "position": {"line": 2, "character": 1}})));
        }
        tokio::time::sleep(Duration::from_millis(4)).await;
    }
    let h = c.response(hover_id.unwrap()).await;
    assert!(
        h["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Single-line card")
    );
    let last = typed.chars().count() as u64 + 1;
    let d = c
        .wait_for("textDocument/publishDiagnostics", |p| p["version"] == last)
        .await;
    // `2999…9` (an ease of 177 digits) is read as a number: no diagnostic; fewer than 200
    // publications prove the debounce.
    assert_eq!(d["diagnostics"], json!([]), "{d}");
    let published = c.drain("textDocument/publishDiagnostics").len();
    assert!(
        published < 50,
        "{published} publications for 200 keystrokes"
    );
}

#[tokio::test]
async fn bad_changes_are_ignored_not_fatal() {
    let mut c = started(&["utf-16"], false).await;
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///never.md", "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    c.wait_for("window/logMessage", |m| {
        m["message"].as_str().unwrap().contains("not open")
    })
    .await;
    c.open("file:///n.md", NOTE, 5);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///n.md", "version": 3}, "contentChanges": [{"text": "replaced"}]}),
    );
    c.wait_for("window/logMessage", |m| {
        m["message"].as_str().unwrap().contains("stale")
    })
    .await;
    // Out-of-range edit: clamped and logged; the document survives.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///n.md", "version": 6}, "contentChanges": [
            {"range": {"start": {"line": 999, "character": 5}, "end": {"line": 999, "character": 9}}, "text": "\nZ::z"}]}),
    );
    c.wait_for("window/logMessage", |m| {
        m["message"].as_str().unwrap().contains("clamped")
    })
    .await;
    let h = c
        .request("textDocument/hover", json!({"textDocument": {"uri": "file:///n.md"}, "position": {"line": 13, "character": 1}}))
        .await;
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Single-line card"),
        "{h}"
    );
    // Out-of-range positions in requests answer, never panic.
    let h = c
        .request("textDocument/hover", json!({"textDocument": {"uri": "file:///n.md"}, "position": {"line": 4000000000u64, "character": 4000000000u64}}))
        .await;
    assert!(h.is_null() || h.is_object());
    c.shutdown().await;
}

#[test]
fn offset_helper_counts_units() {
    assert_eq!(offset_of("a🇯🇵b", 0, 5, "utf-16"), 9);
    assert_eq!(offset_of("a🇯🇵b", 0, 9, "utf-8"), 9);
}

#[tokio::test]
async fn cards_the_editor_renders_as_code_are_flagged() {
    let c = started(&["utf-16"], false).await;
    // An indented code block is text for the plugin, code for the editor.
    let text = "#flashcards\n\nSome text.\n\n    code::block\n\nReal::card\n";
    c.open("file:///c.md", text, 1);
    let d = c
        .wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1)
        .await;
    let items = d["diagnostics"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{d}");
    assert_eq!(items[0]["code"], "rendered-as-code");
    assert_eq!(items[0]["range"]["start"]["line"], 4);
}

#[tokio::test]
async fn a_broken_group_offers_reset_as_a_quick_fix() {
    let mut c = started(&["utf-16"], false).await;
    let text = "#flashcards\n\n🃏 Q::A\n<!--SR:!2025-13-45,x,290-->\n";
    c.open("file:///b.md", text, 1);
    let actions = c.code_actions("file:///b.md", 3, 10, &["quickfix"]).await;
    let reset: Vec<&Value> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"] == "Reset side 1 (due today)")
        .collect();
    assert_eq!(reset.len(), 1, "{actions}");
    assert_eq!(reset[0]["diagnostics"][0]["code"], "invalid-comment");
    let edits = reset[0]["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .unwrap();
    assert_eq!(
        apply(text, edits, "utf-16"),
        "#flashcards\n\n🃏 Q::A\n<!--SR:!2025-01-03,1,250-->\n"
    );
}
