//! `textDocument/prepareRename` and `textDocument/rename` on a deck tag: the deck and its
//! sub-decks renamed in every note of the vault that names them (open notes as versioned edits,
//! closed ones read from disk), as one workspace edit.

use super::refused;
use crate::features::decks::{TagSpan, check_rename, is_deck_tag, rename_edits, tag_at};
use crate::lsp::open_note::OpenNote;
use crate::lsp::state::State;
use crate::lsp::{from_proto, to_proto};
use crate::workspace::vault::Vault;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

/// The deck tag under a position of an open note (an error for a tag that is no deck).
pub fn deck_tag_at<'a>(
    state: &'a State,
    at: &TextDocumentPositionParams,
) -> Result<Option<(&'a OpenNote, TagSpan)>> {
    let Some(open) = state.notes.get(&at.text_document.uri) else {
        return Ok(None);
    };
    let offset = from_proto::offset(open, at.position);
    let Some(tag) = tag_at(open.text(), open.note(), offset) else {
        return Ok(None);
    };
    if !is_deck_tag(&tag.name, &open.vault().settings) {
        let tags = open.vault().settings.flashcard_tags.join(", ");
        let msg = format!("{} is not a deck tag (decks are below {tags})", tag.name);
        return Err(refused(msg));
    }
    Ok(Some((open, tag)))
}

/// `textDocument/prepareRename`: the tag's name without `#`, as the placeholder.
pub fn prepare(
    state: &State,
    at: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let Some((open, tag)) = deck_tag_at(state, &at)? else {
        return Ok(None);
    };
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: to_proto::range(open, tag.body, tag.end),
        placeholder: tag.name[1..].to_string(),
    }))
}

/// `textDocument/rename`: refused (with the reason) for a name that is no tag, that leaves the
/// flashcard tags, or that would merge into an existing deck.
pub fn rename(state: &mut State, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    state.refresh_open_index();
    let state = &*state;
    let Some((open, tag)) = deck_tag_at(state, &params.text_document_position)? else {
        return Ok(None);
    };
    let vault = open.vault();
    let tables = state.index.tables(vault.root.as_deref());
    let exists = |t: &str| tables.is_some_and(|x| x.tags_under(t).next().is_some());
    let new =
        check_rename(&tag.name, &params.new_name, &vault.settings, exists).map_err(refused)?;
    let mut paths: Vec<PathBuf> = tables
        .map(|t| {
            t.tag_notes(&tag.name)
                .into_iter()
                .map(Path::to_path_buf)
                .collect()
        })
        .unwrap_or_default();
    paths.extend(open.path().map(Path::to_path_buf));
    paths.sort();
    paths.dedup();
    let open_by_path: HashMap<&Path, (&Uri, &OpenNote)> = state
        .notes
        .iter()
        .filter_map(|(u, n)| Some((n.path()?, (u, n))))
        .collect();
    let mut docs = Vec::new();
    if open.path().is_none() {
        docs.push(open_edits(
            &params.text_document_position.text_document.uri,
            open,
            &tag.name,
            &new,
        ));
    }
    for p in &paths {
        let doc = match open_by_path.get(p.as_path()) {
            Some((u, n)) => open_edits(u, n, &tag.name, &new),
            None => closed_edits(state, vault, p, &tag.name, &new)?,
        };
        if !doc.2.is_empty() {
            docs.push(doc);
        }
    }
    Ok(Some(to_proto::multi_edit(
        docs,
        state.caps.document_changes,
    )))
}

type DocEdit = (Uri, Option<i32>, Vec<TextEdit>);

fn open_edits(uri: &Uri, n: &OpenNote, old: &str, new: &str) -> DocEdit {
    let edits = rename_edits(n.text(), n.note(), old, new);
    (
        uri.clone(),
        Some(n.version()),
        to_proto::text_edits(n, &edits),
    )
}

/// The edits of a note of `vault` that is not open, read from disk now (a note that cannot be read
/// refuses the whole rename rather than leave it half done).
fn closed_edits(
    state: &State,
    vault: &Vault,
    path: &Path,
    old: &str,
    new: &str,
) -> Result<DocEdit> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| refused(format!("cannot read {shown} to rename {old} in it: {e}")))?;
    let uri =
        Uri::from_file_path(path).ok_or_else(|| refused(format!("{shown} has no file URI")))?;
    let note = vault.parse(&text, Some(path));
    let edits = rename_edits(&text, &note, old, new);
    Ok((
        uri,
        None,
        to_proto::closed_text_edits(&text, &edits, state.encoding),
    ))
}
