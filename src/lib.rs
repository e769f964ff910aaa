//! srls: a language server and CLI for Obsidian Spaced Repetition flashcards.
//!
//! Layers, from the bottom: [`plugin`] (the plugin's rules) → [`note`] (the parsed note) →
//! [`features`] (pure answers); [`text`] owns documents and positions, [`workspace`] the vault on
//! disk; [`lsp`] and [`cli`] are thin front ends over the same features.
pub mod cli;
pub mod features;
pub mod lsp;
pub mod note;
pub mod plugin;
pub mod text;
pub mod workspace;
