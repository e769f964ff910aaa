//! Text document notifications: open, change, save, close.
//!
//! Opening parses the note (tree-sitter, about 0.35 s per MB) off the shared lock, so requests on
//! other notes answer meanwhile; the note's own changes wait in [`Opening`] and its requests in
//! [`wait_opened`] until it is in.

use crate::lsp::from_proto;
use crate::lsp::indexing::reindex_file;
use crate::lsp::open_note::OpenNote;
use crate::lsp::publish;
use crate::lsp::state::{Shared, State, lock};
use crate::text::document::Change;
use std::sync::atomic::{AtomicU64, Ordering};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

/// A note being parsed after its `didOpen`: the changes that arrived meanwhile, in order.
pub struct Opening {
    /// Tells this open from a later one of the same URI (after a close).
    ticket: u64,
    changes: Vec<(i32, Vec<Change>)>,
}

static TICKETS: AtomicU64 = AtomicU64::new(0);

/// Opens a note: parse it, index it, publish its diagnostics, show its vault's warnings.
pub async fn did_open(state: &Shared, client: &Client, params: DidOpenTextDocumentParams) {
    let uri = params.text_document.uri.clone();
    let (warnings, logs) = open_document(state, params).await;
    for l in logs {
        client.log_message(MessageType::WARNING, l).await;
    }
    publish::schedule_diagnostics(state, client, uri);
    publish::show_warnings(state, client, warnings).await;
}

/// The work of `didOpen`: the note parsed on a blocking thread, then put in with the changes
/// that arrived meanwhile. Returns the vault's (or the size limit's) warnings and what to log.
pub async fn open_document(
    state: &Shared,
    params: DidOpenTextDocumentParams,
) -> (Vec<String>, Vec<String>) {
    let doc = params.text_document;
    let ticket = TICKETS.fetch_add(1, Ordering::Relaxed);
    let (vault, encoding, path) = {
        let mut s = lock(state);
        s.notes.remove(&doc.uri);
        s.oversize.remove(&doc.uri);
        let limit = s.config.max_note_size;
        if doc.text.len() as u64 > limit {
            s.oversize.insert(doc.uri.clone());
            return (
                vec![oversize_message(&doc.uri, doc.text.len(), limit)],
                vec![],
            );
        }
        let path = from_proto::path(&doc.uri);
        let vault = s.vault_for(path.as_deref());
        let opening = Opening {
            ticket,
            changes: vec![],
        };
        s.opening.insert(doc.uri.clone(), opening);
        (vault, s.encoding, path)
    };
    let warnings = vault.warnings.clone();
    let (text, version) = (doc.text, doc.version);
    let parsed =
        tokio::task::spawn_blocking(move || OpenNote::open(text, version, encoding, vault, path))
            .await;
    let logs = install(&mut lock(state), &doc.uri, ticket, parsed.ok());
    lock(state).opened.notify_waiters();
    (warnings, logs)
}

/// Puts a parsed note in, unless it was closed (or opened again) meanwhile, and applies the
/// changes that waited for it.
fn install(s: &mut State, uri: &Uri, ticket: u64, open: Option<OpenNote>) -> Vec<String> {
    if s.opening.get(uri).is_none_or(|o| o.ticket != ticket) {
        return vec![];
    }
    let queued = s.opening.remove(uri).map(|o| o.changes).unwrap_or_default();
    let Some(mut open) = open else {
        return vec![format!("srls: {} could not be parsed", uri.as_str())];
    };
    let logs = queued
        .iter()
        .filter_map(|(v, changes)| change_log(uri, open.apply(*v, changes)))
        .collect();
    s.notes.insert(uri.clone(), open);
    // The index follows with the first publish (`publish::schedule_diagnostics`), which also
    // republishes open notes whose duplicate questions changed with it.
    logs
}

/// The message shown for a note above `srls.maxNoteSize`.
fn oversize_message(uri: &Uri, len: usize, limit: u64) -> String {
    format!(
        "srls: {} is {:.1} MB, above srls.maxNoteSize ({:.1} MB): its cards, diagnostics and outline are not served (raise the setting to serve it)",
        uri.as_str(),
        len as f64 / 1e6,
        limit as f64 / 1e6
    )
}

/// Waits until a note being opened is in (requests on it answer for the opened note).
pub async fn wait_opened(state: &Shared, uri: &Uri) {
    wait_until(state, |s| !s.opening.contains_key(uri)).await;
}

/// Waits until every note being opened is in (vault-wide answers count open notes).
pub async fn wait_all_opened(state: &Shared) {
    wait_until(state, |s| s.opening.is_empty()).await;
}

async fn wait_until(state: &Shared, done: impl Fn(&State) -> bool) {
    loop {
        let opened = lock(state).opened.clone();
        let notified = opened.notified();
        if done(&lock(state)) {
            return;
        }
        notified.await;
    }
}

/// Applies a change before any `.await`, so later requests see the new text.
pub async fn did_change(state: &Shared, client: &Client, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri.clone();
    let log = change_document(&mut lock(state), params);
    if let Some(l) = log {
        client.log_message(MessageType::WARNING, l).await;
    }
    publish::schedule_diagnostics(state, client, uri);
}

/// The work of `didChange` (queued while the note is being opened); returns what to log.
pub fn change_document(s: &mut State, params: DidChangeTextDocumentParams) -> Option<String> {
    let uri = params.text_document.uri;
    let changes = from_proto::changes(params.content_changes);
    let version = params.text_document.version;
    if let Some(o) = s.opening.get_mut(&uri) {
        o.changes.push((version, changes));
        return None;
    }
    if s.oversize.contains(&uri) {
        return None;
    }
    match s.notes.get_mut(&uri) {
        None => Some(format!(
            "srls: didChange for {} which is not open; ignored",
            uri.as_str()
        )),
        Some(n) => change_log(&uri, n.apply(version, &changes)),
    }
}

fn change_log(
    uri: &Uri,
    applied: Result<bool, crate::text::document::StaleVersion>,
) -> Option<String> {
    match applied {
        Err(e) => Some(format!("srls: {}: {e}; change ignored", uri.as_str())),
        Ok(clamped) => clamped.then(|| {
            format!(
                "srls: {}: a change's range was outside the document and was clamped",
                uri.as_str()
            )
        }),
    }
}

/// A saved note is read back into the index.
pub fn did_save(state: &Shared, params: DidSaveTextDocumentParams) {
    if let Some(p) = from_proto::path(&params.text_document.uri) {
        reindex_file(&mut lock(state), &p);
    }
}

/// A closed note: the index reads the file again; pushed diagnostics are cleared.
pub async fn did_close(state: &Shared, client: &Client, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let pull = {
        let mut s = lock(state);
        s.opening.remove(&uri);
        s.oversize.remove(&uri);
        s.publishing.remove(&uri);
        let path = s
            .notes
            .remove(&uri)
            .and_then(|n| n.path().map(|p| p.to_path_buf()));
        if let Some(p) = &path {
            if s.index_copies.get(p) == Some(&uri) {
                s.index_copies.remove(p);
            }
            s.index.close(p);
            reindex_file(&mut s, p);
        }
        s.caps.pull_diagnostics
    };
    lock(state).opened.notify_waiters();
    if !pull {
        client.publish_diagnostics(uri, vec![], None).await;
    }
}
