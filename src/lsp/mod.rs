//! The language server: a thin layer over the features. `server.rs` forwards each method to
//! `handlers/`; `from_proto`/`to_proto` are the only protocol conversion; `state` holds the open
//! notes, vaults and index; `publish` pushes (debounced diagnostics, refreshes); `indexing`
//! reads the workspace.

pub mod capabilities;
pub mod config;
pub mod framing;
pub mod from_proto;
pub mod handlers;
pub mod indexing;
pub mod open_note;
pub mod per_card;
pub mod publish;
pub mod server;
pub mod state;
pub mod to_proto;

pub use open_note::OpenNote;
use tower_lsp_server::{LspService, Server};

/// Serves LSP on stdin/stdout until the client sends `exit`.
pub async fn run_stdio() {
    serve(tokio::io::stdin(), tokio::io::stdout()).await;
}

/// Serves LSP over any pair of streams (tests use `tokio::io::duplex`), through the checking
/// layer of [`framing`] (one bad message never ends the session).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin + Send + 'static,
    O: tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    framing::serve_checked(input, output, |server_in, server_out| async move {
        let (service, socket) = LspService::new(server::Backend::new);
        Server::new(server_in, server_out, socket)
            .serve(service)
            .await;
    })
    .await;
}
