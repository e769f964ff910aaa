//! `textDocument/references`: on a deck tag, every card of the deck and its sub-decks; on a
//! card, the cards with the same question. From the index's tables: the cost of the answer.

use super::rename::deck_tag_at;
use crate::features::due::in_deck;
use crate::lsp::state::State;
use crate::lsp::{from_proto, to_proto};
use std::path::Path;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

/// The references under the cursor (`None`: neither a deck tag nor a card).
pub fn references(state: &mut State, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    state.refresh_open_index();
    let state = &*state;
    let at = &params.text_document_position;
    if let Some((open, tag)) = deck_tag_at(state, at)? {
        let root = open.vault().root.as_deref();
        return Ok(Some(deck_cards(state, root, &tag.name)));
    }
    let Some(open) = state.notes.get(&at.text_document.uri) else {
        return Ok(None);
    };
    let note = open.note();
    let Some(i) = note.card_at_offset(from_proto::offset(open, at.position)) else {
        return Ok(None);
    };
    let card = &note.cards[i];
    let (Some(key), Some(tables)) = (card.key, state.index.tables(open.vault().root.as_deref()))
    else {
        return Ok(Some(vec![]));
    };
    let me = (open.path(), card.start_line());
    let include_self = params.context.include_declaration;
    let found = tables
        .cards_with(&key)
        .into_iter()
        .filter(|p| include_self || (Some(&*p.path), p.line) != me)
        .filter_map(|p| location(&p.path, p.line))
        .collect();
    Ok(Some(found))
}

/// Every card of a deck and its sub-decks, note by note (only the notes holding them).
fn deck_cards(state: &State, root: Option<&Path>, deck: &str) -> Vec<Location> {
    let Some(tables) = state.index.tables(root) else {
        return vec![];
    };
    let mut out = Vec::new();
    for p in tables.deck_notes(deck) {
        let Some(n) = state.index.note(p) else {
            continue;
        };
        let cards = n.cards.iter().filter(|c| in_deck(&c.decks, deck));
        out.extend(cards.filter_map(|c| location(p, c.line)));
    }
    out
}

fn location(path: &Path, line: usize) -> Option<Location> {
    Some(Location::new(
        Uri::from_file_path(path)?,
        to_proto::line_start(line),
    ))
}
