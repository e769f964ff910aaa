//! Answers, skips, undo and the clock of a session (`review.md` §5–§7).

use super::deck_tree::CardId;
use super::display::outcome_interval;
use super::session::{
    AnswerEffect, Entry, ItemId, Mode, NoteEdit, ReviewError, Session, Snapshot, State,
};
use crate::features::due::Due;
use crate::features::grade::{apply_edits, grade};
use crate::note::{Note, parse_note_with};
use crate::plugin::schedule::Response;
use chrono::{DateTime, Utc};

/// What an answer does to the queue (the plugin's short-term rule).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Requeue {
    /// Interval of a day or more: the card leaves the session.
    Leave,
    /// Due again already (SM-2 Again, any Reset): to the end of its list in the current deck.
    Immediate,
    /// A learning step: out of the queue until its due moment.
    Pending(DateTime<Utc>),
}

/// How many undo steps are kept.
const UNDO_DEPTH: usize = 100;

impl Session {
    /// Answers the shown card `id`. In review mode the new schedule is computed as `srls grade`
    /// does (with the session's histogram, updated as the plugin updates it) and the note's new
    /// text is returned for the caller to write; in cram mode nothing is written. Refused, with
    /// nothing changed, when `id` is not the card shown or its note changed since.
    pub fn answer(&mut self, id: ItemId, r: Response) -> Result<AnswerEffect, ReviewError> {
        let card = self.check(id)?;
        let snap = self.snapshot(None);
        let note = self.entries[card].note;
        let written = match self.mode {
            Mode::Cram => {
                self.cram(card, r);
                None
            }
            Mode::Review => self.review(card, r)?,
        };
        let (edit, before) = written.unzip();
        let before = before.map(|parse| (note, edit_old_text(&edit), parse));
        self.push_undo(Snapshot {
            note: before,
            ..snap
        });
        self.reviewed += 1;
        self.settle();
        self.wake();
        Ok(AnswerEffect {
            edit,
            next: self.current(),
        })
    }

    /// Skips the shown card: every card of its question leaves the session (nothing written).
    pub fn skip(&mut self, id: ItemId) -> Result<(), ReviewError> {
        let card = self.check(id)?;
        let question = self.question_of(card);
        self.take_out(&question);
        self.settle();
        Ok(())
    }

    /// Undoes the last answer: the queue, histogram and counts as they were, and the edit that
    /// puts the note's previous text back (write it only if the file still holds its
    /// `old_text`). `None` inside when the answer wrote nothing.
    pub fn undo(&mut self) -> Result<Option<NoteEdit>, ReviewError> {
        let s = self.undo.pop().ok_or(ReviewError::NothingToUndo)?;
        self.queue = s.queue;
        self.iter = s.iter;
        self.pending = s.pending;
        self.histogram = s.histogram;
        self.rng = s.rng;
        self.reviewed = s.reviewed;
        self.entries = s.entries;
        let edit = s.note.map(|(i, text, note)| {
            let slot = &mut self.notes[i];
            let answered = std::mem::replace(&mut slot.text, text);
            slot.note = note;
            self.bump(i);
            let slot = &self.notes[i];
            NoteEdit {
                path: slot.path.clone(),
                edits: vec![crate::features::grade::Edit {
                    start: 0,
                    end: answered.len(),
                    text: slot.text.clone(),
                }],
                old_text: answered,
                new_text: slot.text.clone(),
            }
        });
        self.shown = None;
        self.settle();
        Ok(edit)
    }

