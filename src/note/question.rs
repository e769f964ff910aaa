//! A card's question as duplicate detection compares it: normalised text and its hash, computed
//! once when the card is built (a keystroke rebuilds only the cards it touched).

use super::Card;
use crate::plugin::scanner::CardType;

/// The key two cards share when their questions are duplicates (`None`: nothing to compare,
/// an empty question).
pub fn question_key(card: &Card) -> Option<String> {
    let text = match card.kind {
        CardType::Cloze => without_sr_comments(&card.raw),
        _ => card.question().to_string(),
    };
    let mut key = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    // Most questions are ASCII: lowered in place, as `to_lowercase` would.
    if key.is_ascii() {
        key.make_ascii_lowercase();
    } else {
        key = key.to_lowercase();
    }
    (!key.is_empty()).then_some(key)
}

/// The card's text without its scheduling comments (a cloze card's comment is no part of it).
fn without_sr_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(o) = rest.find("<!--SR:") {
        out.push_str(&rest[..o]);
        match rest[o..].find("-->") {
            Some(c) => rest = &rest[o + c + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A normalised question ([`question_key`]) as a 128-bit hash: what the vault's tables keep per
/// card instead of the text (two cards of different questions share one with a chance of about
/// n²/2¹²⁹, n the number of cards). Stable within a process only; never written anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuestionKey(std::num::NonZeroU64, u64);

impl QuestionKey {
    /// The key of a normalised question.
    pub fn of(key: &str) -> QuestionKey {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let half = |salt: u8| {
            let mut h = DefaultHasher::new();
            salt.hash(&mut h);
            key.hash(&mut h);
            h.finish()
        };
        // Non-zero, so that an `Option<QuestionKey>` takes no more room than the key.
        let first = std::num::NonZeroU64::new(half(0)).unwrap_or(std::num::NonZeroU64::MIN);
        QuestionKey(first, half(1))
    }
}
