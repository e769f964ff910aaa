//! `srls cards`: the cards the plugin finds, per note.

use crate::features::report::note_json;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;

/// Runs the command; returns the exit code.
pub fn run(paths: &[PathBuf], json: bool) -> i32 {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let failed = super::each_note(paths, |t, _, note, _| {
        let res = if json {
            writeln!(out, "{}", note_json(&t.display, note))
        } else if note.cards.is_empty() {
            Ok(())
        } else {
            human(&mut out, &t.display, note)
        };
        // Broken pipe (e.g. `| head`): stop quietly.
        if res.is_err() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    let _ = out.flush();
    if failed { 2 } else { 0 }
}

fn human(out: &mut impl Write, file: &str, note: &crate::note::Note) -> std::io::Result<()> {
    writeln!(
        out,
        "{file}: {} card{}",
        note.cards.len(),
        if note.cards.len() == 1 { "" } else { "s" }
    )?;
    for c in &note.cards {
        let q = crate::features::report::one_line(c.question(), 60);
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
