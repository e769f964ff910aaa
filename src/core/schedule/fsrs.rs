//! FSRS (placeholder)
