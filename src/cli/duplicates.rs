//! `duplicate-question` for `srls check`: while the notes are read and linted, each vault's
//! question table is built (as the server's index keeps it); once every note is in, each
//! note's cards are looked up in it.

use super::files::Target;
use crate::features::duplicates::{self, Duplicate, QuestionKey};
use crate::features::lint::Diagnostic;
use crate::workspace::index::IndexedNote;
use crate::workspace::tables::VaultTables;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The question tables of every vault under the paths checked, and how each note's path is
/// shown.
#[derive(Default)]
pub struct Questions {
    tables: HashMap<Option<PathBuf>, VaultTables>,
    shown: HashMap<PathBuf, String>,
}

/// A card with a question key, as the check keeps it until every note is read: its first
/// line and that line's byte range.
pub struct Keyed {
    pub line: usize,
    pub key: QuestionKey,
    pub span: std::ops::Range<usize>,
}

impl Questions {
    /// Adds a note's cards to its vault's table.
    pub fn add(&mut self, t: &Target, root: &Option<PathBuf>, entry: &IndexedNote) {
        let table = self.tables.entry(root.clone()).or_default();
        table.apply(entry, true);
        self.shown.insert(t.path.clone(), t.display.clone());
    }

    /// The `duplicate-question` diagnostic of a card of the note at `path`, naming where the
    /// other cards are, when there are any.
    pub fn diagnostic(&self, path: &Path, root: &Option<PathBuf>, c: &Keyed) -> Option<Diagnostic> {
        let table = self.tables.get(root)?;
        let found = duplicates::duplicate_of(path, c.line, &c.key, c.span.clone(), |k| {
            table.cards_with(k)
        })?;
        Some(self.shown_as_diagnostic(found))
    }

    fn shown_as_diagnostic(&self, d: Duplicate) -> Diagnostic {
        let at: Vec<String> = d
            .others
            .iter()
            .map(|p| {
                let shown = self.shown.get(&*p.path).cloned();
                let shown = shown.unwrap_or_else(|| p.path.display().to_string());
                format!("{shown}:{}", p.line + 1)
            })
            .collect();
        Diagnostic {
            code: duplicates::CODE,
            severity: d.severity,
            start: d.start,
            end: d.end,
            message: format!("{} ({})", d.message, at.join(", ")),
            fixes: vec![],
        }
    }
}
