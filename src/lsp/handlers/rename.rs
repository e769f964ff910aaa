//! `textDocument/prepareRename` and `textDocument/rename` on a deck tag: the deck and its
//! sub-decks renamed in every note of the vault that names them (open notes as versioned edits,
//! closed ones read from disk off the state's lock), as one workspace edit; a merge into an
//! existing deck is confirmed by the user through a change annotation.

use super::refused;
use crate::features::decks::{
    RenameTo, TagSpan, check_rename, is_deck_tag, merge_confirmation, rename_edits, tag_at,
};
use crate::features::due::in_deck;
use crate::lsp::open_note::OpenNote;
use crate::lsp::state::{Shared, State, lock};
use crate::lsp::{from_proto, to_proto};
use crate::text::position::Encoding;
use crate::workspace::vault::Vault;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
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

/// `textDocument/rename`: refused (with the reason) for a name that is no tag or that leaves the
/// flashcard tags. A rename into an existing deck merges the two: the edit asks the user to
/// confirm it (a change annotation) when the client can, else it is refused. Closed notes are
/// read and parsed off the lock; open notes' edits are computed after, at their versions then.
pub async fn rename(state: &Shared, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let Some(plan) = plan(&mut lock(state), &params)? else {
        return Ok(None);
    };
    let (plan, read) = tokio::task::spawn_blocking(move || {
        let read = plan.read_closed();
        (plan, read)
    })
    .await
    .map_err(|e| refused(format!("the rename failed: {e}")))?;
    let read = read?;
    build(&lock(state), &plan, read).map(Some)
}

/// What a rename takes from the state under the lock.
struct Plan {
    /// The note the rename was asked in, and whether it has a path.
    uri: Uri,
    has_path: bool,
    old: String,
    new: RenameTo,
    /// How many cards the old deck holds (for the merge confirmation).
    cards: u32,
    vault: Arc<Vault>,
    encoding: Encoding,
    /// Every note naming the old tag (and the asking note), sorted; `true` if it was open.
    paths: Vec<(PathBuf, bool)>,
}

fn plan(state: &mut State, params: &RenameParams) -> Result<Option<Plan>> {
    state.refresh_open_index();
    let state = &*state;
    let Some((open, tag)) = deck_tag_at(state, &params.text_document_position)? else {
        return Ok(None);
    };
    let vault = open.vault();
    let tables = state.index.tables(vault.root.as_deref());
    let exists = |t: &str| tables.is_some_and(|x| x.tags_under(t).next().is_some());
    let confirm = state.caps.change_annotations && state.caps.document_changes;
    let new = check_rename(
        &tag.name,
        &params.new_name,
        &vault.settings,
        exists,
        confirm,
    )
    .map_err(refused)?;
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
    let open_notes = open_by_path(state);
    let cards = tables.map_or(0, |t| {
        t.decks()
            .filter(|(d, _)| in_deck(&[d.to_string()], &tag.name))
            .map(|(_, n)| n)
            .sum()
    });
    Ok(Some(Plan {
        uri: params.text_document_position.text_document.uri.clone(),
        has_path: open.path().is_some(),
        old: tag.name,
        new,
        cards,
        vault: vault.clone(),
        encoding: state.encoding,
        paths: paths
            .into_iter()
            .map(|p| {
                let is_open = open_notes.contains_key(p.as_path());
                (p, is_open)
            })
            .collect(),
    }))
}

fn open_by_path(state: &State) -> HashMap<&Path, (&Uri, &OpenNote)> {
    state
        .notes
        .iter()
        .filter_map(|(u, n)| Some((n.path()?, (u, n))))
        .collect()
}

impl Plan {
    /// The edits of the notes that were not open, read from disk now (a note that cannot be
    /// read refuses the whole rename rather than leave it half done).
    fn read_closed(&self) -> Result<HashMap<PathBuf, DocEdit>> {
        let mut out = HashMap::new();
        for (p, _) in self.paths.iter().filter(|(_, is_open)| !is_open) {
            let edits = closed_edits(&self.vault, p, &self.old, &self.new.name, self.encoding)?;
            out.insert(p.clone(), edits);
        }
        Ok(out)
    }
}

/// The workspace edit: open notes' edits at their versions now (a note opened since it was read
/// from disk is taken as open), the closed notes' from `read`.
fn build(state: &State, plan: &Plan, mut read: HashMap<PathBuf, DocEdit>) -> Result<WorkspaceEdit> {
    let (old, new) = (plan.old.as_str(), plan.new.name.as_str());
    let open_by_path = open_by_path(state);
    let mut docs = Vec::new();
    if !plan.has_path {
        let open = state
            .notes
            .get(&plan.uri)
            .ok_or_else(|| refused("the note was closed during the rename"))?;
        docs.push(open_edits(&plan.uri, open, old, new));
    }
    for (p, _) in &plan.paths {
        let doc = match (open_by_path.get(p.as_path()), read.remove(p)) {
            (Some((u, n)), _) => open_edits(u, n, old, new),
            (None, Some(doc)) => doc,
            (None, None) => closed_edits(&plan.vault, p, old, new, state.encoding)?,
        };
        if !doc.2.is_empty() {
            docs.push(doc);
        }
    }
    if !plan.new.merges {
        return Ok(to_proto::multi_edit(docs, state.caps.document_changes));
    }
    let (label, description) = merge_confirmation(old, new, plan.cards);
    let annotation = ChangeAnnotation {
        label,
        needs_confirmation: Some(true),
        description: Some(description),
    };
    Ok(to_proto::annotated_multi_edit(
        docs,
        "srls.merge",
        annotation,
    ))
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

/// The edits of a note of `vault` that is not open, read from disk now.
fn closed_edits(
    vault: &Vault,
    path: &Path,
    old: &str,
    new: &str,
    enc: Encoding,
) -> Result<DocEdit> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| refused(format!("cannot read {shown} to rename {old} in it: {e}")))?;
    let uri =
        Uri::from_file_path(path).ok_or_else(|| refused(format!("{shown} has no file URI")))?;
    let note = vault.parse(&text, Some(path));
    let edits = rename_edits(&text, &note, old, new);
    Ok((uri, None, to_proto::closed_text_edits(&text, &edits, enc)))
}
