//! Collecting the notes a CLI command works on.

use crate::core::glob::path_ignored;
use crate::vault::SettingsCache;
use std::path::{Path, PathBuf};

/// A note to process: its path on disk and how to show it.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    pub display: String,
}

/// Expands files and folders into notes. Folders are walked for `*.md`, skipping `.obsidian/`,
/// `.git/`, hidden folders and the vault's ignored folders; a folder argument shows paths
/// relative to it. Missing paths are reported in `errors`.
pub fn collect(
    paths: &[PathBuf],
    cache: &mut SettingsCache,
    errors: &mut Vec<String>,
) -> Vec<Target> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, cache, &mut found, &mut Vec::new());
            found.sort();
            for f in found {
                let rel = f.strip_prefix(p).unwrap_or(&f);
                let display = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push(Target { path: f, display });
            }
        } else if p.is_file() {
            out.push(Target {
                path: p.clone(),
                display: p.display().to_string(),
            });
        } else {
            errors.push(format!("{}: no such file or folder", p.display()));
        }
    }
    out
}

fn walk(dir: &Path, cache: &mut SettingsCache, out: &mut Vec<PathBuf>, seen: &mut Vec<PathBuf>) {
    // Symlink loops: never enter a folder twice.
    let canon = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if seen.contains(&canon) {
        return;
    }
    seen.push(canon);
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        if path.is_dir() {
            if folder_ignored(&path, cache) {
                continue;
            }
            walk(&path, cache, out, seen);
        } else if name.ends_with(".md") {
            out.push(path);
        }
    }
}

fn folder_ignored(dir: &Path, cache: &mut SettingsCache) -> bool {
    let probe = dir.join("probe.md");
    let (vs, _) = cache.for_file(&probe);
    let Some(rel) = crate::vault::vault_relative(vs.root.as_deref(), dir) else {
        return false;
    };
    vs.settings
        .note_folders_to_ignore
        .iter()
        .any(|g| !g.contains('*') && path_ignored(&rel, g))
}

/// Reads a note as UTF-8, with a clear error.
pub fn read_note(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}
