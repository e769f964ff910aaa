//! `srls grade FILE:LINE RESPONSE`: grade a card in place, exactly as the plugin would.

use super::files::read_note;
use crate::features::grade::{GradeRequest, apply_edits, grade};
use crate::plugin::schedule::{Histogram, Response};
use crate::workspace::vault::Vault;
use std::path::{Path, PathBuf};

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
    let clock = match super::clock(a.today.as_deref(), a.now.as_deref()) {
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

/// Writes a temporary file beside `path` with its permissions, then renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.srls-{}.tmp", std::process::id()));
    let res = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}
