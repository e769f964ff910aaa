//! Pushing to the client: diagnostics after a pause in typing (with the background tree
//! reparse they may need), refresh requests, warnings shown once.

use super::handlers::diagnostics;
use super::state::{Shared, State, lock};
use std::time::Duration;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{MessageType, Uri};

/// How long typing must pause before diagnostics are published.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// Publishes a note's diagnostics once typing pauses. One task per note: asking again while
/// it waits or publishes (another keystroke, a peer's change) makes it wait one more pause and
/// publish once more, so a note never has two publishes computed or queued at once (eight
/// copies of a big note, each a peer of the others, would otherwise queue dozens).
pub fn schedule_diagnostics(state: &Shared, client: &Client, uri: Uri) {
    {
        let mut s = lock(state);
        if !s.notes.contains_key(&uri) {
            return;
        }
        if let Some(again) = s.publishing.get_mut(&uri) {
            *again = true;
            return;
        }
        s.publishing.insert(uri.clone(), false);
    }
    let (state, client) = (state.clone(), client.clone());
    tokio::spawn(async move {
        let mut published = false;
        loop {
            tokio::time::sleep(DEBOUNCE).await;
            match next_step(&state, &uri, published) {
                Step::Wait => published = false,
                Step::Publish => {
                    publish_now(&state, &client, &uri).await;
                    published = true;
                }
                Step::Done => break,
            }
        }
    });
}

/// What a note's publishing task does after a pause.
enum Step {
    /// Asked again during the pause: wait for another.
    Wait,
    Publish,
    /// Published and not asked again, or the note closed.
    Done,
}

/// The next [`Step`] of the publishing task of `uri` (`published`: it has just published).
fn next_step(state: &Shared, uri: &Uri, published: bool) -> Step {
    let mut s = lock(state);
    match s.publishing.get_mut(uri) {
        None => Step::Done,
        Some(again) if *again => {
            *again = false;
            Step::Wait
        }
        Some(_) if published => {
            s.publishing.remove(uri);
            Step::Done
        }
        Some(_) => Step::Publish,
    }
}

/// Publishes the note's diagnostics as they are now (bringing its trees up to date first),
/// after copying it into the index and scheduling the peers whose duplicates changed.
async fn publish_now(state: &Shared, client: &Client, uri: &Uri) {
    let Some(generation) = lock(state).notes.get(uri).map(|n| n.generation()) else {
        return;
    };
    if !catch_up_trees(state, uri, generation).await {
        return;
    }
    let (peers, published) = {
        let mut s = lock(state);
        if s.notes
            .get(uri)
            .is_none_or(|n| n.generation() != generation)
        {
            return;
        }
        // The vault index follows the open note once typing pauses; open notes whose
        // duplicate questions changed with it are published again.
        let peers = diagnostics::reindex_with_peers(&mut s, uri);
        let published = (!s.caps.pull_diagnostics).then(|| {
            let config = s.config.clone();
            let State { notes, index, .. } = &mut *s;
            let n = notes.get_mut(uri)?;
            Some((diagnostics::with_duplicates(n, &config, index), n.version()))
        });
        (peers, published)
    };
    repeat_for_peers(state, client, peers).await;
    if let Some(Some((items, version))) = published {
        client
            .publish_diagnostics(uri.clone(), items, Some(version))
            .await;
    }
}

/// Publishes the peers' diagnostics again (or asks a pulling client to pull them again).
pub async fn repeat_for_peers(state: &Shared, client: &Client, peers: Vec<Uri>) {
    if peers.is_empty() {
        return;
    }
    let caps = lock(state).caps.clone();
    if !caps.pull_diagnostics {
        for p in peers {
            schedule_diagnostics(state, client, p);
        }
    } else if caps.diagnostic_refresh {
        let _ = client.workspace_diagnostic_refresh().await;
    }
}

/// Brings a note's trees up to date away from the lock (a long note can take a while, and
/// typing must not wait for it). False when the note changed or closed meanwhile.
async fn catch_up_trees(state: &Shared, uri: &Uri, generation: u64) -> bool {
    let stale = match lock(state).notes.get(uri) {
        Some(n) if n.generation() == generation => n.stale_tree(),
        _ => return false,
    };
    let Some((snapshot, version)) = stale else {
        return true;
    };
    let parsed =
        tokio::task::spawn_blocking(move || crate::text::document::parse_snapshot(snapshot)).await;
    let Ok(trees) = parsed else { return false };
    let mut s = lock(state);
    match s.notes.get_mut(uri) {
        Some(n) if n.generation() == generation => {
            n.install_tree(version, trees);
            true
        }
        _ => false,
    }
}

/// Asks the client to refresh what depends on the vault (hints, lenses, pulled diagnostics).
pub async fn refresh(state: &Shared, client: &Client) {
    let caps = lock(state).caps.clone();
    if caps.hint_refresh {
        let _ = client.inlay_hint_refresh().await;
    }
    if caps.lens_refresh {
        let _ = client.code_lens_refresh().await;
    }
    if caps.diagnostic_refresh && caps.pull_diagnostics {
        let _ = client.workspace_diagnostic_refresh().await;
    }
}

/// Shows each warning once per session.
pub async fn show_warnings(state: &Shared, client: &Client, warnings: Vec<String>) {
    let fresh: Vec<String> = {
        let mut s = lock(state);
        warnings
            .into_iter()
            .filter(|w| s.warned.insert(w.clone()))
            .collect()
    };
    for w in fresh {
        client.show_message(MessageType::WARNING, w).await;
    }
}
