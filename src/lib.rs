//! srls: a language server and CLI for Obsidian Spaced Repetition flashcards.
pub mod cli;
pub mod clock;
pub mod core;
pub mod lsp;
pub mod text;
pub mod vault;
