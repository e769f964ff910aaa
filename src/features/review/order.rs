//! The order of a session (`review.md` §4): the plugin's deck tree iterator over the queue.
//!
//! One difference, on purpose: when the iterator has passed the last deck but a deck of the
//! session still holds cards (a new card answered Again under a due-first order went to a list
//! the plugin no longer looks at, or a learning step woke up in a deck already done), srls starts
//! over from the first deck instead of ending the session. Everything the plugin shows comes in
//! the plugin's order; only the cards it would lose come after.

use super::deck_tree::{CardId, DeckTree, List};

/// `flashcardCardOrder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardOrder {
    NewFirstSequential,
    NewFirstRandom,
    DueFirstSequential,
    DueFirstRandom,
    EveryCardRandomDeckAndCard,
    /// A name the plugin's enum lookup accepts without giving an order (`0`–`4`, `toString`…):
    /// the plugin then presents no card at all.
    Broken,
}

/// Names that JavaScript finds on every object (the plugin's enum lookup does not catch them).
const OBJECT_PROPERTIES: [&str; 12] = [
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
    "__proto__",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
];

impl CardOrder {
    /// The plugin's reading of the setting: unknown names are `DueFirstSequential`.
    pub fn from_setting(s: &str) -> CardOrder {
        match s {
            "NewFirstSequential" => CardOrder::NewFirstSequential,
            "NewFirstRandom" => CardOrder::NewFirstRandom,
            "DueFirstSequential" => CardOrder::DueFirstSequential,
            "DueFirstRandom" => CardOrder::DueFirstRandom,
            "EveryCardRandomDeckAndCard" => CardOrder::EveryCardRandomDeckAndCard,
            "0" | "1" | "2" | "3" | "4" => CardOrder::Broken,
            s if OBJECT_PROPERTIES.contains(&s) => CardOrder::Broken,
            _ => CardOrder::DueFirstSequential,
        }
    }

    fn preferred(self) -> List {
        match self {
            CardOrder::NewFirstSequential | CardOrder::NewFirstRandom => List::New,
            _ => List::Due,
        }
    }

    fn random(self) -> bool {
        matches!(self, CardOrder::NewFirstRandom | CardOrder::DueFirstRandom)
    }
}

/// `flashcardDeckOrder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeckOrder {
    Sequential,
    Random,
}

impl DeckOrder {
    /// The plugin's reading of the setting: anything but `PrevDeckComplete_Random` is sequential.
    pub fn from_setting(s: &str) -> DeckOrder {
        if s == "PrevDeckComplete_Random" {
            DeckOrder::Random
        } else {
            DeckOrder::Sequential
        }
    }
}

/// A small deterministic generator (SplitMix64) for the random orders: one seed, one sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // 128-bit multiply: unbiased enough for card orders, no division.
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

/// The card being shown: where it sits in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The deck (an index into the tree).
    pub deck: usize,
    pub list: List,
    pub index: usize,
}

/// The plugin's `DeckTreeIterator` + `SingleDeckIterator` over a queue tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckIter {
    card_order: CardOrder,
    deck_order: DeckOrder,
    /// The session's decks, fixed at the start.
    decks: Vec<usize>,
    /// Position in `decks`; `None` before the first card and after the last.
    deck_idx: Option<usize>,
    /// The list the current deck is on (`None`: not started on this deck).
    list: Option<List>,
    current: Option<Cursor>,
}

impl DeckIter {
    /// The iterator over `decks` (already the session's decks with cards of their own).
    pub fn new(card_order: CardOrder, deck_order: DeckOrder, decks: Vec<usize>) -> DeckIter {
        DeckIter {
            card_order,
            deck_order,
            decks,
            deck_idx: None,
            list: None,
            current: None,
        }
    }

    /// The card shown, if any.
    pub fn current(&self) -> Option<Cursor> {
        self.current
    }

    /// The card id at the cursor.
    pub fn current_card(&self, t: &DeckTree) -> Option<CardId> {
        let c = self.current?;
        t.decks[c.deck].list(c.list).get(c.index).copied()
    }

    /// Finds the current card again after other cards left its list (or forgets it when it
    /// left too).
    pub fn relocate(&mut self, t: &DeckTree, card: CardId) {
        self.current = self.current.and_then(|c| {
            let index = t.decks[c.deck]
                .list(c.list)
                .iter()
                .position(|&x| x == card)?;
            Some(Cursor { index, ..c })
        });
    }

