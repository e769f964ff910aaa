//! The state of `srls review` and what each key does: reveal, answer (writing the note as
//! `srls grade` does, only over the text the card was shown from), undo, skip, quit.

use crate::features::review::{Mode, ReviewError, Session};
use crate::plugin::schedule::Response;
use crate::workspace::review::{OnDisk, reread, write_if_unchanged};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::path::{Path, PathBuf};

/// The terminal review: the session and what the screen shows besides the card.
pub struct App {
    pub session: Session,
    /// The answer side is shown.
    pub revealed: bool,
    /// A notice or an error for the last key.
    pub message: Option<String>,
    /// `now` follows the wall clock (no `--now`/`--today` given).
    pub live_clock: bool,
    /// Lines scrolled in a long card.
    pub scroll: u16,
    /// The responses given and the note each wrote, most recent last (undo pops).
    pub answers: Vec<(Response, Option<PathBuf>)>,
    pub quit: bool,
}

impl App {
    /// A fresh screen over a started session.
    pub fn new(session: Session, live_clock: bool) -> App {
        App {
            session,
            revealed: false,
            message: None,
            live_clock,
            scroll: 0,
            answers: Vec::new(),
            quit: false,
        }
    }

    /// The instant the screen counts from.
    pub fn now(&self) -> DateTime<Utc> {
        if self.live_clock {
            Utc::now().max(self.session.now())
        } else {
            self.session.now()
        }
    }

    /// Called between keys: a live clock moves the session on (learning steps come back).
    pub fn tick(&mut self) {
        if self.live_clock {
            self.session.set_now(Utc::now());
        }
    }

    /// Handles one key press.
    pub fn key(&mut self, k: KeyEvent) {
        if k.kind == KeyEventKind::Release {
            return;
        }
        let ctrl_c = k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c');
        match k.code {
            _ if ctrl_c => self.quit = true,
            KeyCode::Char('q') | KeyCode::Esc => self.quit = true,
            KeyCode::Char(' ') | KeyCode::Enter => self.reveal(),
            KeyCode::Char(c @ '1'..='4') => self.answer(c as u8 - b'0'),
            KeyCode::Char('u') => self.undo(),
            KeyCode::Char('s') => self.skip(),
            KeyCode::Down | KeyCode::Char('j') => self.scroll = self.scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            _ => {}
        }
    }

    fn reveal(&mut self) {
        if self.session.current().is_some() {
            self.revealed = true;
            self.message = None;
        }
    }

    /// The response of a number key: 1 Again, 2 Hard, 3 Good, 4 Easy (cram: 4 Easy, the rest
    /// Again, which is what the plugin's cram does with them).
    pub fn response_of(&self, n: u8) -> Response {
        match (self.session.mode(), n) {
            (Mode::Cram, 4) => Response::Easy,
            (Mode::Cram, _) => Response::Again,
            (_, 1) => Response::Again,
            (_, 2) => Response::Hard,
            (_, 3) => Response::Good,
            _ => Response::Easy,
        }
    }

    fn answer(&mut self, n: u8) {
        let Some(item) = self.session.current() else {
            return;
        };
        if !self.revealed {
            self.message = Some("press space to show the answer first".into());
            return;
        }
        if !self.in_sync(&item.path) {
            self.shown_afresh();
            return;
        }
        self.tick();
        let r = self.response_of(n);
        match self.session.answer(item.id, r) {
            Err(e) => self.message = Some(e.to_string()),
            Ok(eff) => {
                let failed = eff.edit.as_ref().and_then(|e| write_if_unchanged(e).err());
                if let Some(why) = failed {
                    let _ = self.session.undo();
                    self.resync(&item.path);
                    self.message = Some(format!(
                        "{why}; the answer was not recorded (s skips the card)"
                    ));
                    return;
                }
                self.answers.push((r, eff.edit.map(|e| e.path)));
                self.message = None;
                self.shown_afresh();
            }
        }
    }

    fn skip(&mut self) {
        if let Some(item) = self.session.current() {
            match self.session.skip(item.id) {
                Ok(()) => self.message = Some("skipped".into()),
                Err(e) => self.message = Some(e.to_string()),
            }
            self.shown_afresh();
        }
    }

    fn undo(&mut self) {
        match self.session.undo() {
            Err(ReviewError::NothingToUndo) => {
                self.message = Some("nothing to undo".into());
            }
            Err(e) => self.message = Some(e.to_string()),
            Ok(edit) => {
                self.answers.pop();
                self.message = Some(match edit {
                    None => "undone".to_string(),
                    Some(e) => match write_if_unchanged(&e) {
                        Ok(()) => format!("undone: {} restored", e.path.display()),
                        Err(why) => {
                            self.resync(&e.path);
                            format!("undone in the session, but {why}")
                        }
                    },
                });
                self.shown_afresh();
            }
        }
    }

    fn shown_afresh(&mut self) {
        self.revealed = false;
        self.scroll = 0;
    }

    /// Whether the note on disk is the text the card was shown from; if not, the session reads
    /// it again (or drops it when it is gone) and says so.
    fn in_sync(&mut self, path: &Path) -> bool {
        match std::fs::read(path) {
            Ok(bytes)
                if Some(bytes.as_slice()) == self.session.text_of(path).map(str::as_bytes) =>
            {
                true
            }
            _ => {
                let why = self.resync(path);
                self.message = Some(why);
                false
            }
        }
    }

    /// Reads a note again into the session; says what happened.
    fn resync(&mut self, path: &Path) -> String {
        match reread(path) {
            OnDisk::Gone(why) => {
                self.session.remove_note(path);
                why
            }
            OnDisk::Unreadable(why) => why,
            OnDisk::Text(text) => {
                self.session.refresh_note(path, &text);
                format!(
                    "{} changed on disk; it was read again and nothing was written",
                    path.display()
                )
            }
        }
    }

    /// The summary printed after the screen closes.
    pub fn summary(&self) -> String {
        let count = |r| self.answers.iter().filter(|a| a.0 == r).count();
        let written: std::collections::BTreeSet<&PathBuf> =
            self.answers.iter().filter_map(|a| a.1.as_ref()).collect();
        let c = self.session.counts();
        format!(
            "Reviewed {} card{}: {} again, {} hard, {} good, {} easy. Left: {} due, {} new. {} note{} written.",
            self.answers.len(),
            if self.answers.len() == 1 { "" } else { "s" },
            count(Response::Again),
            count(Response::Hard),
            count(Response::Good),
            count(Response::Easy),
            c.due,
            c.new,
            written.len(),
            if written.len() == 1 { "" } else { "s" },
        )
    }
}
