//! The vault: workspace index with progress, due counts, next due card, watched files, and
//! `srls due --json` against the corpus.

use crate::client::{Client, file_uri, vault};
use serde_json::{Value, json};
use std::path::Path;

const A1: &str = "#flashcards/geo\n\nParis::France\n<!--SR:!2025-01-01,3,250-->\n\nBerlin::Germany\n<!--SR:!2025-01-10,3,250-->\n\nRome::Italy\n";
const A2: &str = "#flashcards/bio\n\nCell\n?\nUnit of life\n<!--SR:!2024-12-30,3,250-->\n";
// Vault B: its own tag and separator.
const B1: &str = "#cards\n\nHola;;Hello\n<!--SR:!2025-01-02,3,250-->\n\nQ::not a card here\n";
const B_SETTINGS: &str =
    r##"{"settings": {"flashcardTags": ["#cards"], "singleLineCardSeparator": ";;"}}"##;

fn setup() -> tempfile::TempDir {
    vault(&[
        ("A/.obsidian/app.json", "{}"),
        ("A/geo.md", A1),
        ("A/sub/bio.md", A2),
        ("A/.git/ignored.md", "#flashcards\n\nX::Y\n"),
        (
            "B/.obsidian/plugins/obsidian-spaced-repetition/data.json",
            B_SETTINGS,
        ),
        ("B/es.md", B1),
    ])
}

async fn summary(c: &mut Client) -> Value {
    c.request(
        "workspace/executeCommand",
        json!({"command": "srls.dueSummary", "arguments": []}),
    )
    .await
}

/// A client on the folder, today 2025-01-03, once the first index is done.
pub(crate) async fn indexed(folder: &Path) -> Client {
    indexed_with(folder, |_| {}).await
}

/// [`indexed`] with the client's capabilities changed by `patch`.
pub(crate) async fn indexed_with(folder: &Path, patch: impl FnOnce(&mut Value)) -> Client {
    let mut c = Client::start();
    let root = file_uri(folder);
    c.initialize_with(
        &["utf-16"],
        false,
        json!({"today": "2025-01-03"}),
        Some(&root),
        patch,
    )
    .await;
    wait_index(&c).await;
    c
}

async fn wait_index(c: &Client) {
    c.wait_for("$/progress", |p| p["value"]["kind"] == "begin")
        .await;
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end")
        .await;
}

#[tokio::test]
async fn index_counts_navigation_and_updates() {
    let dir = setup();
    let mut c = indexed(dir.path()).await;
    assert!(
        !c.server_requests("window/workDoneProgress/create")
            .is_empty()
    );
    assert!(
        !c.server_requests("client/registerCapability").is_empty(),
        "watchers registered"
    );

    let s = summary(&mut c).await;
    // Due: Paris (01-01), Cell (12-30), Hola (01-02); new: Rome. Berlin is later. `Q::` in B is
    // no card (B's separator is `;;`).
    assert_eq!(s["total"], json!({"due": 3, "new": 1}), "{s}");
    let decks: Vec<(String, u64, u64)> = s["decks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["deck"].as_str().unwrap().to_string(),
                d["due"].as_u64().unwrap(),
                d["new"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        decks,
        vec![
            ("cards".into(), 1, 0),
            ("flashcards/bio".into(), 1, 0),
            ("flashcards/geo".into(), 1, 1)
        ]
    );

    // Next due: the most overdue (Cell, due 2024-12-30), opened with showDocument.
    let n = c
        .request(
            "workspace/executeCommand",
            json!({"command": "srls.nextDue", "arguments": []}),
        )
        .await;
    assert_eq!(n["question"], "Cell", "{n}");
    assert!(n["uri"].as_str().unwrap().ends_with("A/sub/bio.md"));
    assert_eq!(n["range"]["start"]["line"], 2);
    assert!(!c.server_requests("window/showDocument").is_empty());
    let n = c
        .request(
            "workspace/executeCommand",
            json!({"command": "srls.nextDue", "arguments": [{"deck": "flashcards/geo"}]}),
        )
        .await;
    assert_eq!(n["question"], "Paris");

    // Workspace symbols find cards by question text.
    let w = c
        .request("workspace/symbol", json!({"query": "berl"}))
        .await;
    assert_eq!(w.as_array().unwrap().len(), 1);
    assert_eq!(w[0]["name"], "Berlin");

    // Editing an open note changes the counts (open documents win over the disk).
    let geo = dir.path().join("A/geo.md");
    let geo_uri = file_uri(&geo);
    c.open(&geo_uri, A1, 1);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": geo_uri, "version": 2}, "contentChanges": [{"text": A1.replace("2025-01-10", "2025-01-03")}]}),
    );
    let s = summary(&mut c).await;
    assert_eq!(s["total"], json!({"due": 4, "new": 1}), "{s}");

    // A file changed on disk (watched-files notification) updates the counts.
    let es = dir.path().join("B/es.md");
    std::fs::write(&es, B1.replace("2025-01-02", "2025-02-02")).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&es), "type": 2}]}),
    );
    let s = summary(&mut c).await;
    assert_eq!(s["total"], json!({"due": 3, "new": 1}), "{s}");
    // And a deleted one.
    std::fs::remove_file(dir.path().join("A/sub/bio.md")).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&dir.path().join("A/sub/bio.md")), "type": 3}]}),
    );
    let s = summary(&mut c).await;
    assert_eq!(s["total"], json!({"due": 2, "new": 1}), "{s}");

    // Code lens on the open note.
    let l = c
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": geo_uri}}),
        )
        .await;
    assert_eq!(l[0]["command"]["title"], "2 due · 1 new");
}

