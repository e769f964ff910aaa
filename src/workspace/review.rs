//! Review sessions over a vault on disk: the notes a session starts from, and writing an
//! answer back only over the text its card was shown from. Used by `srls review` and the
//! server's `srls.review.*` commands.

use crate::features::due::add_note;
use crate::features::review::{
    Mode, NoteEdit, Options, ReviewError, ReviewNote, Scope, Session, single_note_settings,
};
use crate::plugin::cloze::ClozeEngine;
use crate::plugin::schedule::Histogram;
use crate::plugin::settings::Settings;
use crate::workspace::clock::Clock;
use crate::workspace::vault::Vault;
use crate::workspace::write::write_note;
use std::path::{Path, PathBuf};

/// The settings a session uses and its notes, parsed with them. `single` is the plugin's
/// "review flashcards in this note" (its ignore settings do not apply).
fn review_notes(
    vault: &Vault,
    notes: Vec<(PathBuf, String)>,
    single: bool,
) -> (Settings, Vec<ReviewNote>) {
    let settings = if single {
        single_note_settings(&vault.settings)
    } else {
        vault.settings.clone()
    };
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    let notes = notes
        .into_iter()
        .map(|(path, text)| {
            let context = vault.context(Some(&path));
            let note = crate::note::parse_note_with(&text, &settings, &context, &engine);
            ReviewNote {
                path,
                text,
                note,
                context,
            }
        })
        .collect();
    (settings, notes)
}

/// The load-balancing histogram of a session: the vault's (as `srls grade`), or without a
/// vault root the reviewed notes'; empty when the vault does not balance.
fn session_histogram(vault: &Vault, notes: &[ReviewNote], clock: &Clock) -> Histogram {
    if !vault.settings.load_balance {
        return Histogram::new();
    }
    if vault.root.is_some() {
        return vault.histogram(clock.today, clock.now);
    }
    let mut histogram = Histogram::new();
    for n in notes {
        add_note(&mut histogram, &n.note, clock.today, clock.now);
    }
    histogram
}

/// What a session covers and how it runs, besides its notes.
#[derive(Debug, Clone)]
pub struct SessionRequest {
    /// One deck and its sub-decks (without `#`), else all decks.
    pub deck: Option<String>,
    /// The plugin's "review flashcards in this note".
    pub single: bool,
    pub mode: Mode,
    /// The seed of the random orders (default: the clock's instant).
    pub seed: Option<u64>,
}

/// Starts a session over notes of `vault` read as `(path, text)`, with the vault's settings
/// (those of a single-note review when `single`), its load-balancing histogram and `clock`.
pub fn start_session(
    vault: &Vault,
    notes: Vec<(PathBuf, String)>,
    req: SessionRequest,
    clock: &Clock,
) -> Result<Session, ReviewError> {
    let (settings, notes) = review_notes(vault, notes, req.single);
    let histogram = session_histogram(vault, &notes, clock);
    let options = Options {
        settings,
        scope: Scope {
            deck: req.deck,
            single_note: req.single,
        },
        mode: req.mode,
        seed: req
            .seed
            .unwrap_or_else(|| clock.now.timestamp_millis() as u64),
        today: clock.today,
        now: clock.now,
        tz: clock.tz,
        histogram,
    };
    Session::start(notes, options)
}

/// Writes an answer atomically, only when the file still holds the text it was computed from.
pub fn write_if_unchanged(e: &NoteEdit) -> Result<(), String> {
    let path = &e.path;
    match std::fs::read(path) {
        Ok(b) if b == e.old_text.as_bytes() => {}
        Ok(_) => {
            return Err(format!(
                "{} changed on disk; nothing was written",
                path.display()
            ));
        }
        Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
    }
    write_note(path, e.new_text.as_bytes()).map_err(|err| {
        format!(
            "cannot write {}: {err}; the file is unchanged",
            path.display()
        )
    })
}

/// What a note on disk holds now, for a session to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnDisk {
    Text(String),
    /// Gone, or no longer UTF-8 text: its cards leave the session.
    Gone(String),
    /// Cannot be read now (permissions): the session keeps what it had.
    Unreadable(String),
}

/// Reads a note again for a session.
pub fn reread(path: &Path) -> OnDisk {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => OnDisk::Gone(format!(
            "{} is gone; its cards left the session",
            path.display()
        )),
        Err(e) => OnDisk::Unreadable(format!(
            "cannot read {}: {e}; nothing was written",
            path.display()
        )),
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => OnDisk::Text(text),
            Err(_) => OnDisk::Gone(format!(
                "{} is no longer UTF-8 text; its cards left the session",
                path.display()
            )),
        },
    }
}
