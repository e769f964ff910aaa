//! Review sessions without Obsidian (`review.md`): the plugin's deck tree, counts and order,
//! what each answer does to the queue, and what the review screen shows, as plain data.
//!
//! Pure: a [`Session`] takes parsed notes ([`ReviewNote`]: path, text, parse), the settings,
//! the clock and the vault's due-date histogram, and hands back [`Item`]s to show and
//! [`NoteEdit`]s to write. The caller writes (only when the file still holds
//! [`NoteEdit::old_text`]) and reports outside changes ([`Session::refresh_note`],
//! [`Session::remove_note`]); an answer to a card whose note changed since it was shown is
//! refused, so nothing is ever written to the wrong place.
//!
//! ```text
//! Session::start(notes, Options { scope, mode, seed, today, now, tz, histogram, settings })
//! session.current() -> Option<Item>           the card to show (question, answer, buttons)
//! session.answer(item.id, Response::Good)     -> AnswerEffect { edit, next }
//! session.skip(item.id) / session.undo() / session.counts() / session.set_now(now)
//! ```
//!
//! **The clock.** `today` is fixed for the whole session (the day it started: due-ness, SM-2
//! dates and the histogram's days count from it, as the plugin's sync fixes them). `now` is
//! injected too and moves only when the caller says so ([`Session::set_now`], never backwards):
//! every answer happens at the session's `now`, and learning steps return when `now` passes
//! their due moment. The terminal front end sets it from the wall clock before each answer
//! unless `--now` fixed it; tests use fixed instants.
//!
//! **Where srls differs from the plugin.** Only where a quirk of the plugin loses a card from
//! the running session: a new card answered Again under a due-first order (the iterator has
//! left the due list of that deck), and FSRS learning steps (the plugin drops its pending list
//! when the queue runs out). srls shows such cards again in the same session once they are due,
//! after every card the plugin would show ([`order`]); while only learning steps are left,
//! [`Session::current`] is `None` and [`Counts::next_wait`] says when the next one is due.
//! What is written to notes is exactly what the plugin writes (the same edit `srls grade`
//! makes). The plugin's bury list (in its `data.json`) is neither read nor written; within the
//! session, `burySiblingCards` removes siblings as the plugin does.

pub mod answer;
pub mod deck_tree;
pub mod display;
pub mod order;
pub mod refresh;
pub mod session;

pub use session::{
    AnswerEffect, Button, Counts, DeckRow, Item, ItemId, Mode, NoteEdit, Options, ReviewError,
    ReviewNote, Scope, Session, single_note_settings,
};

#[cfg(test)]
mod tests;
