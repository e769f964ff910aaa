//! The Obsidian Spaced Repetition plugin's rules, reproduced byte for byte (what it finds, reads
//! and writes), quirks included. Pure: no I/O. Each module cites `../shared/spec`.
pub mod cloze;
pub mod glob;
pub mod js;
pub mod lines;
pub mod scanner;
pub mod schedule;
pub mod settings;
pub mod sr_comment;
pub mod tags;
