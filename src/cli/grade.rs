//! `srls grade FILE:LINE RESPONSE`: grade a card in place, exactly as the plugin would.

use super::files::read_note;
use crate::features::grade::{GradeRequest, apply_edits, grade};
use crate::plugin::schedule::{Histogram, Response};
use crate::workspace::clock::{Clock, parse_now, parse_today};
use crate::workspace::vault::Vault;
pub use crate::workspace::write::write_atomic;
use std::path::PathBuf;

/// Arguments of `srls grade`.
pub struct GradeArgs {
    pub target: String,
    pub response: String,
    pub sibling: Option<usize>,
    pub today: Option<String>,
    pub now: Option<String>,
    pub dry_run: bool,
}

fn fail(msg: impl std::fmt::Display) -> i32 {
    eprintln!("error: {msg}");
    2
}

/// Runs the command; returns the exit code (2 on any error, file untouched).
pub fn run(a: &GradeArgs) -> i32 {
    let Some((file, line)) = a.target.rsplit_once(':') else {
        return fail(format!(
            "`{}`: expected FILE:LINE, e.g. notes/geo.md:12",
            a.target
        ));
    };
    let line: usize = match line.parse() {
        Ok(n) if n >= 1 => n,
        _ => {
            return fail(format!(
                "`{line}` is not a line number (lines count from 1)"
            ));
        }
    };
    let response: Response = match a.response.parse() {
        Ok(r) => r,
        Err(_) => {
            return fail(format!(
                "unknown response `{}`: use easy, good, hard, again or reset",
                a.response
            ));
        }
    };
    let today = match a.today.as_deref().map(parse_today).transpose() {
        Ok(t) => t,
        Err(e) => return fail(format!("--today: {e}")),
    };
    let now = match a.now.as_deref().map(parse_now).transpose() {
        Ok(t) => t,
        Err(e) => return fail(format!("--now: {e}")),
    };
    let clock = match Clock::resolve(today, now) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let path = PathBuf::from(file);
    let original = match read_note(&path) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let vault = Vault::of(&path, &Default::default());
    for w in &vault.warnings {
        eprintln!("warning: {w}");
    }
    let settings = &vault.settings;
    let note = vault.parse(&original, Some(&path));
    if !note.is_flashcard_note {
        return fail(format!(
            "{file}: the plugin does not read cards from this note: {}",
            note.gate_reason.as_deref().unwrap_or("no flashcard tag")
        ));
    }
    let Some(ci) = note.card_at_line(line - 1) else {
        return fail(format!("{file}:{line}: no card on this line"));
    };
    let card = &note.cards[ci];
    let sibling = a.sibling.unwrap_or(1);
    if sibling == 0 || sibling > card.siblings() {
        return fail(format!(
            "--sibling {sibling}: this card has {} side{} (count from 1)",
            card.siblings(),
            if card.siblings() == 1 { "" } else { "s" }
        ));
    }
    let histogram: Histogram = if settings.load_balance {
        match &vault.root {
            Some(_) => vault.histogram(clock.today, clock.now),
            None => {
                let mut h = Histogram::new();
                crate::features::due::add_note(&mut h, &note, clock.today, clock.now);
                h
            }
        }
    } else {
        Histogram::new()
    };
    let req = GradeRequest {
        sibling: sibling - 1,
        response,
        today: clock.today,
        now: clock.now,
        tz: clock.tz,
        histogram: &histogram,
    };
    let graded = match grade(&original, &note, ci, settings, &req) {
        Ok(g) => g,
        Err(e) => return fail(format!("{file}:{line}: {e}")),
    };
    let updated = apply_edits(&original, &graded.edits);
    if a.dry_run {
        let diff = similar::TextDiff::from_lines(&original, &updated);
        print!(
            "{}",
            diff.unified_diff().context_radius(2).header(file, file)
        );
        return 0;
    }
    // Refuse if the file changed while we computed.
    match std::fs::read(&path) {
        Ok(now_bytes) if now_bytes == original.as_bytes() => {}
        Ok(_) => {
            return fail(format!(
                "{file}: the file changed on disk; nothing was written"
            ));
        }
        Err(e) => return fail(format!("{file}: cannot re-read: {e}")),
    }
    if let Err(e) = write_atomic(&path, updated.as_bytes()) {
        return fail(format!("{file}: cannot write: {e}; the file is unchanged"));
    }
    println!("{}", graded.comment);
    0
}

#[cfg(test)]
mod tests {
    use super::write_atomic;

    #[cfg(unix)]
    #[test]
    fn a_symlinked_note_stays_a_symlink_and_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        let link = dir.path().join("link.md");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}
