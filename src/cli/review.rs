//! `srls review [PATH...] [--deck D] [--cram]`: a full-screen review of due and new cards, in
//! the plugin's order, writing what the plugin writes (the same atomic rewrite as `srls grade`).
//!
//! One file as PATH is the plugin's "review flashcards in this note"; folders (default: the
//! current one) are reviewed like the plugin's whole-vault review, over the notes found there.

mod app;
mod markdown;
mod ui;

pub use app::App;
pub use ui::draw;

use super::files::{self, read_note};
use crate::features::review::{Mode, Session};
use crate::workspace::clock::Clock;
use crate::workspace::review::{SessionRequest, start_session};
use crate::workspace::vault::{Vault, Vaults};
use crossterm::event::{self, Event};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `srls review`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReviewArgs {
    /// Files or folders (default: the current folder); one file reviews that note only.
    pub paths: Vec<PathBuf>,
    /// Only this deck and its sub-decks (e.g. `flashcards/geo`).
    #[arg(long)]
    pub deck: Option<String>,
    /// Cram: every card, due or not; nothing is written.
    #[arg(long)]
    pub cram: bool,
    #[command(flatten)]
    pub clock: super::ClockArgs,
    /// The seed of the random card orders (default: from the clock).
    #[arg(long)]
    pub seed: Option<u64>,
}

fn fail(msg: impl std::fmt::Display) -> i32 {
    eprintln!("error: {msg}");
    2
}

/// Runs the command; returns the exit code (0 done or nothing to review, 2 on errors and
/// without a terminal).
pub fn run(a: &ReviewArgs) -> i32 {
    let (clock, live) = match clock(a) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let paths = super::paths_or_here(&a.paths);
    let session = match start(a, &paths, &clock) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if session.current().is_none() {
        println!("{}", nothing_to_review(&session));
        return 0;
    }
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return fail(
            "srls review needs a terminal (stdin or stdout is not a TTY); `srls due` lists the cards and `srls grade` grades one",
        );
    }
    let mut app = App::new(session, live);
    match run_terminal(&mut app) {
        Ok(()) => {
            println!("{}", app.summary());
            0
        }
        Err(e) => fail(format!("terminal: {e}")),
    }
}

/// The clock, and whether it follows the wall clock (no `--today`, `--now` or environment).
fn clock(a: &ReviewArgs) -> Result<(Clock, bool), String> {
    let (today, now) = a.clock.parsed()?;
    let live = a.clock.fixed() == (false, false);
    Ok((Clock::resolve(today, now)?, live))
}

/// Reads the notes, builds the session (one vault at a time).
fn start(a: &ReviewArgs, paths: &[PathBuf], clock: &Clock) -> Result<Session, String> {
    let mut vaults = Vaults::default();
    let mut errors = Vec::new();
    let targets = files::collect(paths, &mut vaults, &mut errors);
    if let Some(e) = errors.first() {
        return Err(e.clone());
    }
    let single = paths.len() == 1 && paths[0].is_file();
    let mut vault: Option<Arc<Vault>> = None;
    let mut notes = Vec::new();
    for t in &targets {
        let (v, first) = vaults.for_file(&t.path);
        if first {
            v.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
        }
        match &vault {
            Some(known) if known.root != v.root => {
                return Err(format!(
                    "{} is in another vault than the notes before it; review one vault at a time",
                    t.display
                ));
            }
            Some(_) => {}
            None => vault = Some(v.clone()),
        }
        match read_note(&t.path) {
            Ok(text) => notes.push((t.path.clone(), text)),
            Err(e) => eprintln!("warning: {e}; skipped"),
        }
    }
    let vault = vault.unwrap_or_else(|| Arc::new(Vault::open(None, &Default::default())));
    let req = SessionRequest {
        deck: a.deck.clone(),
        single,
        mode: if a.cram { Mode::Cram } else { Mode::Review },
        seed: a.seed,
    };
    start_session(&vault, notes, req, clock).map_err(|e| e.to_string())
}

/// The friendly message for a session with no card to show.
fn nothing_to_review(s: &Session) -> String {
    let total: usize = s.deck_rows().first().map_or(0, |r| r.total);
    let c = s.counts();
    let deck = match s.deck() {
        "" => String::new(),
        d => format!(" in deck {d}"),
    };
    if s.order_presents_nothing() && c.due + c.new > 0 {
        return format!(
            "{} cards are due or new{deck}, but the vault's flashcardCardOrder makes the plugin present none (srls follows it); set it to e.g. DueFirstSequential",
            c.due + c.new
        );
    }
    format!(
        "Nothing due{deck}: {total} card{} found, none due or new today.",
        if total == 1 { "" } else { "s" }
    )
}

/// The full-screen loop. The terminal is restored on every way out (return, error, panic via
/// ratatui's hook; Ctrl-C arrives as a key in raw mode).
fn run_terminal(app: &mut App) -> std::io::Result<()> {
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            ratatui::restore();
        }
    }
    let mut terminal = ratatui::try_init()?;
    let _restore = Restore;
    while !app.quit {
        terminal.draw(|f| draw(f, app))?;
        if event::poll(Duration::from_millis(250))? {
            if let Event::Key(k) = event::read()? {
                app.key(k);
            }
        } else {
            app.tick();
        }
    }
    terminal.show_cursor()?;
    Ok(())
}

#[cfg(test)]
mod tests;
