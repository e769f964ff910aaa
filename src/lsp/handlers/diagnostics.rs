//! Diagnostics of an open note in protocol form, pushed (see `publish`) or pulled.

use crate::features;
use crate::features::duplicates::QuestionKey;
use crate::features::lint::settings_diagnostics;
use crate::lsp::config::Config;
use crate::lsp::open_note::OpenNote;
use crate::lsp::state::State;
use crate::lsp::to_proto;
use crate::workspace::index::{Index, changed_keys};
use std::collections::HashSet;
use std::path::Path;
use tower_lsp_server::ls_types::*;

/// The note's diagnostics (core and `rendered-as-code`), after the user's severities.
pub fn for_note(note: &mut OpenNote, config: &Config) -> Vec<Diagnostic> {
    if !config.diagnostics_enabled {
        return vec![];
    }
    note.ensure_diagnostics();
    let note = &*note;
    let from_settings = settings_diagnostics(&note.vault().warnings);
    from_settings
        .iter()
        .chain(note.diagnostics())
        .filter_map(|d| {
            let severity = config.severity_of(d.code, d.severity)?;
            Some(to_proto::diagnostic(note, d, severity))
        })
        .collect()
}

/// What is published: [`for_note`], then `duplicate-question` from the vault's question table.
pub fn with_duplicates(note: &mut OpenNote, config: &Config, index: &Index) -> Vec<Diagnostic> {
    let mut out = for_note(note, config);
    if config.diagnostics_enabled {
        out.extend(duplicates(note, config, index));
    }
    out
}

/// `duplicate-question`: the note's cards its vault's tables know to be duplicated, with their
/// peers (the cost of what is found, not of the note or the vault).
fn duplicates(note: &OpenNote, config: &Config, index: &Index) -> Vec<Diagnostic> {
    let (Some(path), Some(tables)) = (note.path(), index.tables(note.vault().root.as_deref()))
    else {
        return vec![];
    };
    let candidates = tables.duplicated_in(path);
    let found = features::duplicates::duplicates_among(path, note.note(), candidates, |k| {
        tables.cards_with(k)
    });
    // (The peers' paths are held by the tables for the whole answer: keys stay valid.)
    let mut uris = to_proto::PeerUris::default();
    found
        .iter()
        .filter_map(|d| {
            let severity = config.severity_of(features::duplicates::CODE, d.severity)?;
            Some(to_proto::duplicate(note, d, severity, &mut uris))
        })
        .collect()
}

/// `textDocument/diagnostic`.
pub fn pull(state: &mut State, params: DocumentDiagnosticParams) -> DocumentDiagnosticReportResult {
    let config = state.config.clone();
    state.update_open_index(&params.text_document.uri);
    let State { notes, index, .. } = state;
    let items = match notes.get_mut(&params.text_document.uri) {
        Some(n) => {
            n.ensure_tree();
            with_duplicates(n, &config, index)
        }
        None => vec![],
    };
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
        RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        },
    ))
}

/// Copies an open note into the index and returns the other open notes whose
/// `duplicate-question` findings changed with it.
pub fn reindex_with_peers(state: &mut State, uri: &Uri) -> Vec<Uri> {
    state.update_open_index(uri);
    let Some(path) = state
        .notes
        .get(uri)
        .and_then(|n| n.path())
        .map(Path::to_path_buf)
    else {
        return vec![];
    };
    // With the keys of copies a pull or a vault-wide request made since the last publish.
    let changed = state.take_unannounced(&path);
    peers_holding(state, &path, &changed)
}

/// The open notes other than the one at `path` holding one of the questions `keys`.
fn peers_holding<'k>(
    state: &State,
    path: &Path,
    keys: impl IntoIterator<Item = &'k QuestionKey>,
) -> Vec<Uri> {
    let root = state.index.note(path).and_then(|n| n.vault_root.clone());
    let Some(tables) = state.index.tables(root.as_deref()) else {
        return vec![];
    };
    let paths: HashSet<&Path> = keys
        .into_iter()
        .flat_map(|k| tables.cards_with(k))
        .map(|p| &*p.path)
        .filter(|p| *p != path)
        .collect();
    state
        .notes
        .iter()
        .filter(|(_, n)| n.path().is_some_and(|p| paths.contains(p)))
        .map(|(u, _)| u.clone())
        .collect()
}

/// Applies `change` to the index entry of `path` and returns the open notes (other than the
/// one at `path`) holding a question the note now asks a different number of times: only the
/// changed questions are looked up.
pub fn peers_of_change(
    state: &mut State,
    path: &Path,
    change: impl FnOnce(&mut State),
) -> Vec<Uri> {
    let before = state.index.question_keys(path);
    change(state);
    let changed = changed_keys(before, state.index.question_keys(path));
    peers_holding(state, path, &changed)
}
