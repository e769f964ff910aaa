//! Features over parsed notes: the grade writer, lint fixtures, incremental lint ≡ fresh lint.

#[path = "../common/edits.rs"]
mod edits;
mod grade_writer;
mod lint_fixtures;
mod lint_incremental;
