//! Vault-wide tables kept with the index, note by note, so that vault-wide answers (duplicate
//! questions, deck completion, deck references and rename) cost what they return, not the vault:
//! questions to cards, decks to their cards and notes, tags to the notes naming them.

use super::index::{IndexedNote, bump};
use crate::features::duplicates::{Peer, QuestionKey};
use std::collections::{BTreeMap, HashMap};
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
    Many(BTreeMap<ByBytes<Peer>, u32>),
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
                *self = Peers::Many(map);
                true
            }
            Peers::Many(map) => {
                bump(map, ByBytes(peer), 1, add);
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
            Peers::Many(map) => (None, Some(map.keys().map(|p| &p.0))),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }
}

/// The tables of one vault (the visible notes whose vault root it is).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct VaultTables {
    /// Normalised question → the cards asking it.
    questions: HashMap<QuestionKey, Peers>,
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
        // A note's decks are counted once each, with its number of cards in them.
        let mut decks: BTreeMap<&str, u32> = BTreeMap::new();
        for c in &note.cards {
            if let Some(k) = &c.key {
                let peer = Peer {
                    path: note.path.clone(),
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
            bump_in(&mut self.deck_notes, d, &note.path, n, add);
        }
        for t in note.tags.iter() {
            bump_in(&mut self.tag_notes, t, &note.path, 1, add);
        }
    }

    /// Counts a card in (`add`) or out of the cards asking `k`.
    fn count_question(&mut self, k: &QuestionKey, peer: Peer, add: bool) {
        let Some(peers) = self.questions.get_mut(k) else {
            if add {
                self.questions.insert(*k, Peers::One(peer, 1));
            }
            return;
        };
        if !peers.bump(peer, add) {
            self.questions.remove(k);
        }
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
    use crate::workspace::index::{Index, IndexedCard};
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
