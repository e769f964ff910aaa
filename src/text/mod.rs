//! The text layer: exact position conversion, the incremental document (rope
//! plus tree-sitter-md block trees) and the markdown block facts the features
//! need. Plain types only; the LSP layer converts to and from protocol types.

pub mod document;
pub mod markdown;
pub mod position;
pub mod segments;

pub use document::{AppliedEdit, Change, Document, StaleVersion};
pub use position::{Clamp, Clamped, Encoding, LineCol, LineIndex, Pos, Resolved};
