//! The pure core: text in, plain data with byte ranges out. No tokio, no LSP types, no I/O.
pub mod cloze;
pub mod due;
pub mod glob;
pub mod grade;
pub mod hints;
pub mod hover;
pub mod jstext;
pub mod lines;
pub mod lint;
pub mod moment;
pub mod note;
pub mod report;
pub mod scanner;
pub mod schedule;
pub mod settings;
pub mod sr_comment;
pub mod tags;
