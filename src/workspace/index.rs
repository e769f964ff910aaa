//! The workspace index: a summary of every note's cards, for due counts, load balancing,
//! next-due navigation and workspace symbols. Open documents always win over files on disk.

use super::tables::VaultTables;
use crate::features::due::{Counts, Due, Dues, in_deck, sibling_dues};
use crate::features::duplicates::QuestionKey;
use crate::note::Note;
use crate::plugin::schedule::Histogram;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One card, as much as vault-wide features need.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedCard {
    /// 0-based first line of the card's text and the byte range of that line's start.
    pub line: usize,
    /// The question on one line, at most 80 characters.
    pub question: Box<str>,
    /// Shared by consecutive cards of a note in the same decks (the usual case: one tag line).
    pub decks: Arc<[String]>,
    pub dues: Dues,
    /// The normalised question ([`crate::features::duplicates::question_key`]), shared with the
    /// vault's questions table.
    pub key: Option<QuestionKey>,
}

/// One note of the index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedNote {
    /// Shared with the index's key and the tables' entries (one allocation per note).
    pub path: Arc<Path>,
    /// Shared by the notes of a vault once indexed ([`Index::set_disk`] interns it).
    pub vault_root: Option<Arc<Path>>,
    pub cards: Vec<IndexedCard>,
    /// The note's tags (body and front matter), each once; shared like the decks.
    pub tags: Arc<[String]>,
}

impl IndexedNote {
    pub fn from_note(path: &Path, vault_root: Option<PathBuf>, note: &Note) -> IndexedNote {
        IndexedNote {
            path: path.into(),
            vault_root: vault_root.map(Arc::from),
            cards: indexed_cards(&note.cards),
            tags: note_tags(note).into(),
        }
    }
}

/// The index's entries of some cards, in order; consecutive cards in the same decks share one
/// list.
fn indexed_cards(cards: &[crate::note::Card]) -> Vec<IndexedCard> {
    let mut decks: Arc<[String]> = Arc::new([]);
    let mut card = |c: &crate::note::Card| {
        if *decks != *c.decks {
            decks = c.decks.as_slice().into();
        }
        IndexedCard {
            line: c.start_line(),
            question: crate::features::report::one_line(c.question(), 80).into_boxed_str(),
            decks: decks.clone(),
            dues: sibling_dues(c),
            key: c.key,
        }
    };
    cards.iter().map(&mut card).collect()
}

/// The question keys asked by a different number of cards in `a` and in `b` (gained, lost, or
/// asked once more or less: a peer's message counts them), sorted.
pub fn changed_keys(
    a: impl IntoIterator<Item = QuestionKey>,
    b: impl IntoIterator<Item = QuestionKey>,
) -> Vec<QuestionKey> {
    let sorted = |keys: Vec<QuestionKey>| {
        let mut keys = keys;
        keys.sort_unstable();
        keys
    };
    let a = sorted(a.into_iter().collect());
    let b = sorted(b.into_iter().collect());
    let count = |v: &[QuestionKey], k: &QuestionKey| {
        v.partition_point(|x| x <= k) - v.partition_point(|x| x < k)
    };
    let mut out: Vec<QuestionKey> = a.iter().chain(&b).copied().collect();
    out.sort_unstable();
    out.dedup();
    out.retain(|k| count(&a, k) != count(&b, k));
    out
}

/// The question keys of some cards.
fn keys_of(cards: &[IndexedCard]) -> impl Iterator<Item = QuestionKey> + '_ {
    cards.iter().filter_map(|c| c.key)
}

/// What of an open note is as it was when last copied into the index: its first `head` lines
/// and its last `tail` lines (moved by the change in line count since), with the same cards
/// and decks, out of the `lines` it had then; and whether its tag names are the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeptLines {
    pub head: usize,
    pub tail: usize,
    pub lines: usize,
    pub tags_kept: bool,
}

/// A note's tag names, each once, in order.
fn note_tags(note: &Note) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let names = note.tags.iter().map(|t| t.name.clone());
    names.filter(|t| seen.insert(t.clone())).collect()
}

/// The due moments of a vault's scheduled sides, by value: what the due-date histogram is made
/// of, kept as notes come and go so a request converts it (one entry per distinct day or
/// instant) instead of walking every note.
#[derive(Debug, Default, Clone, PartialEq)]
struct DueTable {
    days: BTreeMap<NaiveDate, u32>,
    instants: BTreeMap<DateTime<Utc>, u32>,
}

