//! `initialize` and `initialized`: capabilities, configuration, watchers, the first index.

use crate::lsp::capabilities::{ClientCaps, negotiate, server_capabilities};
use crate::lsp::config::Config;
use crate::lsp::indexing::index_workspace;
use crate::lsp::state::{Shared, lock};
use crate::lsp::{from_proto, publish};
use serde_json::Value;
use std::path::PathBuf;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

/// What the client watches for the server: notes and the plugin's settings.
const WATCHED: [&str; 2] = [
    "**/*.md",
    "**/.obsidian/plugins/obsidian-spaced-repetition/data.json",
];

/// Reads the client's capabilities, folders and options; answers with the server's.
pub async fn initialize(
    state: &Shared,
    client: &Client,
    params: InitializeParams,
) -> InitializeResult {
    let encoding = negotiate(&params.capabilities);
    let init = params.initialization_options.clone().unwrap_or(Value::Null);
    let (config, mut warnings) = Config::from_json(&init);
    // A time zone that does not exist (`SRLS_TZ=Asia/Tokio`) is said, not silently UTC.
    if let Err(e) = crate::workspace::clock::time_zone() {
        warnings.push(format!(
            "srls: {e}; FSRS times are in UTC until it is fixed"
        ));
    }
    {
        let mut s = lock(state);
        s.encoding = encoding;
        s.caps = ClientCaps::read(&params.capabilities);
        s.init_options = init;
        s.config = config;
        s.roots = workspace_roots(&params);
    }
    publish::show_warnings(state, client, warnings).await;
    InitializeResult {
        capabilities: server_capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "srls".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        offset_encoding: None,
    }
}

/// The workspace folders, else the deprecated root URI.
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| from_proto::path(&f.uri))
        .collect();
    #[allow(deprecated)]
    if roots.is_empty()
        && let Some(p) = params.root_uri.as_ref().and_then(from_proto::path)
    {
        roots.push(p);
    }
    roots
}

/// Registers the file watchers, pulls the configuration and indexes the workspace.
pub async fn initialized(state: &Shared, client: &Client) {
    if lock(state).caps.watch_dynamic {
        let opts = DidChangeWatchedFilesRegistrationOptions {
            watchers: WATCHED
                .iter()
                .map(|g| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect(),
        };
        let reg = Registration {
            id: "srls-watch".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(opts).ok(),
        };
        let _ = client.register_capability(vec![reg]).await;
    }
    super::workspace::pull_configuration(state, client).await;
    index_workspace(state, client).await;
}
