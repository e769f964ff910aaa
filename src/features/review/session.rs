//! A review session: the notes, the plugin's two deck trees (every card, and the queue of new
//! and due cards), the iterator over the chosen deck, the pending learning steps, the histogram
//! and the undo stack. Answering, skipping and note changes are in [`super::answer`] and
//! [`super::refresh`].

use super::deck_tree::{CardId, DeckTree, List, deck_path};
use super::display::{
    self, HeadingLine, back_text, button_label, context_line, front_text, outcome_interval,
};
use super::order::{CardOrder, DeckIter, DeckOrder, Rng};
use crate::features::due::Due;
use crate::features::grade::{Edit, GradeError, GradeRequest, schedule_sibling};
use crate::note::{Note, NoteContext};
use crate::plugin::cloze::ClozeEngine;
use crate::plugin::scanner::CardType;
use crate::plugin::schedule::{Histogram, Response};
use crate::plugin::settings::Settings;
use crate::plugin::sr_comment::Group;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use std::cell::OnceCell;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A note handed to a session: where it is, its text, its parse, and its place in the vault
/// (for re-parsing it after an answer or a change).
#[derive(Debug, Clone)]
pub struct ReviewNote {
    pub path: PathBuf,
    pub text: String,
    pub note: Note,
    pub context: NoteContext,
}

/// Review (answers are scheduled and written) or cram (nothing is written, `review.md` §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Review,
    Cram,
}

/// What a session covers besides its notes: one deck and its sub-decks (`None`: all decks), and
/// whether it is the plugin's "review flashcards in this note" (decks not sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub deck: Option<String>,
    pub single_note: bool,
}

/// How to start a session. `today`/`now` are the injected clock (see the module doc of
/// [`super`]); `histogram` is the vault's due-date histogram for load balancing.
#[derive(Debug, Clone)]
pub struct Options {
    pub settings: Settings,
    pub scope: Scope,
    pub mode: Mode,
    /// The seed of the random orders.
    pub seed: u64,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub tz: Tz,
    pub histogram: Histogram,
}

/// Identifies a shown card at one version of its note; answers name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemId(pub u64);

/// One answer button: the response, its label as the plugin draws it, and the interval text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub response: Response,
    pub label: String,
    /// `3 day(s)`, `10 min`, … (`None` in cram mode or when the schedule cannot be computed).
    pub interval: Option<String>,
}

/// The card to show, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: ItemId,
    pub path: PathBuf,
    /// The question's first line, 0-based, in the note's text now.
    pub line: usize,
    /// The question's index among the note's cards (answers never change it).
    pub card: usize,
    /// The card's bytes in the note.
    pub span: Range<usize>,
    /// Which card of the question (0-based), and how many it has.
    pub sibling: usize,
    pub siblings: usize,
    /// The deck being reviewed (`flashcards/geo`).
    pub deck: String,
    pub kind: CardType,
    pub is_new: bool,
    /// The front (leading white space removed), as markdown.
    pub question: String,
    /// The back side alone (for cloze cards the text with the deletion revealed).
    pub answer: String,
    /// The back as the plugin shows it: cloze cards the revealed text, others the front, a
    /// horizontal rule and the back.
    pub back: String,
    /// ` file > heading > …` when `showContextInCards`.
    pub context: Option<String>,
    pub buttons: Vec<Button>,
}

/// The counts of a running session (the chosen deck and its sub-decks, distinct cards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Due cards left in the queue (cram: every scheduled card left).
    pub due: usize,
    /// New cards left in the queue.
    pub new: usize,
    /// Answers given (undone ones not counted).
    pub reviewed: usize,
    /// Learning steps waiting for their time.
    pub waiting: usize,
    /// When the first of those is due.
    pub next_wait: Option<DateTime<Utc>>,
}

/// One row of the plugin's deck list: the deck (`""` for All Decks) and its counts with
/// sub-decks (Seen is `total − due − new`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckRow {
    pub deck: String,
    pub due: usize,
    pub new: usize,
    pub total: usize,
}

