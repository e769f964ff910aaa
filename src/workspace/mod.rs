//! The vault on disk: its root and settings, the folder walk, the index of its cards with the
//! due-date histogram, the injected clock, and writing notes back.
pub mod clock;
pub mod index;
pub mod review;
pub mod tables;
pub mod vault;
pub mod write;
