//! Request and notification handlers. Each handler takes what it needs from the state under a
//! short lock (never held across an `.await`), calls the core, and converts the result.

use super::config::Config;
use super::convert;
use crate::features::due::{Due, sibling_dues};
use crate::features::grade::{self, GradeRequest};
use crate::features::hints::{self, due_label};
use crate::features::hover::{HoverContext, hover_text};
use crate::features::lint::{self, Lint};
use crate::note::incremental::{EditSpan, OldFacts, Reparsed, reparse_in_place_facts};
use crate::note::{Note, NoteContext, parse_note_with};
use crate::plugin::scanner::CardType;
use crate::plugin::schedule::Response;
use crate::text::document::{Change, Document, TreeUpdate};
use crate::text::position::Encoding;
use crate::workspace::clock::Clock;
use crate::workspace::index::{Index, IndexedNote};
use crate::workspace::vault::Vault;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error as RpcError, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

const DEBOUNCE: Duration = Duration::from_millis(40);
pub const CMD_DUE_SUMMARY: &str = "srls.dueSummary";
pub const CMD_NEXT_DUE: &str = "srls.nextDue";

/// What the client can do, read once at `initialize`.
#[derive(Debug, Default, Clone)]
struct Caps {
    markdown_hover: bool,
    resolve: bool,
    pull_diagnostics: bool,
    show_document: bool,
    progress: bool,
    watch_dynamic: bool,
    configuration: bool,
    hint_refresh: bool,
    lens_refresh: bool,
    diagnostic_refresh: bool,
    document_changes: bool,
}

/// Bytes of tree-sitter parsing a `didChange` may do inline (about 6 ms at tree-sitter-md's
/// 2.5 MB/s); beyond that the trees are brought up to date in the background.
const INLINE_TREE_BUDGET: usize = 16 * 1024;

pub struct Doc {
    document: Document,
    /// The text, edited in place (the incremental reparse needs only [`OldFacts`] of the old).
    text: String,
    note: Arc<Note>,
    vault: Arc<Vault>,
    path: Option<PathBuf>,
    /// The note's place in its vault (computed once: it touches the file system).
    ctx: NoteContext,
    /// The generation last copied into the vault index.
    indexed: u64,
    /// The core diagnostics, once asked for; then kept up to date edit by edit
    /// ([`Lint::update`] redoes only the window the edit changed).
    lint: Option<Lint>,
    /// The `rendered-as-code` diagnostics (sorted by start), once asked for with the trees up to
    /// date; then kept up to date edit by edit while the trees keep up, else recomputed.
    rendered: Option<Vec<lint::Diagnostic>>,
    /// Bumped on every change; a debounced diagnostics task only publishes its own generation.
    generation: u64,
}

impl Doc {
    /// A freshly opened note.
    pub fn open(
        text: String,
        version: i32,
        encoding: Encoding,
        vault: Arc<Vault>,
        path: Option<PathBuf>,
    ) -> Doc {
        let document = Document::with_encoding(&text, version, encoding);
        let ctx = vault.context(path.as_deref());
        let note = Arc::new(parse_note_with(&text, &vault.settings, &ctx, &vault.engine));
        Doc {
            document,
            text,
            note,
            vault,
            path,
            ctx,
            indexed: u64::MAX,
            lint: None,
            rendered: None,
            generation: 0,
        }
    }

    /// Applies a `didChange`: the rope, the text (in place), the edited tree segment, an
    /// incremental reparse of the note (equal to a fresh parse) and, once diagnostics have been
    /// asked for, an incremental lint. Returns whether a range had to be clamped; a stale
    /// version changes nothing.
    pub fn apply(
        &mut self,
        version: i32,
        changes: &[Change],
    ) -> std::result::Result<bool, crate::text::document::StaleVersion> {
        let old = OldFacts::of(&self.text, &self.note);
        let had_dropped = !self.note.dropped.is_empty();
        let applied = self.document.apply_changes_deferred(version, changes)?;
        // An edit inside a paragraph reparses that segment's tree now; a larger reparse (a
        // fence opened above hundreds of paragraphs) waits for a pause in typing and runs off
        // the lock (see `schedule_diagnostics`).
        let tree = self.document.try_ensure_tree(INLINE_TREE_BUDGET);
        let mut clamped = false;
        let mut spans = Vec::with_capacity(applied.len());
        for (a, c) in applied.iter().zip(changes) {
            clamped |= a.was_clamped();
            let len = self.text.len();
            let (s0, e0) = (a.start_byte.min(len), a.old_end_byte.min(len));
            self.text.replace_range(s0..e0, &c.text);
            spans.push(EditSpan {
                start: s0,
                old_end: e0,
                new_end: s0 + c.text.len(),
            });
        }
        let settings = &self.vault.settings;
        let engine = &self.vault.engine;
        let how = reparse_in_place_facts(
            Arc::make_mut(&mut self.note),
            old,
            &self.text,
            &spans,
            settings,
            &self.ctx,
            engine,
        );
        if let Some(l) = &mut self.lint {
            l.update(&self.text, &self.note, settings, engine, &how);
        }
        // `rendered-as-code` follows when both the note and the trees changed only in a window
        // (and no card moved in or out of the dropped ones, which a tag above can do).
        self.rendered = match (self.rendered.take(), &how, tree) {
            (Some(mut r), Reparsed::Window(w), TreeUpdate::Changed(t))
                if !had_dropped && self.note.dropped.is_empty() =>
            {
                let from = w.bytes_new.start.min(t.start);
                let old_end = w.bytes_old.end.max(t.old_end);
                let new_end = old_end.wrapping_add_signed(w.delta);
                let a = r.partition_point(|d| d.start < from);
                let b = r.partition_point(|d| d.start < old_end);
                for d in &mut r[b..] {
                    d.start = d.start.wrapping_add_signed(w.delta);
                    d.end = d.end.wrapping_add_signed(w.delta);
                }
                let fresh = rendered_as_code(self, from..new_end);
                r.splice(a..b, fresh);
                Some(r)
            }
            _ => None,
        };
        self.generation += 1;
        Ok(clamped)
    }

