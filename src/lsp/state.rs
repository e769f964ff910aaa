//! The server's state behind one lock: open notes, vaults, the index, the configuration.
//!
//! Handlers take the lock briefly and never across an `.await` or heavy work.

use super::capabilities::ClientCaps;
use super::config::Config;
use super::open_note::OpenNote;
use crate::features::duplicates::QuestionKey;
use crate::features::grade::GradeRequest;
use crate::plugin::schedule::{Histogram, Response};
use crate::text::position::Encoding;
use crate::workspace::clock::Clock;
use crate::workspace::index::{Index, IndexedNote, KeptLines, changed_keys};
use crate::workspace::vault::{Vault, Vaults};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tower_lsp_server::ls_types::Uri;

/// Everything the handlers share.
#[derive(Default)]
pub struct State {
    pub encoding: Encoding,
    pub caps: ClientCaps,
    /// `initializationOptions`, under which `workspace/configuration` answers are laid.
    pub init_options: Value,
    pub config: Config,
    pub notes: HashMap<Uri, OpenNote>,
    pub vaults: Vaults,
    /// The workspace folders.
    pub roots: Vec<PathBuf>,
    pub index: Index,
    /// Warnings already shown (each is shown once).
    pub warned: HashSet<String>,
    /// Review sessions driven by `srls.review.*`.
    pub reviews: super::handlers::review::Sessions,
    /// Notes whose `didOpen` is being parsed off the lock (see `handlers::documents`).
    pub opening: HashMap<Uri, super::handlers::documents::Opening>,
    /// Woken when an open finishes or is closed, for requests waiting on that note.
    pub opened: Arc<tokio::sync::Notify>,
    /// Open notes above `srls.maxNoteSize`: not parsed, not served.
    pub oversize: HashSet<Uri>,
    /// Notes whose diagnostics publishing task runs (see `publish::schedule_diagnostics`), and
    /// whether it was asked again since its last pause began.
    pub publishing: HashMap<Uri, bool>,
    /// For each path with an open note in the index, the URI whose copy it is: a copy is only
    /// followed or kept by the note that made it (a client could open one file under two URIs).
    pub index_copies: HashMap<PathBuf, Uri>,
    /// Question keys an open note gained or lost in copies not yet announced to its open peers
    /// (a pull or a vault-wide request copies it too): taken by the next publish.
    pub unannounced: HashMap<PathBuf, Vec<QuestionKey>>,
}

/// The state as the handlers and background tasks hold it.
pub type Shared = Arc<Mutex<State>>;

/// Locks the state. A panic in one handler must not take every later request down with a
/// poisoned lock.
pub fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// What grading needs besides the card: the clock and the vault's due-date histogram.
pub struct GradeContext {
    pub clock: Clock,
    pub histogram: Histogram,
}

impl GradeContext {
    /// The request for one side and response.
    pub fn request(&self, sibling: usize, response: Response) -> GradeRequest<'_> {
        GradeRequest {
            sibling,
            response,
            today: self.clock.today,
            now: self.clock.now,
            tz: self.clock.tz,
            histogram: &self.histogram,
        }
    }
}

impl State {
    /// The clock: `today`/`now` from the configuration (or the environment), else the system's.
    pub fn clock(&self) -> Clock {
        let (today, now) = (self.config.today, self.config.now);
        Clock::resolve(today, now).unwrap_or_else(|_| {
            Clock::resolve(today, now.or(Some(chrono::Utc::now())))
                .expect("clock with an explicit instant")
        })
    }

    /// The vault of a note path (loaded once, with the `plugin` overrides).
    pub fn vault_for(&mut self, path: Option<&Path>) -> Arc<Vault> {
        self.vaults.set_overrides(&self.config.plugin);
        self.vaults.for_note(path)
    }

    /// The clock and the histogram of `vault` for grading and previews.
    pub fn grade_context(&self, vault: &Vault) -> GradeContext {
        let clock = self.clock();
        let histogram = self
            .index
            .histogram(vault.root.as_deref(), clock.today, clock.now);
        GradeContext { clock, histogram }
    }

    /// Parses every open note afresh with its (possibly reloaded) vault; returns their URIs so
    /// the caller can republish. The index follows lazily ([`State::refresh_open_index`]).
    pub fn reparse_open(&mut self) -> Vec<Uri> {
        let uris: Vec<Uri> = self.notes.keys().cloned().collect();
        for u in &uris {
            let path = self.notes[u].path().map(Path::to_path_buf);
            let vault = self.vault_for(path.as_deref());
            if let Some(n) = self.notes.get_mut(u) {
                n.reparse(vault);
            }
        }
        uris
    }

    /// Copies an open note into the vault index, when edited since the last copy: only the
    /// cards of the lines edited since, when that is known ([`OpenNote::index_kept`]).
    /// Returns the question keys whose number of cards in the note changed (also kept for the
    /// next publish to announce, [`State::take_unannounced`]).
    pub fn update_open_index(&mut self, uri: &Uri) -> Vec<QuestionKey> {
        let Some(n) = self.notes.get_mut(uri) else {
            return vec![];
        };
        let Some(p) = n.path() else {
            return vec![];
        };
        let ours = self.index.is_open(p) && self.index_copies.get(p) == Some(uri);
        if n.indexed == n.generation() && ours {
            return vec![];
        }
        let followed = n
            .index_kept
            .filter(|_| ours)
            .and_then(|kept| self.index.follow_open(p, n.note(), kept));
        let changed = followed.unwrap_or_else(|| {
            let before = self.index.question_keys(p);
            let entry = IndexedNote::from_note(p, n.vault().root.clone(), n.note());
            self.index.set_open(entry);
            changed_keys(before, self.index.question_keys(p))
        });
        // (The path is copied out only when a table needs it: a keystroke's copy needs none.)
        let p = (!changed.is_empty() || !ours).then(|| p.to_path_buf());
        n.indexed = n.generation();
        n.index_kept = Some(KeptLines {
            head: usize::MAX,
            tail: usize::MAX,
            lines: n.note().lines.len(),
            tags_kept: true,
        });
        if let Some(p) = p {
            if !changed.is_empty() {
                let pending = self.unannounced.entry(p.clone()).or_default();
                pending.extend(&changed);
            }
            if !ours {
                self.index_copies.insert(p, uri.clone());
            }
        }
        changed
    }

    /// The question keys the note at `path` gained or lost since they were last taken (each
    /// once, sorted).
    pub fn take_unannounced(&mut self, path: &Path) -> Vec<QuestionKey> {
        let mut keys = self.unannounced.remove(path).unwrap_or_default();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Brings the index up to date with open notes edited since (vault-wide answers need it).
    pub fn refresh_open_index(&mut self) {
        let stale: Vec<Uri> = self
            .notes
            .iter()
            .filter(|(_, n)| n.indexed != n.generation())
            .map(|(u, _)| u.clone())
            .collect();
        for u in stale {
            self.update_open_index(&u);
        }
    }
}
