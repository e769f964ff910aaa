//! Edits for the incremental tests (`tests/incremental.rs`, `tests/lint_incremental.rs`): an
//! edit at a fraction of the text, applied to a `String` as the server applies a change, and a
//! reproducible random source. Each test keeps its own pieces and strategies.

use srls::note::NoteContext;
use srls::note::incremental::EditSpan;
use srls::plugin::cloze::ClozeEngine;
use srls::plugin::settings::Settings;

#[derive(Debug, Clone)]
pub enum Op {
    /// Insert at a position (fraction of the length).
    Insert(f64, String),
    /// Delete `n` characters from a position.
    Delete(f64, usize),
    /// Replace `n` characters from a position.
    Replace(f64, usize, String),
}

/// Byte position of the fraction `f` of `text`, on a character boundary.
pub fn pos(text: &str, f: f64) -> usize {
    let mut p = ((text.len() as f64) * f) as usize;
    p = p.min(text.len());
    while !text.is_char_boundary(p) {
        p -= 1;
    }
    p
}

pub fn after_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// Applies `op` to `text`, returning the edit.
pub fn apply(text: &mut String, op: &Op) -> EditSpan {
    let (start, end, ins) = match op {
        Op::Insert(f, s) => {
            let p = pos(text, *f);
            (p, p, s.as_str())
        }
        Op::Delete(f, n) => {
            let p = pos(text, *f);
            (p, after_chars(text, p, *n), "")
        }
        Op::Replace(f, n, s) => {
            let p = pos(text, *f);
            (p, after_chars(text, p, *n), s.as_str())
        }
    };
    text.replace_range(start..end, ins);
    EditSpan {
        start,
        old_end: end,
        new_end: start + ins.len(),
    }
}

pub struct Setup {
    pub settings: Settings,
    pub ctx: NoteContext,
    pub engine: ClozeEngine,
}

/// xorshift64*: reproducible edits without a test runner.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
