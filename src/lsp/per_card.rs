//! Values kept card by card across edits: after a reparse in place the cards before its window
//! keep theirs, the cards after it move theirs by the window's line and byte deltas, and only
//! the cards whose first line lies in the window are computed afresh (see
//! [`ReparseWindow`]). What the whole-document answers (`documentSymbol`, `foldingRange`,
//! `codeLens`) are built from, so that after a keystroke they cost the edit, not the note.

use crate::features::due::{Counts, NoteSummary, card_summary};
use crate::features::outline;
use crate::lsp::handlers::outline::{folding_range, symbol};
use crate::lsp::open_note::OpenNote;
use crate::note::incremental::{ReparseWindow, Reparsed};
use crate::note::{Card, Note};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use std::ops::Range;
use tower_lsp_server::ls_types::{DocumentSymbol, FoldingRange};

/// One value per card of a note (`note.cards`, in order).
///
/// Invalidated by anything that changes the cards outside a reparse window: a full reparse, a
/// settings reparse, and cards moving between kept and dropped (a tag typed above them). The
/// owner drops it then (see `KeptAnswers`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerCard<T>(Vec<T>);

impl<T> PerCard<T> {
    /// The values of every card of `note`: what [`PerCard::follow`] keeps up to date, started
    /// from nothing.
    pub fn build(note: &Note, of: impl FnMut(&Card) -> T) -> PerCard<T> {
        PerCard(note.cards.iter().map(of).collect())
    }

    /// Follows a reparse in place of the note the values were computed for, `note` being the
    /// reparsed one: keeps the values before `w`, moves those after it with `shift`, computes
    /// those of the cards in it with `of`. Returns the replaced values and the indices of the
    /// fresh ones, or `None` (the values left as they were) when the card counts do not fit
    /// the window, which the caller answers by building afresh.
    pub fn follow(
        &mut self,
        note: &Note,
        w: &ReparseWindow,
        of: impl FnMut(&Card) -> T,
        shift: impl FnMut(&mut T),
    ) -> Option<(Vec<T>, Range<usize>)> {
        let cards = &note.cards;
        let a = cards.partition_point(|c| c.first_line < w.lines_new.start);
        let b_new = cards.partition_point(|c| c.first_line < w.lines_new.end);
        let after = cards.len() - b_new;
        if self.0.len() < a + after {
            return None;
        }
        let b_old = self.0.len() - after;
        self.0[b_old..].iter_mut().for_each(shift);
        let fresh = cards[a..b_new].iter().map(of);
        let old = if b_old == b_new {
            // As many cards as before (a keystroke inside one): replaced in place, the values
            // after them not moved in memory.
            let slots = self.0[a..b_old].iter_mut();
            slots
                .zip(fresh)
                .map(|(v, f)| std::mem::replace(v, f))
                .collect()
        } else {
            self.0.splice(a..b_old, fresh).collect()
        };
        Some((old, a..b_new))
    }

    /// The values, in card order.
    pub fn values(&self) -> &[T] {
        &self.0
    }
}

