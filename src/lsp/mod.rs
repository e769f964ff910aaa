//! The language server: a thin layer over the core. It owns documents (rope + tree-sitter
//! tree), negotiates positions, reads configuration, and maps core results to the protocol.

pub mod config;
pub mod convert;

pub mod server;

use tower_lsp_server::{LspService, Server};

/// Serves LSP on stdin/stdout until the client sends `exit`.
pub async fn run_stdio() {
    let (service, socket) = LspService::new(server::Backend::new);
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .serve(service)
        .await;
}

/// Serves LSP over any pair of streams (tests use `tokio::io::duplex`).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = LspService::new(server::Backend::new);
    Server::new(input, output, socket).serve(service).await;
}