    /// The core and `rendered-as-code` diagnostics of the current text, computed in full the
    /// first time (and after a change they could not follow), with the positions to publish them
    /// at; the trees must be up to date.
    fn diagnostics(&mut self) -> (&Lint, &[lint::Diagnostic], Positions<'_>) {
        if self.rendered.is_none() {
            self.rendered = Some(rendered_as_code(self, 0..usize::MAX));
        }
        let Doc {
            text,
            note,
            vault,
            lint,
            rendered,
            document,
            ..
        } = self;
        let core =
            lint.get_or_insert_with(|| Lint::new(text, note, &vault.settings, &vault.engine));
        let at = Positions {
            text,
            lines: &note.lines,
            encoding: document.encoding(),
        };
        (core, rendered.as_deref().unwrap_or_default(), at)
    }

    fn positions(&self) -> Positions<'_> {
        Positions {
            text: &self.text,
            lines: &self.note.lines,
            encoding: self.document.encoding(),
        }
    }

    pub fn note(&self) -> &Note {
        &self.note
    }

    /// Brings the tree segments up to date now (the server does it in the background after a
    /// pause in typing when a keystroke's reparse was too large to do inline).
    pub fn ensure_tree(&mut self) {
        if self.document.tree_is_stale() {
            self.document.ensure_tree();
            self.rendered = None;
        }
    }

    /// The protocol position of a byte offset (see [`Positions::at`]).
    pub fn position(&self, byte: usize) -> Position {
        self.positions().at(byte)
    }

    /// Whether the tree segments lag behind the text.
    pub fn tree_is_stale(&self) -> bool {
        self.document.tree_is_stale()
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Protocol positions from a note's line table: a binary search and the line's prefix (the
/// rope's conversion is several tree walks).
struct Positions<'a> {
    text: &'a str,
    lines: &'a crate::plugin::lines::Lines,
    encoding: Encoding,
}

impl Positions<'_> {
    /// Snaps like [`crate::text::position::snap_offset`]: into the text, onto a char boundary,
    /// before the `\r` of a `\r\n`.
    fn at(&self, byte: usize) -> Position {
        let t = self.text.as_bytes();
        let mut b = byte.min(t.len());
        while !self.text.is_char_boundary(b) {
            b -= 1;
        }
        if b > 0 && b < t.len() && t[b - 1] == b'\r' && t[b] == b'\n' {
            b -= 1;
        }
        let line = self.lines.line_of(b);
        let start = self.lines.get(line).start.min(b);
        let character = self.encoding.len_of_str(&self.text[start..b]);
        Position::new(line as u32, character as u32)
    }
}

#[derive(Default)]
struct State {
    encoding: Encoding,
    caps: Caps,
    init_options: Value,
    config: Config,
    docs: HashMap<Uri, Doc>,
    vaults: HashMap<Option<PathBuf>, Arc<Vault>>,
    roots: Vec<PathBuf>,
    index: Index,
    warned: HashSet<String>,
}

pub struct Backend {
    client: Client,
    st: Arc<Mutex<State>>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            st: Arc::new(Mutex::new(State::default())),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.st)
    }
}

fn lock(st: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic in one handler must not take every later request down with a poisoned lock.
    st.lock().unwrap_or_else(|e| e.into_inner())
}

fn uri_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

/// Loads (or returns the cached) vault for a note path.
fn vault_for(st: &mut State, path: Option<&Path>) -> Arc<Vault> {
    let root = path.and_then(crate::workspace::vault::find_vault_root);
    if let Some(v) = st.vaults.get(&root) {
        return v.clone();
    }
    let v = Arc::new(Vault::open(root.as_deref(), &st.config.plugin));
    st.vaults.insert(root, v.clone());
    v
}

fn clock(config: &Config) -> Clock {
    Clock::resolve(config.today, config.now).unwrap_or_else(|_| {
        Clock::resolve(config.today, config.now.or(Some(chrono::Utc::now())))
            .expect("clock with an explicit instant")
    })
}

/// Finds the card under a byte offset: the one whose own lines hold it.
fn card_at(note: &Note, offset: usize) -> Option<usize> {
    let line = note.lines.line_of(offset);
    note.card_at_line(line)
}

/// Where the editor's markdown (the tree-sitter block trees) differs from the plugin's scanner:
/// a card whose defining line the editor renders as code or HTML. Only lines starting in
/// `window` (bytes).
fn rendered_as_code(doc: &Doc, window: std::ops::Range<usize>) -> Vec<lint::Diagnostic> {
    let blocks = doc.document.segments().code_blocks(window.clone());
    if blocks.is_empty() {
        return vec![];
    }
    let settings = &doc.vault.settings;
    let cards = &doc.note.cards;
    let first = cards.partition_point(|c| c.end <= window.start);
    let mut out = Vec::new();
    for c in &cards[first..] {
        if c.start >= window.end {
            break;
        }
        let line = match c.kind {
            CardType::SingleLineBasic | CardType::SingleLineReversed => {
                c.src_lines.first().copied()
            }
            CardType::MultiLineBasic | CardType::MultiLineReversed => {
                let sep = if c.kind == CardType::MultiLineBasic {
                    &settings.multiline_card_separator
                } else {
                    &settings.multiline_reversed_card_separator
                };
                c.src_lines.iter().copied().find(|&l| {
                    crate::plugin::js::text::trim(doc.note.lines.text(&doc.text, l)) == sep.as_str()
                })
            }
            CardType::Cloze => None,
        };
        let Some(line) = line else { continue };
        let l = doc.note.lines.get(line);
        if l.end <= l.start || !window.contains(&l.start) {
            continue;
        }
        // Blocks are disjoint at this level: the last one starting at or before the line.
        let k = blocks.partition_point(|b| b.0 <= l.start);
        if let Some(&(bs, be, what)) = k.checked_sub(1).map(|i| &blocks[i])
            && bs <= l.start
            && l.end <= be
        {
            out.push(lint::Diagnostic {
                code: "rendered-as-code",
                severity: lint::default_severity("rendered-as-code"),
                start: l.start,
                end: l.end,
                message: format!(
                    "the editor shows this line inside {what}, but the plugin reads a card here"
                ),
                fixes: vec![],
            });
        }
    }
    out
}

