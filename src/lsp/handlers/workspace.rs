//! Workspace notifications: configuration changes and watched files.

use crate::lsp::config::Config;
use crate::lsp::indexing::{index_workspace, reindex_file};
use crate::lsp::state::{Shared, lock};
use crate::lsp::{from_proto, publish};
use serde_json::Value;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

/// Applies a new configuration: the vaults' overrides, a fresh parse of open notes, republish.
pub async fn apply_config(state: &Shared, client: &Client, value: Value) {
    let (config, warnings) = Config::from_json(&value);
    let uris = {
        let mut s = lock(state);
        s.config = config;
        s.reparse_open()
    };
    publish::show_warnings(state, client, warnings).await;
    for u in uris {
        publish::schedule_diagnostics(state, client, u);
    }
    publish::refresh(state, client).await;
}

/// Pulls the `srls` section (when the client can answer) and applies it over the
/// `initializationOptions`.
pub async fn pull_configuration(state: &Shared, client: &Client) {
    let (can, init) = {
        let s = lock(state);
        (s.caps.configuration, s.init_options.clone())
    };
    if !can {
        return;
    }
    let items = vec![ConfigurationItem {
        scope_uri: None,
        section: Some("srls".into()),
    }];
    if let Ok(mut v) = client.configuration(items).await {
        let got = v.pop().unwrap_or(Value::Null);
        apply_config(state, client, Config::merge(&init, &got)).await;
    }
}

/// `workspace/didChangeConfiguration`: pull when the client can, else take the pushed section.
pub async fn did_change_configuration(
    state: &Shared,
    client: &Client,
    params: DidChangeConfigurationParams,
) {
    let (can_pull, init) = {
        let s = lock(state);
        (s.caps.configuration, s.init_options.clone())
    };
    if can_pull {
        pull_configuration(state, client).await;
    } else {
        let pushed = Value::Object(Config::section(&params.settings));
        apply_config(state, client, Config::merge(&init, &pushed)).await;
    }
}

/// `workspace/didChangeWatchedFiles`: notes are re-read (open ones win); a settings file
/// re-reads its vault, re-parses open notes and re-indexes.
pub async fn did_change_watched_files(
    state: &Shared,
    client: &Client,
    params: DidChangeWatchedFilesParams,
) {
    let mut settings_changed = false;
    let mut peers = Vec::new();
    for ev in params.changes {
        let Some(p) = from_proto::path(&ev.uri) else {
            continue;
        };
        if p.ends_with(crate::plugin::settings::DATA_JSON) {
            settings_changed = true;
            continue;
        }
        let mut s = lock(state);
        if ev.typ == FileChangeType::DELETED {
            // A note, or a folder deleted or renamed as a whole.
            s.index.remove_under(&p);
        } else if !s.notes.contains_key(&ev.uri) {
            // Open notes sharing a question with it are published again.
            let p2 = p.clone();
            peers.extend(super::diagnostics::peers_of_change(&mut s, &p, |s| {
                reindex_file(s, &p2)
            }));
        }
    }
    publish::repeat_for_peers(state, client, peers).await;
    if settings_changed {
        // The client's configuration did not change, so there is nothing to pull. The vaults
        // are read again, and what is wrong with their settings now is said (as at start-up).
        let (uris, warnings) = {
            let mut s = lock(state);
            s.vaults.clear();
            let uris = s.reparse_open();
            let warnings: Vec<String> = s
                .notes
                .values()
                .flat_map(|n| n.vault().warnings.clone())
                .collect();
            (uris, warnings)
        };
        publish::show_warnings(state, client, warnings).await;
        for u in uris {
            publish::schedule_diagnostics(state, client, u);
        }
        index_workspace(state, client).await;
    }
    publish::refresh(state, client).await;
}