/// A rewrite of one note: the edits against `old_text` give `new_text`. Write it only if the
/// file still holds `old_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteEdit {
    pub path: PathBuf,
    pub edits: Vec<Edit>,
    pub old_text: String,
    pub new_text: String,
}

/// What an answer did: the note to rewrite (none in cram mode and for Reset on a new card)
/// and the next card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerEffect {
    pub edit: Option<NoteEdit>,
    pub next: Option<Item>,
}

/// Why a session cannot do what was asked. Each message says what happened.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReviewError {
    #[error("there is no deck `{deck}`; the decks are: {}", if .decks.is_empty() { "none".to_string() } else { .decks.join(", ") })]
    NoSuchDeck { deck: String, decks: Vec<String> },
    #[error("no card is being shown")]
    NoCurrentCard,
    #[error("{0} changed since this card was shown; it was read again and nothing was written")]
    NoteChanged(PathBuf),
    #[error("{0} is gone; its cards left the session and nothing was written")]
    NoteRemoved(PathBuf),
    #[error("this card is no longer the one shown; nothing was written")]
    NotCurrent,
    #[error("{0}")]
    Grade(#[from] GradeError),
    #[error("there is no answer to undo")]
    NothingToUndo,
}

/// A note inside the session.
#[derive(Debug, Clone)]
pub(super) struct Slot {
    pub path: PathBuf,
    pub text: String,
    pub note: Note,
    pub context: NoteContext,
    /// Bumped on every change of `text`.
    pub version: u64,
    pub headings: OnceCell<Vec<HeadingLine>>,
}

/// One card (one sibling) of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    pub note: usize,
    pub card: usize,
    pub sibling: usize,
    /// Its decks in the trees.
    pub decks: Vec<usize>,
    /// Still a card of its note (a change can remove it).
    pub alive: bool,
}

/// The card on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shown {
    pub id: u64,
    pub card: CardId,
    pub deck: usize,
    pub version: u64,
}

/// The state an answer changes, for undo.
#[derive(Debug, Clone)]
pub(super) struct Snapshot {
    pub queue: DeckTree,
    pub iter: DeckIter,
    pub pending: Vec<(CardId, DateTime<Utc>)>,
    pub histogram: Histogram,
    pub rng: Rng,
    pub reviewed: usize,
    pub entries: Vec<Entry>,
    /// The note the answer rewrote: its index, text and parse before.
    pub note: Option<(usize, String, Note)>,
}

/// The new/due/not-due state of a card for the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    New,
    Due,
    NotDue,
}

/// A review session over parsed notes. See the module doc of [`super`].
#[derive(Debug)]
pub struct Session {
    pub(super) settings: Settings,
    pub(super) engine: ClozeEngine,
    pub(super) mode: Mode,
    pub(super) today: NaiveDate,
    pub(super) now: DateTime<Utc>,
    pub(super) tz: Tz,
    pub(super) notes: Vec<Slot>,
    pub(super) entries: Vec<Entry>,
    pub(super) queue: DeckTree,
    pub(super) start_deck: usize,
    pub(super) iter: DeckIter,
    pub(super) rng: Rng,
    pub(super) pending: Vec<(CardId, DateTime<Utc>)>,
    pub(super) histogram: Histogram,
    pub(super) reviewed: usize,
    pub(super) shown: Option<Shown>,
    pub(super) next_id: u64,
    pub(super) undo: Vec<Snapshot>,
    pub(super) rows: Vec<DeckRow>,
    pub(super) status_bar: usize,
    /// The item id an outside change invalidated, the note it was in, and whether the note
    /// is gone.
    pub(super) invalidated: Option<(u64, PathBuf, bool)>,
}

/// The settings of "review flashcards in this note": the flashcard-tag gate applies, but
/// `noteFoldersToIgnore` and `flashcardTagsToIgnore` do not (`review.md` §10).
pub fn single_note_settings(s: &Settings) -> Settings {
    let mut s = s.clone();
    s.note_folders_to_ignore.clear();
    s.flashcard_tags_to_ignore.clear();
    s
}

