//! Vaults on disk: finding a note's vault and reading its plugin settings.
//!
//! This is the only place (with the CLI and the workspace index) that touches the file system
//! for settings; the core receives a ready [`Settings`].

use crate::plugin::settings::{DATA_JSON, Settings};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A vault's settings, with what went wrong while reading them.
#[derive(Debug, Clone)]
pub struct VaultSettings {
    pub root: Option<PathBuf>,
    pub settings: Settings,
    /// Human-readable warnings naming the file (malformed JSON, wrong types).
    pub warnings: Vec<String>,
}

/// The nearest folder at or above `path`'s folder holding `.obsidian/`.
pub fn find_vault_root(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()?.to_path_buf()
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    start
        .ancestors()
        .find(|d| d.join(".obsidian").is_dir())
        .map(Path::to_path_buf)
}

/// Settings from a vault root (defaults when there is no settings file).
pub fn load_settings(root: Option<&Path>) -> VaultSettings {
    let mut vs = VaultSettings {
        root: root.map(Path::to_path_buf),
        settings: Settings::default(),
        warnings: vec![],
    };
    let Some(root) = root else { return vs };
    let file = root.join(DATA_JSON);
    match std::fs::read(&file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => vs.warnings.push(format!(
            "{}: cannot read the plugin settings ({e}); using the defaults",
            file.display()
        )),
        Ok(bytes) => match std::str::from_utf8(&bytes) {
            Err(_) => vs.warnings.push(format!(
                "{}: the plugin settings are not UTF-8 text; using the defaults",
                file.display()
            )),
            Ok(text) => match Settings::from_data_json(text) {
                Ok((s, w)) => {
                    vs.settings = s;
                    vs.warnings
                        .extend(w.into_iter().map(|w| format!("{}: {w}", file.display())));
                }
                Err(e) => vs.warnings.push(format!(
                    "{}: malformed plugin settings ({e}); using the defaults",
                    file.display()
                )),
            },
        },
    }
    vs
}

/// The note's path relative to its vault root, `/`-separated.
pub fn vault_relative(root: Option<&Path>, file: &Path) -> Option<String> {
    let root = root?;
    let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let rel = file.strip_prefix(root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Caches settings per vault root.
#[derive(Default)]
pub struct SettingsCache {
    by_root: HashMap<Option<PathBuf>, VaultSettings>,
}

impl SettingsCache {
    /// Settings for a note, and whether this is the first time the vault was seen.
    pub fn for_file(&mut self, file: &Path) -> (&VaultSettings, bool) {
        let root = find_vault_root(file);
        let mut first = false;
        let vs = self.by_root.entry(root.clone()).or_insert_with(|| {
            first = true;
            load_settings(root.as_deref())
        });
        (vs, first)
    }
}

/// Every `*.md` note under `dir`, sorted, skipping hidden entries (`.obsidian/`, `.git/`),
/// folders for which `skip_folder` says so, and symlink loops (a folder is entered once).
pub fn walk_notes(dir: &Path, skip_folder: &mut dyn FnMut(&Path) -> bool) -> Vec<PathBuf> {
    fn go(
        dir: &Path,
        skip: &mut dyn FnMut(&Path) -> bool,
        out: &mut Vec<PathBuf>,
        seen: &mut std::collections::HashSet<PathBuf>,
    ) {
        let canon = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !seen.insert(canon) {
            return;
        }
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let path = e.path();
            if path.is_dir() {
                if !skip(&path) {
                    go(&path, skip, out, seen);
                }
            } else if name.ends_with(".md") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    go(
        dir,
        skip_folder,
        &mut out,
        &mut std::collections::HashSet::new(),
    );
    out.sort();
    out
}

/// Whether a folder (given relative to its vault root) is one of `noteFoldersToIgnore`'s plain
/// folder entries (globs apply to notes, in the gate).
pub fn folder_ignored(settings: &Settings, rel: &str) -> bool {
    settings
        .note_folders_to_ignore
        .iter()
        .any(|g| !g.contains('*') && crate::plugin::glob::path_ignored(rel, g))
}

/// Every note of a vault, skipping its ignored folders.
pub fn vault_notes(root: &Path, settings: &Settings) -> Vec<PathBuf> {
    walk_notes(root, &mut |dir| {
        dir.strip_prefix(root).is_ok_and(|rel| {
            let rel: Vec<_> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect();
            folder_ignored(settings, &rel.join("/"))
        })
    })
}

/// The due-date histogram of a vault (every scheduled sibling of every note), for load
/// balancing as the plugin does it. Unreadable notes are skipped.
pub fn vault_histogram(
    root: &Path,
    settings: &Settings,
    today: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::plugin::schedule::Histogram {
    let engine = crate::plugin::cloze::ClozeEngine::new(&settings.cloze_patterns);
    let mut h = crate::plugin::schedule::Histogram::new();
    for p in vault_notes(root, settings) {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let ctx = crate::note::NoteContext {
            vault_path: vault_relative(Some(root), &p),
        };
        let note = crate::note::parse_note_with(&text, settings, &ctx, &engine);
        crate::features::due::add_note(&mut h, &note, today, now);
    }
    h
}
