//! Structured fuzz inputs, decoded from the fuzzer's bytes with `arbitrary`.

use arbitrary::Arbitrary;
use srls::text::Change;
use srls::text::position::{Encoding, Pos};

pub use crate::checks::DOC_PIECES as PIECES;

/// A text made of known pieces and arbitrary characters.
#[derive(Arbitrary, Debug, Clone)]
pub enum Piece {
    Known(u8),
    Char(char),
    Str(String),
}

/// Texts longer than this are cut (at a char boundary) to keep each run fast.
pub const MAX_TEXT: usize = 4096;

pub fn text_of(pieces: &[Piece]) -> String {
    let mut s = String::new();
    for p in pieces {
        match p {
            Piece::Known(i) => s.push_str(PIECES[*i as usize % PIECES.len()]),
            Piece::Char(c) => s.push(*c),
            Piece::Str(t) => s.push_str(t),
        }
        if s.len() > MAX_TEXT {
            let mut cut = MAX_TEXT;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            break;
        }
    }
    s
}

/// A coordinate: mostly small, sometimes anything (out of range, `u32::MAX`).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Coord {
    Small(u8),
    Any(u32),
    Max,
}

impl Coord {
    pub fn value(self) -> u32 {
        match self {
            Coord::Small(v) => u32::from(v % 24),
            Coord::Any(v) => v,
            Coord::Max => u32::MAX,
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum FuzzChange {
    Full(Vec<Piece>),
    Ranged {
        start: (Coord, Coord),
        end: (Coord, Coord),
        text: Vec<Piece>,
    },
}

impl FuzzChange {
    pub fn to_change(&self) -> Change {
        match self {
            FuzzChange::Full(t) => Change::full(text_of(t)),
            FuzzChange::Ranged { start, end, text } => Change::ranged(
                Pos::new(start.0.value(), start.1.value()),
                Pos::new(end.0.value(), end.1.value()),
                text_of(text),
            ),
        }
    }
}

/// A document, its position encoding and batches of changes (one version per batch).
#[derive(Arbitrary, Debug, Clone)]
pub struct DocInput {
    pub initial: Vec<Piece>,
    /// Repeat the initial text this many times (mod 8), to cross rope chunks.
    pub repeat: u8,
    pub encoding: u8,
    pub batches: Vec<Vec<FuzzChange>>,
}

impl DocInput {
    /// The initial text, the encoding and at most 16 batches of at most 4 changes.
    pub fn decode(&self) -> (String, Encoding, Vec<Vec<Change>>) {
        let initial = text_of(&self.initial).repeat(usize::from(self.repeat % 8) + 1);
        let encoding = Encoding::ALL[usize::from(self.encoding) % 3];
        let batches = self
            .batches
            .iter()
            .take(16)
            .filter(|b| !b.is_empty())
            .map(|b| b.iter().take(4).map(FuzzChange::to_change).collect())
            .collect();
        (initial, encoding, batches)
    }
}