/// Whether the plugin reads a sibling as new: no group, the placeholder, or an unreadable FSRS
/// group.
pub(super) fn is_new(g: &Option<Group>) -> bool {
    match g {
        None | Some(Group::New { .. }) => true,
        Some(Group::Invalid(i)) => i.reasons.first().is_some_and(|r| r.starts_with("FSRS")),
        _ => false,
    }
}

/// The state of a sibling's schedule. An unreadable SM-2 group is scheduled, and due when its
/// date could be read and is past (answering it then reports what is wrong).
pub(super) fn state_of(g: &Option<Group>, today: NaiveDate, now: DateTime<Utc>) -> State {
    if is_new(g) {
        return State::New;
    }
    let due = match g {
        Some(Group::Invalid(i)) => i.due.is_some_and(|d| d <= today),
        g => Due::of(g).is_due(today, now),
    };
    if due { State::Due } else { State::NotDue }
}

impl Session {
    /// Starts a session: builds the deck trees from the notes in the order given, picks the
    /// deck (`NoSuchDeck` lists the decks there are) and the first card.
    pub fn start(notes: Vec<ReviewNote>, o: Options) -> Result<Session, ReviewError> {
        let notes: Vec<Slot> = notes
            .into_iter()
            .map(|n| Slot {
                path: n.path,
                text: n.text,
                note: n.note,
                context: n.context,
                version: 0,
                headings: OnceCell::new(),
            })
            .collect();
        let t = Trees::build(&notes, &o);
        let start_deck = match o.scope.deck.as_deref().map(deck_path) {
            None => 0,
            Some(p) => t.queue.find(&p).ok_or_else(|| ReviewError::NoSuchDeck {
                deck: p.clone(),
                decks: t.rows.iter().skip(1).map(|r| r.deck.clone()).collect(),
            })?,
        };
        let decks: Vec<usize> = t
            .queue
            .preorder(start_deck)
            .into_iter()
            .filter(|&d| t.queue.decks[d].own_count() > 0)
            .collect();
        let iter = DeckIter::new(
            CardOrder::from_setting(&o.settings.flashcard_card_order),
            DeckOrder::from_setting(&o.settings.flashcard_deck_order),
            decks,
        );
        let mut s = Session {
            engine: ClozeEngine::new(&o.settings.cloze_patterns),
            mode: o.mode,
            today: o.today,
            now: o.now,
            tz: o.tz,
            notes,
            entries: t.entries,
            status_bar: t.status_bar,
            queue: t.queue,
            start_deck,
            iter,
            rng: Rng::new(o.seed),
            pending: Vec::new(),
            histogram: o.histogram,
            reviewed: 0,
            shown: None,
            next_id: 1,
            undo: Vec::new(),
            rows: t.rows,
            settings: o.settings,
            invalidated: None,
        };
        s.settle();
        Ok(s)
    }

    /// The deck list the plugin shows before the session (All Decks first, then every deck in
    /// tree order), as it was at the start.
    pub fn deck_rows(&self) -> &[DeckRow] {
        &self.rows
    }

    /// The plugin's status bar count at the start: queued cards, a card in two decks twice.
    pub fn status_bar(&self) -> usize {
        self.status_bar
    }

    /// The path of the deck the session reviews (`""`: all decks).
    pub fn deck(&self) -> &str {
        &self.queue.decks[self.start_deck].path
    }