    /// Forgets the current card (it was removed from the queue).
    pub fn clear_current(&mut self) {
        self.current = None;
    }

    /// Moves to the next card; `false` when the queue of the session's decks is empty.
    pub fn advance(&mut self, t: &DeckTree, rng: &mut Rng) -> bool {
        self.current = None;
        if self.card_order == CardOrder::Broken {
            return false;
        }
        if self.card_order == CardOrder::EveryCardRandomDeckAndCard {
            return self.every_card_random(t, rng);
        }
        // The plugin's pass, then (srls) one more from the first deck for cards it would lose.
        for restart in [false, true] {
            if restart && !self.decks.iter().any(|&d| t.decks[d].own_count() > 0) {
                break;
            }
            if self.deck_idx.is_none() || restart {
                self.choose_deck(t, rng, true);
            }
            while self.deck_idx.is_some_and(|i| i < self.decks.len()) {
                if self.next_in_deck(t, rng) {
                    return true;
                }
                self.choose_deck(t, rng, false);
            }
        }
        self.deck_idx = None;
        false
    }

    fn choose_deck(&mut self, t: &DeckTree, rng: &mut Rng, first: bool) {
        let idx = match self.deck_order {
            DeckOrder::Sequential => {
                if first {
                    0
                } else {
                    self.deck_idx.map_or(0, |i| i + 1)
                }
            }
            DeckOrder::Random => {
                let with_cards: Vec<usize> = (0..self.decks.len())
                    .filter(|&i| t.decks[self.decks[i]].own_count() > 0)
                    .collect();
                if with_cards.is_empty() {
                    self.decks.len()
                } else {
                    with_cards[rng.below(with_cards.len())]
                }
            }
        };
        self.deck_idx = Some(idx);
        self.list = None;
    }

    /// `SingleDeckIterator.nextCard`: the preferred list, then the other one, never back.
    fn next_in_deck(&mut self, t: &DeckTree, rng: &mut Rng) -> bool {
        let Some(deck) = self.deck_idx.and_then(|i| self.decks.get(i).copied()) else {
            return false;
        };
        let preferred = self.card_order.preferred();
        let list = *self.list.get_or_insert(preferred);
        if self.pick(t, rng, deck, list) {
            return true;
        }
        if list == preferred {
            self.list = Some(list.other());
            if self.pick(t, rng, deck, list.other()) {
                return true;
            }
            self.list = None;
        }
        false
    }

    fn pick(&mut self, t: &DeckTree, rng: &mut Rng, deck: usize, list: List) -> bool {
        let n = t.decks[deck].list(list).len();
        if n == 0 {
            return false;
        }
        let index = if self.card_order.random() {
            rng.below(n)
        } else {
            0
        };
        self.current = Some(Cursor { deck, list, index });
        true
    }

    /// Every (deck, card) pair of the session's decks equally likely; new before due in a deck.
    fn every_card_random(&mut self, t: &DeckTree, rng: &mut Rng) -> bool {
        let total: usize = self.decks.iter().map(|&d| t.decks[d].own_count()).sum();
        if total == 0 {
            return false;
        }
        let mut k = rng.below(total);
        for (i, &d) in self.decks.iter().enumerate() {
            let deck = &t.decks[d];
            if k < deck.own_count() {
                let (list, index) = if k < deck.new.len() {
                    (List::New, k)
                } else {
                    (List::Due, k - deck.new.len())
                };
                self.deck_idx = Some(i);
                self.current = Some(Cursor {
                    deck: d,
                    list,
                    index,
                });
                return true;
            }
            k -= deck.own_count();
        }
        false
    }