/// The clock per-card values were computed at (`today`, `now`), kept with them: due labels and
/// counts follow the clock, which keys them by day and minute (an FSRS label is in minutes at
/// the finest).
#[derive(Debug, Clone, Copy, PartialEq)]
struct At {
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl At {
    /// Whether values computed at `self` hold at `today` / `now`: the same day and minute.
    fn holds_at(&self, today: NaiveDate, now: DateTime<Utc>) -> bool {
        self.today == today && minute(self.now) == minute(now)
    }
}

fn minute(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

/// The due tallies of every card, summed: the counts, and each next due day with how many
/// cards have it as their soonest (so that the soonest of all survives a card's removal).
#[derive(Debug, Clone, Default)]
struct DueTotal {
    counts: Counts,
    next: BTreeMap<i64, usize>,
}

impl DueTotal {
    fn add(&mut self, t: &NoteSummary) {
        self.counts.due += t.counts.due;
        self.counts.new += t.counts.new;
        if let Some(n) = t.next_in_days {
            *self.next.entry(n).or_insert(0) += 1;
        }
    }

    fn remove(&mut self, t: &NoteSummary) {
        self.counts.due -= t.counts.due;
        self.counts.new -= t.counts.new;
        if let Some(n) = t.next_in_days
            && let Some(k) = self.next.get_mut(&n)
        {
            *k -= 1;
            if *k == 0 {
                self.next.remove(&n);
            }
        }
    }

    fn summary(&self) -> NoteSummary {
        NoteSummary {
            counts: self.counts,
            next_in_days: self.next.keys().next().copied(),
        }
    }
}

/// The per-card parts of the whole-document answers of an open note, each built the first time
/// it is asked for and from then on kept up to date edit by edit ([`PerCard::follow`]): the
/// cards' outline entries, their folds, and their due tallies with their sum (the code lens).
///
/// Invalidated (dropped, rebuilt when next asked) by a full reparse, a settings reparse, cards
/// moving between kept and dropped, and, for the entries and tallies, a clock in another minute
/// than the one they were computed at. Headings are not kept here (they come from the trees'
/// headed segments at each request).
#[derive(Debug, Default)]
pub struct KeptAnswers {
    symbols: Option<(At, PerCard<DocumentSymbol>)>,
    folds: Option<PerCard<Option<FoldingRange>>>,
    tallies: Option<(At, PerCard<NoteSummary>, DueTotal)>,
}

impl KeptAnswers {
    /// Follows the reparse `how` of `open`'s note (already applied); `follows` is false when
    /// cards may have moved between kept and dropped, which drops everything.
    pub fn follow(&mut self, open: &OpenNote, how: &Reparsed, follows: bool) {
        let w = match how {
            Reparsed::Window(w) if follows => w,
            _ => return *self = KeptAnswers::default(),
        };
        let (note, dl) = (open.note(), w.dl);
        if let Some((at, s)) = &mut self.symbols {
            let of = |c: &Card| card_symbol(open, c, at.today, at.now);
            if s.follow(note, w, of, |s| shift_symbol(s, dl)).is_none() {
                self.symbols = None;
            }
        }
        if let Some(f) = &mut self.folds {
            let of = |c: &Card| card_folding_range(open, c);
            if f.follow(note, w, of, |f| shift_fold(f, dl)).is_none() {
                self.folds = None;
            }
        }
        if let Some((at, t, total)) = &mut self.tallies {
            let of = |c: &Card| card_summary(c, at.today, at.now);
            match t.follow(note, w, of, |_| {}) {
                Some((old, fresh)) => {
                    old.iter().for_each(|x| total.remove(x));
                    t.values()[fresh].iter().for_each(|x| total.add(x));
                }
                None => self.tallies = None,
            }
        }
    }

    /// The cards' outline entries at `today` / `now`, in card order.
    pub fn card_symbols(
        &mut self,
        open: &OpenNote,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> &[DocumentSymbol] {
        if !self
            .symbols
            .as_ref()
            .is_some_and(|(at, _)| at.holds_at(today, now))
        {
            let of = |c: &Card| card_symbol(open, c, today, now);
            self.symbols = Some((At { today, now }, PerCard::build(open.note(), of)));
        }
        self.symbols.as_ref().map_or(&[], |(_, s)| s.values())
    }

    /// The cards' folds, in card order.
    pub fn folds(&mut self, open: &OpenNote) -> impl Iterator<Item = &FoldingRange> {
        let f = self
            .folds
            .get_or_insert_with(|| PerCard::build(open.note(), |c| card_folding_range(open, c)));
        f.values().iter().flatten()
    }

    /// The note's due summary at `today` / `now` (the code lens).
    pub fn summary(
        &mut self,
        open: &OpenNote,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> NoteSummary {
        if !self
            .tallies
            .as_ref()
            .is_some_and(|(at, ..)| at.holds_at(today, now))
        {
            let t = PerCard::build(open.note(), |c| card_summary(c, today, now));
            let mut total = DueTotal::default();
            t.values().iter().for_each(|x| total.add(x));
            self.tallies = Some((At { today, now }, t, total));
        }
        self.tallies
            .as_ref()
            .map_or_else(NoteSummary::default, |(_, _, t)| t.summary())
    }
}

fn card_symbol(open: &OpenNote, c: &Card, today: NaiveDate, now: DateTime<Utc>) -> DocumentSymbol {
    symbol(open, &outline::card_item(open.note(), c, today, now))
}

fn card_folding_range(open: &OpenNote, c: &Card) -> Option<FoldingRange> {
    let f = outline::card_fold(open.text(), open.note(), c, &open.vault().settings);
    f.map(folding_range)
}

fn shift_line(line: &mut u32, dl: isize) {
    *line = (*line as isize + dl) as u32;
}

/// A card's symbol moved `dl` lines: whole lines moved, so its characters stay.
fn shift_symbol(s: &mut DocumentSymbol, dl: isize) {
    for r in [&mut s.range, &mut s.selection_range] {
        shift_line(&mut r.start.line, dl);
        shift_line(&mut r.end.line, dl);
    }
}

fn shift_fold(f: &mut Option<FoldingRange>, dl: isize) {
    if let Some(f) = f {
        shift_line(&mut f.start_line, dl);
        shift_line(&mut f.end_line, dl);
    }
}
