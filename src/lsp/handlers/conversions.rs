//! The card conversions among the code actions (single-line ⇄ multi-line, basic ⇄ reversed, a
//! deck tag), offered for the card under the cursor and, for clients that resolve actions,
//! computed again when applied, for the note as it is then.

use super::refused;
use crate::features::convert::{Conversion, conversions};
use crate::features::decks::deck_offers;
use crate::lsp::capabilities::CONVERT_KIND;
use crate::lsp::open_note::OpenNote;
use crate::lsp::state::State;
use crate::lsp::to_proto;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

/// How many of the vault's decks a card is offered at most (the light bulb stays short).
const MAX_DECKS: usize = 12;

/// The conversions of the card at byte `at`, with their edits unless the client resolves them.
pub fn offers(state: &State, open: &OpenNote, uri: &Uri, at: usize) -> Vec<CodeActionOrCommand> {
    let note = open.note();
    let Some(card_index) = note.card_at_offset(at) else {
        return vec![];
    };
    let line = note.cards[card_index].start_line();
    let vault = open.vault();
    let tables = state.index.tables(vault.root.as_deref());
    let written = tables.into_iter().flat_map(|t| {
        let under = vault.settings.flashcard_tags.iter();
        t.decks()
            .map(|(d, _)| d)
            .chain(under.flat_map(|f| t.tags_under(f)))
    });
    let decks = deck_offers(written, &vault.settings, MAX_DECKS);
    let rules = (&vault.settings, &vault.engine);
    let found = conversions(open.text(), note, card_index, rules, &decks);
    found
        .into_iter()
        .map(|c| {
            let data = json!({"uri": uri.as_str(), "version": open.version(), "line": line,
                              "convert": c.id});
            let edit = (!state.caps.resolve).then(|| edit(state, open, uri, &c));
            CodeActionOrCommand::CodeAction(CodeAction {
                title: c.title,
                kind: Some(CodeActionKind::new(CONVERT_KIND)),
                edit,
                data: Some(data),
                ..Default::default()
            })
        })
        .collect()
}

fn edit(state: &State, open: &OpenNote, uri: &Uri, c: &Conversion) -> WorkspaceEdit {
    let edits = to_proto::text_edits(open, &c.edits);
    to_proto::workspace_edit(uri, open.version(), edits, state.caps.document_changes)
}

/// The conversion `id` of the card on `line` of the open note `uri`, computed now: refused when
/// the note changed since it was offered, or the card no longer converts so.
pub fn resolve(state: &State, data: &Value, id: &str, uri: &Uri) -> Result<WorkspaceEdit> {
    let open = state
        .notes
        .get(uri)
        .ok_or_else(|| refused("the note is no longer open"))?;
    let version = data["version"].as_i64().unwrap_or(-1) as i32;
    if version != open.version() {
        return Err(refused(format!(
            "the note changed since this action was offered (version {version}, now {}); ask for the actions again",
            open.version()
        )));
    }
    let line = data["line"].as_u64().unwrap_or(0) as usize;
    let note = open.note();
    let card_index = note
        .card_at_line(line)
        .ok_or_else(|| refused("the card is gone"))?;
    let decks: Vec<String> = id
        .strip_prefix("deck:")
        .map(str::to_string)
        .into_iter()
        .collect();
    let vault = open.vault();
    conversions(
        open.text(),
        note,
        card_index,
        (&vault.settings, &vault.engine),
        &decks,
    )
    .into_iter()
    .find(|c| c.id == id)
    .map(|c| edit(state, open, uri, &c))
    .ok_or_else(|| refused("the card can no longer be converted so"))
}
