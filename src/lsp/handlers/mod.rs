//! One file per concern; each request handler is `from_proto` → a feature call → `to_proto`.

pub mod code_actions;
pub mod code_lens;
pub mod commands;
pub mod completion;
pub mod diagnostics;
pub mod documents;
pub mod hover;
pub mod inlay_hints;
pub mod lifecycle;
pub mod outline;
pub mod references;
pub mod rename;
pub mod review;
pub mod stats;
pub mod symbols;
pub mod workspace;
