//! `srls check`: the server's diagnostics for files and folders, like a compiler.

use super::duplicates::{Keyed, Questions};
use super::files::Target;
use super::output::Output;
use crate::features::lint::{Diagnostic, Severity, lint, rendered_as_code};
use crate::note::{Note, PARALLEL_BYTES};
use crate::plugin::lines::BOM;
use crate::text::position::{LineCol, LineIndex};
use crate::text::segments::Segments;
use crate::workspace::index::IndexedNote;
use crate::workspace::vault::Vault;
use serde_json::json;
use std::path::PathBuf;

/// The note's diagnostics as the server publishes them: the lint and `rendered-as-code` (from
/// the editor's markdown blocks, parsed only when the note has cards), in order of position.
fn diagnostics(text: &str, note: &Note, vault: &Vault) -> Vec<Diagnostic> {
    let linted = || lint(text, note, &vault.settings, &vault.engine);
    let blocks =
        || (!note.cards.is_empty()).then(|| Segments::of_text(text).code_blocks(0..usize::MAX));
    // The lint and the blocks read the note independently: a big note has both at once.
    let (mut all, blocks) = if text.len() >= PARALLEL_BYTES {
        rayon::join(linted, blocks)
    } else {
        (linted(), blocks())
    };
    if let Some(blocks) = blocks {
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

/// A line `srls check` prints (text or JSON) for a diagnostic shown from `at` to `end`.
fn printed(file: &str, d: &Diagnostic, at: LineCol, end: LineCol, json_out: bool) -> String {
    let LineCol { line: l, col: c } = at;
    if json_out {
        let LineCol { line: el, col: ec } = end;
        json!({"file": file, "line": l, "column": c, "end_line": el, "end_column": ec,
               "severity": d.severity.as_str(), "code": d.code, "message": d.message})
        .to_string()
    } else {
        format!(
            "{file}:{l}:{c}: {}[{}]: {}",
            d.severity.as_str(),
            d.code,
            d.message
        )
    }
}

/// What the pass over the notes keeps of a note until every note is read.
struct Checked {
    target: Target,
    root: Option<PathBuf>,
    /// The lint's lines, by position: (start, severity, printed line).
    lines: Vec<(usize, Severity, String)>,
    /// The cards with a question key, with where a line on them would be shown.
    keyed: Vec<(Keyed, LineCol, LineCol)>,
}

/// The pass over one note (on any core): its lint lines, its keyed cards and its entry for
/// the question tables.
fn check_note(
    t: &Target,
    text: &str,
    note: &Note,
    vault: &Vault,
    json_out: bool,
) -> (Checked, IndexedNote) {
    let index = LineIndex::new(text);
    let at = |offset| shown_at(&index, text, offset);
    let lines = diagnostics(text, note, vault)
        .iter()
        .map(|d| {
            let line = printed(&t.display, d, at(d.start), at(d.end), json_out);
            (d.start, d.severity, line)
        })
        .collect();
    let keyed = note
        .cards
        .iter()
        .filter_map(|c| {
            let line = c.start_line();
            let span = note.lines.get(line);
            let k = Keyed {
                line,
                key: c.key?,
                span: span.start..span.end,
            };
            Some((k, at(span.start), at(span.end)))
        })
        .collect();
    let entry = IndexedNote::from_note(&t.path, vault.root.clone(), note);
    let checked = Checked {
        target: t.clone(),
        root: vault.root.clone(),
        lines,
        keyed,
    };
    (checked, entry)
}

/// Runs the command: exit 1 when any error is found, 2 when a file cannot be read, else 0.
/// Notes are read, parsed and linted once, on every core; the question tables fill as they
/// come, and once every note is in, each note's lines (its duplicates among them) are printed
/// in order.
pub fn run(paths: &[PathBuf], json_out: bool) -> i32 {
    let mut questions = Questions::default();
    let mut checked = Vec::new();
    let failed = super::each_note_par(
        paths,
        |t, text, note, vault| check_note(t, text, note, vault, json_out),
        |t, (c, entry)| {
            // Each note with its number among the notes checked.
            checked.push((questions.add(t, &c.root, &entry), c));
            std::ops::ControlFlow::Continue(())
        },
    );
    let mut out = Output::new();
    let (mut n_err, mut n_warn) = (0usize, 0usize);
    for (number, c) in checked {
        let t = &c.target;
        let mut lines = c.lines;
        for (k, at, end) in &c.keyed {
            if let Some(d) = questions.diagnostic(number, &c.root, k) {
                lines.push((
                    d.start,
                    d.severity,
                    printed(&t.display, &d, *at, *end, json_out),
                ));
            }
        }
        lines.sort_by_key(|l| l.0);
        for (_, severity, l) in lines {
            match severity {
                Severity::Error => n_err += 1,
                Severity::Warning => n_warn += 1,
                _ => {}
            }
            writeln!(out, "{l}");
        }
        if !out.ok() {
            break;
        }
    }
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
