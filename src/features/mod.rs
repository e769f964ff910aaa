//! Pure answers over parsed notes, in plain data with byte ranges, shared by the CLI and the
//! server: diagnostics, hover text, hints, grade edits, due state and counts, reports,
//! statistics.
pub mod due;
pub mod grade;
pub mod hints;
pub mod hover;
pub mod lint;
pub mod report;
pub mod stats;