/// Counts a key in (`add`) or out of a multiset `n` times, dropping it at zero.
pub(crate) fn bump<K: Ord>(map: &mut BTreeMap<K, u32>, key: K, n: u32, add: bool) {
    match map.entry(key) {
        Entry::Vacant(e) if add => {
            e.insert(n);
        }
        Entry::Vacant(_) => {}
        Entry::Occupied(mut e) if add => *e.get_mut() += n,
        Entry::Occupied(mut e) => {
            *e.get_mut() = e.get().saturating_sub(n);
            if *e.get() == 0 {
                e.remove();
            }
        }
    }
}

impl DueTable {
    /// Adds (`add`) or removes the scheduled sides of some cards.
    fn apply(&mut self, cards: &[IndexedCard], add: bool) {
        for d in cards.iter().flat_map(|c| &c.dues) {
            match d {
                Due::Day(day) => bump(&mut self.days, *day, 1, add),
                Due::Instant(t) => bump(&mut self.instants, *t, 1, add),
                Due::New | Due::Invalid => {}
            }
        }
    }

    /// The histogram as of `today` / `now` (the same keys as [`crate::features::due::add_to_histogram`]).
    fn histogram(&self, today: NaiveDate, now: DateTime<Utc>) -> Histogram {
        let mut histogram = Histogram::new();
        let days = self.days.iter().map(|(d, n)| (Due::Day(*d), *n));
        let instants = self.instants.iter().map(|(t, n)| (Due::Instant(*t), *n));
        for (due, n) in days.chain(instants) {
            if let Some(k) = due.day_key(today, now) {
                *histogram.entry(k).or_insert(0) += n;
            }
        }
        histogram
    }
}

/// The index: files on disk, with open documents laid over them.
#[derive(Debug, Default)]
pub struct Index {
    disk: HashMap<Arc<Path>, IndexedNote>,
    open: HashMap<Arc<Path>, IndexedNote>,
    /// The due table of each vault root, over the visible notes (open ones win). Invalidated
    /// by nothing: every change of `disk` or `open` goes through [`Index::replace`], which
    /// takes the old visible note out and puts the new one in.
    due: HashMap<Option<Arc<Path>>, DueTable>,
    /// Questions, decks and tags of each vault root, kept the same way.
    tables: HashMap<Option<Arc<Path>>, VaultTables>,
    lists: Lists,
    pub ready: bool,
}

/// A note's deck or tag list.
type List = Arc<[String]>;

/// Deck and tag lists as the index already holds them, so that the notes with the same list
/// (the usual case: one tag line in every note) share one allocation. Lists no note holds any
/// more are dropped each time the set has doubled since the last sweep.
#[derive(Debug, Default)]
struct Lists {
    set: std::collections::HashSet<Arc<[String]>>,
    swept: usize,
}

impl Lists {
    fn intern(&mut self, list: &mut Arc<[String]>) {
        if let Some(held) = self.set.get(list) {
            *list = held.clone();
            return;
        }
        if self.set.len() >= 2 * self.swept + 64 {
            self.set.retain(|l| Arc::strong_count(l) > 1);
            self.swept = self.set.len();
        }
        self.set.insert(list.clone());
    }

    /// Shares a note's tags and its cards' deck lists with the notes holding the same.
    fn share(&mut self, n: &mut IndexedNote) {
        self.intern(&mut n.tags);
        self.share_cards(&mut n.cards);
    }

    /// Shares the cards' deck lists with the notes holding the same.
    fn share_cards(&mut self, cards: &mut [IndexedCard]) {
        // The previous card's list as built, and as shared.
        let mut last: Option<(List, List)> = None;
        for c in cards {
            match &last {
                // Consecutive cards already share their list (`IndexedNote::from_note`).
                Some((was, now)) if Arc::ptr_eq(was, &c.decks) => c.decks = now.clone(),
                _ => {
                    let was = c.decks.clone();
                    self.intern(&mut c.decks);
                    last = Some((was, c.decks.clone()));
                }
            }
        }
    }
}

impl Index {
    /// Applies a change to one path, keeping the due tables equal to the visible notes.
    fn replace(&mut self, p: &Path, change: impl FnOnce(&mut Index)) {
        self.count_visible(p, false);
        change(self);
        self.count_visible(p, true);
    }

