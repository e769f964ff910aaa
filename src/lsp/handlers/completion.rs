//! `textDocument/completion` of deck tags (after `#` in a flashcard note, in front-matter tags)
//! with their card counts, and `completionItem/resolve` with the deck's due and new counts.

use crate::features::decks::{deck_candidates, most_used, typing_tag};
use crate::features::due::{Counts, in_deck};
use crate::lsp::state::State;
use crate::lsp::{from_proto, to_proto};
use serde_json::json;
use std::path::PathBuf;
use tower_lsp_server::ls_types::*;

/// At most this many decks are offered at once (the ones with the most cards); the list then
/// says it is incomplete, so the client asks again as the user types on.
pub const COMPLETION_LIMIT: usize = 100;

/// The decks matching what is typed, each replacing the typed part of the tag.
pub fn completion(state: &mut State, params: CompletionParams) -> Option<CompletionResponse> {
    state.refresh_open_index();
    let at = params.text_document_position;
    let open = state.notes.get(&at.text_document.uri)?;
    let offset = from_proto::offset(open, at.position);
    let (start, typed) = typing_tag(open.text(), open.note(), offset)?;
    let root = open.vault().root.clone();
    let settings = &open.vault().settings;
    let tables = state.index.tables(root.as_deref());
    // Decks with cards, and deck tags written in the vault that hold none yet.
    let decks = tables.into_iter().flat_map(|t| {
        let written = settings.flashcard_tags.iter().flat_map(|f| t.tags_under(f));
        t.decks().chain(written.map(|d| (d, 0)))
    });
    let range = to_proto::range(open, start, offset);
    let (offered, is_incomplete) =
        most_used(deck_candidates(decks, settings, &typed), COMPLETION_LIMIT);
    let items = offered
        .into_iter()
        .map(|(deck, n)| CompletionItem {
            label: deck.clone(),
            kind: Some(CompletionItemKind::FOLDER),
            detail: Some(format!("{n} card{}", if n == 1 { "" } else { "s" })),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, deck.clone()))),
            data: Some(json!({"deck": format!("#{deck}"), "root": root})),
            ..Default::default()
        })
        .collect();
    Some(CompletionResponse::List(CompletionList {
        is_incomplete,
        items,
    }))
}

/// The deck's due and new sides today, from the notes holding its cards.
pub fn resolve(state: &State, mut item: CompletionItem) -> CompletionItem {
    let data = item.data.clone().unwrap_or_default();
    let Some(deck) = data["deck"].as_str() else {
        return item;
    };
    let root: Option<PathBuf> = data["root"].as_str().map(PathBuf::from);
    let clock = state.clock();
    let mut counts = Counts::default();
    if let Some(t) = state.index.tables(root.as_deref()) {
        for p in t.deck_notes(deck) {
            let cards = state
                .index
                .note(p)
                .map(|n| n.cards.as_slice())
                .unwrap_or(&[]);
            for c in cards.iter().filter(|c| in_deck(&c.decks, deck)) {
                counts.add_card(&c.dues, clock.today, clock.now);
            }
        }
    }
    let text = format!(
        "{deck}: {} due, {} new ({})",
        counts.due, counts.new, clock.today
    );
    item.documentation = Some(Documentation::String(text));
    item
}
