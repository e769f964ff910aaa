//! `workspace/executeCommand`: the vault's due counts and the next due card.

use super::review;
use crate::features::hints::due_label;
use crate::lsp::state::{Shared, State, lock};
use crate::lsp::to_proto;
use serde_json::{Value, json};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

/// Due and new counts per deck: `{"today", "ready", "total": {"due", "new"}, "decks": [...]}`.
pub const DUE_SUMMARY: &str = "srls.dueSummary";
/// The most overdue card (optionally `{"deck"}`), opened with `window/showDocument`.
pub const NEXT_DUE: &str = "srls.nextDue";
/// Review sessions (see [`super::review`]).
pub const REVIEW_START: &str = "srls.review.start";
pub const REVIEW_ANSWER: &str = "srls.review.answer";
pub const REVIEW_CURRENT: &str = "srls.review.current";
pub const REVIEW_REVEAL: &str = "srls.review.reveal";
pub const REVIEW_SKIP: &str = "srls.review.skip";
pub const REVIEW_UNDO: &str = "srls.review.undo";
pub const REVIEW_END: &str = "srls.review.end";
/// The vault's statistics (see [`super::stats`]).
pub const STATS: &str = "srls.stats";
/// Every command, as `executeCommandProvider` lists them.
pub const COMMANDS: &[&str] = &[
    DUE_SUMMARY,
    NEXT_DUE,
    REVIEW_START,
    REVIEW_ANSWER,
    REVIEW_CURRENT,
    REVIEW_REVEAL,
    REVIEW_SKIP,
    REVIEW_UNDO,
    REVIEW_END,
    STATS,
];

/// Runs a command.
pub async fn execute(
    state: &Shared,
    client: &Client,
    params: ExecuteCommandParams,
) -> Result<Option<Value>> {
    lock(state).refresh_open_index();
    let argument = params.arguments.first().cloned().unwrap_or(Value::Null);
    match params.command.as_str() {
        DUE_SUMMARY => Ok(Some(due_summary(&lock(state)))),
        NEXT_DUE => {
            let deck = deck_argument(&params.arguments);
            let (result, show) = next_due(&mut lock(state), deck.as_deref());
            if let Some(show) = show {
                // Sent from its own task: the client's answer can take a while (a file to open,
                // a user to ask), and no other request may wait for it.
                let client = client.clone();
                tokio::spawn(async move {
                    let _ = client.show_document(show).await;
                });
            }
            Ok(Some(result))
        }
        REVIEW_START => review::start(state, &argument).await.map(Some),
        REVIEW_ANSWER => review::answer(state, client, &argument).await.map(Some),
        REVIEW_CURRENT | REVIEW_REVEAL => review::current(state, &argument).map(Some),
        REVIEW_SKIP => review::skip(state, &argument).map(Some),
        REVIEW_UNDO => review::undo(state, client, &argument).await.map(Some),
        REVIEW_END => review::end(state, &argument).map(Some),
        STATS => super::stats::stats(state, &argument).await.map(Some),
        other => Err(Error::invalid_params(format!(
            "srls: unknown command `{other}`"
        ))),
    }
}

/// The deck of `srls.nextDue`: `{"deck": "..."}` or a bare string.
fn deck_argument(arguments: &[Value]) -> Option<String> {
    let a = arguments.first()?;
    a.get("deck")
        .and_then(Value::as_str)
        .or_else(|| a.as_str())
        .map(str::to_string)
}

fn due_summary(state: &State) -> Value {
    let clock = state.clock();
    let (total, decks) = state.index.summary(clock.today, clock.now);
    json!({
        "today": clock.today.format("%Y-%m-%d").to_string(),
        "ready": state.index.ready,
        "total": total,
        "decks": decks.iter().map(|(d, c)| json!({"deck": d, "due": c.due, "new": c.new})).collect::<Vec<_>>(),
    })
}

/// The answer of `srls.nextDue`, and the document to show when the client can.
fn is_open(state: &State, path: &std::path::Path) -> bool {
    state.notes.values().any(|n| n.path() == Some(path))
}

/// A note whose file is gone without an event is dropped from the index, never opened.
fn next_due(state: &mut State, deck: Option<&str>) -> (Value, Option<ShowDocumentParams>) {
    let clock = state.clock();
    loop {
        let gone = match state.index.next_due(clock.today, clock.now, deck) {
            None => return (Value::Null, None),
            Some((note, _)) if !note.path.exists() && !is_open(state, &note.path) => {
                note.path.clone()
            }
            Some(_) => break,
        };
        state.index.remove_disk(&gone);
    }
    let Some((note, card)) = state.index.next_due(clock.today, clock.now, deck) else {
        return (Value::Null, None);
    };
    let uri = Uri::from_file_path(&note.path);
    let range = to_proto::line_start(card.line);
    let due = card
        .dues
        .iter()
        .find(|x| x.is_due(clock.today, clock.now))
        .map(|x| due_label(x, clock.today, clock.now))
        .unwrap_or_default();
    let result = json!({
        "uri": uri.as_ref().map(|u| u.as_str().to_string()),
        "range": range,
        "question": card.question,
        "deck": card.decks.first().map(|d| d.trim_start_matches('#')),
        "due": due,
    });
    let show = uri
        .filter(|_| state.caps.show_document)
        .map(|uri| ShowDocumentParams {
            uri,
            external: Some(false),
            take_focus: Some(true),
            selection: Some(range),
        });
    (result, show)
}
