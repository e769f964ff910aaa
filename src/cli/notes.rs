//! Reading and parsing the notes of a command on every core, handing them on in order.
//!
//! The notes are read and parsed (and, for `srls check`, linted) in batches on rayon's pool;
//! each batch is then handed to the command one note at a time in the order of the paths, so
//! the output is the same as a one-core run's. Vaults are looked up once per folder.

use super::files::{self, Target};
use crate::note::{Note, NoteContext};
use crate::workspace::vault::{FolderPlaces, Vault, Vaults};
use rayon::prelude::*;
use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

/// Notes per batch: enough to keep both cores busy, few enough that a command that stops
/// early (a closed pipe) has not read the whole vault.
const BATCH: usize = 256;

/// A note's text and parse, or why it could not be read.
pub type Read = Result<(String, Note), String>;

/// A target with its vault and its place in it.
struct Placed {
    target: Target,
    vault: Arc<Vault>,
    /// Whether this is the first note of its vault (its warnings are printed before it).
    first: bool,
    ctx: NoteContext,
}

/// The vaults of a run, the vault and place of each folder's notes, and the vaults whose
/// warnings were printed (each once, before its first note; not by whether the walk had asked
/// for the vault already, which hid the warnings of a vault nested in a walked folder).
#[derive(Default)]
struct Folders {
    vaults: Vaults,
    places: FolderPlaces,
    warned: HashSet<Option<PathBuf>>,
}

impl Folders {
    fn place(&mut self, target: Target) -> Placed {
        let vaults = &mut self.vaults;
        let (vault, ctx) = self.places.place(&target.path, |p| vaults.for_file(p).0);
        let first = self.warned.insert(vault.root.clone());
        Placed {
            target,
            vault,
            first,
            ctx,
        }
    }
}

/// Reads and parses one note.
fn read(p: &Placed) -> Read {
    let text = files::read_note(&p.target.path)?;
    let note = p.vault.parse_in(&text, &p.ctx);
    Ok((text, note))
}

/// Collects the notes under `paths`, then for each one, in order: `work` on it (on any core)
/// and `sink` on the result (on this thread, in the order of the notes) until `sink` breaks.
/// Missing paths and vault warnings go to stderr; returns whether a path was missing.
pub fn each<R: Send>(
    paths: &[PathBuf],
    work: impl Fn(&Target, Read, &Vault) -> R + Sync,
    mut sink: impl FnMut(&Target, R, &Vault) -> ControlFlow<()>,
) -> bool {
    let mut folders = Folders::default();
    let mut errors = Vec::new();
    let targets = files::collect(paths, &mut folders.vaults, &mut errors);
    let failed = !errors.is_empty();
    for e in errors {
        eprintln!("error: {e}");
    }
    let mut targets = targets.into_iter();
    loop {
        let batch: Vec<Placed> = targets
            .by_ref()
            .take(BATCH)
            .map(|t| folders.place(t))
            .collect();
        if batch.is_empty() {
            return failed;
        }
        let done: Vec<R> = batch
            .par_iter()
            .map(|p| work(&p.target, read(p), &p.vault))
            .collect();
        for (p, r) in batch.iter().zip(done) {
            if p.first {
                for w in &p.vault.warnings {
                    eprintln!("warning: {w}");
                }
            }
            if sink(&p.target, r, &p.vault).is_break() {
                return failed;
            }
        }
    }
}
