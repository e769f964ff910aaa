//! One file per concern; each request handler is `from_proto` → a feature call → `to_proto`.

pub mod code_actions;
pub mod code_lens;
pub mod commands;
pub mod completion;
pub mod conversions;
pub mod diagnostics;
pub mod documents;
pub mod hover;
pub mod inlay_hints;
pub mod lifecycle;
pub mod outline;
pub mod references;
pub mod rename;
pub mod review;
pub mod semantic_tokens;
pub mod stats;
pub mod symbols;
pub mod workspace;

use tower_lsp_server::jsonrpc::{Error, ErrorCode};

/// A request the server refuses, with a message for the user (prefixed `srls: `).
pub(crate) fn refused(msg: impl std::fmt::Display) -> Error {
    Error {
        code: ErrorCode::InvalidRequest,
        message: format!("srls: {msg}").into(),
        data: None,
    }
}
