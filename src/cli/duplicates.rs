//! `duplicate-question` for `srls check`: while the notes are read and linted, each vault's
//! question table is built (as the server's index keeps it); once every note is in, each
//! note's cards are looked up in it.

use super::files::Target;
use crate::features::duplicates::{self, QuestionKey};
use crate::features::lint::Diagnostic;
use crate::workspace::index::IndexedNote;
use crate::workspace::tables::VaultTables;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The question tables of every vault under the paths checked, and the notes in them.
#[derive(Default)]
pub struct Questions {
    vaults: HashMap<Option<PathBuf>, VaultQuestions>,
    /// Each note's number (in the order added) and how its path is shown.
    notes: HashMap<PathBuf, (usize, String)>,
}

/// A vault's question table, and the cards of each question looked up so far.
#[derive(Default)]
struct VaultQuestions {
    table: VaultTables,
    /// A question's cards in (path, line) order: the same for every card of the question, so
    /// made once.
    cards: HashMap<QuestionKey, Rc<[Peer]>>,
}

/// A card of a question, as the lines on the others name it.
struct Peer {
    /// Its note's number.
    note: usize,
    /// Its 0-based first line.
    line: usize,
    /// Where it is shown, `file:line`.
    at: String,
}

/// A card with a question key, as the check keeps it until every note is read: its first
/// line and that line's byte range.
pub struct Keyed {
    pub line: usize,
    pub key: QuestionKey,
    pub span: std::ops::Range<usize>,
}

impl Questions {
    /// Adds a note's cards to its vault's table; gives the note's number.
    pub fn add(&mut self, t: &Target, root: &Option<PathBuf>, entry: &IndexedNote) -> usize {
        let vault = self.vaults.entry(root.clone()).or_default();
        vault.table.apply(entry, true);
        let next = self.notes.len();
        let (number, _) = self
            .notes
            .entry(t.path.clone())
            .or_insert_with(|| (next, t.display.clone()));
        *number
    }

    /// The `duplicate-question` diagnostic of a card of note number `note`, naming where the
    /// other cards are, when there are any.
    pub fn diagnostic(
        &mut self,
        note: usize,
        root: &Option<PathBuf>,
        c: &Keyed,
    ) -> Option<Diagnostic> {
        let vault = self.vaults.get_mut(root)?;
        let notes = &self.notes;
        let cards = vault
            .cards
            .entry(c.key)
            .or_insert_with(|| {
                let shown = |p: &Path| {
                    notes
                        .get(p)
                        .map_or((usize::MAX, p.display().to_string()), |(n, s)| {
                            (*n, s.clone())
                        })
                };
                let peers = vault.table.cards_with(&c.key).into_iter();
                peers
                    .map(|p| {
                        let (note, s) = shown(&p.path);
                        let at = format!("{s}:{}", p.line + 1);
                        Peer {
                            note,
                            line: p.line,
                            at,
                        }
                    })
                    .collect()
            })
            .clone();
        let others = || {
            cards
                .iter()
                .filter(|p| !(p.note == note && p.line == c.line))
        };
        let here = others().filter(|p| p.note == note).count();
        let all = others().count();
        if all == 0 {
            return None;
        }
        let at: Vec<&str> = others().map(|p| p.at.as_str()).collect();
        let (severity, message) = duplicates::verdict(here, all - here);
        Some(Diagnostic {
            code: duplicates::CODE,
            severity,
            start: c.span.start,
            end: c.span.end,
            message: format!("{message} ({})", at.join(", ")),
            fixes: vec![],
        })
    }
}
