//! Decks as the plugin's tree has them: a card's deck and every ancestor of it, each card once
//! per deck, sub-decks ordered by JavaScript's `<` (UTF-16 code units), listed in pre-order.

use crate::note::Card;
use std::cmp::Ordering;

/// A deck path without `#` (`flashcards/geo`), its parts split on `/`.
fn parts(deck: &str) -> Vec<&str> {
    deck.trim_start_matches('#')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect()
}

/// The decks holding a card: each of its topic paths and their ancestors, once each.
pub fn card_decks(card: &Card) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for deck in &card.decks {
        let p = parts(deck);
        for n in 1..=p.len() {
            let node = p[..n].join("/");
            if !out.contains(&node) {
                out.push(node);
            }
        }
    }
    out
}

/// Whether a deck is `want` or one of its sub-decks (`#` and empty parts ignored).
pub fn in_deck(deck: &str, want: &str) -> bool {
    let (d, w) = (parts(deck), parts(want));
    d.len() >= w.len() && d[..w.len()] == w[..]
}

/// The deck list's order: parent before children, siblings by UTF-16 code units.
pub fn tree_order(a: &str, b: &str) -> Ordering {
    let utf16 = |s: &str| {
        parts(s)
            .into_iter()
            .map(|p| p.encode_utf16().collect::<Vec<u16>>())
            .collect::<Vec<_>>()
    };
    utf16(a).cmp(&utf16(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_order_is_pre_order_by_code_units() {
        let mut decks = vec!["a-c", "a/b", "a", "Zoo", "B", "b", "a/\u{e9}", "a/z"];
        decks.sort_by(|a, b| tree_order(a, b));
        assert_eq!(
            decks,
            ["B", "Zoo", "a", "a/b", "a/z", "a/\u{e9}", "a-c", "b"]
        );
    }

    #[test]
    fn sub_decks_belong_to_their_parents() {
        assert!(in_deck("#flashcards/geo/eu", "flashcards/geo"));
        assert!(in_deck("flashcards/geo", "#flashcards/geo"));
        assert!(!in_deck("flashcards/geography", "flashcards/geo"));
        assert!(in_deck("flashcards", ""));
    }
}
