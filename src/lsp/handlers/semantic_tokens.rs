//! `textDocument/semanticTokens/full` and `/range`: separators, scheduling comments, cloze
//! deletions and deck tags ([`crate::features::tokens`]), for the whole note or a range. A note
//! that is not open (or above `maxNoteSize`, which is never opened) gets `null`.

use crate::features::tokens;
use crate::lsp::state::State;
use crate::lsp::{from_proto, to_proto};
use tower_lsp_server::ls_types::*;

/// The tokens of the whole note.
pub fn full(state: &State, params: SemanticTokensParams) -> Option<SemanticTokensResult> {
    let open = state.notes.get(&params.text_document.uri)?;
    let v = open.vault();
    let found = tokens::tokens(open.text(), open.note(), &v.settings, &v.engine);
    Some(to_proto::semantic_tokens(open, &found).into())
}

/// The tokens overlapping the requested range (each whole).
pub fn range(
    state: &State,
    params: SemanticTokensRangeParams,
) -> Option<SemanticTokensRangeResult> {
    let open = state.notes.get(&params.text_document.uri)?;
    let (from, to) = from_proto::offsets(open, params.range);
    let v = open.vault();
    let found = tokens::tokens_in(open.text(), open.note(), &v.settings, &v.engine, from..to);
    Some(to_proto::semantic_tokens(open, &found).into())
}
