//! An in-process LSP client: the real server over `tokio::io::duplex`, real JSON-RPC framing.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Notify, mpsc};

/// Messages the server sent that were not responses to our requests.
#[derive(Default)]
struct Inbox {
    notifications: VecDeque<Value>,
    responses: Vec<Value>,
    server_requests: Vec<Value>,
}

pub struct Client {
    out: mpsc::UnboundedSender<Value>,
    inbox: Arc<Mutex<Inbox>>,
    notify: Arc<Notify>,
    next_id: i64,
    /// What to answer to `workspace/configuration` (one item).
    pub configuration: Arc<Mutex<Value>>,
    /// When set, `window/showDocument` requests are never answered (a slow or stuck editor).
    pub hold_show_document: Arc<std::sync::atomic::AtomicBool>,
}

impl Client {
    /// Starts the server and a client around it.
    pub fn start() -> Client {
        let (client_side, server_side) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_side);
        tokio::spawn(srls::lsp::serve(server_read, server_write));
        let (mut cw_read, mut cw) = {
            let (r, w) = tokio::io::split(client_side);
            (r, w)
        };
        // Re-join the halves as a DuplexStream-like pair via channels.
        let (tx, mut rx) = mpsc::unbounded_channel::<Value>();
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let notify = Arc::new(Notify::new());
        let configuration = Arc::new(Mutex::new(Value::Null));
        let hold_show_document = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let hold = hold_show_document.clone();
        let tx2 = tx.clone();
        // Writer.
        tokio::spawn(async move {
            while let Some(v) = rx.recv().await {
                let body = serde_json::to_vec(&v).unwrap();
                let head = format!("Content-Length: {}\r\n\r\n", body.len());
                if cw.write_all(head.as_bytes()).await.is_err()
                    || cw.write_all(&body).await.is_err()
                {
                    break;
                }
                let _ = cw.flush().await;
            }
        });
        // Reader.
        let ib = inbox.clone();
        let nf = notify.clone();
        let cfg = configuration.clone();
        tokio::spawn(async move {
            let mut reader = tokio::io::BufReader::new(&mut cw_read);
            loop {
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some(v) = l.strip_prefix("Content-Length: ") {
                        len = v.parse().unwrap_or(0);
                    }
                }
                let mut buf = vec![0; len];
                if reader.read_exact(&mut buf).await.is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&buf).unwrap();
                if v.get("method").is_some() && v.get("id").is_some() {
                    // A request from the server: answer it.
                    let result = match v["method"].as_str().unwrap() {
                        "workspace/configuration" => json!([cfg.lock().unwrap().clone()]),
                        "window/showDocument" => json!({"success": true}),
                        // The test applies the edit itself (see `server_requests`).
                        "workspace/applyEdit" => json!({"applied": true}),
                        _ => Value::Null,
                    };
                    let held = v["method"] == "window/showDocument"
                        && hold.load(std::sync::atomic::Ordering::SeqCst);
                    if !held {
                        let _ = tx2.send(
                            json!({"jsonrpc": "2.0", "id": v["id"].clone(), "result": result}),
                        );
                    }
                    ib.lock().unwrap().server_requests.push(v);
                } else if v.get("method").is_some() {
                    ib.lock().unwrap().notifications.push_back(v);
                } else {
                    ib.lock().unwrap().responses.push(v);
                }
                nf.notify_waiters();
            }
        });
        Client {
            out: tx,
            inbox,
            notify,
            next_id: 1,
            configuration,
            hold_show_document,
        }
    }

    pub fn send(&self, v: Value) {
        self.out.send(v).unwrap();
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_start(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    pub async fn response(&self, id: i64) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.notify.notified();
            {
                let mut ib = self.inbox.lock().unwrap();
                if let Some(p) = ib.responses.iter().position(|r| r["id"] == json!(id)) {
                    return ib.responses.remove(p);
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("no response to request {id}");
            }
        }
    }

    /// Sends a request and returns the whole response (with `result` or `error`).
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_start(method, params);
        self.response(id).await
    }

    /// Sends a request and returns its result, failing on an error.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.request_raw(method, params).await;
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// Waits for the next notification of `method` matching `pred`, removing it.
    pub async fn wait_for(&self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.try_wait_for(method, pred, Duration::from_secs(20))
            .await
            .unwrap_or_else(|| panic!("no {method} notification"))
    }

    pub async fn try_wait_for(
        &self,
        method: &str,
        pred: impl Fn(&Value) -> bool,
        t: Duration,
    ) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + t;
        loop {
            let notified = self.notify.notified();
            {
                let mut ib = self.inbox.lock().unwrap();
                if let Some(p) = ib
                    .notifications
                    .iter()
                    .position(|n| n["method"] == method && pred(&n["params"]))
                {
                    return ib.notifications.remove(p).map(|n| n["params"].clone());
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }

    /// All notifications of `method` received so far (removed from the inbox).
    pub fn drain(&self, method: &str) -> Vec<Value> {
        let mut ib = self.inbox.lock().unwrap();
        let (take, keep): (Vec<Value>, Vec<Value>) = ib
            .notifications
            .drain(..)
            .partition(|n| n["method"] == method);
        ib.notifications = keep.into();
        take.into_iter().map(|n| n["params"].clone()).collect()
    }

    pub fn server_requests(&self, method: &str) -> Vec<Value> {
        self.inbox
            .lock()
            .unwrap()
            .server_requests
            .iter()
            .filter(|r| r["method"] == method)
            .cloned()
            .collect()
    }

    /// `initialize` + `initialized`. `encodings`: offered position encodings; `pull`: whether
    /// the client pulls diagnostics.
    pub async fn initialize(
        &mut self,
        encodings: &[&str],
        pull: bool,
        init_options: Value,
        root: Option<&str>,
    ) -> Value {
        self.initialize_with(encodings, pull, init_options, root, |_| {})
            .await
    }

    /// [`Client::initialize`] with the capabilities changed by `patch` first.
    pub async fn initialize_with(
        &mut self,
        encodings: &[&str],
        pull: bool,
        init_options: Value,
        root: Option<&str>,
        patch: impl FnOnce(&mut Value),
    ) -> Value {
        let mut td = json!({
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "codeAction": {"resolveSupport": {"properties": ["edit"]}, "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor"]}}},
            "inlayHint": {},
            "publishDiagnostics": {"versionSupport": true}
        });
        if pull {
            td["diagnostic"] = json!({});
        }
        let folders = root
            .map(|r| json!([{"uri": r, "name": "vault"}]))
            .unwrap_or(Value::Null);
        let mut capabilities = json!({
            "general": {"positionEncodings": encodings},
            "textDocument": td,
            "window": {"workDoneProgress": true, "showDocument": {"support": true}},
            "workspace": {
                "configuration": true,
                "workspaceEdit": {"documentChanges": true},
                "didChangeWatchedFiles": {"dynamicRegistration": true},
                "inlayHint": {"refreshSupport": true}
            }
        });
        patch(&mut capabilities);
        let r = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root,
                    "workspaceFolders": folders,
                    "initializationOptions": init_options,
                    "capabilities": capabilities
                }),
            )
            .await;
        self.notify("initialized", json!({}));
        r
    }

    /// `textDocument/codeAction` at one position (`only`: the kinds asked for, empty for all).
    pub async fn code_actions(
        &mut self,
        uri: &str,
        line: u64,
        character: u64,
        only: &[&str],
    ) -> Value {
        let at = json!({"line": line, "character": character});
        let mut context = json!({"diagnostics": []});
        if !only.is_empty() {
            context["only"] = json!(only);
        }
        self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at}, "context": context}),
        )
        .await
    }

    pub fn open(&self, uri: &str, text: &str, version: i64) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}}),
        );
    }

    pub async fn shutdown(&mut self) {
        let r = self.request_raw("shutdown", Value::Null).await;
        assert!(r.get("error").is_none());
        self.notify("exit", Value::Null);
    }
}

