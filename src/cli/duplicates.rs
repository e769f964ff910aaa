//! `duplicate-question` for `srls check`: a first pass over the notes builds each vault's
//! question table (as the server's index keeps it), then each note's cards are looked up in it.

use crate::features::duplicates::{self, Duplicate};
use crate::features::lint::Diagnostic;
use crate::note::Note;
use crate::workspace::index::IndexedNote;
use crate::workspace::tables::VaultTables;
use crate::workspace::vault::Vault;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// The question tables of every vault under `paths`, and how each note's path is shown.
#[derive(Default)]
pub struct Questions {
    tables: HashMap<Option<PathBuf>, VaultTables>,
    shown: HashMap<PathBuf, String>,
}

impl Questions {
    /// Reads the notes under `paths` once (errors are reported by the main pass).
    pub fn of(paths: &[PathBuf]) -> Questions {
        let mut q = Questions::default();
        super::each_read(paths, |t, read, vault| {
            if let Ok((_, note)) = read {
                let entry = IndexedNote::from_note(&t.path, vault.root.clone(), note);
                let table = q.tables.entry(vault.root.clone()).or_default();
                table.apply(&entry, true);
                q.shown.insert(t.path.clone(), t.display.clone());
            }
            ControlFlow::Continue(())
        });
        q
    }

    /// The note's `duplicate-question` diagnostics, naming where the other cards are.
    pub fn diagnostics(&self, path: &Path, note: &Note, vault: &Vault) -> Vec<Diagnostic> {
        let Some(table) = self.tables.get(&vault.root) else {
            return vec![];
        };
        let found = duplicates::duplicates(path, note, |k| table.cards_with(k));
        found.into_iter().map(|d| self.diagnostic(d)).collect()
    }

    fn diagnostic(&self, d: Duplicate) -> Diagnostic {
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
