//! srls: a language server and CLI for Obsidian Spaced Repetition flashcards.
pub mod core;
pub mod text;