/// Converts an LSP position to a byte offset in `text` (the test's own, independent version).
pub fn offset_of(text: &str, line: u64, character: u64, enc: &str) -> usize {
    let mut off = 0;
    let mut cur = 0u64;
    let b = text.as_bytes();
    while cur < line && off < b.len() {
        if b[off] == b'\n' {
            cur += 1;
        } else if b[off] == b'\r' {
            if b.get(off + 1) == Some(&b'\n') {
                off += 1;
            }
            cur += 1;
        }
        off += 1;
    }
    let mut units = 0u64;
    for (i, c) in text[off..].char_indices() {
        if c == '\n' || c == '\r' || units >= character {
            return off + i;
        }
        units += match enc {
            "utf-8" => c.len_utf8() as u64,
            "utf-32" => 1,
            _ => c.len_utf16() as u64,
        };
    }
    text.len()
}

/// Applies LSP text edits (non-overlapping) to a text.
pub fn apply(text: &str, edits: &[Value], enc: &str) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let s = offset_of(
                text,
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
                enc,
            );
            let t = offset_of(
                text,
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
                enc,
            );
            (s, t, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, t, n) in spans {
        out.replace_range(s..t, &n);
    }
    out
}

/// A throwaway vault on disk.
pub fn vault(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, content) in files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

pub fn file_uri(p: &std::path::Path) -> String {
    tower_lsp_server::ls_types::Uri::from_file_path(p)
        .expect("an absolute path")
        .as_str()
        .to_string()
}