#[tokio::test]
async fn load_balancing_uses_the_vault() {
    // 3 cards due in 8 days: a Good on a new card (interval 3 → 8 with its window) moves off
    // the crowded day exactly as the plugin would.
    let mut files = vec![("V/.obsidian/app.json".to_string(), "{}".to_string())];
    let mut crowded = String::from("#flashcards\n\n");
    for i in 0..3 {
        crowded.push_str(&format!("Q{i}::A{i}\n<!--SR:!2025-01-11,8,250-->\n\n"));
    }
    files.push(("V/crowded.md".into(), crowded));
    let note = "#flashcards\n\nNew::card\n<!--SR:!2025-01-03,3,250-->\n";
    files.push(("V/n.md".into(), note.into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = vault(&refs);
    let mut c = indexed(dir.path()).await;
    let uri = file_uri(&dir.path().join("V/n.md"));
    c.open(&uri, note, 1);
    let actions = c.code_actions(&uri, 2, 0, &[]).await;
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
    let r = c.request("codeAction/resolve", a).await;
    let text = crate::client::apply(
        note,
        r["edit"]["documentChanges"][0]["edits"].as_array().unwrap(),
        "utf-16",
    );
    // 3·2.5 = 7.5 → 8, which has 3 cards; 7 is free → interval 7.
    assert!(text.contains("<!--SR:!2025-01-10,7,250-->"), "{text}");
    // Same as the CLI.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
        .args([
            "grade",
            &format!("{}:3", dir.path().join("V/n.md").display()),
            "good",
            "--today",
            "2025-01-03",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("+<!--SR:!2025-01-10,7,250-->"));
}

#[test]
fn due_json_agrees_with_the_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let today = "2024-01-01";
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_srls"))
        .args(["due", "--json", "--today", today])
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // An absolute folder argument gives absolute paths (as ripgrep prints them).
    let prefix = format!("{}/", corpus.display());
    let mut got: Vec<(String, u64, String)> = v["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let file = c["file"].as_str().unwrap();
            (
                file.strip_prefix(&prefix).expect(file).to_string(),
                c["first_line"].as_u64().unwrap(),
                c["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let mut want = Vec::new();
    // Totals count sides, as the plugin counts cards (each side of a reversed or cloze card).
    let (mut due_sides, mut new_sides) = (0, 0);
    for line in std::fs::read_to_string(corpus.join("expected.jsonl"))
        .unwrap()
        .lines()
    {
        let e: Value = serde_json::from_str(line).unwrap();
        for c in e["cards"].as_array().unwrap() {
            let n = c["sides"].as_array().unwrap().len();
            let sched = c["schedule"].as_array().unwrap();
            let sides: Vec<Option<String>> = (0..n)
                .map(|i| {
                    sched
                        .get(i)
                        .and_then(|g| g.get(0))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect();
            due_sides += sides
                .iter()
                .flatten()
                .filter(|d| d.as_str() <= today)
                .count();
            new_sides += sides.iter().filter(|d| d.is_none()).count();
            let due = sides.iter().flatten().any(|d| d.as_str() <= today);
            let new = !due && sides.iter().any(Option::is_none);
            if due || new {
                want.push((
                    e["file"].as_str().unwrap().to_string(),
                    c["first_line"].as_u64().unwrap(),
                    if due { "due" } else { "new" }.to_string(),
                ));
            }
        }
    }
    want.sort();
    assert!(want.len() > 100);
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
    assert_eq!(v["total"], json!({"due": due_sides, "new": new_sides}));
}

#[tokio::test]
async fn no_ghost_notes_after_folder_events_or_a_reindex() {
    let dir = setup();
    let mut c = indexed(dir.path()).await;
    assert_eq!(summary(&mut c).await["total"], json!({"due": 3, "new": 1}));

    // A folder renamed: one event for the old folder (deleted), one for the new (created).
    let (old, new) = (dir.path().join("A/sub"), dir.path().join("A/moved"));
    std::fs::rename(&old, &new).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&old), "type": 3}, {"uri": file_uri(&new), "type": 1}]}),
    );
    let n = c
        .request(
            "workspace/executeCommand",
            json!({"command": "srls.nextDue", "arguments": []}),
        )
        .await;
    assert!(
        n["uri"].as_str().unwrap().ends_with("A/moved/bio.md"),
        "{n}"
    );
    assert_eq!(summary(&mut c).await["total"], json!({"due": 3, "new": 1}));

    // A file removed without any event: nextDue does not open it, and it leaves the counts.
    std::fs::remove_file(new.join("bio.md")).unwrap();
    let n = c
        .request(
            "workspace/executeCommand",
            json!({"command": "srls.nextDue", "arguments": []}),
        )
        .await;
    assert_eq!(n["question"], "Paris", "{n}");
    assert_eq!(summary(&mut c).await["total"], json!({"due": 2, "new": 1}));

    // A folder deleted without an event, then a re-index (a data.json change): it is gone.
    std::fs::remove_dir_all(dir.path().join("B")).unwrap();
    let data = dir
        .path()
        .join("A/.obsidian/plugins/obsidian-spaced-repetition/data.json");
    std::fs::create_dir_all(data.parent().unwrap()).unwrap();
    std::fs::write(&data, "{}").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&data), "type": 1}]}),
    );
    wait_index(&c).await;
    let s = summary(&mut c).await;
    assert_eq!(s["total"], json!({"due": 1, "new": 1}), "{s}");
    let w = c
        .request("workspace/symbol", json!({"query": "hola"}))
        .await;
    assert_eq!(w, json!([]));
}

