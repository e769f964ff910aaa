//! The language server, driven in process over real framing (tokio duplex).

mod client;
mod convert;
mod counts;
mod framing;
mod fsrs;
mod open_note;
mod opening;
mod requests;
mod review;
mod stats;
mod tokens;
mod vault_writing;
mod workspace;