    /// Counts the visible note of a path in (`add`) or out of its vault's due table.
    fn count_visible(&mut self, p: &Path, add: bool) {
        let Index {
            disk,
            open,
            due,
            tables,
            ..
        } = self;
        if let Some(n) = open.get(p).or_else(|| disk.get(p)) {
            due.entry(n.vault_root.clone())
                .or_default()
                .apply(&n.cards, add);
            tables
                .entry(n.vault_root.clone())
                .or_default()
                .apply(n, add);
        }
    }

    /// The vault root as already held by the index, so that its notes share one allocation.
    fn intern_root(&self, n: &mut IndexedNote) {
        if let Some((Some(root), _)) = self.due.get_key_value(&n.vault_root) {
            n.vault_root = Some(root.clone());
        }
    }

    /// Sets a note as read from disk.
    pub fn set_disk(&mut self, mut n: IndexedNote) {
        self.intern_root(&mut n);
        self.lists.share(&mut n);
        let p = n.path.clone();
        self.replace(&p, |ix| {
            ix.disk.insert(p.clone(), n);
        });
    }
    /// Forgets a note on disk.
    pub fn remove_disk(&mut self, p: &Path) {
        self.replace(p, |ix| {
            ix.disk.remove(p);
        });
    }
    /// Forgets every note on disk under a folder (renamed or deleted as a whole).
    pub fn remove_under(&mut self, dir: &Path) {
        self.retain_disk(|p| !p.starts_with(dir));
    }
    /// Keeps only the notes on disk that `keep` accepts (a full re-index drops what it did not
    /// find).
    pub fn retain_disk(&mut self, mut keep: impl FnMut(&Path) -> bool) {
        let gone: Vec<Arc<Path>> = self.disk.keys().filter(|p| !keep(p)).cloned().collect();
        for p in gone {
            self.remove_disk(&p);
        }
    }
    /// Sets an open note (it wins over the file).
    pub fn set_open(&mut self, mut n: IndexedNote) {
        self.intern_root(&mut n);
        self.lists.share(&mut n);
        let p = n.path.clone();
        self.replace(&p, |ix| {
            ix.open.insert(p.clone(), n);
        });
    }
    /// Brings an open note's entry up to date with `note` (its parse now), when only the lines
    /// between `kept.head` and `kept.tail` changed since the entry was made ([`KeptLines`]):
    /// the cards there are replaced, the cards after them moved, the tables and due counts
    /// corrected by what was replaced. Returns the question keys whose number of cards in the
    /// note changed ([`changed_keys`] of the replaced and the fresh cards), or `None`, changing
    /// nothing, when the entry is not there or its cards do not fit (then [`Index::set_open`]
    /// replaces it whole).
    pub fn follow_open(
        &mut self,
        p: &Path,
        note: &Note,
        kept: KeptLines,
    ) -> Option<Vec<QuestionKey>> {
        let Index {
            open,
            due,
            tables,
            lists,
            ..
        } = self;
        let entry = open.get_mut(p)?;
        let lines = note.lines.len();
        let (end_new, end_old) = (
            lines.checked_sub(kept.tail)?,
            kept.lines.checked_sub(kept.tail)?,
        );
        let head = kept.head.min(end_new).min(end_old);
        let cards = &note.cards;
        let a = cards.partition_point(|c| c.start_line() < head);
        let b = cards.partition_point(|c| c.start_line() < end_new);
        let a_old = entry.cards.partition_point(|c| c.line < head);
        let b_old = entry.cards.partition_point(|c| c.line < end_old);
        if a != a_old || cards.len() - b != entry.cards.len() - b_old {
            return None;
        }
        let mut fresh = indexed_cards(&cards[a..b]);
        lists.share_cards(&mut fresh);
        let due = due.entry(entry.vault_root.clone()).or_default();
        let t = tables.entry(entry.vault_root.clone()).or_default();
        let path = entry.path.clone();
        let dl = lines as isize - kept.lines as isize;
        let changed = changed_keys(keys_of(&entry.cards[a..b_old]), keys_of(&fresh));
        let n = fresh.len();
        // As many cards as before (a keystroke inside one): replaced in place, the cards after
        // them not moved in memory.
        let replaced: Vec<IndexedCard> = if n == b_old - a {
            let slots = entry.cards[a..b_old].iter_mut();
            slots
                .zip(fresh)
                .map(|(c, f)| std::mem::replace(c, f))
                .collect()
        } else {
            entry.cards.splice(a..b_old, fresh).collect()
        };
        due.apply(&replaced, false);
        t.apply_cards(&path, &replaced, false);
        if dl != 0 {
            let moved = &mut entry.cards[a + n..];
            t.move_questions(&path, moved, dl);
            moved
                .iter_mut()
                .for_each(|c| c.line = c.line.wrapping_add_signed(dl));
        }
        let fresh = &entry.cards[a..a + n];
        due.apply(fresh, true);
        t.apply_cards(&path, fresh, true);
        if !kept.tags_kept {
            let mut tags: Arc<[String]> = note_tags(note).into();
            lists.intern(&mut tags);
            t.apply_tags(&path, &entry.tags, false);
            entry.tags = tags;
            t.apply_tags(&path, &entry.tags, true);
        }
        Some(changed)
    }