/// The document's diagnostics in protocol form.
pub fn diagnostics_for(doc: &mut Doc, config: &Config) -> Vec<Diagnostic> {
    if !config.diagnostics_enabled {
        return vec![];
    }
    let mut out = Vec::new();
    let (core, rendered, at) = doc.diagnostics();
    for d in core.iter().chain(rendered) {
        let Some(sev) = config.severity_of(d.code, d.severity) else {
            continue;
        };
        out.push(Diagnostic {
            range: Range::new(at.at(d.start), at.at(d.end)),
            severity: Some(convert::severity(sev)),
            code: Some(NumberOrString::String(d.code.to_string())),
            source: Some("srls".into()),
            message: d.message.clone(),
            ..Diagnostic::default()
        });
    }
    out
}

fn response_title(r: Response) -> &'static str {
    match r {
        Response::Easy => "Easy",
        Response::Good => "Good",
        Response::Hard => "Hard",
        Response::Again => "Again",
        Response::Reset => "Reset",
    }
}

fn server_error(msg: impl Into<String>) -> RpcError {
    let mut e = RpcError::invalid_params(msg.into());
    e.code = tower_lsp_server::jsonrpc::ErrorCode::InvalidRequest;
    e
}

impl Backend {
    /// Publishes diagnostics for a document after the debounce, unless it changed again.
    fn schedule_diagnostics(&self, uri: Uri) {
        let st = self.st.clone();
        let client = self.client.clone();
        let generation = match self.lock().docs.get(&uri) {
            Some(d) => d.generation,
            None => return,
        };
        tokio::spawn(async move {
            tokio::time::sleep(DEBOUNCE).await;
            // Bring the tree-sitter tree up to date away from the lock: a long note can take a
            // while, and typing must not wait for it.
            let snapshot = {
                let s = lock(&st);
                match s.docs.get(&uri) {
                    Some(d) if d.generation == generation => d
                        .document
                        .tree_is_stale()
                        .then(|| (d.document.tree_snapshot(), d.document.version())),
                    _ => return,
                }
            };
            if let Some((snap, version)) = snapshot {
                let parsed = tokio::task::spawn_blocking(move || {
                    crate::text::document::parse_snapshot(snap)
                })
                .await;
                let Ok(tree) = parsed else { return };
                let mut s = lock(&st);
                match s.docs.get_mut(&uri) {
                    Some(d) if d.generation == generation => {
                        if d.document.install_tree(version, tree) {
                            d.rendered = None;
                        }
                    }
                    _ => return,
                }
            }
            let (diags, version) = {
                let mut s = lock(&st);
                if s.docs.get(&uri).is_none_or(|d| d.generation != generation) {
                    return;
                }
                // The vault index follows the open note once typing pauses.
                Backend::update_open_index(&mut s, &uri);
                if s.caps.pull_diagnostics {
                    return;
                }
                let config = s.config.clone();
                match s.docs.get_mut(&uri) {
                    Some(d) => (diagnostics_for(d, &config), d.document.version()),
                    None => return,
                }
            };
            client.publish_diagnostics(uri, diags, Some(version)).await;
        });
    }

    async fn show_warnings(&self, warnings: Vec<String>) {
        let fresh: Vec<String> = {
            let mut s = self.lock();
            warnings
                .into_iter()
                .filter(|w| s.warned.insert(w.clone()))
                .collect()
        };
        for w in fresh {
            self.client.show_message(MessageType::WARNING, w).await;
        }
    }

    /// Applies a new configuration: reload vault overrides, re-parse open notes, republish.
    async fn apply_config(&self, value: Value) {
        let (config, warnings) = Config::from_json(&value);
        let uris: Vec<Uri> = {
            let mut s = self.lock();
            let plugin_changed = s.config.plugin != config.plugin;
            s.config = config;
            if plugin_changed {
                s.vaults.clear();
            }
            reparse_open(&mut s)
        };
        self.show_warnings(warnings).await;
        for u in uris {
            self.schedule_diagnostics(u);
        }
        self.refresh().await;
    }

    async fn refresh(&self) {
        let caps = self.lock().caps.clone();
        if caps.hint_refresh {
            let _ = self.client.inlay_hint_refresh().await;
        }
        if caps.lens_refresh {
            let _ = self.client.code_lens_refresh().await;
        }
        if caps.diagnostic_refresh && caps.pull_diagnostics {
            let _ = self.client.workspace_diagnostic_refresh().await;
        }
    }

