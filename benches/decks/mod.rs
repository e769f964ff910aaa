//! Deck completion and references in a 10,000-note vault, through the real server: the
//! generated vault with its notes spread over 300 decks (`#flashcards/f<folder>/n<0..2>`, 400 with their parents),
//! indexed, one note open; each request timed from send to response (p50/p99 of 200).

use super::{Server, gen_vault, init, uri};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// The generated vault with each note's `#flashcards` tag line made a sub-deck.
fn deck_vault(dir: &Path) {
    gen_vault(dir, 10_000);
    for folder in std::fs::read_dir(dir).unwrap().flatten() {
        let name = folder.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !folder.path().is_dir() {
            continue;
        }
        for (i, note) in std::fs::read_dir(folder.path())
            .unwrap()
            .flatten()
            .enumerate()
        {
            let text = std::fs::read_to_string(note.path()).unwrap();
            let tag = format!("#flashcards/f{name}/n{}", i % 3);
            let text = text.replacen("#flashcards", &tag, 1);
            std::fs::write(note.path(), text).unwrap();
        }
    }
}

fn timed(s: &mut Server, method: &str, params: &Value) -> (Duration, Value) {
    let t = Instant::now();
    let r = s.request(method, params.clone());
    (t.elapsed(), r)
}

fn row(what: &str, mut times: Vec<Duration>, size: usize) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (p50, p99) = (times[times.len() / 2], times[times.len() * 99 / 100]);
    println!(
        "| {what} ({size} results) | p50 {:.2} ms, p99 {:.2} ms |",
        ms(p50),
        ms(p99)
    );
}

/// Runs the requests and prints one table row each.
pub fn bench(tmp: &Path) {
    let vault = tmp.join("decks");
    deck_vault(&vault);
    let mut s = Server::start();
    init(&mut s, Some(&vault), true);
    s.until(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    let note = vault.join("f000/00000.md");
    let text = std::fs::read_to_string(&note).unwrap();
    let u = uri(&note);
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let tag_len = text.lines().next().unwrap().len() as u64;
    let card_line = text.lines().position(|l| l.contains("::")).unwrap_or(2) as u64;
    let at = |line: u64, ch: u64| json!({"textDocument": {"uri": u}, "position": {"line": line, "character": ch}, "context": {"includeDeclaration": true}});
    let mut completion = at(0, 13);
    completion["context"] = json!({"triggerKind": 1});
    let cases = [
        (
            "completion after `#flashcards/f`",
            "textDocument/completion",
            completion,
        ),
        (
            "references on the note's deck",
            "textDocument/references",
            at(0, tag_len),
        ),
        (
            "references on a card's question",
            "textDocument/references",
            at(card_line, 0),
        ),
    ];
    for (what, method, params) in cases {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..200 {
            let (t, r) = timed(&mut s, method, &params);
            assert!(r.get("error").is_none(), "{method}: {r}");
            let result = &r["result"];
            size = result["items"]
                .as_array()
                .or(result.as_array())
                .map_or(0, Vec::len);
            times.push(t);
        }
        row(what, times, size);
    }
    s.stop();
}
