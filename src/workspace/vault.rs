//! Vaults on disk: finding a note's vault and reading its plugin settings.
//!
//! This is the only place (with the CLI and the workspace index) that touches the file system
//! for settings; the core receives a ready [`Settings`].

use crate::note::{Note, NoteContext, parse_note_with};
use crate::plugin::cloze::ClozeEngine;
use crate::plugin::schedule::Histogram;
use crate::plugin::settings::{DATA_JSON, Settings};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A vault: its root, its effective settings (the plugin's `data.json`, then srls's `plugin`
/// overrides), the cloze engine compiled from them, and what went wrong while reading them. The
/// CLI and the server both use it, so they read a vault the same way.
#[derive(Debug)]
pub struct Vault {
    pub root: Option<PathBuf>,
    pub settings: Settings,
    pub engine: ClozeEngine,
    /// Human-readable warnings naming the file (malformed JSON, wrong types).
    pub warnings: Vec<String>,
}

impl Vault {
    /// The vault at `root` (defaults when `None` or without a settings file), with `overrides`
    /// (srls's `plugin` setting) merged over the file key by key.
    pub fn open(root: Option<&Path>, overrides: &Map<String, Value>) -> Vault {
        let (mut settings, mut warnings) = load_settings(root);
        if !overrides.is_empty() {
            for w in settings.merge(&Value::Object(overrides.clone())) {
                warnings.push(format!("srls setting `plugin.{}`: {}", w.key, w.message));
            }
        }
        let engine = ClozeEngine::new(&settings.cloze_patterns);
        Vault {
            root: root.map(Path::to_path_buf),
            settings,
            engine,
            warnings,
        }
    }

    /// The vault a note (or folder) lies in.
    pub fn of(path: &Path, overrides: &Map<String, Value>) -> Vault {
        Vault::open(find_vault_root(path).as_deref(), overrides)
    }

    /// The note's place in this vault.
    pub fn context(&self, path: Option<&Path>) -> NoteContext {
        NoteContext {
            vault_path: path.and_then(|p| vault_relative(self.root.as_deref(), p)),
        }
    }

    /// Parses a note of this vault.
    pub fn parse(&self, text: &str, path: Option<&Path>) -> Note {
        self.parse_in(text, &self.context(path))
    }

    /// Parses a note of this vault whose place in it is already known.
    pub fn parse_in(&self, text: &str, ctx: &NoteContext) -> Note {
        parse_note_with(text, &self.settings, ctx, &self.engine)
    }

    /// Every note of the vault, skipping its ignored folders (none without a root).
    pub fn note_paths(&self) -> Vec<PathBuf> {
        self.root
            .as_deref()
            .map(|r| vault_notes(r, &self.settings))
            .unwrap_or_default()
    }

    /// The due-date histogram of the vault (every scheduled sibling of every note), for load
    /// balancing as the plugin does it. Unreadable notes are skipped.
    pub fn histogram(&self, today: NaiveDate, now: DateTime<Utc>) -> Histogram {
        let mut histogram = Histogram::new();
        for p in self.note_paths() {
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            crate::features::due::add_note(
                &mut histogram,
                &self.parse(&text, Some(&p)),
                today,
                now,
            );
        }
        histogram
    }
}

/// Where the notes of each folder seen lie: their vault and canonical folder, found once per
/// folder rather than once per note (each lookup walks up the folders and resolves links).
/// Valid while the vault layout (`.obsidian/` folders) does not change: a CLI run, or one
/// indexing pass of the server; drop it after.
#[derive(Debug, Default)]
pub struct FolderPlaces {
    seen: HashMap<PathBuf, (Arc<Vault>, PathBuf)>,
}

impl FolderPlaces {
    /// The vault of `note` (a file, not a folder), from `vault_of` for the first note of its
    /// folder, and the note's place in the vault.
    pub fn place(
        &mut self,
        note: &Path,
        vault_of: impl FnOnce(&Path) -> Arc<Vault>,
    ) -> (Arc<Vault>, NoteContext) {
        let folder = note.parent().unwrap_or(Path::new(""));
        if !self.seen.contains_key(folder) {
            let v = (vault_of(note), folder_location(note));
            self.seen.insert(folder.to_path_buf(), v);
        }
        let (vault, canonical) = &self.seen[folder];
        let name = note.file_name().unwrap_or_default();
        let ctx = NoteContext {
            vault_path: vault
                .root
                .as_deref()
                .and_then(|r| relative_location(r, &canonical.join(name))),
        };
        (vault.clone(), ctx)
    }
}

/// Vaults by root, each read once (the CLI's cache; the server keeps one too).
#[derive(Debug, Default)]
pub struct Vaults {
    overrides: Map<String, Value>,
    by_root: HashMap<Option<PathBuf>, Arc<Vault>>,
}

impl Vaults {
    /// An empty cache whose vaults get `overrides` merged over their settings.
    pub fn with_overrides(overrides: Map<String, Value>) -> Vaults {
        Vaults {
            overrides,
            by_root: HashMap::new(),
        }
    }

    /// The vault of a note, and whether this is the first time it was asked for.
    pub fn for_file(&mut self, file: &Path) -> (Arc<Vault>, bool) {
        let root = find_vault_root(file);
        if let Some(v) = self.by_root.get(&root) {
            return (v.clone(), false);
        }
        let v = Arc::new(Vault::open(root.as_deref(), &self.overrides));
        self.by_root.insert(root, v.clone());
        (v, true)
    }

    /// The vault of a note that may have no file (an untitled buffer: the defaults).
    pub fn for_note(&mut self, file: Option<&Path>) -> Arc<Vault> {
        match file {
            Some(f) => self.for_file(f).0,
            None => self
                .by_root
                .entry(None)
                .or_insert_with(|| Arc::new(Vault::open(None, &self.overrides)))
                .clone(),
        }
    }

    /// Forgets every vault (their settings files changed), keeping the overrides.
    pub fn clear(&mut self) {
        self.by_root.clear();
    }

    /// New overrides: forgets every vault when they differ from the current ones.
    pub fn set_overrides(&mut self, overrides: &Map<String, Value>) {
        if self.overrides != *overrides {
            self.overrides = overrides.clone();
            self.by_root.clear();
        }
    }
}

/// The nearest folder at or above `path`'s folder holding `.obsidian/`, canonical. A bare file
/// name (`note.md`) lies in the current folder, like `./note.md`.
pub fn find_vault_root(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() { path } else { folder_of(path) };
    canonical(start)
        .ancestors()
        .find(|d| d.join(".obsidian").is_dir())
        .map(Path::to_path_buf)
}

/// The folder holding `path` (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// `path` resolved (links included), or made absolute when it does not exist.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Where a note is, absolute: its canonical folder joined with its own name, so `note.md`,
/// `./note.md` and `/vault/note.md` agree, and a note that is a symbolic link stays where its
/// link is (as Obsidian sees it). A folder is canonical.
pub fn note_location(path: &Path) -> PathBuf {
    match path.file_name() {
        Some(name) if !path.is_dir() => folder_location(path).join(name),
        _ => canonical(path),
    }
}

/// The canonical folder of a note (what [`note_location`] joins the note's name to), for
/// callers that place many notes of one folder.
pub fn folder_location(note: &Path) -> PathBuf {
    canonical(folder_of(note))
}
/// Settings from a vault root (defaults when there is no settings file), with warnings naming
/// the file.
fn load_settings(root: Option<&Path>) -> (Settings, Vec<String>) {
    let mut warnings = Vec::new();
    let Some(root) = root else {
        return (Settings::default(), warnings);
    };
    let file = root.join(DATA_JSON);
    let settings = match std::fs::read(&file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
        Err(e) => {
            warnings.push(format!(
                "{}: cannot read the plugin settings ({e}); using the defaults",
                file.display()
            ));
            Settings::default()
        }
        Ok(bytes) => match std::str::from_utf8(&bytes) {
            Err(_) => {
                warnings.push(format!(
                    "{}: the plugin settings are not UTF-8 text; using the defaults",
                    file.display()
                ));
                Settings::default()
            }
            Ok(text) => match Settings::from_data_json(text) {
                Ok((s, w)) => {
                    warnings.extend(w.into_iter().map(|w| format!("{}: {w}", file.display())));
                    s
                }
                Err(e) => {
                    warnings.push(format!(
                        "{}: malformed plugin settings ({e}); using the defaults",
                        file.display()
                    ));
                    Settings::default()
                }
            },
        },
    };
    (settings, warnings)
}

/// The note's path relative to its vault root, `/`-separated (see [`note_location`]).
pub fn vault_relative(root: Option<&Path>, file: &Path) -> Option<String> {
    relative_location(root?, &note_location(file))
}

/// A note's path relative to its vault root, given where it is ([`note_location`]).
pub fn relative_location(root: &Path, location: &Path) -> Option<String> {
    let rel = match location.strip_prefix(root) {
        Ok(rel) => rel,
        Err(_) => location.strip_prefix(canonical(root)).ok()?,
    };
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
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
            // The entry's type comes with the listing; only a symlink is followed (a stat).
            let is_dir = match e.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => path.is_dir(),
            };
            if is_dir {
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
