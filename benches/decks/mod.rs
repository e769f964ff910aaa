//! Deck completion and references in a 10,000-note vault, through the real server: the
//! generated vault with its notes spread over 300 decks (`#flashcards/f<folder>/n<0..2>`, 400 with their parents),
//! indexed, one note open; each request timed from send to response (p50/p99 of 200), then
//! the same requests on the server's own state in this process: the handler and the JSON it
//! writes, without the pipe and the client's parse.

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

/// The requests asked, each at a line and UTF-16 column of the open note: completion in its
/// first line's deck tag, references on that tag, on the question of its first card, and on
/// the `#flashcards` tag above that card (every card of the vault is in that deck or below).
fn places(note: &Path, text: &str) -> Vec<(&'static str, u32, u32)> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
        .args(["cards", "--json"])
        .arg(note)
        .output()
        .unwrap();
    let cards: Value = serde_json::from_slice(&out.stdout).unwrap();
    let card = &cards["cards"][0];
    let first = card["first_line"].as_u64().unwrap() as usize;
    let question = card["question"].as_str().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let line_of = |pred: &dyn Fn(&str) -> bool| {
        (first..lines.len()).find(|&i| pred(lines[i])).unwrap() as u32
    };
    let asked = line_of(&|l| question.starts_with(l.trim()) && !l.trim().is_empty());
    let top = line_of(&|l| l.trim() == "#flashcards");
    vec![
        ("completion after `#flashcards/f`", 0, 13),
        ("references on the note's deck", 0, lines[0].len() as u32),
        ("references on a card's question", asked, 1),
        ("references on `#flashcards` (every card)", top, 1),
    ]
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
    let at = |line: u32, ch: u32| json!({"textDocument": {"uri": u}, "position": {"line": line, "character": ch}, "context": {"includeDeclaration": true, "triggerKind": 1}});
    let cases: Vec<_> = places(&note, &text)
        .into_iter()
        .map(|(what, line, ch)| {
            let method = if what.starts_with("completion") {
                "textDocument/completion"
            } else {
                "textDocument/references"
            };
            (what, method, at(line, ch))
        })
        .collect();
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
    in_process(&vault, &note, &text);
}

/// One request on the state: how many results and the JSON sent.
type Run = Box<dyn FnMut(&mut srls::lsp::state::State) -> (usize, Vec<u8>)>;

/// The handlers alone on a state holding the indexed vault, each answer serialised as the
/// server sends it.
fn in_process(vault: &Path, note: &Path, text: &str) {
    use srls::lsp::handlers::{completion, references};
    use srls::lsp::{OpenNote, indexing, state::State};
    use tower_lsp_server::ls_types::*;
    let mut state = State::default();
    indexing::reindex_file(&mut state, vault);
    let v = state.vault_for(Some(note));
    let open = OpenNote::open(
        text.to_string(),
        1,
        srls::text::position::Encoding::Utf16,
        v,
        Some(note.to_path_buf()),
    );
    let u = Uri::from_file_path(note).unwrap();
    state.notes.insert(u.clone(), open);
    state.update_open_index(&u);
    let at = |line: u32, character: u32| TextDocumentPositionParams {
        text_document: TextDocumentIdentifier { uri: u.clone() },
        position: Position { line, character },
    };
    let mut runs: Vec<(String, Run)> = Vec::new();
    for (what, line, character) in places(note, text) {
        let pos = at(line, character);
        let what = format!("{what}, in process");
        if what.starts_with("completion") {
            runs.push((
                what,
                Box::new(move |s| {
                    let params = CompletionParams {
                        text_document_position: pos.clone(),
                        work_done_progress_params: Default::default(),
                        partial_result_params: Default::default(),
                        context: None,
                    };
                    let r = completion::completion(s, params);
                    let n = match &r {
                        Some(CompletionResponse::List(l)) => l.items.len(),
                        _ => 0,
                    };
                    (n, serde_json::to_vec(&r).unwrap())
                }),
            ));
            continue;
        }
        runs.push((
            what,
            Box::new(move |s| {
                let params = ReferenceParams {
                    text_document_position: pos.clone(),
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                    context: ReferenceContext {
                        include_declaration: true,
                    },
                };
                let r = references::references(s, params).unwrap();
                (
                    r.as_ref().map_or(0, Vec::len),
                    serde_json::to_vec(&r).unwrap(),
                )
            }),
        ));
    }
    for (what, mut run) in runs {
        let mut times = Vec::new();
        let (mut size, mut bytes) = (0, 0);
        for _ in 0..200 {
            let t = Instant::now();
            let (n, json) = run(&mut state);
            times.push(t.elapsed());
            size = n;
            bytes = json.len();
        }
        row(&format!("{what}, {bytes} bytes of JSON"), times, size);
    }
}
