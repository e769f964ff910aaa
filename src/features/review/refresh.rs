//! Notes that change under a running session: re-read them, keep the cards that are still
//! there, drop the rest. An answer to a card shown before the change is refused.

use super::deck_tree::CardId;
use super::session::{Session, State};
use crate::note::{Card, Note, parse_note_with};
use crate::plugin::js::text::trim;
use std::path::Path;

impl Session {
    /// Tells the session a note now holds `text` (changed on disk or in an editor). Its cards
    /// are found again by their text; cards that are gone, or (in review mode) no longer due or
    /// new, leave the session. The card on screen, if it is in that note and its own lines
    /// changed (or it is gone), gets a new id: an answer with the old one is refused
    /// ([`super::ReviewError::NoteChanged`]); an edit elsewhere in the note keeps it. Undo
    /// history is dropped. Returns whether the text differed from the session's.
    pub fn refresh_note(&mut self, path: &Path, text: &str) -> bool {
        let Some(i) = self.slot_of(path) else {
            return false;
        };
        if self.notes[i].text == text {
            return false;
        }
        let shown_before = self.shown_source(i);
        let slot = &self.notes[i];
        let parsed = parse_note_with(text, &self.settings, &slot.context, &self.engine);
        let slot = &mut self.notes[i];
        slot.text = text.to_string();
        let old = std::mem::replace(&mut slot.note, parsed);
        self.bump(i);
        self.remap(i, &old);
        if self.mode == super::Mode::Review {
            let stale: Vec<CardId> = (0..self.entries.len())
                .filter(|&c| self.entries[c].note == i && self.state(c) == State::NotDue)
                .collect();
            self.drop_cards(&stale);
        }
        let kept = shown_before.is_some() && self.shown_source(i) == shown_before;
        self.after_outside_change(i, false, kept);
        true
    }

    /// The text of the card on screen when it is a live card of `note`: its own lines, schedule
    /// comment included.
    fn shown_source(&self, note: usize) -> Option<String> {
        let e = &self.entries[self.shown?.card];
        if e.note != note || !e.alive {
            return None;
        }
        let slot = &self.notes[note];
        let card = slot.note.cards.get(e.card)?;
        slot.text.get(slot.note.card_span(card)).map(str::to_owned)
    }

    /// Tells the session a note is gone (deleted or unreadable): its cards leave the session.
    pub fn remove_note(&mut self, path: &Path) {
        let Some(i) = self.slot_of(path) else {
            return;
        };
        let cards: Vec<CardId> = (0..self.entries.len())
            .filter(|&c| self.entries[c].note == i)
            .collect();
        self.drop_cards(&cards);
        self.bump(i);
        self.after_outside_change(i, true, false);
    }

    /// Undo history is dropped, the shown card's id is retired when it was in `note` (unless
    /// `kept`: the card is still there, byte for byte).
    fn after_outside_change(&mut self, note: usize, removed: bool, kept: bool) {
        self.undo.clear();
        if kept && let Some(sh) = &mut self.shown {
            // The same card, read from the note's new version.
            sh.version = self.notes[note].version;
        }
        if let Some(sh) = self.shown
            && !kept
            && self.entries[sh.card].note == note
        {
            self.invalidated = Some((sh.id, self.notes[note].path.clone(), removed));
            match self.iter.current_card(&self.queue) {
                Some(c) if c == sh.card && self.entries[c].alive => {}
                _ => self.iter.clear_current(),
            }
        }
        self.settle();
    }

    /// Marks cards dead and takes them out of the queue and the pending list.
    fn drop_cards(&mut self, cards: &[CardId]) {
        for &c in cards {
            self.entries[c].alive = false;
        }
        let shown = self.iter.current_card(&self.queue);
        self.queue.remove_everywhere(cards);
        self.pending.retain(|p| !cards.contains(&p.0));
        if shown.is_some_and(|c| cards.contains(&c)) {
            self.iter.clear_current();
        } else if let Some(c) = shown {
            self.iter.relocate(&self.queue, c);
        }
    }

    /// After a note's parse changed: each live card of the note is found again (same kind and
    /// sides, the nearest to its old line); cards not found are dropped.
    pub(super) fn remap(&mut self, note: usize, old: &Note) {
        let new = &self.notes[note].note;
        let mut lost = Vec::new();
        let mut moved = Vec::new();
        for (id, e) in self.entries.iter().enumerate() {
            if e.note != note || !e.alive {
                continue;
            }
            let found = old
                .cards
                .get(e.card)
                .and_then(|c| find_card(new, c, e.card, old.cards.len()))
                .filter(|&j| e.sibling < new.cards[j].siblings());
            match found {
                Some(j) if j == e.card => {}
                Some(j) => moved.push((id, j)),
                None => lost.push(id),
            }
        }
        for (id, j) in moved {
            self.entries[id].card = j;
        }
        self.drop_cards(&lost);
    }
}

/// The card of `new` that is `card` (same kind and sides), preferring index `hint`, else the
/// one whose first line is nearest; failing that, when the note has as many cards as before
/// (`old_count`), the card of the same kind at `hint` (its text was edited).
fn find_card(new: &Note, card: &Card, hint: usize, old_count: usize) -> Option<usize> {
    // Sides are compared trimmed: moving a comment off the card's line changes trailing space.
    let trimmed = |c: &Card| -> Vec<(String, String)> {
        c.sides
            .iter()
            .map(|(f, b)| (trim(f).to_string(), trim(b).to_string()))
            .collect()
    };
    let want = trimmed(card);
    let same = |c: &Card| c.kind == card.kind && trimmed(c) == want;
    if new.cards.get(hint).is_some_and(same) {
        return Some(hint);
    }
    new.cards
        .iter()
        .enumerate()
        .filter(|(_, c)| same(c))
        .min_by_key(|(_, c)| c.first_line.abs_diff(card.first_line))
        .map(|(j, _)| j)
        .or_else(|| {
            let c = new.cards.get(hint)?;
            (new.cards.len() == old_count && c.kind == card.kind).then_some(hint)
        })
}
