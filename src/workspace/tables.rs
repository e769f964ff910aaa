//! Vault-wide tables kept with the index, note by note, so that vault-wide answers (duplicate
//! questions, deck completion, deck references and rename) cost what they return, not the vault:
//! questions to cards, decks to their cards and notes, tags to the notes naming them.

use super::index::{IndexedCard, IndexedNote, bump};
use crate::features::duplicates::{Peer, QuestionKey};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

/// A value ordered by the bytes of its path (then its line), for the tables' sorted maps:
/// `Path`'s own order parses both paths into components on every comparison, which made a
/// fifth of indexing a vault. Answers sort what they return by `Path`'s order.
#[derive(Debug, Clone)]
struct ByBytes<T>(T);

/// The path bytes and line a [`ByBytes`] orders by.
trait BytesKey {
    fn bytes_key(&self) -> (&[u8], usize);
}

impl BytesKey for Peer {
    fn bytes_key(&self) -> (&[u8], usize) {
        (self.path.as_os_str().as_encoded_bytes(), self.line)
    }
}

impl BytesKey for Arc<Path> {
    fn bytes_key(&self) -> (&[u8], usize) {
        (self.as_os_str().as_encoded_bytes(), 0)
    }
}

impl<T: BytesKey> PartialEq for ByBytes<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.bytes_key() == other.0.bytes_key()
    }
}

impl<T: BytesKey> Eq for ByBytes<T> {}

impl<T: BytesKey> PartialOrd for ByBytes<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: BytesKey> Ord for ByBytes<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.bytes_key().cmp(&other.0.bytes_key())
    }
}

/// The cards asking one question: nearly always one, so held inline without a map (a
/// `BTreeMap` node costs some 400 bytes however few entries it holds).
#[derive(Debug, Clone, PartialEq)]
enum Peers {
    One(Peer, u32),
    /// The cards and how many cards there are in all.
    Many(BTreeMap<ByBytes<Peer>, u32>, u32),
}

