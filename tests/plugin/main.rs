//! The plugin's rules against its own vectors: the corpus, osr-cases, mutants, schedule and FSRS cases.

mod conformance;
mod fsrs_cases;
mod schedule_cases;
