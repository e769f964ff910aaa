//! Whole-server benchmarks against the real `srls` binary over stdio:
//! vault indexing (10,000 generated notes: wall time, peak RSS), memory per indexed note and
//! per open 1 MB note, and the cold start of `srls check` on the corpus.
//!
//! `cargo bench --bench server` (uses the release binary cargo builds for benches).

mod decks;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Value>,
    id: i64,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_srls"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("srls");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0;
                loop {
                    let mut l = String::new();
                    if r.read_line(&mut l).unwrap_or(0) == 0 {
                        return;
                    }
                    let l = l.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some(v) = l.strip_prefix("Content-Length: ") {
                        len = v.parse().unwrap();
                    }
                }
                let mut buf = vec![0; len];
                r.read_exact(&mut buf).unwrap();
                if tx.send(serde_json::from_slice(&buf).unwrap()).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            rx,
            id: 0,
        }
    }

    fn send(&mut self, v: Value) {
        let b = serde_json::to_vec(&v).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", b.len()).unwrap();
        self.stdin.write_all(&b).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let id = self.id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.until(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Reads messages until `pred`, answering the server's requests with null.
    fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .rx
                .recv_timeout(Duration::from_secs(120))
                .expect("server message");
            if m.get("method").is_some() && m.get("id").is_some() {
                let id = m["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
            if pred(&m) {
                return m;
            }
        }
    }

    fn status(&self, key: &str) -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        s.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    fn stop(mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn init(s: &mut Server, root: Option<&Path>, index: bool) {
    let folders = root
        .map(|r| json!([{"uri": uri(r), "name": "v"}]))
        .unwrap_or(Value::Null);
    s.request(
        "initialize",
        json!({"processId": null, "workspaceFolders": folders, "initializationOptions": {"index": {"enabled": index}, "today": "2025-01-03"},
               "capabilities": {"window": {"workDoneProgress": true}}}),
    );
    s.notify("initialized", json!({}));
}

fn gen_vault(dir: &Path) {
    let st = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-vault"))
        .arg(dir)
        .arg("10000")
        .status()
        .expect("python3 scripts/gen-vault");
    assert!(st.success());
}

fn main() {
    // `cargo bench` passes `--bench`; under `cargo test --benches` only check that it builds.
    if !std::env::args().any(|a| a == "--bench") {
        println!("server benchmark: run it with `cargo bench --bench server`");
        return;
    }
    let tmp = std::env::temp_dir().join(format!("srls-bench-{}", std::process::id()));
    let vault = tmp.join("vault");
    gen_vault(&vault);
    let bytes: u64 = walk_size(&vault);

    // 1. Index 10,000 notes.
    let mut s = Server::start();
    let rss_idle = {
        init(&mut s, None, false);
        std::thread::sleep(Duration::from_millis(200));
        s.status("VmRSS:")
    };
    s.stop();
    let mut s = Server::start();
    let t = Instant::now();
    init(&mut s, Some(&vault), true);
    s.until(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    let index_time = t.elapsed();
    let peak = s.status("VmHWM:");
    let rss_indexed = s.status("VmRSS:");
    s.stop();

    // 2. Memory per open 1 MB note.
    let note = one_mb_note();
    let mut s = Server::start();
    init(&mut s, None, false);
    std::thread::sleep(Duration::from_millis(200));
    let before = s.status("VmRSS:");
    let n_open = 8;
    for i in 0..n_open {
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": format!("file:///bench/{i}.md"), "languageId": "markdown", "version": 1, "text": note}}),
        );
    }
    let _ = s.request("textDocument/hover", json!({"textDocument": {"uri": format!("file:///bench/{}.md", n_open - 1)}, "position": {"line": 0, "character": 0}}));
    let after = s.status("VmRSS:");
    s.stop();

    // 3. Cold start of `srls check` on the corpus.
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let _ = Command::new(env!("CARGO_BIN_EXE_srls"))
            .arg("check")
            .arg(&corpus)
            .stdout(Stdio::null())
            .status();
        times.push(t.elapsed());
    }
    times.sort();

    println!();
    println!("| benchmark | result |");
    println!("|---|---|");
    println!(
        "| index {} notes ({:.1} MB) | {:.2} s wall, peak RSS {:.1} MB |",
        10000,
        bytes as f64 / 1e6,
        index_time.as_secs_f64(),
        peak as f64 / 1024.0
    );
    println!(
        "| memory per indexed note | {:.1} KB ({:.1} MB idle → {:.1} MB indexed) |",
        (rss_indexed.saturating_sub(rss_idle)) as f64 / 10000.0,
        rss_idle as f64 / 1024.0,
        rss_indexed as f64 / 1024.0
    );
    println!(
        "| memory per open {:.1} MB note | {:.1} MB ({} notes open) |",
        note.len() as f64 / 1e6,
        (after.saturating_sub(before)) as f64 / 1024.0 / n_open as f64,
        n_open
    );
    println!(
        "| `srls check` cold start on the corpus (175 notes) | median {:.0} ms |",
        times[2].as_secs_f64() * 1e3
    );
    decks::bench(&tmp);
    let _ = std::fs::remove_dir_all(&tmp);
}

fn walk_size(p: &Path) -> u64 {
    let mut n = 0;
    let mut stack: Vec<PathBuf> = vec![p.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                n += e.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    n
}

fn one_mb_note() -> String {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let list = std::fs::read_to_string(corpus.join("expected.jsonl")).unwrap();
    let mut out = String::from("#flashcards\n\n");
    'outer: loop {
        for line in list.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let t = std::fs::read_to_string(corpus.join(v["file"].as_str().unwrap())).unwrap();
            out.push_str(&t.replace("\n---\n", "\n- - -\n"));
            out.push_str("\n\n");
            if out.len() >= 1 << 20 {
                break 'outer;
            }
        }
    }
    out
}