    /// A note closed in the editor: the file shows again.
    pub fn close(&mut self, p: &Path) {
        self.replace(p, |ix| {
            ix.open.remove(p);
        });
    }
    pub fn len(&self) -> usize {
        self.notes().count()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every note, open documents first-class.
    pub fn notes(&self) -> impl Iterator<Item = &IndexedNote> {
        self.open.values().chain(
            self.disk
                .values()
                .filter(|n| !self.open.contains_key(&n.path)),
        )
    }

    /// The question keys of the visible note at `p`, one per card that has one.
    pub fn question_keys(&self, p: &Path) -> Vec<QuestionKey> {
        let cards = self.note(p).map(|n| n.cards.as_slice()).unwrap_or(&[]);
        keys_of(cards).collect()
    }

    /// Whether an open note is laid over the path.
    pub fn is_open(&self, p: &Path) -> bool {
        self.open.contains_key(p)
    }

    /// The visible note of a path (open wins).
    pub fn note(&self, p: &Path) -> Option<&IndexedNote> {
        self.open.get(p).or_else(|| self.disk.get(p))
    }

    /// The questions, decks and tags of one vault.
    pub fn tables(&self, root: Option<&Path>) -> Option<&VaultTables> {
        self.tables.get(&root.map(Arc::from))
    }

    /// Due-date histogram of one vault (all notes whose vault root is `root`), from its due
    /// table: one step per distinct due day or instant, not per note.
    pub fn histogram(
        &self,
        root: Option<&Path>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Histogram {
        let key = root.map(Arc::from);
        self.due
            .get(&key)
            .map(|t| t.histogram(today, now))
            .unwrap_or_default()
    }

    /// The histogram walked from every note (what [`Index::histogram`] must equal).
    #[cfg(test)]
    fn histogram_walked(
        &self,
        root: Option<&Path>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Histogram {
        let mut histogram = Histogram::new();
        for n in self.notes().filter(|n| n.vault_root.as_deref() == root) {
            for c in &n.cards {
                crate::features::due::add_to_histogram(&mut histogram, &c.dues, today, now);
            }
        }
        histogram
    }

    /// Due and new sides per deck (without `#`, sorted), and the total ([`Counts`]: each side
    /// is a card, as the plugin counts).
    pub fn summary(&self, today: NaiveDate, now: DateTime<Utc>) -> (Counts, Vec<(String, Counts)>) {
        let mut total = Counts::default();
        let mut decks: HashMap<String, Counts> = HashMap::new();
        for c in self.notes().flat_map(|n| &n.cards) {
            total.add_card(&c.dues, today, now);
            for d in c.decks.iter() {
                let key = d.trim_start_matches('#').to_string();
                decks.entry(key).or_default().add_card(&c.dues, today, now);
            }
        }
        let mut v: Vec<(String, Counts)> = decks
            .into_iter()
            .filter(|(_, c)| c.due + c.new > 0)
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        (total, v)
    }

    /// Cards whose question contains `query` (case-insensitive; all when empty), at most
    /// `limit`.
    pub fn find_cards(&self, query: &str, limit: usize) -> Vec<(&IndexedNote, &IndexedCard)> {
        let q = query.to_lowercase();
        self.notes()
            .flat_map(|n| n.cards.iter().map(move |c| (n, c)))
            .filter(|(_, c)| q.is_empty() || c.question.to_lowercase().contains(&q))
            .take(limit)
            .collect()
    }

    /// The most overdue due card (ties: path, line), optionally in a deck (and its sub-decks).
    pub fn next_due(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
        deck: Option<&str>,
    ) -> Option<(&IndexedNote, &IndexedCard)> {
        let mut best: Option<(i64, &IndexedNote, &IndexedCard)> = None;
        for n in self.notes() {
            for c in &n.cards {
                if deck.is_some_and(|d| !in_deck(&c.decks, d)) {
                    continue;
                }
                let key = c
                    .dues
                    .iter()
                    .filter(|d| d.is_due(today, now))
                    .filter_map(|d| d.day_key(today, now))
                    .min();
                let Some(k) = key else { continue };
                let better = match &best {
                    None => true,
                    Some((bk, bn, bc)) => (k, &n.path, c.line) < (*bk, &bn.path, bc.line),
                };
                if better {
                    best = Some((k, n, c));
                }
            }
        }
        best.map(|(_, n, c)| (n, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn note(path: u8, root: u8, dues: &[(u8, u8)]) -> IndexedNote {
        let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let t0 = base.and_hms_opt(0, 0, 0).unwrap().and_utc();
        IndexedNote {
            path: Path::new(&format!("/v{}/d{}/n{path}.md", root % 2, path % 3)).into(),
            vault_root: Some(Path::new(&format!("/v{}", root % 2)).into()),
            cards: vec![IndexedCard {
                line: 0,
                question: "q".into(),
                decks: ["#flashcards".to_string()].into(),
                dues: dues
                    .iter()
                    .map(|&(kind, v)| match kind % 4 {
                        0 => Due::New,
                        1 => Due::Invalid,
                        2 => Due::Day(base + chrono::Days::new(v as u64 % 20)),
                        _ => Due::Instant(t0 + chrono::Duration::hours(v as i64 * 7)),
                    })
                    .collect(),
                key: None,
            }],
            tags: Arc::new([]),
        }
    }

    /// Notes with the same deck and tag lists share one allocation; lists no note holds are
    /// swept once the set has doubled, and a list still held is never swept.
    #[test]
    fn equal_lists_are_shared_and_unheld_ones_swept() {
        let mut ix = Index::default();
        let with = |i: usize, deck: &str| IndexedNote {
            path: Path::new(&format!("/v/n{i}.md")).into(),
            vault_root: Some(Path::new("/v").into()),
            cards: vec![IndexedCard {
                line: 0,
                question: "q".into(),
                decks: [deck.to_string()].into(),
                dues: Default::default(),
                key: None,
            }],
            tags: [deck.to_string()].into(),
        };
        ix.set_disk(with(0, "#flashcards"));
        ix.set_disk(with(1, "#flashcards"));
        let (a, b) = (
            ix.note(Path::new("/v/n0.md")).unwrap(),
            ix.note(Path::new("/v/n1.md")).unwrap(),
        );
        assert!(Arc::ptr_eq(&a.cards[0].decks, &b.cards[0].decks));
        assert!(Arc::ptr_eq(&a.tags, &a.cards[0].decks));
        // A note retagged 200 times (as while typing) leaves a bounded set behind.
        for i in 0..200 {
            ix.set_open(with(2, &format!("#flashcards/{i}")));
        }
        assert!(ix.lists.set.len() < 140, "{}", ix.lists.set.len());
        let still = &ix.note(Path::new("/v/n0.md")).unwrap().tags;
        assert!(ix.lists.set.contains(still));
    }

    proptest! {
        /// The incrementally kept histogram equals one walked from every visible note, after
        /// any sequence of index changes (a note moving between vaults included).
        #[test]
        fn kept_histogram_equals_the_walked_one(
            ops in prop::collection::vec((0u8..6, 0u8..8, 0u8..2, prop::collection::vec((0u8..4, 0u8..50), 0..4)), 0..60),
            day in 0u64..30,
        ) {
            let mut ix = Index::default();
            for (op, path, root, dues) in &ops {
                let n = note(*path, *root, dues);
                match op {
                    0 | 1 => ix.set_disk(n),
                    2 => ix.set_open(n),
                    3 => ix.close(&n.path),
                    4 => ix.remove_disk(&n.path),
                    _ => ix.remove_under(n.path.parent().unwrap()),
                }
            }
            let today = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(day);
            let now = today.and_hms_opt(9, 30, 0).unwrap().and_utc();
            for r in ["/v0", "/v1"] {
                let root = Some(Path::new(r));
                prop_assert_eq!(ix.histogram(root, today, now), ix.histogram_walked(root, today, now));
            }
        }
    }
}
