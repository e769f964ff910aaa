//! The workspace index: a summary of every note's cards, for due counts, load balancing,
//! next-due navigation and workspace symbols. Open documents always win over files on disk.

use crate::features::due::{Counts, Due, add_to_histogram, in_deck, sibling_dues};
use crate::note::Note;
use crate::plugin::schedule::Histogram;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One card, as much as vault-wide features need.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedCard {
    /// 0-based first line of the card's text and the byte range of that line's start.
    pub line: usize,
    pub question: String,
    pub decks: Vec<String>,
    pub dues: Vec<Due>,
}

/// One note of the index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedNote {
    pub path: PathBuf,
    pub vault_root: Option<PathBuf>,
    pub cards: Vec<IndexedCard>,
}

impl IndexedNote {
    pub fn from_note(path: &Path, vault_root: Option<PathBuf>, note: &Note) -> IndexedNote {
        IndexedNote {
            path: path.to_path_buf(),
            vault_root,
            cards: note
                .cards
                .iter()
                .map(|c| IndexedCard {
                    line: c.start_line(),
                    question: crate::features::report::one_line(c.question(), 80),
                    decks: c.decks.clone(),
                    dues: sibling_dues(c),
                })
                .collect(),
        }
    }
}

/// The index: files on disk, with open documents laid over them.
#[derive(Debug, Default)]
pub struct Index {
    disk: HashMap<PathBuf, IndexedNote>,
    open: HashMap<PathBuf, IndexedNote>,
    pub ready: bool,
}

impl Index {
    /// Sets a note as read from disk.
    pub fn set_disk(&mut self, n: IndexedNote) {
        self.disk.insert(n.path.clone(), n);
    }
    pub fn remove_disk(&mut self, p: &Path) {
        self.disk.remove(p);
    }
    /// Forgets every note on disk under a folder (renamed or deleted as a whole).
    pub fn remove_under(&mut self, dir: &Path) {
        self.disk.retain(|p, _| !p.starts_with(dir));
    }
    /// Keeps only the notes on disk that `keep` accepts (a full re-index drops what it did not
    /// find).
    pub fn retain_disk(&mut self, mut keep: impl FnMut(&Path) -> bool) {
        self.disk.retain(|p, _| keep(p));
    }
    pub fn set_open(&mut self, n: IndexedNote) {
        self.open.insert(n.path.clone(), n);
    }
    pub fn close(&mut self, p: &Path) {
        self.open.remove(p);
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

    /// Due-date histogram of one vault (all notes whose vault root is `root`).
    pub fn histogram(
        &self,
        root: Option<&Path>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Histogram {
        let mut h = Histogram::new();
        for n in self.notes().filter(|n| n.vault_root.as_deref() == root) {
            for c in &n.cards {
                add_to_histogram(&mut h, &c.dues, today, now);
            }
        }
        h
    }

    /// Due and new sides per deck (without `#`, sorted), and the total ([`Counts`]: each side
    /// is a card, as the plugin counts).
    pub fn summary(&self, today: NaiveDate, now: DateTime<Utc>) -> (Counts, Vec<(String, Counts)>) {
        let mut total = Counts::default();
        let mut decks: HashMap<String, Counts> = HashMap::new();
        for c in self.notes().flat_map(|n| &n.cards) {
            total.add_card(&c.dues, today, now);
            for d in &c.decks {
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
