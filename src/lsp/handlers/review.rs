//! `srls.review.*`: review sessions driven by an editor front end (VS Code panel, Neovim
//! window). The engine is [`crate::features::review`]; this file reads the request, finds the
//! notes, and writes answers: through `workspace/applyEdit` (a versioned edit) for a note open
//! in the editor, so unsaved changes are never overwritten; atomically on disk, as `srls grade`
//! does, for a closed one. An answer is written only over the text its card was shown from.

use super::refused as failed;
use crate::features::review::{Item, ItemId, Mode, NoteEdit, Session};
use crate::lsp::indexing::reindex_file;
use crate::lsp::state::{Shared, State, lock};
use crate::lsp::{publish, to_proto};
use crate::plugin::schedule::Response;
use crate::workspace::review::{OnDisk, SessionRequest, reread, start_session, write_if_unchanged};
use crate::workspace::vault::{Vault, read_note, vault_notes};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

/// The running sessions, by id.
#[derive(Default)]
pub struct Sessions {
    next: u64,
    running: HashMap<String, Session>,
}

/// At most this many sessions are kept (the oldest is dropped: a front end that never ended).
const MAX_SESSIONS: usize = 16;

/// What `srls.review.start` asks for.
struct StartRequest {
    deck: Option<String>,
    uri: Option<Uri>,
    mode: Mode,
    seed: Option<u64>,
}

impl StartRequest {
    fn read(args: &Value) -> Result<StartRequest> {
        let scope = &args["scope"];
        let uri = match scope.get("uri").and_then(Value::as_str) {
            Some(u) => Some(
                u.parse()
                    .map_err(|_| failed(format!("`{u}` is not a URI")))?,
            ),
            None => None,
        };
        let mode = match args["mode"].as_str() {
            None | Some("review") => Mode::Review,
            Some("cram") => Mode::Cram,
            Some(m) => return Err(failed(format!("unknown mode `{m}`: use review or cram"))),
        };
        Ok(StartRequest {
            deck: scope["deck"]
                .as_str()
                .map(|d| d.trim_start_matches('#').to_string()),
            uri,
            mode,
            seed: args["seed"].as_u64(),
        })
    }
}

/// The notes a request covers, with the text open notes hold in the editor.
pub(crate) struct Gathered {
    pub vault: Arc<Vault>,
    /// The note, or the folder to walk (walked by [`read_all`], off the lock).
    pub from: PathBuf,
    pub open: HashMap<PathBuf, String>,
    pub single: bool,
}

/// The notes of one note (`uri`) or of the workspace's whole vault.
pub(crate) fn gather(state: &mut State, uri: Option<&Uri>) -> Result<Gathered> {
    let open: HashMap<PathBuf, String> = state
        .notes
        .values()
        .filter_map(|n| Some((n.path()?.to_path_buf(), n.text().to_string())))
        .collect();
    if let Some(uri) = uri {
        let path = crate::lsp::from_proto::path(uri).ok_or_else(|| failed("not a file URI"))?;
        let vault = state.vault_for(Some(&path));
        return Ok(Gathered {
            vault,
            from: path,
            open,
            single: true,
        });
    }
    let root = state.roots.first().cloned().ok_or_else(|| {
        failed("no workspace folder is open; review a note with {\"scope\": {\"uri\": …}}")
    })?;
    let vault = state.vault_for(Some(&root.join("x.md")));
    // The whole vault, as the plugin reviews it (the workspace may be one of its folders).
    let top = vault.root.clone().unwrap_or(root);
    Ok(Gathered {
        vault,
        from: top,
        open,
        single: false,
    })
}

