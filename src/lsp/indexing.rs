//! Indexing the workspace in the background (with `$/progress`), and re-indexing one file.

use super::publish;
use super::state::{Shared, State, lock};
use crate::workspace::index::IndexedNote;
use crate::workspace::vault::{Vault, vault_notes};
use std::path::{Path, PathBuf};
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{MessageType, NumberOrString};
use tower_lsp_server::{Bounded, NotCancellable, OngoingProgress};

/// Indexes every note of the workspace folders off the lock, reporting progress; then asks the
/// client to refresh what depends on the vault.
pub async fn index_workspace(state: &Shared, client: &Client) {
    let (roots, enabled, max) = {
        let s = lock(state);
        (
            s.roots.clone(),
            s.config.index_enabled,
            s.config.max_file_size,
        )
    };
    if !enabled || roots.is_empty() {
        lock(state).index.ready = true;
        return;
    }
    let progress = begin_progress(state, client).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
    let job_state = state.clone();
    let job = tokio::task::spawn_blocking(move || index_files(&job_state, &roots, max, &tx));
    let reporter = async {
        while let Some((i, total)) = rx.recv().await {
            if let Some(p) = &progress {
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
    if let Some(p) = progress {
        p.finish_with_message(format!("{total} notes indexed"))
            .await;
    }
    publish::refresh(state, client).await;
}

type Reporter = OngoingProgress<Bounded, NotCancellable>;

async fn begin_progress(state: &Shared, client: &Client) -> Option<Reporter> {
    if !lock(state).caps.progress {
        return None;
    }
    let token = NumberOrString::String("srls/index".into());
    client.create_work_done_progress(token.clone()).await.ok()?;
    Some(
        client
            .progress(token, "Indexing flashcards")
            .with_percentage(0)
            .begin()
            .await,
    )
}

/// Every note under the workspace folders (each folder walked with its vault's ignores).
fn workspace_notes(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for r in roots {
        let vault = Vault::of(&r.join("x.md"), &Default::default());
        files.extend(vault_notes(r, &vault.settings));
    }
    files.sort();
    files.dedup();
    files
}

/// Reads and indexes the notes, sending `(done, total)` now and then. Returns the total and the
/// lines to log (notes over `index.maxFileSize`).
fn index_files(
    state: &Shared,
    roots: &[PathBuf],
    max: u64,
    progress: &UnboundedSender<(usize, usize)>,
) -> (usize, Vec<String>) {
    let files = workspace_notes(roots);
    let total = files.len();
    // A re-index replaces the index: notes gone since the last one (a folder renamed without
    // an event per file) leave it.
    let found: std::collections::HashSet<&Path> = files.iter().map(PathBuf::as_path).collect();
    lock(state).index.retain_disk(|p| found.contains(p));
    let mut logs = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if i % 200 == 0 {
            let _ = progress.send((i, total));
        }
        let Ok(meta) = std::fs::metadata(f) else {
            continue;
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
        let vault = lock(state).vault_for(Some(f));
        let entry = IndexedNote::from_note(f, vault.root.clone(), &vault.parse(&text, Some(f)));
        lock(state).index.set_disk(entry);
    }
    lock(state).index.ready = true;
    (total, logs)
}

/// Re-reads one file into the index (removes it when it is gone). A folder is rescanned: its
/// notes re-read, the ones gone from under it removed.
pub fn reindex_file(state: &mut State, path: &Path) {
    if !path.exists() {
        state.index.remove_under(path);
        return;
    }
    if path.is_dir() {
        let vault = state.vault_for(Some(&path.join("x.md")));
        let notes = vault_notes(path, &vault.settings);
        let found: std::collections::HashSet<&Path> = notes.iter().map(PathBuf::as_path).collect();
        state
            .index
            .retain_disk(|p| !p.starts_with(path) || found.contains(p));
        for n in &notes {
            reindex_file(state, n);
        }
        return;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    if text.len() as u64 > state.config.max_file_size {
        return;
    }
    let vault = state.vault_for(Some(path));
    let note = vault.parse(&text, Some(path));
    let entry = IndexedNote::from_note(path, vault.root.clone(), &note);
    state.index.set_disk(entry);
}
