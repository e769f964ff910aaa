//! Features over parsed notes: the grade writer, lint fixtures, incremental lint ≡ fresh lint,
//! review sessions against the plugin's own sessions and against `srls grade`.

mod convert_props;
#[path = "../common/edits.rs"]
mod edits;
mod grade_writer;
mod lint_fixtures;
mod lint_incremental;
mod review_cases;
mod review_corpus;
mod stats_cases;
