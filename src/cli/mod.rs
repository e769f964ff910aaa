//! The command line: subcommands over the same core as the server.

pub mod cards;
pub mod check;
pub mod due;
pub mod duplicates;
pub mod files;
pub mod grade;
pub mod notes;
pub mod output;
pub mod review;
pub mod stats;

use crate::note::Note;
use crate::workspace::clock::{Clock, parse_now, parse_today};
use crate::workspace::vault::Vault;
use chrono::{DateTime, NaiveDate, Utc};
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

/// Like [`each_note`], with the per-note part split: `work` runs on every core on each note
/// read and parsed, and `sink` gets its results in the order of the notes, until it breaks.
/// Unreadable notes go to stderr; returns whether a path or file failed.
pub fn each_note_par<R: Send>(
    paths: &[PathBuf],
    work: impl Fn(&Target, &str, &Note, &Vault) -> R + Sync,
    mut sink: impl FnMut(&Target, R) -> ControlFlow<()>,
) -> bool {
    let mut unreadable = false;
    let missing = notes::each(
        paths,
        |t, read, vault| read.map(|(text, note)| work(t, &text, &note, vault)),
        |t, r, _| match r {
            Ok(r) => sink(t, r),
            Err(e) => {
                eprintln!("error: {e}");
                unreadable = true;
                ControlFlow::Continue(())
            }
        },
    );
    missing || unreadable
}

/// Like [`each_note`], but a note that cannot be read (or is not UTF-8) comes to `f` as
/// `Err(reason)` instead of going to stderr. Missing paths and vault warnings go to stderr;
/// returns whether a path was missing. Notes are read and parsed on every core, and come to
/// `f` in order.
pub fn each_read(
    paths: &[PathBuf],
    mut f: impl FnMut(&Target, Result<(&str, &Note), &str>, &Vault) -> ControlFlow<()>,
) -> bool {
    notes::each(
        paths,
        |_, read, _| read,
        |t, read, vault| match &read {
            Ok((text, note)) => f(t, Ok((text, note)), vault),
            Err(e) => f(t, Err(e), vault),
        },
    )
}

/// Whether to go on with the next note: not once the output can no longer be written.
pub fn keep_going(out: &Output) -> ControlFlow<()> {
    if out.ok() {
        ControlFlow::Continue(())
    } else {
        ControlFlow::Break(())
    }
}

/// `--today` and `--now`, shared by the commands that need a clock.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ClockArgs {
    /// The date to count from, YYYY-MM-DD (default: SRLS_TODAY, then the system date).
    #[arg(long)]
    pub today: Option<String>,
    /// The instant, e.g. 2025-03-01T09:30:00Z, for FSRS cards (default: SRLS_NOW, then now).
    #[arg(long)]
    pub now: Option<String>,
}

impl ClockArgs {
    /// The date and instant given, each error naming its flag.
    pub fn parsed(&self) -> Result<(Option<NaiveDate>, Option<DateTime<Utc>>), String> {
        let today = self
            .today
            .as_deref()
            .map(parse_today)
            .transpose()
            .map_err(|e| format!("--today: {e}"))?;
        let now = self
            .now
            .as_deref()
            .map(parse_now)
            .transpose()
            .map_err(|e| format!("--now: {e}"))?;
        Ok((today, now))
    }

    /// Whether the date and the instant are fixed, by the flags or `SRLS_TODAY`/`SRLS_NOW`.
    pub fn fixed(&self) -> (bool, bool) {
        let set = |var: &str| std::env::var(var).is_ok_and(|v| !v.trim().is_empty());
        (
            self.today.is_some() || set("SRLS_TODAY"),
            self.now.is_some() || set("SRLS_NOW"),
        )
    }

    /// The clock of a command: the flags when given, then `SRLS_TODAY`/`SRLS_NOW`, then the
    /// system clock; the time zone from `SRLS_TZ`/`TZ`, where an unknown zone is an error.
    pub fn clock(&self) -> Result<Clock, String> {
        let (today, now) = self.parsed()?;
        Clock::strict(today, now)
    }
}

/// The paths of a command, or the current folder when none is given.
pub fn paths_or_here(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}
