//! The parsed note: parser properties and incremental reparse ≡ fresh parse.

#[path = "../common/edits.rs"]
mod edits;
mod incremental;
mod parser_props;
