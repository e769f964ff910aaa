//! Text document notifications: open, change, save, close.

use crate::lsp::from_proto;
use crate::lsp::indexing::reindex_file;
use crate::lsp::open_note::OpenNote;
use crate::lsp::publish;
use crate::lsp::state::{Shared, lock};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

/// Opens a note: parse it, index it, publish its diagnostics, show its vault's warnings.
pub async fn did_open(state: &Shared, client: &Client, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    let warnings = {
        let mut s = lock(state);
        let path = from_proto::path(&doc.uri);
        let vault = s.vault_for(path.as_deref());
        let warnings = vault.warnings.clone();
        let open = OpenNote::open(doc.text, doc.version, s.encoding, vault, path);
        s.notes.insert(doc.uri.clone(), open);
        s.update_open_index(&doc.uri);
        warnings
    };
    publish::schedule_diagnostics(state, client, doc.uri);
    publish::show_warnings(state, client, warnings).await;
}

/// Applies a change before any `.await`, so later requests see the new text.
pub async fn did_change(state: &Shared, client: &Client, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let changes = from_proto::changes(params.content_changes);
    let log = {
        let mut s = lock(state);
        match s.notes.get_mut(&uri) {
            None => Some(format!(
                "srls: didChange for {} which is not open; ignored",
                uri.as_str()
            )),
            Some(n) => match n.apply(params.text_document.version, &changes) {
                Err(e) => Some(format!("srls: {}: {e}; change ignored", uri.as_str())),
                Ok(clamped) => clamped.then(|| {
                    format!(
                        "srls: {}: a change's range was outside the document and was clamped",
                        uri.as_str()
                    )
                }),
            },
        }
    };
    if let Some(l) = log {
        client.log_message(MessageType::WARNING, l).await;
    }
    publish::schedule_diagnostics(state, client, uri);
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
        let path = s
            .notes
            .remove(&uri)
            .and_then(|n| n.path().map(|p| p.to_path_buf()));
        if let Some(p) = &path {
            s.index.close(p);
            reindex_file(&mut s, p);
        }
        s.caps.pull_diagnostics
    };
    if !pull {
        client.publish_diagnostics(uri, vec![], None).await;
    }
}
