//! The text layer: positions, documents, deferred edits, tree segments.

mod deferred;
mod document;
mod position;
mod segments;
