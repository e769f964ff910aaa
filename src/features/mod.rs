//! Pure answers over parsed notes, in plain data with byte ranges, shared by the CLI and the
//! server: diagnostics, hover text, hints, grade edits and actions, due state and counts, the
//! outline, reports, review sessions, statistics.
pub mod actions;
pub mod convert;
pub mod decks;
pub mod due;
pub mod duplicates;
pub mod grade;
pub mod hints;
pub mod hover;
pub mod lint;
pub mod outline;
pub mod report;
pub mod review;
pub mod stats;
pub mod tokens;
