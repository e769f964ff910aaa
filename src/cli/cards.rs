//! `srls cards`: the cards the plugin finds, per note.

use super::files::{collect, read_note};
use crate::core::note::{NoteContext, parse_note_with};
use crate::core::report::note_json;
use crate::vault::{self, SettingsCache};
use std::io::Write;
use std::path::PathBuf;

/// Runs the command; returns the exit code.
pub fn run(paths: &[PathBuf], json: bool) -> i32 {
    let mut cache = SettingsCache::default();
    let mut errors = Vec::new();
    let targets = collect(paths, &mut cache, &mut errors);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = !errors.is_empty();
    for e in errors {
        eprintln!("error: {e}");
    }
    let mut engines = super::EngineCache::default();
    for t in targets {
        let (vs, first) = cache.for_file(&t.path);
        if first {
            for w in &vs.warnings {
                eprintln!("warning: {w}");
            }
        }
        let text = match read_note(&t.path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
                continue;
            }
        };
        let ctx = NoteContext {
            vault_path: vault::vault_relative(vs.root.as_deref(), &t.path),
        };
        let engine = engines.get(&vs.settings);
        let note = parse_note_with(&text, &vs.settings, &ctx, engine);
        let res = if json {
            writeln!(out, "{}", note_json(&t.display, &note))
        } else if note.cards.is_empty() {
            Ok(())
        } else {
            human(&mut out, &t.display, &note)
        };
        if res.is_err() {
            // Broken pipe (e.g. `| head`): stop quietly.
            return if failed { 2 } else { 0 };
        }
    }
    let _ = out.flush();
    if failed { 2 } else { 0 }
}

fn human(out: &mut impl Write, file: &str, note: &crate::core::note::Note) -> std::io::Result<()> {
    writeln!(
        out,
        "{file}: {} card{}",
        note.cards.len(),
        if note.cards.len() == 1 { "" } else { "s" }
    )?;
    for c in &note.cards {
        let q = super::one_line(c.question(), 60);
        writeln!(
            out,
            "  {}:{}-{} {} [{}] {}",
            file,
            c.first_line + 1,
            c.last_line + 1,
            c.kind.as_str(),
            c.decks.join(", "),
            q
        )?;
    }
    Ok(())
}