#[tokio::test]
async fn unanswered_show_document_requests_block_nothing() {
    let dir = setup();
    let mut c = indexed(dir.path()).await;
    c.hold_show_document
        .store(true, std::sync::atomic::Ordering::SeqCst);
    for _ in 0..6 {
        let n = c
            .request(
                "workspace/executeCommand",
                json!({"command": "srls.nextDue", "arguments": []}),
            )
            .await;
        assert_eq!(n["question"], "Cell");
    }
    let geo = file_uri(&dir.path().join("A/geo.md"));
    c.open(&geo, A1, 1);
    let id = c.request_start(
        "textDocument/hover",
        json!({"textDocument": {"uri": geo}, "position": {"line": 2, "character": 0}}),
    );
    let h = tokio::time::timeout(std::time::Duration::from_secs(5), c.response(id))
        .await
        .expect("a hover while six showDocument requests wait");
    assert!(h["result"]["contents"]["value"].is_string(), "{h}");
}

#[tokio::test]
async fn settings_that_break_while_running_are_reported() {
    let dir = setup();
    let c = indexed(dir.path()).await;
    let geo = file_uri(&dir.path().join("A/geo.md"));
    c.open(&geo, A1, 1);
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == geo.as_str()
    })
    .await;
    let data = dir
        .path()
        .join("A/.obsidian/plugins/obsidian-spaced-repetition/data.json");
    std::fs::create_dir_all(data.parent().unwrap()).unwrap();
    std::fs::write(&data, "{\"settings\": {\"flashcardTags\": [").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&data), "type": 2}]}),
    );
    let m = c
        .wait_for("window/showMessage", |m| {
            m["message"]
                .as_str()
                .is_some_and(|t| t.contains("data.json"))
        })
        .await;
    assert!(m["message"].as_str().unwrap().contains("malformed"), "{m}");
    let d = c
        .wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == geo.as_str()
                && p["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "settings"))
        })
        .await;
    let s = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "settings")
        .unwrap()
        .clone();
    assert_eq!(s["range"]["start"], json!({"line": 0, "character": 0}));
    assert!(s["message"].as_str().unwrap().contains("data.json"), "{s}");
}

/// The walk follows a symlinked folder (its entry type says symlink; the target is a folder),
/// and a note over `index.maxFileSize` is left out with a logged line giving its size.
#[cfg(unix)]
#[tokio::test]
async fn index_follows_folder_links_and_skips_notes_over_the_size_limit() {
    let dir = vault(&[
        ("V/.obsidian/app.json", "{}"),
        ("V/geo.md", A1),
        ("outside/bio.md", A2),
        (
            "V/big.md",
            &format!("#flashcards\n\nBig::card\n\n{}\n", "x".repeat(400)),
        ),
    ]);
    std::os::unix::fs::symlink(dir.path().join("outside"), dir.path().join("V/linked")).unwrap();
    let root = dir.path().join("V");
    let mut c = Client::start();
    c.initialize_with(
        &["utf-16"],
        false,
        json!({"today": "2025-01-03", "index": {"maxFileSize": 300}}),
        Some(&file_uri(&root)),
        |_| {},
    )
    .await;
    wait_index(&c).await;
    let s = summary(&mut c).await;
    // geo: Paris due, Rome new; the linked bio: Cell due; big.md's card is not counted.
    assert_eq!(s["total"], json!({"due": 2, "new": 1}), "{s}");
    let log = c
        .wait_for("window/logMessage", |p| {
            p["message"].as_str().unwrap_or("").contains("not indexing")
        })
        .await;
    let big = root.join("big.md");
    assert_eq!(
        log["message"],
        format!(
            "srls: not indexing {} (425 bytes, over index.maxFileSize)",
            big.display()
        )
    );
}
