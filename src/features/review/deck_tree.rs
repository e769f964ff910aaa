//! The plugin's deck tree (`review.md` §2): decks by tag path under "All Decks", each with a
//! list of new cards and a list of scheduled cards, in insertion order (note order, then line
//! order, then sibling order). A card in two decks is one [`CardId`] in both.

/// A card of the session: an index into the session's card table.
pub type CardId = usize;

/// Which of a deck's two lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// Cards without a schedule.
    New,
    /// Cards with a schedule (the plugin's "due" list; in the queue only due ones).
    Due,
}

impl List {
    /// The other list.
    pub fn other(self) -> List {
        match self {
            List::New => List::Due,
            List::Due => List::New,
        }
    }
}

/// One deck: its name (one path piece), its full path (`flashcards/geo`, `""` for the root),
/// its sub-decks and its own cards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deck {
    pub name: String,
    pub path: String,
    pub children: Vec<usize>,
    pub new: Vec<CardId>,
    pub due: Vec<CardId>,
}

impl Deck {
    /// One of the two lists.
    pub fn list(&self, l: List) -> &Vec<CardId> {
        match l {
            List::New => &self.new,
            List::Due => &self.due,
        }
    }

    fn list_mut(&mut self, l: List) -> &mut Vec<CardId> {
        match l {
            List::New => &mut self.new,
            List::Due => &mut self.due,
        }
    }

    /// How many cards the deck holds itself (sub-decks not included).
    pub fn own_count(&self) -> usize {
        self.new.len() + self.due.len()
    }
}

/// A tree of decks; deck 0 is the root ("All Decks").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckTree {
    pub decks: Vec<Deck>,
}

impl Default for DeckTree {
    fn default() -> Self {
        DeckTree {
            decks: vec![Deck {
                name: String::new(),
                path: String::new(),
                children: Vec::new(),
                new: Vec::new(),
                due: Vec::new(),
            }],
        }
    }
}

/// The deck path of a card's topic tag: `#flashcards/a/b` → `flashcards/a/b`.
pub fn deck_path(tag: &str) -> String {
    tag.trim_start_matches('#')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

impl DeckTree {
    /// The deck at `path` (`""` is the root), creating it and its missing ancestors at the end
    /// of their parents' sub-deck lists.
    pub fn get_or_create(&mut self, path: &str) -> usize {
        let mut at = 0;
        for piece in path.split('/').filter(|p| !p.is_empty()) {
            let found = self.decks[at]
                .children
                .iter()
                .copied()
                .find(|&c| self.decks[c].name == piece);
            at = match found {
                Some(c) => c,
                None => {
                    let parent_path = &self.decks[at].path;
                    let path = if parent_path.is_empty() {
                        piece.to_string()
                    } else {
                        format!("{parent_path}/{piece}")
                    };
                    self.decks.push(Deck {
                        name: piece.to_string(),
                        path,
                        children: Vec::new(),
                        new: Vec::new(),
                        due: Vec::new(),
                    });
                    let id = self.decks.len() - 1;
                    self.decks[at].children.push(id);
                    id
                }
            };
        }
        at
    }

    /// The deck at `path`, if it exists (`""` is the root).
    pub fn find(&self, path: &str) -> Option<usize> {
        let mut at = 0;
        for piece in path.split('/').filter(|p| !p.is_empty()) {
            at = self.decks[at]
                .children
                .iter()
                .copied()
                .find(|&c| self.decks[c].name == piece)?;
        }
        Some(at)
    }

    /// Appends a card to one of a deck's lists.
    pub fn push(&mut self, deck: usize, list: List, card: CardId) {
        self.decks[deck].list_mut(list).push(card);
    }

    /// Sorts every level's sub-decks by name, with JavaScript `<` (UTF-16 code units).
    pub fn sort(&mut self) {
        let names: Vec<Vec<u16>> = self
            .decks
            .iter()
            .map(|d| d.name.encode_utf16().collect())
            .collect();
        for d in &mut self.decks {
            d.children.sort_by(|&a, &b| names[a].cmp(&names[b]));
        }
    }

    /// `from` and its sub-decks in pre-order (a deck, then each sub-deck with its own).
    pub fn preorder(&self, from: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![from];
        while let Some(d) = stack.pop() {
            out.push(d);
            stack.extend(self.decks[d].children.iter().rev());
        }
        out
    }

    /// The same tree with only the cards `keep` accepts, in the same order.
    pub fn filtered(&self, mut keep: impl FnMut(CardId) -> bool) -> DeckTree {
        let mut t = self.clone();
        for d in &mut t.decks {
            d.new.retain(|&c| keep(c));
            d.due.retain(|&c| keep(c));
        }
        t
    }

    /// Removes cards from every deck.
    pub fn remove_everywhere(&mut self, cards: &[CardId]) {
        if cards.is_empty() {
            return;
        }
        for d in &mut self.decks {
            d.new.retain(|c| !cards.contains(c));
            d.due.retain(|c| !cards.contains(c));
        }
    }

    /// The distinct cards of `deck` and its sub-decks in the given lists.
    pub fn distinct(&self, deck: usize, lists: &[List]) -> usize {
        let mut seen: Vec<CardId> = Vec::new();
        for d in self.preorder(deck) {
            for &l in lists {
                seen.extend(self.decks[d].list(l));
            }
        }
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }

    /// Every card of `deck` and its sub-decks, counted once per deck it is in (the status bar).
    pub fn count_with_subdecks(&self, deck: usize) -> usize {
        self.preorder(deck)
            .into_iter()
            .map(|d| self.decks[d].own_count())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decks_are_created_with_ancestors_and_sorted_by_code_unit() {
        let mut t = DeckTree::default();
        let a = t.get_or_create("flashcards/b");
        let z = t.get_or_create("flashcards/Zoo");
        let emoji = t.get_or_create("flashcards/\u{1F600}");
        let pua = t.get_or_create("flashcards/\u{E000}");
        t.push(a, List::New, 0);
        t.push(z, List::Due, 1);
        assert_eq!(t.find("flashcards/b"), Some(a));
        assert_eq!(t.find("flashcards/c"), None);
        t.sort();
        let fc = t.find("flashcards").unwrap();
        // UTF-16: a surrogate (0xD83D) sorts before U+E000, unlike code point order.
        assert_eq!(t.decks[fc].children, vec![z, a, emoji, pua]);
        assert_eq!(t.preorder(0), vec![0, fc, z, a, emoji, pua]);
        assert_eq!(t.distinct(0, &[List::New, List::Due]), 2);
    }

    #[test]
    fn distinct_counts_a_card_in_two_decks_once() {
        let mut t = DeckTree::default();
        let a = t.get_or_create("f/a");
        let b = t.get_or_create("f/b");
        t.push(a, List::New, 7);
        t.push(b, List::New, 7);
        assert_eq!(t.distinct(0, &[List::New]), 1);
        assert_eq!(t.count_with_subdecks(0), 2);
        t.remove_everywhere(&[7]);
        assert_eq!(t.count_with_subdecks(0), 0);
    }

    #[test]
    fn deck_path_drops_hash_and_empty_pieces() {
        assert_eq!(deck_path("#flashcards//a/"), "flashcards/a");
    }
}
