//! The command line: subcommands over the same core as the server.

pub mod cards;
pub mod check;
pub mod due;
pub mod duplicates;
pub mod files;
pub mod grade;
pub mod output;
pub mod review;
pub mod stats;

use crate::note::Note;
use crate::workspace::clock::{Clock, parse_now, parse_today};
use crate::workspace::vault::{Vault, Vaults};
use files::Target;
use output::Output;
use std::ops::ControlFlow;
use std::path::PathBuf;

/// Reads every note under `paths` (files and folders) and parses it with its vault's settings,
/// handing each to `f` until it breaks. Vault warnings and unreadable files go to stderr.
/// Returns whether a path or file failed (the commands then exit with 2).
pub fn each_note(
    paths: &[PathBuf],
    mut f: impl FnMut(&Target, &str, &Note, &Vault) -> ControlFlow<()>,
) -> bool {
    let mut unreadable = false;
    let missing = each_read(paths, |t, read, vault| match read {
        Ok((text, note)) => f(t, text, note, vault),
        Err(e) => {
            eprintln!("error: {e}");
            unreadable = true;
            ControlFlow::Continue(())
        }
    });
    missing || unreadable
}

/// Like [`each_note`], but a note that cannot be read (or is not UTF-8) comes to `f` as
/// `Err(reason)` instead of going to stderr. Missing paths and vault warnings go to stderr;
/// returns whether a path was missing.
pub fn each_read(
    paths: &[PathBuf],
    mut f: impl FnMut(&Target, Result<(&str, &Note), &str>, &Vault) -> ControlFlow<()>,
) -> bool {
    let mut vaults = Vaults::default();
    let mut errors = Vec::new();
    let targets = files::collect(paths, &mut vaults, &mut errors);
    let failed = !errors.is_empty();
    for e in errors {
        eprintln!("error: {e}");
    }
    for t in targets {
        let (vault, first) = vaults.for_file(&t.path);
        if first {
            for w in &vault.warnings {
                eprintln!("warning: {w}");
            }
        }
        let flow = match files::read_note(&t.path) {
            Ok(text) => {
                let note = vault.parse(&text, Some(&t.path));
                f(&t, Ok((&text, &note)), &vault)
            }
            Err(e) => f(&t, Err(&e), &vault),
        };
        if flow.is_break() {
            break;
        }
    }
    failed
}

/// Whether to go on with the next note: not once the output can no longer be written.
pub fn keep_going(out: &Output) -> ControlFlow<()> {
    if out.ok() {
        ControlFlow::Continue(())
    } else {
        ControlFlow::Break(())
    }
}

/// The clock of a command: `--today`/`--now` when given, then `SRLS_TODAY`/`SRLS_NOW`, then the
/// system clock; the time zone from `SRLS_TZ`/`TZ`, where an unknown zone is an error.
pub fn clock(today: Option<&str>, now: Option<&str>) -> Result<Clock, String> {
    let today = today
        .map(parse_today)
        .transpose()
        .map_err(|e| format!("--today: {e}"))?;
    let now = now
        .map(parse_now)
        .transpose()
        .map_err(|e| format!("--now: {e}"))?;
    Clock::strict(today, now)
}