    /// The plugin's `moveCurrentCardToEndOfList`: `card` (the current card) out of its list in
    /// the current deck, onto the end of `to` (the list of its state after the answer) in the
    /// same deck. The card is looked up again, so removing its siblings first cannot make
    /// another card move (the plugin reuses a stale index there under random orders).
    pub fn move_to_end(&mut self, t: &mut DeckTree, card: CardId, to: List) {
        let Some(c) = self.current.take() else {
            return;
        };
        let deck = &mut t.decks[c.deck];
        let list = match c.list {
            List::New => &mut deck.new,
            List::Due => &mut deck.due,
        };
        if let Some(i) = list.iter().position(|&x| x == card) {
            list.remove(i);
            t.push(c.deck, to, card);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(new: &[CardId], due: &[CardId]) -> (DeckTree, usize) {
        let mut t = DeckTree::default();
        let d = t.get_or_create("f");
        for &c in new {
            t.push(d, List::New, c);
        }
        for &c in due {
            t.push(d, List::Due, c);
        }
        (t, d)
    }

    fn drain(it: &mut DeckIter, t: &mut DeckTree, rng: &mut Rng) -> Vec<CardId> {
        let mut out = Vec::new();
        while it.advance(t, rng) {
            let c = it.current_card(t).unwrap();
            out.push(c);
            t.remove_everywhere(&[c]);
        }
        out
    }

    #[test]
    fn sequential_orders_take_lists_in_turn() {
        let mut rng = Rng::new(1);
        let (mut t, d) = tree(&[1, 2], &[3, 4]);
        let mut it = DeckIter::new(
            CardOrder::DueFirstSequential,
            DeckOrder::Sequential,
            vec![d],
        );
        assert_eq!(drain(&mut it, &mut t, &mut rng), vec![3, 4, 1, 2]);
        let (mut t, d) = tree(&[1, 2], &[3, 4]);
        let mut it = DeckIter::new(
            CardOrder::NewFirstSequential,
            DeckOrder::Sequential,
            vec![d],
        );
        assert_eq!(drain(&mut it, &mut t, &mut rng), vec![1, 2, 3, 4]);
    }

    #[test]
    fn a_card_moved_behind_the_iterator_comes_back_after_the_pass() {
        // Due first: the new card 1 answered Again goes to the due list, which the plugin
        // no longer looks at; srls shows it after the deck's other new cards.
        let mut rng = Rng::new(1);
        let (mut t, d) = tree(&[1, 2], &[]);
        let mut it = DeckIter::new(
            CardOrder::DueFirstSequential,
            DeckOrder::Sequential,
            vec![d],
        );
        assert!(it.advance(&t, &mut rng));
        assert_eq!(it.current_card(&t), Some(1));
        it.move_to_end(&mut t, 1, List::Due);
        assert_eq!(drain(&mut it, &mut t, &mut rng), vec![2, 1]);
    }

    #[test]
    fn random_orders_are_deterministic_per_seed_and_complete() {
        let run = |seed| {
            let (mut t, d) = tree(&[1, 2, 3, 4, 5], &[6, 7, 8]);
            let mut it = DeckIter::new(CardOrder::DueFirstRandom, DeckOrder::Random, vec![d]);
            drain(&mut it, &mut t, &mut Rng::new(seed))
        };
        let a = run(7);
        assert_eq!(a, run(7));
        let mut sorted = a.clone();
        sorted[..3].sort();
        sorted[3..].sort();
        assert_eq!(sorted, vec![6, 7, 8, 1, 2, 3, 4, 5]);
        assert!((0..20).any(|s| run(s) != a), "the seed changes the order");
    }

    #[test]
    fn broken_names_present_nothing_and_unknown_names_are_due_first() {
        assert_eq!(CardOrder::from_setting("2"), CardOrder::Broken);
        assert_eq!(CardOrder::from_setting("toString"), CardOrder::Broken);
        assert_eq!(
            CardOrder::from_setting("sequential"),
            CardOrder::DueFirstSequential
        );
        assert_eq!(DeckOrder::from_setting("Sequential"), DeckOrder::Sequential);
        let (t, d) = tree(&[1], &[]);
        let mut it = DeckIter::new(CardOrder::Broken, DeckOrder::Sequential, vec![d]);
        assert!(!it.advance(&t, &mut Rng::new(0)));
    }

    #[test]
    fn every_card_random_draws_from_all_decks() {
        let mut t = DeckTree::default();
        let a = t.get_or_create("f/a");
        let b = t.get_or_create("f/b");
        t.push(a, List::New, 1);
        t.push(b, List::Due, 2);
        let mut it = DeckIter::new(
            CardOrder::EveryCardRandomDeckAndCard,
            DeckOrder::Sequential,
            vec![a, b],
        );
        let mut got = drain(&mut it, &mut t, &mut Rng::new(3));
        got.sort();
        assert_eq!(got, vec![1, 2]);
    }
}