    async fn pull_configuration(&self) {
        let (can, init) = {
            let s = self.lock();
            (s.caps.configuration, s.init_options.clone())
        };
        if !can {
            return;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("srls".into()),
        }];
        if let Ok(mut v) = self.client.configuration(items).await {
            let got = v.pop().unwrap_or(Value::Null);
            let merged = merge_config(&init, &got);
            self.apply_config(merged).await;
        }
    }

    /// Indexes the workspace in the background, reporting progress.
    async fn index_workspace(&self) {
        let (roots, enabled, progress, max) = {
            let s = self.lock();
            (
                s.roots.clone(),
                s.config.index_enabled,
                s.caps.progress,
                s.config.max_file_size,
            )
        };
        if !enabled || roots.is_empty() {
            self.lock().index.ready = true;
            return;
        }
        let token = NumberOrString::String("srls/index".into());
        let progress_ok = progress
            && self
                .client
                .create_work_done_progress(token.clone())
                .await
                .is_ok();
        let prog = if progress_ok {
            Some(
                self.client
                    .progress(token, "Indexing flashcards")
                    .with_percentage(0)
                    .begin()
                    .await,
            )
        } else {
            None
        };
        let st = self.st.clone();
        let client = self.client.clone();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
        let job = tokio::task::spawn_blocking(move || {
            let mut files = Vec::new();
            let mut vaults: HashMap<Option<PathBuf>, Arc<Vault>> = HashMap::new();
            for r in &roots {
                let vault = Vault::of(&r.join("x.md"), &Default::default());
                files.extend(crate::workspace::vault::vault_notes(r, &vault.settings));
            }
            files.sort();
            files.dedup();
            let total = files.len();
            let mut logs = Vec::new();
            for (i, f) in files.iter().enumerate() {
                if i % 200 == 0 {
                    let _ = tx.send((i, total));
                }
                let meta = match std::fs::metadata(f) {
                    Ok(m) => m,
                    Err(_) => continue,
                };
                if meta.len() > max {
                    logs.push(format!(
                        "srls: not indexing {} ({} bytes, over index.maxFileSize)",
                        f.display(),
                        meta.len()
                    ));
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(f) else {
                    continue;
                };
                let root = crate::workspace::vault::find_vault_root(f);
                let vault = vaults
                    .entry(root.clone())
                    .or_insert_with(|| {
                        let mut s = lock(&st);
                        vault_for(&mut s, Some(f))
                    })
                    .clone();
                let note = vault.parse(&text, Some(f));
                let entry = IndexedNote::from_note(f, root, &note);
                lock(&st).index.set_disk(entry);
            }
            lock(&st).index.ready = true;
            (total, logs)
        });
        let reporter = async {
            while let Some((i, total)) = rx.recv().await {
                if let Some(p) = &prog {
                    let pct = (i * 100).checked_div(total).unwrap_or(100) as u32;
                    p.report_with_message(format!("{i}/{total} notes"), pct)
                        .await;
                }
            }
        };
        let (res, ()) = tokio::join!(job, reporter);
        let (total, logs) = res.unwrap_or((0, vec![]));
        for l in logs {
            client.log_message(MessageType::INFO, l).await;
        }
        if let Some(p) = prog {
            p.finish_with_message(format!("{total} notes indexed"))
                .await;
        }
        self.refresh().await;
    }

    fn reindex_file(&self, path: &Path) {
        let mut s = self.lock();
        if !path.exists() {
            s.index.remove_disk(path);
            return;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        if text.len() as u64 > s.config.max_file_size {
            return;
        }
        let vault = vault_for(&mut s, Some(path));
        let note = vault.parse(&text, Some(path));
        let entry = IndexedNote::from_note(path, vault.root.clone(), &note);
        s.index.set_disk(entry);
    }

    fn update_open_index(s: &mut State, uri: &Uri) {
        if let Some(d) = s.docs.get(uri)
            && let Some(p) = &d.path
        {
            let entry = IndexedNote::from_note(p, d.vault.root.clone(), &d.note);
            s.index.set_open(entry);
        }
    }
}

/// Parses every open note afresh with its (possibly reloaded) vault; returns their URIs so the
/// caller can republish. The index follows lazily (`refresh_open_index`).
fn reparse_open(s: &mut State) -> Vec<Uri> {
    let uris: Vec<Uri> = s.docs.keys().cloned().collect();
    for u in &uris {
        let path = s.docs[u].path.clone();
        let vault = vault_for(s, path.as_deref());
        if let Some(d) = s.docs.get_mut(u) {
            d.ctx = vault.context(d.path.as_deref());
            d.vault = vault;
            d.note = Arc::new(parse_note_with(
                &d.text,
                &d.vault.settings,
                &d.ctx,
                &d.vault.engine,
            ));
            d.lint = None;
            d.rendered = None;
            d.generation += 1;
        }
    }
    uris
}

/// Brings the index up to date with open documents edited since (vault-wide answers need it).
fn refresh_open_index(s: &mut State) {
    let stale: Vec<Uri> = s
        .docs
        .iter()
        .filter(|(_, d)| d.indexed != d.generation)
        .map(|(u, _)| u.clone())
        .collect();
    for u in stale {
        Backend::update_open_index(s, &u);
    }
}

/// `initializationOptions` overlaid with the `workspace/configuration` answer (key by key).
fn merge_config(init: &Value, pulled: &Value) -> Value {
    let (a, b) = (Config::section(init), Config::section(pulled));
    let mut out = a.clone();
    for (k, v) in b {
        if !v.is_null() {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

impl Config {
    /// The `srls` section as an object (unwrapping `{"srls": {...}}`; null and `[]` are empty).
    pub fn section(v: &Value) -> serde_json::Map<String, Value> {
        match v {
            Value::Object(o) => match o.get("srls") {
                Some(Value::Object(inner)) if o.len() == 1 => inner.clone(),
                _ => o.clone(),
            },
            _ => serde_json::Map::new(),
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let td = caps.text_document.as_ref();
        let encoding = convert::negotiate(
            caps.general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let c = Caps {
            markdown_hover: td
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_some_and(|f| f.contains(&MarkupKind::Markdown)),
            resolve: td
                .and_then(|t| t.code_action.as_ref())
                .and_then(|c| c.resolve_support.as_ref())
                .is_some_and(|r| r.properties.iter().any(|p| p == "edit")),
            pull_diagnostics: td.and_then(|t| t.diagnostic.as_ref()).is_some(),
            show_document: caps
                .window
                .as_ref()
                .and_then(|w| w.show_document.as_ref())
                .is_some_and(|s| s.support),
            progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            watch_dynamic: caps
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: caps
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false),
            hint_refresh: caps
                .workspace
                .as_ref()
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|i| i.refresh_support)
                .unwrap_or(false),
            lens_refresh: caps
                .workspace
                .as_ref()
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|i| i.refresh_support)
                .unwrap_or(false),
            diagnostic_refresh: caps
                .workspace
                .as_ref()
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|i| i.refresh_support)
                .unwrap_or(false),
            document_changes: caps
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
        };
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| uri_path(&f.uri))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty()
            && let Some(p) = params.root_uri.as_ref().and_then(uri_path)
        {
            roots.push(p);
        }
        let init = params.initialization_options.clone().unwrap_or(Value::Null);
        let (config, warnings) = Config::from_json(&init);
        {
            let mut s = self.lock();
            s.encoding = encoding;
            s.caps = c.clone();
            s.init_options = init;
            s.config = config;
            s.roots = roots;
        }
        for w in warnings {
            self.client.show_message(MessageType::WARNING, w).await;
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new("refactor.srls.grade"),
                        ]),
                        resolve_provider: Some(true),
                        ..Default::default()
                    },
                )),
                diagnostic_provider: Some(DiagnosticServerCapabilities::Options(
                    DiagnosticOptions {
                        identifier: Some("srls".into()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: false,
                        ..Default::default()
                    },
                )),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![CMD_DUE_SUMMARY.into(), CMD_NEXT_DUE.into()],
                    ..Default::default()
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "srls".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let watch = self.lock().caps.watch_dynamic;
        if watch {
            let opts = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![
                    FileSystemWatcher {
                        glob_pattern: GlobPattern::String("**/*.md".into()),
                        kind: None,
                    },
                    FileSystemWatcher {
                        glob_pattern: GlobPattern::String(
                            "**/.obsidian/plugins/obsidian-spaced-repetition/data.json".into(),
                        ),
                        kind: None,
                    },
                ],
            };
            let reg = Registration {
                id: "srls-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(opts).ok(),
            };
            let _ = self.client.register_capability(vec![reg]).await;
        }
        self.pull_configuration().await;
        self.index_workspace().await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let uri = params.text_document.uri;
        let warnings = {
            let mut s = self.lock();
            let path = uri_path(&uri);
            let vault = vault_for(&mut s, path.as_deref());
            let warnings = vault.warnings.clone();
            let doc = Doc::open(
                params.text_document.text,
                params.text_document.version,
                s.encoding,
                vault,
                path,
            );
            s.docs.insert(uri.clone(), doc);
            Self::update_open_index(&mut s, &uri);
            warnings
        };
        self.schedule_diagnostics(uri);
        self.show_warnings(warnings).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        // Applied before any `.await`, so later requests see the new text.
        let log = {
            let mut s = self.lock();
            match s.docs.get_mut(&uri) {
                None => Some(format!(
                    "srls: didChange for {} which is not open; ignored",
                    uri.as_str()
                )),
                Some(d) => {
                    let changes: Vec<Change> = params
                        .content_changes
                        .into_iter()
                        .map(|c| Change {
                            range: c
                                .range
                                .map(|r| (convert::from_pos(r.start), convert::from_pos(r.end))),
                            text: c.text,
                        })
                        .collect();
                    match d.apply(version, &changes) {
                        Err(e) => Some(format!("srls: {}: {e}; change ignored", uri.as_str())),
                        Ok(clamped) => clamped.then(|| {
                            format!(
                                "srls: {}: a change's range was outside the document and was clamped",
                                uri.as_str()
                            )
                        }),
                    }
                }
            }
        };
        if let Some(l) = log {
            self.client.log_message(MessageType::WARNING, l).await;
        }
        self.schedule_diagnostics(uri);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if let Some(p) = uri_path(&params.text_document.uri) {
            self.reindex_file(&p);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let path = {
            let mut s = self.lock();
            let path = s.docs.remove(&uri).and_then(|d| d.path);
            if let Some(p) = &path {
                s.index.close(p);
            }
            path
        };
        if let Some(p) = path {
            self.reindex_file(&p);
        }
        let pull = self.lock().caps.pull_diagnostics;
        if !pull {
            self.client.publish_diagnostics(uri, vec![], None).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let section = Config::section(&params.settings);
        let can_pull = self.lock().caps.configuration;
        if can_pull {
            self.pull_configuration().await;
            return;
        }
        let init = self.lock().init_options.clone();
        self.apply_config(merge_config(&init, &Value::Object(section)))
            .await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut settings_changed = false;
        for ev in params.changes {
            let Some(p) = uri_path(&ev.uri) else { continue };
            if p.ends_with(crate::plugin::settings::DATA_JSON) {
                settings_changed = true;
                continue;
            }
            let open = self.lock().docs.contains_key(&ev.uri);
            if ev.typ == FileChangeType::DELETED {
                self.lock().index.remove_disk(&p);
            } else if !open {
                self.reindex_file(&p);
            }
        }
        if settings_changed {
            // Re-parse open notes with the vaults' new settings (the client's configuration
            // did not change, so there is nothing to pull).
            let uris = {
                let mut s = self.lock();
                s.vaults.clear();
                reparse_open(&mut s)
            };
            for u in uris {
                self.schedule_diagnostics(u);
            }
            self.index_workspace().await;
        }
        self.refresh().await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let mut s = self.lock();
        let config = s.config.clone();
        let items = match s.docs.get_mut(&params.text_document.uri) {
            Some(d) => {
                d.ensure_tree();
                diagnostics_for(d, &config)
            }
            None => vec![],
        };
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let mut s = self.lock();
        refresh_open_index(&mut s);
        if let Some(d) = s
            .docs
            .get_mut(&params.text_document_position_params.text_document.uri)
        {
            d.ensure_tree();
        }
        let s = s;
        let uri = &params.text_document_position_params.text_document.uri;
        let Some(d) = s.docs.get(uri) else {
            return Ok(None);
        };
        let off = convert::offset(&d.document, params.text_document_position_params.position);
        let Some(ci) = card_at(&d.note, off) else {
            return Ok(None);
        };
        let card = &d.note.cards[ci];
        let clk = clock(&s.config);
        let h = s
            .index
            .histogram(d.vault.root.as_deref(), clk.today, clk.now);
        let blocks = d.document.blocks();
        let crumbs: Vec<String> = blocks
            .breadcrumb(
                d.note
                    .lines
                    .get(card.src_lines.first().copied().unwrap_or(card.first_line))
                    .start,
            )
            .iter()
            .map(|h| h.text.clone())
            .collect();
        let cx = HoverContext {
            settings: &d.vault.settings,
            today: clk.today,
            now: clk.now,
            tz: clk.tz,
            histogram: &h,
            breadcrumb: &crumbs,
            markdown: s.caps.markdown_hover,
        };
        let text = hover_text(&d.note, card, &cx);
        let start = d
            .note
            .lines
            .get(card.src_lines.first().copied().unwrap_or(card.first_line))
            .start;
        let end = d
            .note
            .lines
            .get(card.end_line.min(d.note.lines.len() - 1))
            .end;
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: if s.caps.markdown_hover {
                    MarkupKind::Markdown
                } else {
                    MarkupKind::PlainText
                },
                value: text,
            }),
            range: Some(convert::range(&d.document, start, end)),
        }))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let s = self.lock();
        if !s.config.hints_enabled {
            return Ok(Some(vec![]));
        }
        let Some(d) = s.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        let from = convert::offset(&d.document, params.range.start);
        let to = convert::offset(&d.document, params.range.end);
        let clk = clock(&s.config);
        let hs = hints::hints(&d.note, from, to, s.config.hint_style, clk.today, clk.now);
        Ok(Some(
            hs.into_iter()
                .map(|h| InlayHint {
                    position: convert::position(&d.document, h.offset),
                    label: InlayHintLabel::String(h.label),
                    kind: None,
                    text_edits: None,
                    tooltip: h.tooltip.map(InlayHintTooltip::String),
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect(),
        ))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let mut s = self.lock();
        refresh_open_index(&mut s);
        let s = s;
        let uri = params.text_document.uri.clone();
        let Some(d) = s.docs.get(&uri) else {
            return Ok(None);
        };
        let version = d.document.version();
        let start = convert::offset(&d.document, params.range.start);
        let end = convert::offset(&d.document, params.range.end);
        let mut out: CodeActionResponse = Vec::new();
        let only = params.context.only.clone();
        let wants = |k: &CodeActionKind| {
            only.as_ref()
                .is_none_or(|o| o.iter().any(|x| k.as_str().starts_with(x.as_str())))
        };

        // Quick fixes from diagnostics under the range.
        if wants(&CodeActionKind::QUICKFIX) {
            let diags: Vec<lint::Diagnostic> = match &d.lint {
                Some(l) => l.iter().filter(|x| !x.fixes.is_empty()).cloned().collect(),
                None => lint::lint(&d.text, &d.note, &d.vault.settings, &d.vault.engine),
            };
            for diag in diags.iter() {
                if diag.fixes.is_empty() || diag.end < start || diag.start > end {
                    continue;
                }
                if s.config.severity_of(diag.code, diag.severity).is_none() {
                    continue;
                }
                for fix in &diag.fixes {
                    let edits: Vec<TextEdit> = fix
                        .edits
                        .iter()
                        .map(|e| {
                            TextEdit::new(
                                convert::range(&d.document, e.start, e.end),
                                e.text.clone(),
                            )
                        })
                        .collect();
                    out.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![Diagnostic {
                            range: convert::range(&d.document, diag.start, diag.end),
                            severity: Some(convert::severity(diag.severity)),
                            code: Some(NumberOrString::String(diag.code.into())),
                            source: Some("srls".into()),
                            message: diag.message.clone(),
                            ..Default::default()
                        }]),
                        edit: Some(workspace_edit(
                            &uri,
                            version,
                            edits,
                            s.caps.document_changes,
                        )),
                        ..Default::default()
                    }));
                }
            }
        }

        // Grade actions for the card under the cursor.
        let grade_kind = CodeActionKind::new("refactor.srls.grade");
        if wants(&grade_kind)
            && let Some(ci) = card_at(&d.note, start)
        {
            let card = &d.note.cards[ci];
            let line = card.src_lines.first().copied().unwrap_or(card.first_line);
            let n = card.siblings();
            let clk = clock(&s.config);
            let h = s
                .index
                .histogram(d.vault.root.as_deref(), clk.today, clk.now);
            for side in 0..n {
                for r in [
                    Response::Easy,
                    Response::Good,
                    Response::Hard,
                    Response::Again,
                    Response::Reset,
                ] {
                    let req = GradeRequest {
                        sibling: side,
                        response: r,
                        today: clk.today,
                        now: clk.now,
                        tz: clk.tz,
                        histogram: &h,
                    };
                    let Ok(g) = grade::grade(&d.text, &d.note, ci, &d.vault.settings, &req) else {
                        continue;
                    };
                    let mut title = if r == Response::Reset {
                        "Reset".to_string()
                    } else {
                        format!("Grade: {}", response_title(r))
                    };
                    if n > 1 {
                        let label = match card.kind {
                            CardType::Cloze => format!("side {} of {n}", side + 1),
                            _ => format!(
                                "side {}: {}",
                                side + 1,
                                crate::features::report::one_line(&card.sides[side].0, 24)
                            ),
                        };
                        title = format!("{title} ({label})");
                    }
                    let data = json!({"uri": uri.as_str(), "version": version, "line": line, "sibling": side, "response": r.as_str()});
                    let edit = if s.caps.resolve {
                        None
                    } else {
                        let edits = g
                            .edits
                            .iter()
                            .map(|e| {
                                TextEdit::new(
                                    convert::range(&d.document, e.start, e.end),
                                    e.text.clone(),
                                )
                            })
                            .collect();
                        Some(workspace_edit(
                            &uri,
                            version,
                            edits,
                            s.caps.document_changes,
                        ))
                    };
                    out.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title,
                        kind: Some(grade_kind.clone()),
                        edit,
                        data: Some(data),
                        ..Default::default()
                    }));
                }
            }
        }
        Ok(Some(out))
    }

    async fn code_action_resolve(&self, mut action: CodeAction) -> Result<CodeAction> {
        if action.edit.is_some() {
            return Ok(action);
        }
        let Some(data) = action.data.clone() else {
            return Ok(action);
        };
        let s = self.lock();
        let uri: Uri = data["uri"]
            .as_str()
            .and_then(|u| u.parse().ok())
            .ok_or_else(|| server_error("srls: the action has no document"))?;
        let d = s
            .docs
            .get(&uri)
            .ok_or_else(|| server_error("srls: the note is no longer open"))?;
        let version = data["version"].as_i64().unwrap_or(-1) as i32;
        if version != d.document.version() {
            return Err(server_error(format!(
                "srls: the note changed since this action was offered (version {version}, now {}); ask for the actions again",
                d.document.version()
            )));
        }
        let line = data["line"].as_u64().unwrap_or(0) as usize;
        let sibling = data["sibling"].as_u64().unwrap_or(0) as usize;
        let response: Response = data["response"]
            .as_str()
            .and_then(|r| r.parse().ok())
            .ok_or_else(|| server_error("srls: unknown response"))?;
        let ci = d
            .note
            .card_at_line(line)
            .ok_or_else(|| server_error("srls: the card is gone"))?;
        let clk = clock(&s.config);
        let h = s
            .index
            .histogram(d.vault.root.as_deref(), clk.today, clk.now);
        let req = GradeRequest {
            sibling,
            response,
            today: clk.today,
            now: clk.now,
            tz: clk.tz,
            histogram: &h,
        };
        let g = grade::grade(&d.text, &d.note, ci, &d.vault.settings, &req)
            .map_err(|e| server_error(format!("srls: {e}")))?;
        let edits = g
            .edits
            .iter()
            .map(|e| TextEdit::new(convert::range(&d.document, e.start, e.end), e.text.clone()))
            .collect();
        action.edit = Some(workspace_edit(
            &uri,
            version,
            edits,
            s.caps.document_changes,
        ));
        Ok(action)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let mut s = self.lock();
        if let Some(d) = s.docs.get_mut(&params.text_document.uri) {
            d.ensure_tree();
        }
        let s = s;
        let Some(d) = s.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        let clk = clock(&s.config);
        let blocks = d.document.blocks();
        // Flat list of (level, symbol) in document order; then nest by heading level.
        let mut items: Vec<(u8, usize, DocumentSymbol)> = Vec::new();
        for h in blocks.headings.iter().filter(|h| !h.nested) {
            #[allow(deprecated)]
            items.push((
                h.level,
                h.range.start,
                DocumentSymbol {
                    name: if h.text.is_empty() {
                        "(heading)".into()
                    } else {
                        h.text.clone()
                    },
                    detail: None,
                    kind: SymbolKind::NAMESPACE,
                    tags: None,
                    deprecated: None,
                    range: convert::range(&d.document, h.range.start, h.range.end),
                    selection_range: convert::range(
                        &d.document,
                        h.text_range.start,
                        h.text_range.end,
                    ),
                    children: None,
                },
            ));
        }
        for c in &d.note.cards {
            let first = c.src_lines.first().copied().unwrap_or(c.first_line);
            let start = d.note.lines.get(first).start;
            let end = d.note.lines.get(c.end_line.min(d.note.lines.len() - 1)).end;
            let q = crate::features::report::one_line(c.question(), 60);
            let dues = sibling_dues(c);
            let detail = dues
                .iter()
                .map(|x| due_label(x, clk.today, clk.now))
                .collect::<Vec<_>>()
                .join(", ");
            #[allow(deprecated)]
            items.push((
                7,
                start,
                DocumentSymbol {
                    name: if q.is_empty() {
                        format!("({})", c.kind.as_str())
                    } else {
                        q
                    },
                    detail: Some(detail),
                    kind: SymbolKind::EVENT,
                    tags: None,
                    deprecated: None,
                    range: convert::range(&d.document, start, end),
                    selection_range: convert::range(
                        &d.document,
                        start,
                        d.note.lines.get(first).end,
                    ),
                    children: None,
                },
            ));
        }
        items.sort_by_key(|i| i.1);
        Ok(Some(DocumentSymbolResponse::Nested(nest(items))))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let s = self.lock();
        let Some(d) = s.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        let mut out = Vec::new();
        let line_no = |off: usize| d.document.offset_to_pos(off).line;
        for c in &d.note.cards {
            let first = c.src_lines.first().copied().unwrap_or(c.first_line);
            let last = c.end_line.min(d.note.lines.len() - 1);
            let l0 = line_no(d.note.lines.get(first).start);
            let l1 = line_no(d.note.lines.get(last).start);
            let sep_line = match c.kind {
                CardType::MultiLineBasic | CardType::MultiLineReversed => {
                    let sep = if c.kind == CardType::MultiLineBasic {
                        &d.vault.settings.multiline_card_separator
                    } else {
                        &d.vault.settings.multiline_reversed_card_separator
                    };
                    c.src_lines
                        .iter()
                        .find(|&&l| {
                            crate::plugin::js::text::trim(d.note.lines.text(&d.text, l))
                                == sep.as_str()
                        })
                        .map(|&l| line_no(d.note.lines.get(l).start))
                }
                _ => None,
            };
            if let Some(sl) = sep_line {
                if l1 > sl {
                    out.push(FoldingRange {
                        start_line: sl,
                        end_line: l1,
                        kind: Some(FoldingRangeKind::Region),
                        collapsed_text: Some("answer".into()),
                        ..Default::default()
                    });
                }
            } else if let Some(cm) = &c.comment {
                let cl = line_no(cm.start);
                if cl > l0 {
                    out.push(FoldingRange {
                        start_line: cl - 1,
                        end_line: cl,
                        kind: Some(FoldingRangeKind::Comment),
                        ..Default::default()
                    });
                }
            }
        }
        Ok(Some(out))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let s = self.lock();
        let Some(d) = s.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        if d.note.cards.is_empty() {
            return Ok(Some(vec![]));
        }
        let clk = clock(&s.config);
        let (mut due, mut new, mut next): (usize, usize, Option<i64>) = (0, 0, None);
        for c in &d.note.cards {
            let dues = sibling_dues(c);
            if dues.iter().any(|x| x.is_due(clk.today, clk.now)) {
                due += 1;
            } else if dues.iter().all(|x| matches!(x, Due::New)) {
                new += 1;
            } else if let Some(k) = dues
                .iter()
                .filter_map(|x| x.day_key(clk.today, clk.now))
                .filter(|k| *k > 0)
                .min()
            {
                next = Some(next.map_or(k, |n: i64| n.min(k)));
            }
        }
        let mut title = format!("{due} due · {new} new");
        if let Some(n) = next {
            title.push_str(&format!(" · next in {n}d"));
        }
        Ok(Some(vec![CodeLens {
            range: Range::new(Position::new(0, 0), Position::new(0, 0)),
            command: Some(Command {
                title,
                command: CMD_DUE_SUMMARY.into(),
                arguments: None,
            }),
            data: None,
        }]))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let s = self.lock();
        let q = params.query.to_lowercase();
        let mut out = Vec::new();
        for n in s.index.notes() {
            let Some(uri) = Uri::from_file_path(&n.path) else {
                continue;
            };
            for c in &n.cards {
                if !q.is_empty() && !c.question.to_lowercase().contains(&q) {
                    continue;
                }
                #[allow(deprecated)]
                out.push(SymbolInformation {
                    name: c.question.clone(),
                    kind: SymbolKind::EVENT,
                    tags: None,
                    deprecated: None,
                    location: Location::new(
                        uri.clone(),
                        Range::new(
                            Position::new(c.line as u32, 0),
                            Position::new(c.line as u32, 0),
                        ),
                    ),
                    container_name: c
                        .decks
                        .first()
                        .map(|d| d.trim_start_matches('#').to_string()),
                });
                if out.len() >= 500 {
                    break;
                }
            }
        }
        Ok(Some(WorkspaceSymbolResponse::Flat(out)))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        refresh_open_index(&mut self.lock());
        match params.command.as_str() {
            CMD_DUE_SUMMARY => {
                let s = self.lock();
                let clk = clock(&s.config);
                let (total, decks) = s.index.summary(clk.today, clk.now);
                Ok(Some(json!({
                    "today": clk.today.format("%Y-%m-%d").to_string(),
                    "ready": s.index.ready,
                    "total": total,
                    "decks": decks.iter().map(|(d, c)| json!({"deck": d, "due": c.due, "new": c.new})).collect::<Vec<_>>(),
                })))
            }
            CMD_NEXT_DUE => {
                let deck = params.arguments.first().and_then(|a| {
                    a.get("deck")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .or_else(|| a.as_str().map(str::to_string))
                });
                let (result, show) = {
                    let s = self.lock();
                    let clk = clock(&s.config);
                    match s.index.next_due(clk.today, clk.now, deck.as_deref()) {
                        None => (Value::Null, None),
                        Some((n, c)) => {
                            let uri = Uri::from_file_path(&n.path);
                            let pos = Position::new(c.line as u32, 0);
                            let due = c
                                .dues
                                .iter()
                                .filter(|x| x.is_due(clk.today, clk.now))
                                .map(|x| due_label(x, clk.today, clk.now))
                                .next()
                                .unwrap_or_default();
                            let v = json!({
                                "uri": uri.as_ref().map(|u| u.as_str().to_string()),
                                "range": Range::new(pos, pos),
                                "question": c.question,
                                "deck": c.decks.first().map(|d| d.trim_start_matches('#')),
                                "due": due,
                            });
                            (v, uri.filter(|_| s.caps.show_document).map(|u| (u, pos)))
                        }
                    }
                };
                if let Some((uri, pos)) = show {
                    let _ = self
                        .client
                        .show_document(ShowDocumentParams {
                            uri,
                            external: Some(false),
                            take_focus: Some(true),
                            selection: Some(Range::new(pos, pos)),
                        })
                        .await;
                }
                Ok(Some(result))
            }
            other => Err(RpcError::invalid_params(format!(
                "srls: unknown command `{other}`"
            ))),
        }
    }
}