    /// Review or cram.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The session's "now" (answers happen at this instant).
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The paths of the session's notes, in the order given.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.notes.iter().map(|n| n.path.as_path())
    }

    /// The text the session holds for a note (what it expects on disk).
    pub fn text_of(&self, path: &Path) -> Option<&str> {
        self.slot_of(path).map(|i| self.notes[i].text.as_str())
    }

    /// Whether the `flashcardCardOrder` setting is one the plugin accepts without presenting
    /// any card (`0`–`4`, `toString`, …): srls follows it, and front ends can say why.
    pub fn order_presents_nothing(&self) -> bool {
        CardOrder::from_setting(&self.settings.flashcard_card_order) == CardOrder::Broken
    }

    /// The counts of the chosen deck and its sub-decks.
    pub fn counts(&self) -> Counts {
        Counts {
            due: self.queue.distinct(self.start_deck, &[List::Due]),
            new: self.queue.distinct(self.start_deck, &[List::New]),
            reviewed: self.reviewed,
            waiting: self.pending.len(),
            next_wait: self.pending.iter().map(|p| p.1).min(),
        }
    }

    /// The card to show now, or `None` when the session is over or waits for a learning step
    /// ([`Counts::next_wait`]).
    pub fn current(&self) -> Option<Item> {
        let sh = self.shown?;
        let e = &self.entries[sh.card];
        let slot = &self.notes[e.note];
        let card = slot.note.cards.get(e.card)?;
        let (front, back) = card.sides.get(e.sibling)?;
        let cloze = card.kind == CardType::Cloze;
        let context = self.settings.show_context_in_cards.then(|| {
            context_line(
                &file_stem(&slot.path),
                self.headings(e.note),
                card.first_line,
            )
        });
        Some(Item {
            id: ItemId(sh.id),
            path: slot.path.clone(),
            line: card.first_line,
            card: e.card,
            span: card.start..card.end,
            sibling: e.sibling,
            siblings: card.siblings(),
            deck: self.queue.decks[sh.deck].path.clone(),
            kind: card.kind,
            is_new: self.state(sh.card) == State::New,
            question: front_text(front),
            answer: back.clone(),
            back: back_text(front, back, cloze),
            context,
            buttons: self.buttons(sh.card),
        })
    }

    fn buttons(&self, card: CardId) -> Vec<Button> {
        let responses: &[Response] = match self.mode {
            Mode::Cram => &[Response::Again, Response::Easy],
            Mode::Review => &[
                Response::Again,
                Response::Hard,
                Response::Good,
                Response::Easy,
            ],
        };
        responses
            .iter()
            .map(|&r| {
                let interval = match self.mode {
                    Mode::Cram => None,
                    Mode::Review => self.interval_text(card, r),
                };
                Button {
                    response: r,
                    label: button_label(&self.settings, r, interval.as_deref()),
                    interval,
                }
            })
            .collect()
    }

    /// The interval an answer would give, as the button shows it.
    fn interval_text(&self, card: CardId, r: Response) -> Option<String> {
        let e = &self.entries[card];
        let slot = &self.notes[e.note];
        let c = slot.note.cards.get(e.card)?;
        let (o, _) = schedule_sibling(&slot.note, c, &self.settings, &self.request(e, r)).ok()?;
        let (interval, due) = outcome_interval(&o, self.tz);
        Some(display::schedule_interval(
            interval,
            Some(due),
            self.now,
            false,
        ))
    }

    pub(super) fn request(&self, e: &Entry, r: Response) -> GradeRequest<'_> {
        GradeRequest {
            sibling: e.sibling,
            response: r,
            today: self.today,
            now: self.now,
            tz: self.tz,
            histogram: &self.histogram,
        }
    }

    fn headings(&self, note: usize) -> &[HeadingLine] {
        let slot = &self.notes[note];
        slot.headings
            .get_or_init(|| headings_of(&slot.text, &slot.note))
    }

    pub(super) fn state(&self, card: CardId) -> State {
        state_of(
            entry_group(&self.notes, &self.entries[card]),
            self.today,
            self.now,
        )
    }

    /// The list a card belongs on by its state now.
    pub(super) fn list_of(&self, card: CardId) -> List {
        if self.state(card) == State::New {
            List::New
        } else {
            List::Due
        }
    }

    pub(super) fn slot_of(&self, path: &Path) -> Option<usize> {
        self.notes.iter().position(|n| n.path == path)
    }

    /// Picks the next card when none is shown, and gives a changed card a fresh id.
    pub(super) fn settle(&mut self) {
        let fresh = self.iter.current().is_none();
        if fresh {
            self.iter.advance(&self.queue, &mut self.rng);
        }
        let now_card = self.iter.current().zip(self.iter.current_card(&self.queue));
        self.shown = match now_card {
            None => None,
            Some((cur, card)) => {
                let version = self.notes[self.entries[card].note].version;
                match self.shown {
                    Some(s)
                        if !fresh
                            && s.card == card
                            && s.version == version
                            && s.deck == cur.deck =>
                    {
                        Some(s)
                    }
                    _ => {
                        self.next_id += 1;
                        Some(Shown {
                            id: self.next_id,
                            card,
                            deck: cur.deck,
                            version,
                        })
                    }
                }
            }
        };
    }
}

