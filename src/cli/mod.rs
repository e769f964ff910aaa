//! The command line: subcommands over the same core as the server.

pub mod cards;
pub mod check;
pub mod due;
pub mod files;
pub mod grade;

use crate::note::{Note, NoteContext, parse_note_with};
use crate::plugin::cloze::ClozeEngine;
use crate::plugin::settings::Settings;
use crate::workspace::vault::SettingsCache;
use files::Target;
use std::ops::ControlFlow;
use std::path::PathBuf;

/// Reads every note under `paths` (files and folders) and parses it with its vault's settings,
/// handing each to `f` until it breaks. Vault warnings and unreadable files go to stderr.
/// Returns whether a path or file failed (the commands then exit with 2).
pub fn each_note(
    paths: &[PathBuf],
    mut f: impl FnMut(&Target, &str, &Note, &Settings, &ClozeEngine) -> ControlFlow<()>,
) -> bool {
    let mut cache = SettingsCache::default();
    let mut errors = Vec::new();
    let targets = files::collect(paths, &mut cache, &mut errors);
    let mut failed = !errors.is_empty();
    for e in errors {
        eprintln!("error: {e}");
    }
    let mut engines = EngineCache::default();
    for t in targets {
        let (vs, first) = cache.for_file(&t.path);
        if first {
            for w in &vs.warnings {
                eprintln!("warning: {w}");
            }
        }
        let text = match files::read_note(&t.path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
                continue;
            }
        };
        let ctx = NoteContext {
            vault_path: crate::workspace::vault::vault_relative(vs.root.as_deref(), &t.path),
        };
        let engine = engines.get(&vs.settings);
        let note = parse_note_with(&text, &vs.settings, &ctx, engine);
        if f(&t, &text, &note, &vs.settings, engine).is_break() {
            break;
        }
    }
    failed
}

/// Compiles cloze regexes once per distinct pattern list.
#[derive(Default)]
pub struct EngineCache {
    engines: Vec<(Vec<String>, ClozeEngine)>,
}

impl EngineCache {
    pub fn get(&mut self, s: &Settings) -> &ClozeEngine {
        if let Some(i) = self
            .engines
            .iter()
            .position(|(p, _)| *p == s.cloze_patterns)
        {
            return &self.engines[i].1;
        }
        self.engines.push((
            s.cloze_patterns.clone(),
            ClozeEngine::new(&s.cloze_patterns),
        ));
        &self.engines.last().expect("just pushed").1
    }
}
