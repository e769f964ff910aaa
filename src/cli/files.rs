//! Collecting the notes a CLI command works on.

use crate::workspace::vault::Vaults;
use std::path::{Path, PathBuf};

/// A note to process: its path on disk and how to show it.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    pub display: String,
}

/// Expands files and folders into notes. Folders are walked for `*.md`, skipping `.obsidian/`,
/// `.git/`, hidden folders and the vault's ignored folders. Paths are shown as the user would
/// open them, like ripgrep: the argument joined with the note's path below it (relative to
/// the current folder when the argument is relative, absolute when it is absolute). Missing
/// paths are reported in `errors`.
pub fn collect(paths: &[PathBuf], vaults: &mut Vaults, errors: &mut Vec<String>) -> Vec<Target> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            for f in crate::workspace::vault::walk_notes(p, &mut |d| folder_ignored(d, vaults)) {
                let display = shown(&f);
                out.push(Target { path: f, display });
            }
        } else if p.is_file() {
            out.push(Target {
                path: p.clone(),
                display: shown(p),
            });
        } else {
            errors.push(format!("{}: no such file or folder", p.display()));
        }
    }
    out
}

/// How a path is printed: as given, without `.` components (`./va/a.md` is `va/a.md`).
pub fn shown(path: &Path) -> String {
    let p: PathBuf = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    p.display().to_string()
}

/// Whether a folder is ignored by the settings of the vault it lies in.
fn folder_ignored(dir: &Path, vaults: &mut Vaults) -> bool {
    let (vault, _) = vaults.for_file(&dir.join("probe.md"));
    crate::workspace::vault::vault_relative(vault.root.as_deref(), dir)
        .is_some_and(|rel| crate::workspace::vault::folder_ignored(&vault.settings, &rel))
}

pub use crate::workspace::vault::read_note;