/// The notes of a request as read: `(path, text)`, and the ones that could not be read with why.
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub notes: Vec<(PathBuf, String)>,
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Reads the notes (the editor's text for open ones). Walks the folder first: call it off the
/// lock.
pub(crate) fn read_all(g: &Gathered) -> Read {
    let paths = if g.single {
        vec![g.from.clone()]
    } else {
        vault_notes(&g.from, &g.vault.settings)
    };
    let mut read = Read::default();
    for p in paths {
        if let Some(t) = g.open.get(&p) {
            read.notes.push((p, t.clone()));
            continue;
        }
        match read_note(&p) {
            Ok(t) => read.notes.push((p, t)),
            Err(why) => read.unreadable.push((p, why)),
        }
    }
    read
}

/// `srls.review.start` → `{"session", "counts", "item"}`.
pub async fn start(state: &Shared, args: &Value) -> Result<Value> {
    let req = StartRequest::read(args)?;
    let (gathered, clock) = {
        let mut s = lock(state);
        (gather(&mut s, req.uri.as_ref())?, s.clock())
    };
    let session = tokio::task::spawn_blocking(move || {
        let request = SessionRequest {
            deck: req.deck,
            single: gathered.single,
            mode: req.mode,
            seed: req.seed,
        };
        start_session(&gathered.vault, read_all(&gathered).notes, request, &clock)
    })
    .await
    .map_err(|e| failed(format!("the session could not start: {e}")))?
    .map_err(failed)?;
    let mut s = lock(state);
    let sessions = &mut s.reviews;
    sessions.next += 1;
    let id = sessions.next.to_string();
    if sessions.running.len() >= MAX_SESSIONS
        && let Some(oldest) = sessions
            .running
            .keys()
            .min_by_key(|k| k.parse::<u64>().unwrap_or(0))
            .cloned()
    {
        sessions.running.remove(&oldest);
    }
    let answer = json!({"session": id, "counts": counts(&session), "item": session.current().map(|i| item(&i))});
    sessions.running.insert(id, session);
    Ok(answer)
}

fn item(i: &Item) -> Value {
    let buttons: Vec<Value> = i
        .buttons
        .iter()
        .map(|b| json!({"response": b.response.as_str(), "label": b.label, "interval": b.interval}))
        .collect();
    json!({
        "id": i.id.0.to_string(),
        "uri": Uri::from_file_path(&i.path).map(|u| u.as_str().to_string()),
        "line": i.line,
        "sibling": i.sibling,
        "siblings": i.siblings,
        "deck": if i.deck.is_empty() { String::new() } else { format!("#{}", i.deck) },
        "type": i.kind.as_str(),
        "new": i.is_new,
        "question": i.question,
        "answer": i.answer,
        "back": i.back,
        "context": i.context,
        "buttons": buttons,
    })
}

fn counts(s: &Session) -> Value {
    let c = s.counts();
    json!({"due": c.due, "new": c.new, "reviewed": c.reviewed, "waiting": c.waiting})
}

/// The session's state after a step: counts, the card to show, and while only learning steps
/// are left, when the next one is due.
fn progress(s: &Session) -> Value {
    let c = s.counts();
    let current = s.current();
    let waiting = match (current.is_none(), c.next_wait) {
        (true, Some(until)) => {
            let minutes = ((until - s.now()).num_seconds().max(0) + 59) / 60;
            json!({"until": until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                   "label": format!("next card in {} min", minutes.max(1))})
        }
        _ => Value::Null,
    };
    json!({"counts": counts(s), "item": current.map(|i| item(&i)), "waiting": waiting})
}

fn session_id(args: &Value) -> Result<String> {
    match &args["session"] {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(failed("the request names no session")),
    }
}

fn item_id(args: &Value) -> Result<ItemId> {
    let v = &args["item"];
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .map(ItemId)
        .ok_or_else(|| failed("the request names no item"))
}

/// Runs `f` on a running session (its clock moved to now first).
fn with_session<T>(state: &Shared, id: &str, f: impl FnOnce(&mut Session) -> T) -> Result<T> {
    let mut s = lock(state);
    let now = s.clock().now;
    let session = s.reviews.running.get_mut(id).ok_or_else(|| {
        failed(format!(
            "no review session `{id}` (it ended, or the server restarted)"
        ))
    })?;
    session.set_now(now);
    Ok(f(session))
}

/// `srls.review.current` (and `reveal`: items carry both sides) → `{"counts", "item", "waiting"}`.
pub fn current(state: &Shared, args: &Value) -> Result<Value> {
    with_session(state, &session_id(args)?, |s| progress(s))
}

/// `srls.review.skip` → the next card.
pub fn skip(state: &Shared, args: &Value) -> Result<Value> {
    let item = item_id(args)?;
    with_session(state, &session_id(args)?, |s| {
        s.skip(item).map_err(failed)?;
        Ok(progress(s))
    })?
}

/// `srls.review.end` → `{"reviewed"}`.
pub fn end(state: &Shared, args: &Value) -> Result<Value> {
    let id = session_id(args)?;
    let session = lock(state).reviews.running.remove(&id);
    let session = session.ok_or_else(|| failed(format!("no review session `{id}`")))?;
    Ok(json!({"reviewed": session.counts().reviewed}))
}

/// `srls.review.answer` → writes the answer, then `{"counts", "item", "waiting"}`.
pub async fn answer(state: &Shared, client: &Client, args: &Value) -> Result<Value> {
    let id = session_id(args)?;
    let item = item_id(args)?;
    let response: Response = args["response"]
        .as_str()
        .and_then(|r| r.parse().ok())
        .ok_or_else(|| failed("unknown response: use again, hard, good, easy or reset"))?;
    let edit = {
        let mut s = lock(state);
        sync_open_notes(&mut s, &id)?;
        let now = s.clock().now;
        let session = s
            .reviews
            .running
            .get_mut(&id)
            .ok_or_else(|| failed("no such session"))?;
        session.set_now(now);
        session.answer(item, response).map_err(failed)?.edit
    };
    if let Some(edit) = edit
        && let Err(why) = write(state, client, &edit).await
    {
        with_session(state, &id, |s| {
            let _ = s.undo();
            follow(s, &edit.path);
        })?;
        return Err(failed(format!("{why}; the answer was not recorded")));
    }
    publish::refresh(state, client).await;
    current(state, args)
}

/// `srls.review.undo` → the last answer undone (its note restored), its card shown again.
pub async fn undo(state: &Shared, client: &Client, args: &Value) -> Result<Value> {
    let id = session_id(args)?;
    let edit = with_session(state, &id, |s| s.undo())?.map_err(failed)?;
    if let Some(edit) = edit
        && let Err(why) = write(state, client, &edit).await
    {
        with_session(state, &id, |s| follow(s, &edit.path))?;
        return Err(failed(format!("undone in the session, but {why}")));
    }
    publish::refresh(state, client).await;
    current(state, args)
}

/// Tells the session about notes the editor changed since it read them.
fn sync_open_notes(state: &mut State, id: &str) -> Result<()> {
    let State { notes, reviews, .. } = state;
    let session = reviews
        .running
        .get_mut(id)
        .ok_or_else(|| failed(format!("no review session `{id}`")))?;
    for open in notes.values() {
        let Some(path) = open.path() else { continue };
        if session.text_of(path).is_some_and(|t| t != open.text()) {
            session.refresh_note(path, open.text());
        }
    }
    Ok(())
}

/// Reads a note from disk again into the session.
fn follow(session: &mut Session, path: &Path) {
    match reread(path) {
        OnDisk::Text(t) => {
            session.refresh_note(path, &t);
        }
        OnDisk::Gone(_) => session.remove_note(path),
        OnDisk::Unreadable(_) => {}
    }
}

/// Writes a note edit: a versioned edit the editor applies when the note is open there, else
/// the file on disk (only when it still holds the text the edit was computed from).
async fn write(
    state: &Shared,
    client: &Client,
    edit: &NoteEdit,
) -> std::result::Result<(), String> {
    let uri = Uri::from_file_path(&edit.path).ok_or("the note has no file URI")?;
    let workspace_edit = {
        let s = lock(state);
        match s.notes.get(&uri) {
            Some(open) if open.text() != edit.old_text => {
                return Err(format!("{} changed in the editor", edit.path.display()));
            }
            Some(open) => Some(to_proto::workspace_edit(
                &uri,
                open.version(),
                to_proto::text_edits(open, &edit.edits),
                true,
            )),
            None => None,
        }
    };
    match workspace_edit {
        Some(we) => match client.apply_edit(we).await {
            Ok(r) if r.applied => Ok(()),
            Ok(r) => Err(format!(
                "the editor did not apply the edit ({})",
                r.failure_reason.unwrap_or_else(|| "no reason given".into())
            )),
            Err(e) => Err(format!("the editor did not apply the edit ({e})")),
        },
        None => {
            write_if_unchanged(edit)?;
            reindex_file(&mut lock(state), &edit.path);
            Ok(())
        }
    }
}