impl Peers {
    /// Counts `peer` in (`add`) or out; `false` when none is left.
    fn bump(&mut self, peer: Peer, add: bool) -> bool {
        match self {
            Peers::One(p, n) if *p == peer => {
                if add {
                    *n += 1;
                } else {
                    *n -= 1;
                }
                *n > 0
            }
            Peers::One(..) if !add => true,
            Peers::One(p, n) => {
                let map = BTreeMap::from([(ByBytes(p.clone()), *n), (ByBytes(peer), 1)]);
                *self = Peers::Many(map, *n + 1);
                true
            }
            Peers::Many(map, total) => {
                let had = map.get(&ByBytes(peer.clone())).is_some();
                bump(map, ByBytes(peer), 1, add);
                if add {
                    *total += 1;
                } else if had {
                    *total -= 1;
                }
                if map.len() == 1 {
                    // Back to one, as if built afresh (the tables compare equal to fresh ones).
                    let (p, n) = map.pop_first().expect("one entry");
                    *self = Peers::One(p.0, n);
                }
                true
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Peer> {
        let (one, many) = match self {
            Peers::One(p, _) => (Some(p), None),
            Peers::Many(map, _) => (None, Some(map.keys().map(|p| &p.0))),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    /// How many cards ask the question.
    fn total(&self) -> u32 {
        match self {
            Peers::One(_, n) | Peers::Many(_, n) => *n,
        }
    }

    /// Whether `peer` is among the cards.
    fn holds(&self, peer: &Peer) -> bool {
        match self {
            Peers::One(p, _) => p == peer,
            Peers::Many(map, _) => map.contains_key(&ByBytes(peer.clone())),
        }
    }
}

/// The tables of one vault (the visible notes whose vault root it is).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct VaultTables {
    /// Normalised question → the cards asking it.
    questions: HashMap<QuestionKey, Peers>,
    /// Note → its cards (first line, question) whose question another card asks too: what
    /// `duplicate-question` reports, kept with `questions` (each change of a question's cards
    /// corrects the entries of the cards it touched), so a note's findings cost what they are.
    duplicated: HashMap<Arc<Path>, BTreeSet<(usize, QuestionKey)>>,
    /// Deck (`#`-prefixed) → how many cards are in it directly (not via a sub-deck).
    decks: BTreeMap<String, u32>,
    /// Deck → the notes holding its cards (and how many).
    deck_notes: BTreeMap<String, NoteSet>,
    /// Tag (`#`-prefixed, any tag of a note, body or front matter) → the notes naming it.
    tag_notes: BTreeMap<String, NoteSet>,
}

/// Notes, each with a count (its cards in a deck, or 1 for a tag).
type NoteSet = BTreeMap<ByBytes<Arc<Path>>, u32>;

/// Counts `n` in (`add`) or out of the count of `key`, dropping it at zero; allocates the key
/// only when it is new.
fn bump_count(map: &mut BTreeMap<String, u32>, key: &str, n: u32, add: bool) {
    match map.get_mut(key) {
        Some(c) if add => *c += n,
        Some(c) => {
            *c = c.saturating_sub(n);
            if *c == 0 {
                map.remove(key);
            }
        }
        None if add => {
            map.insert(key.to_string(), n);
        }
        None => {}
    }
}

/// Counts `path` in or out of the set of `key` `n` times, dropping empty sets.
fn bump_in(map: &mut BTreeMap<String, NoteSet>, key: &str, path: &Arc<Path>, n: u32, add: bool) {
    if let Some(set) = map.get_mut(key) {
        bump(set, ByBytes(path.clone()), n, add);
        if set.is_empty() {
            map.remove(key);
        }
    } else if add {
        map.insert(
            key.to_string(),
            BTreeMap::from([(ByBytes(path.clone()), n)]),
        );
    }
}

impl VaultTables {
    /// Adds (`add`) or removes a note's cards and tags.
    pub fn apply(&mut self, note: &IndexedNote, add: bool) {
        self.apply_cards(&note.path, &note.cards, add);
        self.apply_tags(&note.path, &note.tags, add);
    }

    /// Adds (`add`) or removes some cards of the note at `path`.
    pub fn apply_cards(&mut self, path: &Arc<Path>, cards: &[IndexedCard], add: bool) {
        // The cards' decks are counted once each, with the number of cards in them.
        let mut decks: BTreeMap<&str, u32> = BTreeMap::new();
        for c in cards {
            if let Some(k) = &c.key {
                let peer = Peer {
                    path: path.clone(),
                    line: c.line,
                };
                self.count_question(k, peer, add);
            }
            for d in c.decks.iter() {
                *decks.entry(d).or_default() += 1;
            }
        }
        for (d, n) in decks {
            bump_count(&mut self.decks, d, n, add);
            bump_in(&mut self.deck_notes, d, path, n, add);
        }
    }

    /// Adds (`add`) or removes the tags of the note at `path`.
    pub fn apply_tags(&mut self, path: &Arc<Path>, tags: &[String], add: bool) {
        for t in tags {
            bump_in(&mut self.tag_notes, t, path, 1, add);
        }
    }

    /// Moves the questions of some cards of the note at `path` by `dl` lines (the cards still
    /// hold their old lines).
    pub fn move_questions(&mut self, path: &Arc<Path>, cards: &[IndexedCard], dl: isize) {
        for c in cards {
            if let Some(k) = &c.key {
                let at = |line| Peer {
                    path: path.clone(),
                    line,
                };
                self.count_question(k, at(c.line), false);
                self.count_question(k, at(c.line.wrapping_add_signed(dl)), true);
            }
        }
    }

    /// Counts a card in (`add`) or out of the cards asking `k`.
    fn count_question(&mut self, k: &QuestionKey, peer: Peer, add: bool) {
        let before = self.questions.get(k).map_or(0, Peers::total);
        let left = match self.questions.get_mut(k) {
            Some(peers) => peers.bump(peer.clone(), add),
            None => {
                if add {
                    self.questions.insert(*k, Peers::One(peer.clone(), 1));
                }
                true
            }
        };
        if !left {
            self.questions.remove(k);
        }
        self.mark_duplicated(k, &peer, before);
    }

    /// Corrects [`VaultTables::duplicated`] after `peer` was counted in or out of the cards
    /// asking `k`, which were `before` cards: a question asked twice or more marks every card
    /// asking it.
    fn mark_duplicated(&mut self, k: &QuestionKey, peer: &Peer, before: u32) {
        let peers = self.questions.get(k);
        let after = peers.map_or(0, Peers::total);
        let duplicated = &mut self.duplicated;
        let mut mark = |p: &Peer, on: bool| {
            let entry = (p.line, *k);
            if on {
                duplicated.entry(p.path.clone()).or_default().insert(entry);
            } else if let Some(set) = duplicated.get_mut(&p.path) {
                set.remove(&entry);
                if set.is_empty() {
                    duplicated.remove(&p.path);
                }
            }
        };
        match peers {
            Some(peers) if after >= 2 => {
                mark(peer, peers.holds(peer));
                if before < 2 {
                    peers.iter().for_each(|p| mark(p, true));
                }
            }
            _ => {
                mark(peer, false);
                if let Some(peers) = peers {
                    peers.iter().for_each(|p| mark(p, false));
                }
            }
        }
    }

    /// The cards of the note at `path` (first line, question) whose question another card of
    /// the vault asks too, in line order.
    pub fn duplicated_in(&self, path: &Path) -> impl Iterator<Item = (usize, QuestionKey)> + '_ {
        self.duplicated.get(path).into_iter().flatten().copied()
    }

    /// The cards asking a normalised question.
    pub fn cards_with(&self, key: &QuestionKey) -> Vec<&Peer> {
        let mut peers: Vec<&Peer> = self
            .questions
            .get(key)
            .map(|s| s.iter().collect())
            .unwrap_or_default();
        peers.sort();
        peers
    }

    /// Every deck with its own card count, sorted.
    pub fn decks(&self) -> impl Iterator<Item = (&str, u32)> {
        self.decks.iter().map(|(d, n)| (d.as_str(), *n))
    }

    /// The notes holding cards of `deck` or its sub-decks (each once, sorted).
    pub fn deck_notes(&self, deck: &str) -> Vec<&Path> {
        union(under(&self.deck_notes, deck))
    }

    /// The notes naming `tag` or one of its sub-tags (each once, sorted).
    pub fn tag_notes(&self, tag: &str) -> Vec<&Path> {
        union(under(&self.tag_notes, tag))
    }

    /// The tags of the vault that are `tag` or below it.
    pub fn tags_under<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a str> {
        under(&self.tag_notes, tag).map(|(t, _)| t.as_str())
    }
}

/// The entries of `key` and of the keys below it (`key/...`): a range of the sorted map.
fn under<'a, 'k, V>(
    map: &'a BTreeMap<String, V>,
    key: &'k str,
) -> impl Iterator<Item = (&'a String, &'a V)> + use<'a, 'k, V> {
    map.range(key.to_string()..)
        .take_while(move |(k, _)| k.starts_with(key))
        .filter(move |(k, _)| k.len() == key.len() || k.as_bytes()[key.len()] == b'/')
}

fn union<'a>(sets: impl Iterator<Item = (&'a String, &'a NoteSet)>) -> Vec<&'a Path> {
    let mut v: Vec<&Path> = sets.flat_map(|(_, s)| s.keys().map(|p| &*p.0)).collect();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::index::Index;
    use proptest::prelude::*;

    fn note(path: u8, q: u8, deck: u8) -> IndexedNote {
        let deck = ["#flashcards/a", "#flashcards/a/b", "#flashcards/ab"][deck as usize % 3];
        IndexedNote {
            path: Path::new(&format!("/v/n{path}.md")).into(),
            vault_root: Some(Path::new("/v").into()),
            cards: vec![IndexedCard {
                line: q as usize % 2,
                question: "".into(),
                decks: [deck.to_string()].into(),
                dues: Default::default(),
                key: Some(QuestionKey::of(&format!("q{}", q % 3))),
            }],
            tags: [deck.to_string(), "#x".to_string()].into(),
        }
    }

    proptest! {
        /// The kept tables equal tables built afresh from the visible notes.
        #[test]
        fn kept_tables_equal_fresh_ones(ops in prop::collection::vec((0u8..4, 0u8..5, 0u8..6, 0u8..3), 0..50)) {
            let mut ix = Index::default();
            for (op, path, q, deck) in ops {
                let n = note(path, q, deck);
                match op {
                    0 => ix.set_disk(n),
                    1 => ix.set_open(n),
                    2 => ix.close(&n.path),
                    _ => ix.remove_disk(&n.path),
                }
            }
            let mut fresh = VaultTables::default();
            for n in ix.notes() {
                fresh.apply(n, true);
            }
            let kept = ix.tables(Some(Path::new("/v"))).cloned().unwrap_or_default();
            // The cards marked duplicated are those whose question another card asks too.
            for n in ix.notes() {
                let marked: Vec<(usize, QuestionKey)> = kept.duplicated_in(&n.path).collect();
                let mut want: Vec<(usize, QuestionKey)> = n.cards.iter()
                    .filter_map(|c| Some((c.line, c.key?)))
                    .filter(|(_, k)| fresh.cards_with(k).len() >= 2)
                    .collect();
                want.sort();
                want.dedup();
                prop_assert_eq!(marked, want);
            }
            prop_assert_eq!(kept, fresh);
        }
    }

    #[test]
    fn sub_decks_are_below_not_beside() {
        let mut t = VaultTables::default();
        for (p, d) in [(1, 0), (2, 1), (3, 2)] {
            t.apply(&note(p, 0, d), true);
        }
        let paths = |v: Vec<&Path>| {
            v.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            paths(t.deck_notes("#flashcards/a")),
            ["/v/n1.md", "/v/n2.md"]
        );
        assert_eq!(paths(t.tag_notes("#flashcards/ab")), ["/v/n3.md"]);
        assert_eq!(t.cards_with(&QuestionKey::of("q0")).len(), 3);
    }
}
