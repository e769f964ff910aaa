//! `srls check`: the server's diagnostics for files and folders, like a compiler.

use super::files::Target;
use super::output::Output;
use crate::features::lint::{Diagnostic, Severity, lint, rendered_as_code};
use crate::note::Note;
use crate::plugin::lines::BOM;
use crate::text::position::{LineCol, LineIndex};
use crate::text::segments::Segments;
use crate::workspace::vault::Vault;
use serde_json::json;
use std::path::PathBuf;

/// The note's diagnostics as the server publishes them: the lint and `rendered-as-code` (from
/// the editor's markdown blocks, parsed only when the note has cards), in order of position.
fn diagnostics(text: &str, note: &Note, vault: &Vault) -> Vec<Diagnostic> {
    let mut all = lint(text, note, &vault.settings, &vault.engine);
    if !note.cards.is_empty() {
        let blocks = Segments::of_text(text).code_blocks(0..usize::MAX);
        all.extend(rendered_as_code(
            text,
            note,
            &vault.settings,
            &blocks,
            0..usize::MAX,
        ));
        all.sort_by_key(|d| d.start);
    }
    all
}

/// The lines `srls check` prints for a note (text or JSON), each with its severity.
fn note_lines(
    t: &Target,
    text: &str,
    note: &Note,
    vault: &Vault,
    questions: &super::duplicates::Questions,
    json_out: bool,
) -> Vec<(Severity, String)> {
    let index = LineIndex::new(text);
    let line = |d: &Diagnostic| {
        let LineCol { line: l, col: c } = shown_at(&index, text, d.start);
        if json_out {
            let LineCol { line: el, col: ec } = shown_at(&index, text, d.end);
            json!({"file": t.display, "line": l, "column": c, "end_line": el, "end_column": ec,
                   "severity": d.severity.as_str(), "code": d.code, "message": d.message})
            .to_string()
        } else {
            format!(
                "{}:{l}:{c}: {}[{}]: {}",
                t.display,
                d.severity.as_str(),
                d.code,
                d.message
            )
        }
    };
    let mut all = diagnostics(text, note, vault);
    all.extend(questions.diagnostics(&t.path, note, vault));
    all.sort_by_key(|d| d.start);
    all.iter().map(|d| (d.severity, line(d))).collect()
}

/// Runs the command: exit 1 when any error is found, 2 when a file cannot be read, else 0.
/// Notes are linted on every core and printed in order.
pub fn run(paths: &[PathBuf], json_out: bool) -> i32 {
    let mut out = Output::new();
    let (mut n_err, mut n_warn) = (0usize, 0usize);
    let questions = super::duplicates::Questions::of(paths);
    let failed = super::each_note_par(
        paths,
        |t, text, note, vault| note_lines(t, text, note, vault, &questions, json_out),
        |_, lines| {
            for (severity, l) in lines {
                match severity {
                    Severity::Error => n_err += 1,
                    Severity::Warning => n_warn += 1,
                    _ => {}
                }
                writeln!(out, "{l}");
                if !out.ok() {
                    break;
                }
            }
            super::keep_going(&out)
        },
    );
    if !json_out {
        writeln!(
            out,
            "{} error{}, {} warning{}",
            n_err,
            if n_err == 1 { "" } else { "s" },
            n_warn,
            if n_warn == 1 { "" } else { "s" }
        );
    }
    out.finish(if failed {
        2
    } else if n_err > 0 {
        1
    } else {
        0
    })
}

/// The 1-based line and column of a byte offset as an editor shows them: a leading byte order
/// mark takes no column.
fn shown_at(index: &LineIndex, text: &str, offset: usize) -> LineCol {
    let mut lc = index.line_col(offset);
    if lc.line == 1 && offset >= BOM.len() && text.starts_with(BOM) {
        lc.col -= 1;
    }
    lc
}
