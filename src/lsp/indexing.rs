//! Indexing the workspace in the background (with `$/progress`), and re-indexing one file.

use super::publish;
use super::state::{Shared, State, lock};
use crate::note::NoteContext;
use crate::workspace::index::IndexedNote;
use crate::workspace::vault::{FolderPlaces, Vault, vault_notes};
use rayon::prelude::*;
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

/// Notes read and parsed per batch (on every core) before the batch goes into the index under
/// the lock: 64 `set_disk` calls, a few hundred microseconds, so requests answered during
/// indexing wait at most that long for the lock (256 put a hover's p99 at 6 to 9 ms).
const INDEX_BATCH: usize = 64;

/// Reads and indexes the notes, sending `(done, total)` after each batch. Returns the total and
/// the lines to log (notes over `index.maxFileSize`).
fn index_files(
    state: &Shared,
    roots: &[PathBuf],
    max: u64,
    progress: &UnboundedSender<(usize, usize)>,
) -> (usize, Vec<String>) {
    let files = &workspace_notes(roots);
    let total = files.len();
    // A re-index replaces the index: notes gone since the last one (a folder renamed without
    // an event per file) leave it.
    let found: std::collections::HashSet<&Path> = files.iter().map(PathBuf::as_path).collect();
    lock(state).index.retain_disk(|p| found.contains(p));
    let mut logs = Vec::new();
    // Batches are read and parsed on every core in one thread while this one puts the
    // previous batch into the index, so the cores never wait for the inserts.
    let (batches, parsed) = std::sync::mpsc::sync_channel::<Vec<Indexed>>(1);
    std::thread::scope(|scope| {
        // The sender moves into the thread: the loop below ends when it is done.
        scope.spawn(move || parse_batches(state, files, max, &batches));
        let mut reported = 0;
        for (k, read) in parsed.into_iter().enumerate() {
            let mut s = lock(state);
            for r in read {
                match r {
                    Ok(entry) => s.index.set_disk(entry),
                    Err(log) => logs.extend(log),
                }
            }
            drop(s);
            // Reported once per percent: a report is a message the client handles.
            let done = ((k + 1) * INDEX_BATCH).min(total);
            if done * 100 / total.max(1) > reported * 100 / total.max(1) {
                reported = done;
                let _ = progress.send((done, total));
            }
        }
    });
    lock(state).index.ready = true;
    (total, logs)
}

/// The threads that read and parse notes for the index: one per core, each at a lower
/// scheduling priority (nice 10 on Linux), so that while they keep every core busy the
/// threads answering requests still get a core as soon as a request comes in (a hover during
/// indexing waited for a time slice otherwise).
fn index_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("srls-index-{i}"))
            .start_handler(|_| lower_priority())
            .build()
            .unwrap_or_else(|_| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .build()
                    .expect("a one-thread pool")
            })
    })
}

/// Lowers the calling thread's priority (Linux: `setpriority` on a thread id is per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread's own id; failure only leaves the priority.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10);
    }
}

/// A note read for the index, or the line to log if it is not indexed.
type Indexed = Result<IndexedNote, Option<String>>;

/// Reads and parses the files batch by batch (each batch on every core), sending each batch
/// as it is done; stops when the receiver is gone.
fn parse_batches(
    state: &Shared,
    files: &[PathBuf],
    max: u64,
    batches: &std::sync::mpsc::SyncSender<Vec<Indexed>>,
) {
    // Vaults looked up once per folder for this pass (the state's vaults, under the lock).
    let mut places = FolderPlaces::default();
    for batch in files.chunks(INDEX_BATCH) {
        let placed: Vec<_> = batch
            .iter()
            .map(|f| (f, places.place(f, |p| lock(state).vault_for(Some(p)))))
            .collect();
        let read: Vec<Indexed> = index_pool().install(|| {
            placed
                .par_iter()
                .map(|(f, (vault, ctx))| index_one(f, vault, ctx, max))
                .collect()
        });
        if batches.send(read).is_err() {
            return;
        }
    }
}

/// One note's index entry, or, when it is not indexed, the line to log if any (too big).
fn index_one(f: &Path, vault: &Vault, ctx: &NoteContext, max: u64) -> Indexed {
    let text = match read_at_most(f, max) {
        Ok(Ok(text)) => text,
        Ok(Err(len)) => {
            return Err(Some(format!(
                "srls: not indexing {} ({len} bytes, over index.maxFileSize)",
                f.display()
            )));
        }
        Err(_) => return Err(None),
    };
    let note = vault.parse_in(&text, ctx);
    Ok(IndexedNote::from_note(f, vault.root.clone(), &note))
}

/// A UTF-8 file's text, or its length when it is longer than `max` bytes: one open, one stat
/// and the reads (what a hundred thousand notes cost in system calls adds up).
fn read_at_most(f: &Path, max: u64) -> std::io::Result<Result<String, u64>> {
    use std::io::Read;
    let file = std::fs::File::open(f)?;
    let len = file.metadata()?.len();
    if len > max {
        return Ok(Err(len));
    }
    let mut text = String::with_capacity(len as usize + 1);
    // Through `take`, `read_to_string` does not stat the file again for a size hint; a file
    // that grew past `max` since the stat stops there.
    file.take(max + 1).read_to_string(&mut text)?;
    let read = text.len() as u64;
    Ok(if read > max { Err(read) } else { Ok(text) })
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
