//! `srls cards`: the cards the plugin finds, per note.

use super::output::Output;
use crate::features::report::write_note_json;
use std::path::PathBuf;

/// Runs the command; returns the exit code.
pub fn run(paths: &[PathBuf], json: bool) -> i32 {
    let mut out = Output::new();
    let failed = super::each_note(paths, |t, _, note, _| {
        if json {
            out.write_line_with(|w| write_note_json(w, &t.display, note));
        } else if !note.cards.is_empty() {
            human(&mut out, &t.display, note);
        }
        super::keep_going(&out)
    });
    out.finish(if failed { 2 } else { 0 })
}

fn human(out: &mut Output, file: &str, note: &crate::note::Note) {
    writeln!(
        out,
        "{file}: {} card{}",
        note.cards.len(),
        if note.cards.len() == 1 { "" } else { "s" }
    );
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
        );
    }
}