/// The group of an entry's sibling (`None` when the card is gone).
pub(super) fn entry_group<'a>(notes: &'a [Slot], e: &Entry) -> &'a Option<Group> {
    static NONE: Option<Group> = None;
    notes[e.note]
        .note
        .cards
        .get(e.card)
        .and_then(|c| c.schedule.get(e.sibling))
        .unwrap_or(&NONE)
}

/// What a session starts from: the card table, the queue, the deck list and the status bar.
struct Trees {
    entries: Vec<Entry>,
    queue: DeckTree,
    rows: Vec<DeckRow>,
    status_bar: usize,
}

impl Trees {
    /// The plugin's sync: the full tree (sorted, except for a single note), the remaining tree
    /// of new and due cards, and the queue (cram: every card).
    fn build(notes: &[Slot], o: &Options) -> Trees {
        let (entries, mut full) = build_tree(notes);
        if !o.scope.single_note {
            full.sort();
        }
        let states: Vec<State> = entries
            .iter()
            .map(|e| state_of(entry_group(notes, e), o.today, o.now))
            .collect();
        let review = full.filtered(|c| states[c] != State::NotDue);
        // A deck named twice on a tag line holds the card twice (only the status bar shows it).
        let repeats: usize = entries
            .iter()
            .zip(&states)
            .filter(|(_, s)| **s != State::NotDue)
            .map(|(e, _)| notes[e.note].note.cards[e.card].repeated_decks.len())
            .sum();
        let queue = match o.mode {
            Mode::Review => review.clone(),
            Mode::Cram => full.clone(),
        };
        Trees {
            rows: deck_rows(&full, &queue),
            status_bar: review.count_with_subdecks(0) + repeats,
            entries,
            queue,
        }
    }
}

/// The card table and the full deck tree, in the plugin's insertion order: notes, questions in
/// line order, siblings, then each deck of the question.
fn build_tree(notes: &[Slot]) -> (Vec<Entry>, DeckTree) {
    let mut tree = DeckTree::default();
    let mut entries = Vec::new();
    for (ni, slot) in notes.iter().enumerate() {
        for (ci, card) in slot.note.cards.iter().enumerate() {
            let decks: Vec<usize> = card
                .decks
                .iter()
                .map(|d| tree.get_or_create(&deck_path(d)))
                .collect();
            for (si, g) in card.schedule.iter().enumerate() {
                let id = entries.len();
                let list = if is_new(g) { List::New } else { List::Due };
                for &d in &decks {
                    tree.push(d, list, id);
                }
                entries.push(Entry {
                    note: ni,
                    card: ci,
                    sibling: si,
                    decks: decks.clone(),
                    alive: true,
                });
            }
        }
    }
    (entries, tree)
}

/// The deck list: every deck in tree order with its distinct due, new and total counts.
fn deck_rows(full: &DeckTree, queue: &DeckTree) -> Vec<DeckRow> {
    full.preorder(0)
        .into_iter()
        .map(|d| DeckRow {
            deck: full.decks[d].path.clone(),
            due: queue.distinct(d, &[List::Due]),
            new: queue.distinct(d, &[List::New]),
            total: full.distinct(d, &[List::New, List::Due]),
        })
        .collect()
}

/// The file name without its extension.
fn file_stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// The note's top-level headings (Obsidian's heading cache), with their lines.
fn headings_of(text: &str, note: &Note) -> Vec<HeadingLine> {
    crate::text::segments::Segments::of_text(text)
        .blocks()
        .headings
        .into_iter()
        .filter(|h| !h.nested)
        .map(|h| HeadingLine {
            line: note.lines.line_of(h.range.start),
            level: h.level,
            text: h.text,
        })
        .collect()
}
