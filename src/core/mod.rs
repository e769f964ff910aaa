pub mod schedule;
pub mod settings;
