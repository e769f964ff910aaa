//! `srls grade FILE:LINE RESPONSE`: grade a card in place, exactly as the plugin would.

use super::files::read_note;
use super::output::Output;
use crate::features::grade::{GradeRequest, apply_edits, grade};
use crate::note::Note;
use crate::plugin::schedule::{Histogram, Response};
use crate::workspace::clock::Clock;
use crate::workspace::vault::Vault;
use std::path::{Path, PathBuf};

/// Arguments of `srls grade`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct GradeArgs {
    /// FILE:LINE of any line of the card.
    pub target: String,
    /// easy, good, hard, again or reset.
    pub response: String,
    /// Which side of a reversed or cloze card (from 1).
    #[arg(long)]
    pub sibling: Option<usize>,
    #[command(flatten)]
    pub clock: super::ClockArgs,
    /// Print a unified diff instead of writing the file.
    #[arg(long)]
    pub dry_run: bool,
}

fn fail(msg: impl std::fmt::Display) -> i32 {
    eprintln!("error: {msg}");
    2
}

/// A graded note: the file as the user named it, its text before and after, the new comment.
struct Graded {
    file: String,
    original: String,
    updated: String,
    comment: String,
}

/// Runs the command; returns the exit code (2 on any error, file untouched).
pub fn run(a: &GradeArgs) -> i32 {
    let g = match compute(a) {
        Ok(g) => g,
        Err(e) => return fail(e),
    };
    let mut out = Output::new();
    if a.dry_run {
        let diff = similar::TextDiff::from_lines(&g.original, &g.updated);
        let header = diff
            .unified_diff()
            .context_radius(2)
            .header(&g.file, &g.file)
            .to_string();
        write!(out, "{header}");
        return out.finish(0);
    }
    if let Err(e) = save(&g) {
        return fail(e);
    }
    writeln!(out, "{}", g.comment);
    out.finish_noting(0, "; the note was written")
}

/// Reads the note and its vault and grades the card; nothing is written.
fn compute(a: &GradeArgs) -> Result<Graded, String> {
    let (file, line) = parse_location(&a.target)?;
    let response: Response = a.response.parse().map_err(|_| {
        format!(
            "unknown response `{}`: use easy, good, hard, again or reset",
            a.response
        )
    })?;
    let clock = a.clock.clock()?;
    let path = PathBuf::from(&file);
    let original = read_note(&path)?;
    let vault = Vault::of(&path, &Default::default());
    for w in &vault.warnings {
        eprintln!("warning: {w}");
    }
    let note = vault.parse(&original, Some(&path));
    let (card_index, sibling) = pick_card(&note, &file, line, a.sibling)?;
    let histogram = histogram(&vault, &note, &clock);
    let req = GradeRequest {
        sibling,
        response,
        today: clock.today,
        now: clock.now,
        tz: clock.tz,
        histogram: &histogram,
    };
    let graded = grade(&original, &note, card_index, &vault.settings, &req)
        .map_err(|e| format!("{file}:{line}: {e}"))?;
    let updated = apply_edits(&original, &graded.edits);
    Ok(Graded {
        file,
        original,
        updated,
        comment: graded.comment,
    })
}

/// The card on the 1-based `line` and the 0-based side to grade.
fn pick_card(
    note: &Note,
    file: &str,
    line: usize,
    sibling: Option<usize>,
) -> Result<(usize, usize), String> {
    if !note.is_flashcard_note {
        return Err(format!(
            "{file}: the plugin does not read cards from this note: {}",
            note.gate_reason.as_deref().unwrap_or("no flashcard tag")
        ));
    }
    let card_index = note
        .card_at_line(line - 1)
        .ok_or_else(|| format!("{file}:{line}: no card on this line"))?;
    let n = note.cards[card_index].siblings();
    let sibling = sibling.unwrap_or(1);
    if sibling == 0 || sibling > n {
        return Err(format!(
            "--sibling {sibling}: this card has {n} side{} (count from 1)",
            if n == 1 { "" } else { "s" }
        ));
    }
    Ok((card_index, sibling - 1))
}

/// The due dates to load balance over: the vault's, or the note's alone outside a vault.
fn histogram(vault: &Vault, note: &Note, clock: &Clock) -> Histogram {
    if !vault.settings.load_balance {
        return Histogram::new();
    }
    if vault.root.is_some() {
        return vault.histogram(clock.today, clock.now);
    }
    let mut histogram = Histogram::new();
    crate::features::due::add_note(&mut histogram, note, clock.today, clock.now);
    histogram
}

/// Writes the graded note, unless it changed on disk since it was read.
fn save(g: &Graded) -> Result<(), String> {
    let file = &g.file;
    let path = Path::new(file);
    match std::fs::read(path) {
        Ok(now_bytes) if now_bytes == g.original.as_bytes() => {}
        Ok(_) => {
            return Err(format!(
                "{file}: the file changed on disk; nothing was written"
            ));
        }
        Err(e) => return Err(format!("{file}: cannot re-read: {e}")),
    }
    crate::workspace::write::write_note(path, g.updated.as_bytes())
        .map_err(|e| format!("{file}: cannot write: {e}; the file is unchanged"))
}

/// Splits a card location as srls prints it: `FILE:LINE` (`srls due`), `FILE:LINE:COLUMN`
/// (`srls check`; the column is ignored) or `FILE:FIRST-LAST` (`srls cards`; the first line).
/// Lines count from 1. A file name may hold `:`: of the readings, the first that names an
/// existing file wins (`a.md:4:9` is line 4 of `a.md` unless only `a.md:4` exists).
pub fn parse_location(target: &str) -> Result<(String, usize), String> {
    let Some((rest, last)) = target.rsplit_once(':') else {
        return Err(format!(
            "`{target}`: expected FILE:LINE, e.g. notes/geo.md:12"
        ));
    };
    let mut readings = Vec::new();
    if !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
        && let Some((file, mid)) = rest.rsplit_once(':')
        && let Some(l) = first_line(mid)
    {
        readings.push((file, l));
    }
    if let Some(l) = first_line(last) {
        readings.push((rest, l));
    }
    let pick = readings
        .iter()
        .find(|(f, _)| Path::new(f).is_file())
        .or(readings.first());
    match pick {
        Some(&(file, line)) if line >= 1 => Ok((file.to_string(), line)),
        Some(&(_, line)) => Err(format!(
            "`{line}` is not a line number (lines count from 1)"
        )),
        None => Err(format!(
            "`{last}` is not a line number (lines count from 1)"
        )),
    }
}

/// `N` or `N-M` (a line range): `N`.
fn first_line(s: &str) -> Option<usize> {
    let first = s.split_once('-').map_or(s, |(a, b)| {
        if b.bytes().all(|c| c.is_ascii_digit()) && !b.is_empty() {
            a
        } else {
            ""
        }
    });
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    first.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        let ok = |t: &str| parse_location(t).unwrap();
        assert_eq!(ok("a.md:12"), ("a.md".into(), 12));
        assert_eq!(ok("va/a.md:4:9"), ("va/a.md".into(), 4));
        assert_eq!(ok("a.md:3-4"), ("a.md".into(), 3));
        assert_eq!(ok("we:ird.md:3"), ("we:ird.md".into(), 3));
        assert_eq!(ok("/abs/a b.md:7"), ("/abs/a b.md".into(), 7));
        assert!(parse_location("a.md").is_err());
        assert!(parse_location("a.md:x").is_err());
        assert!(parse_location("a.md:0").is_err());
        assert!(parse_location("a.md:3-").is_err());
        assert!(parse_location("a.md:-3").is_err());
    }
}
