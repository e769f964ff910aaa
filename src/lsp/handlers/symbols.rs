//! `workspace/symbol`: cards of the indexed vault by question text.

use crate::lsp::state::State;
use crate::lsp::to_proto;
use tower_lsp_server::ls_types::*;

/// At most this many symbols per answer.
const LIMIT: usize = 500;

/// Cards whose question contains the query, with their first deck as container.
pub fn workspace_symbols(state: &State, params: WorkspaceSymbolParams) -> WorkspaceSymbolResponse {
    let found = state.index.find_cards(&params.query, LIMIT);
    #[allow(deprecated)]
    let symbols = found
        .into_iter()
        .filter_map(|(n, c)| {
            Some(SymbolInformation {
                name: c.question.to_string(),
                kind: SymbolKind::EVENT,
                tags: None,
                deprecated: None,
                location: Location::new(
                    Uri::from_file_path(&n.path)?,
                    to_proto::line_start(c.line),
                ),
                container_name: c
                    .decks
                    .first()
                    .map(|d| d.trim_start_matches('#').to_string()),
            })
        })
        .collect();
    WorkspaceSymbolResponse::Flat(symbols)
}
