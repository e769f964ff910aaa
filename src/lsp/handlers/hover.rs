//! `textDocument/hover` on any line of a card.

use crate::features::hover::{HoverContext, hover_text};
use crate::lsp::state::State;
use crate::lsp::{from_proto, to_proto};
use tower_lsp_server::ls_types::*;

/// The card's type, decks, breadcrumb, each side's schedule and what each answer would give.
pub fn hover(state: &mut State, params: HoverParams) -> Option<Hover> {
    let at = params.text_document_position_params;
    // The load-balancing histogram reads the index as of the last pause in typing (the note's
    // own edits since reach it after the debounce): copying a long note into the index on
    // every hover would make hover as slow as the note is long.
    let open = state.notes.get_mut(&at.text_document.uri)?;
    open.ensure_tree();
    let open = state.notes.get(&at.text_document.uri)?;
    let note = open.note();
    let card = &note.cards[note.card_at_offset(from_proto::offset(open, at.position))?];
    let grading = state.grade_context(open.vault());
    let breadcrumb = open.breadcrumb(card);
    let markdown = state.caps.markdown_hover;
    let context = HoverContext {
        settings: &open.vault().settings,
        today: grading.clock.today,
        now: grading.clock.now,
        tz: grading.clock.tz,
        histogram: &grading.histogram,
        breadcrumb: &breadcrumb,
        markdown,
    };
    let span = note.card_span(card);
    Some(Hover {
        contents: HoverContents::Markup(to_proto::markup(
            hover_text(note, card, &context),
            markdown,
        )),
        range: Some(to_proto::range(open, span.start, span.end)),
    })
}
