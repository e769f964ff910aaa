//! `textDocument/inlayHint`: due labels at the end of each card, for the requested range only.

use crate::features::hints;
use crate::lsp::state::State;
use crate::lsp::{from_proto, to_proto};
use tower_lsp_server::ls_types::*;

/// The hints of the cards whose hint lies in the requested range.
pub fn inlay_hints(state: &State, params: InlayHintParams) -> Option<Vec<InlayHint>> {
    if !state.config.hints_enabled {
        return Some(vec![]);
    }
    let open = state.notes.get(&params.text_document.uri)?;
    let (from, to) = from_proto::offsets(open, params.range);
    let clock = state.clock();
    let style = state.config.hint_style;
    let found = hints::hints(open.note(), from, to, style, clock.today, clock.now);
    Some(
        found
            .into_iter()
            .map(|h| InlayHint {
                position: to_proto::position(open, h.offset),
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: h.tooltip.map(InlayHintTooltip::String),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    )
}