    /// Moves the session's clock forward (never back): learning steps whose time has come
    /// return to the queue. Front ends call it with the wall clock; tests with fixed instants.
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        if now > self.now {
            self.now = now;
        }
        self.wake();
    }

    fn check(&self, id: ItemId) -> Result<CardId, ReviewError> {
        match self.shown {
            Some(s) if s.id == id.0 => Ok(s.card),
            _ => match &self.invalidated {
                Some((old, path, true)) if *old == id.0 => {
                    Err(ReviewError::NoteRemoved(path.clone()))
                }
                Some((old, path, false)) if *old == id.0 => {
                    Err(ReviewError::NoteChanged(path.clone()))
                }
                _ if self.shown.is_none() => Err(ReviewError::NoCurrentCard),
                _ => Err(ReviewError::NotCurrent),
            },
        }
    }

    pub(super) fn snapshot(&self, note: Option<(usize, String, Note)>) -> Snapshot {
        Snapshot {
            queue: self.queue.clone(),
            iter: self.iter.clone(),
            pending: self.pending.clone(),
            histogram: self.histogram.clone(),
            rng: self.rng.clone(),
            reviewed: self.reviewed,
            entries: self.entries.clone(),
            note,
        }
    }

    fn push_undo(&mut self, s: Snapshot) {
        if self.undo.len() == UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.undo.push(s);
    }

    /// Cram: Easy removes the card, any other answer puts it at the end of its list.
    fn cram(&mut self, card: CardId, r: Response) {
        if r == Response::Easy {
            self.take_out(&[card]);
        } else {
            let list = self.list_of(card);
            self.iter.move_to_end(&mut self.queue, card, list);
        }
    }

    /// Review: schedule, rewrite the note, update the histogram, then the queue. Gives the
    /// edit and the note's parse before it.
    fn review(
        &mut self,
        card: CardId,
        r: Response,
    ) -> Result<Option<(NoteEdit, Note)>, ReviewError> {
        if r == Response::Reset && self.state(card) == State::New {
            // Reset on a new card writes nothing and re-queues it (`review.md` §5).
            self.requeue(card, Requeue::Immediate);
            return Ok(None);
        }
        let e = self.entries[card].clone();
        let slot = &self.notes[e.note];
        let old_group = slot.note.cards[e.card].schedule[e.sibling].clone();
        let graded = grade(
            &slot.text,
            &slot.note,
            e.card,
            &self.settings,
            &self.request(&e, r),
        )?;
        let new_text = apply_edits(&slot.text, &graded.edits);
        let (interval, due) = outcome_interval(&graded.outcome, self.tz);
        self.update_histogram(&old_group, interval);
        let (old_text, old_note) = self.rewrite(e.note, new_text.clone());
        let how = if r == Response::Reset {
            Requeue::Immediate
        } else if interval >= 1.0 {
            Requeue::Leave
        } else if due <= self.now {
            Requeue::Immediate
        } else {
            Requeue::Pending(due)
        };
        if self.entries[card].alive {
            self.requeue(card, how);
        } else {
            self.iter.clear_current();
        }
        let edit = NoteEdit {
            path: self.notes[e.note].path.clone(),
            edits: graded.edits,
            old_text,
            new_text,
        };
        Ok(Some((edit, old_note)))
    }

    /// The plugin's histogram update: the old due day loses one (never below 0), the new
    /// interval gains one (a fractional interval is a key no lookup ever asks for).
    fn update_histogram(&mut self, old: &Option<crate::plugin::sr_comment::Group>, interval: f64) {
        if let Some(k) = Due::of(old).day_key(self.today, self.now)
            && let Some(n) = self.histogram.get_mut(&k)
        {
            *n = n.saturating_sub(1);
        }
        if interval.fract() == 0.0 && interval.abs() < 1e15 {
            *self.histogram.entry(interval as i64).or_insert(0) += 1;
        }
    }

    /// Replaces a note's text with what the session wrote, re-parses it and re-finds its cards.
    /// Returns the text and parse before.
    fn rewrite(&mut self, note: usize, text: String) -> (String, Note) {
        let slot = &self.notes[note];
        let parsed = parse_note_with(&text, &self.settings, &slot.context, &self.engine);
        let slot = &mut self.notes[note];
        let old_text = std::mem::replace(&mut slot.text, text);
        let old_note = std::mem::replace(&mut slot.note, parsed);
        self.bump(note);
        self.remap(note, &old_note);
        (old_text, old_note)
    }

    /// The queue after an answer (`review.md` §5 step 3, §6).
    fn requeue(&mut self, card: CardId, how: Requeue) {
        let bury = self.settings.bury_sibling_cards;
        let question = self.question_of(card);
        let leaving = if bury { question.clone() } else { vec![card] };
        match how {
            Requeue::Leave => self.take_out(&leaving),
            Requeue::Pending(due) => {
                self.take_out(&leaving);
                self.pending.push((card, due));
            }
            Requeue::Immediate => {
                if bury {
                    let others: Vec<CardId> = question.into_iter().filter(|&c| c != card).collect();
                    self.queue.remove_everywhere(&others);
                }
                let list = self.list_of(card);
                self.iter.move_to_end(&mut self.queue, card, list);
            }
        }
    }

    /// Removes cards from every deck of the queue; the shown card is then gone.
    pub(super) fn take_out(&mut self, cards: &[CardId]) {
        self.queue.remove_everywhere(cards);
        self.iter.clear_current();
    }

    /// The live cards of the same question.
    pub(super) fn question_of(&self, card: CardId) -> Vec<CardId> {
        let Entry { note, card: c, .. } = self.entries[card];
        (0..self.entries.len())
            .filter(|&i| {
                let e = &self.entries[i];
                e.alive && e.note == note && e.card == c
            })
            .collect()
    }

    /// Learning steps whose time has come go to the end of the lists of all their decks.
    pub(super) fn wake(&mut self) {
        let now = self.now;
        let (ready, waiting): (Vec<_>, Vec<_>) = self.pending.drain(..).partition(|p| p.1 <= now);
        self.pending = waiting;
        for (card, _) in ready {
            if !self.entries[card].alive {
                continue;
            }
            let list = self.list_of(card);
            for d in self.entries[card].decks.clone() {
                self.queue.push(d, list, card);
            }
        }
        self.settle();
    }

    /// A new version number for a note whose text changed.
    pub(super) fn bump(&mut self, note: usize) {
        self.next_id += 1;
        let slot = &mut self.notes[note];
        slot.version = self.next_id;
        slot.headings = std::cell::OnceCell::new();
    }
}

/// The text an answer's edit started from.
fn edit_old_text(e: &Option<NoteEdit>) -> String {
    e.as_ref().map(|e| e.old_text.clone()).unwrap_or_default()
}
