//! `srls check`: the server's diagnostics for files and folders, like a compiler.

use super::files::{collect, read_note};
use crate::core::lint::{Severity, lint};
use crate::core::note::{NoteContext, parse_note_with};
use crate::vault::{self, SettingsCache};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, lines: &crate::core::lines::Lines, offset: usize) -> (usize, usize) {
    let li = lines.line_of(offset);
    let start = lines.get(li).start;
    let col = text[start..offset.min(text.len()).max(start)]
        .chars()
        .count();
    (li + 1, col + 1)
}

/// Runs the command: exit 1 when any error is found, 2 when a file cannot be read, else 0.
pub fn run(paths: &[PathBuf], json_out: bool) -> i32 {
    let mut cache = SettingsCache::default();
    let mut errors = Vec::new();
    let targets = collect(paths, &mut cache, &mut errors);
    let mut code = 0;
    for e in &errors {
        eprintln!("error: {e}");
        code = 2;
    }
    let mut engines = super::EngineCache::default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut n_err, mut n_warn) = (0usize, 0usize);
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
                code = 2;
                continue;
            }
        };
        let ctx = NoteContext {
            vault_path: vault::vault_relative(vs.root.as_deref(), &t.path),
        };
        let engine = engines.get(&vs.settings);
        let note = parse_note_with(&text, &vs.settings, &ctx, engine);
        let diags = lint(&text, &note, &vs.settings, engine);
        for d in &diags {
            match d.severity {
                Severity::Error => n_err += 1,
                Severity::Warning => n_warn += 1,
                _ => {}
            }
            let (l, c) = line_col(&text, &note.lines, d.start);
            let r = if json_out {
                let (el, ec) = line_col(&text, &note.lines, d.end);
                writeln!(
                    out,
                    "{}",
                    json!({"file": t.display, "line": l, "column": c, "end_line": el, "end_column": ec,
                           "severity": d.severity.as_str(), "code": d.code, "message": d.message})
                )
            } else {
                writeln!(
                    out,
                    "{}:{l}:{c}: {}[{}]: {}",
                    t.display,
                    d.severity.as_str(),
                    d.code,
                    d.message
                )
            };
            if r.is_err() {
                return code.max(if n_err > 0 { 1 } else { 0 });
            }
        }
    }
    if !json_out {
        let _ = writeln!(
            out,
            "{} error{}, {} warning{}",
            n_err,
            if n_err == 1 { "" } else { "s" },
            n_warn,
            if n_warn == 1 { "" } else { "s" }
        );
    }
    let _ = out.flush();
    if code == 0 && n_err > 0 { 1 } else { code }
}
