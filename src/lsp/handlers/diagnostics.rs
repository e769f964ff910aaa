//! Diagnostics of an open note in protocol form, pushed (see `publish`) or pulled.

use crate::features::lint::settings_diagnostics;
use crate::lsp::config::Config;
use crate::lsp::open_note::OpenNote;
use crate::lsp::state::State;
use crate::lsp::to_proto;
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

/// `textDocument/diagnostic`.
pub fn pull(state: &mut State, params: DocumentDiagnosticParams) -> DocumentDiagnosticReportResult {
    let config = state.config.clone();
    let items = match state.notes.get_mut(&params.text_document.uri) {
        Some(n) => {
            n.ensure_tree();
            for_note(n, &config)
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