/// A versioned edit of one document (`documentChanges` when the client supports it).
fn workspace_edit(
    uri: &Uri,
    version: i32,
    edits: Vec<TextEdit>,
    document_changes: bool,
) -> WorkspaceEdit {
    if document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..Default::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }
    }
}

/// Nests symbols: headings contain what follows them until a heading of the same or higher
/// level; cards (level 7) are leaves.
fn nest(items: Vec<(u8, usize, DocumentSymbol)>) -> Vec<DocumentSymbol> {
    let mut root: Vec<DocumentSymbol> = Vec::new();
    let mut stack: Vec<(u8, DocumentSymbol)> = Vec::new();
    fn pop_into(stack: &mut Vec<(u8, DocumentSymbol)>, root: &mut Vec<DocumentSymbol>) {
        if let Some((_, sym)) = stack.pop() {
            match stack.last_mut() {
                Some((_, parent)) => {
                    parent.children.get_or_insert_with(Vec::new).push(sym);
                    // Stretch the parent over its child.
                    let last = parent
                        .children
                        .as_ref()
                        .and_then(|c| c.last())
                        .map(|c| c.range.end);
                    if let Some(e) = last
                        && e > parent.range.end
                    {
                        parent.range.end = e;
                    }
                }
                None => root.push(sym),
            }
        }
    }
    for (level, _, sym) in items {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            pop_into(&mut stack, &mut root);
        }
        stack.push((level, sym));
    }
    while !stack.is_empty() {
        pop_into(&mut stack, &mut root);
    }
    root
}
