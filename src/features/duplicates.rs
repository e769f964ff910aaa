//! Duplicate questions: two cards whose questions are the same once white space and case are
//! normalised (cloze cards: their whole text, deletions included). The plugin keeps one
//! schedule for two such cards in one note, so that case is a warning; across notes it is
//! information.

use crate::features::lint::Severity;
use crate::note::{Card, Note};
use crate::plugin::scanner::CardType;
use std::path::Path;
use std::sync::Arc;

/// The diagnostic code.
pub const CODE: &str = "duplicate-question";

/// The key two cards share when their questions are duplicates (`None`: nothing to compare,
/// an empty question).
pub fn question_key(card: &Card) -> Option<String> {
    let text = match card.kind {
        CardType::Cloze => without_sr_comments(&card.raw),
        _ => card.question().to_string(),
    };
    let key = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
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

/// Another card with the same question: its note and 0-based first line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Peer {
    /// Shared with the index's note (one allocation per note, not per card).
    pub path: Arc<Path>,
    pub line: usize,
}

/// A duplicate-question finding on one card of a note.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    pub severity: Severity,
    /// The byte range of the card's first line.
    pub start: usize,
    pub end: usize,
    pub message: String,
    /// Every other card with the same question, in (path, line) order.
    pub others: Vec<Peer>,
}

/// The duplicates of a note's cards, given every card of its vault with a question key
/// (`cards_with(key)`, this note's own cards included). Cost: the note's cards and their peers.
pub fn duplicates<'a>(
    path: &Path,
    note: &Note,
    mut cards_with: impl FnMut(&QuestionKey) -> Vec<&'a Peer>,
) -> Vec<Duplicate> {
    let mut out = Vec::new();
    for card in &note.cards {
        let Some(key) = question_key(card) else {
            continue;
        };
        let line = card.start_line();
        let others: Vec<Peer> = cards_with(&QuestionKey::of(&key))
            .into_iter()
            .filter(|p| !(*p.path == *path && p.line == line))
            .cloned()
            .collect();
        if others.is_empty() {
            continue;
        }
        let span = note.lines.get(line);
        out.push(Duplicate {
            severity: if others.iter().any(|p| *p.path == *path) {
                Severity::Warning
            } else {
                Severity::Information
            },
            start: span.start,
            end: span.end,
            message: message(path, &others),
            others,
        });
    }
    out
}

fn message(path: &Path, others: &[Peer]) -> String {
    let here = others.iter().filter(|p| *p.path == *path).count();
    let elsewhere = others.len() - here;
    let mut parts = Vec::new();
    if here > 0 {
        parts.push(format!(
            "{here} other card{} in this note (the plugin can swap the schedules of identical cards in one note)",
            plural(here)
        ));
    }
    if elsewhere > 0 {
        parts.push(format!(
            "{elsewhere} card{} in other notes",
            plural(elsewhere)
        ));
    }
    format!("the same question as {}", parts.join(" and "))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{NoteContext, parse_note};
    use crate::plugin::settings::Settings;

    fn keys(text: &str) -> Vec<Option<String>> {
        let note = parse_note(text, &Settings::default(), &NoteContext::default());
        note.cards.iter().map(question_key).collect()
    }

    #[test]
    fn keys_normalise_white_space_and_case() {
        let k = keys("#flashcards\n\n  What   IS\tRust?::a language\n\nwhat is rust?::x\n");
        assert_eq!(k[0].as_deref(), Some("what is rust?"));
        assert_eq!(k[0], k[1]);
    }

    #[test]
    fn cloze_keys_keep_the_deletions_and_drop_the_comment() {
        let k = keys(
            "#flashcards\n\nThe ==Rhine== flows\n<!--SR:!2025-01-01,3,250-->\n\nthe ==rhine==   flows\n\nThe ==Elbe== flows\n",
        );
        assert_eq!(k[0].as_deref(), Some("the ==rhine== flows"));
        assert_eq!(k[0], k[1]);
        assert_ne!(k[0], k[2]);
    }

    #[test]
    fn same_note_is_a_warning_other_notes_information() {
        let text = "#flashcards\n\nQ::a\n\nq::b\n\nR::c\n";
        let note = parse_note(text, &Settings::default(), &NoteContext::default());
        let here = Path::new("/v/a.md");
        let peers = [
            Peer {
                path: here.into(),
                line: 2,
            },
            Peer {
                path: here.into(),
                line: 4,
            },
            Peer {
                path: Path::new("/v/b.md").into(),
                line: 7,
            },
        ];
        let d = duplicates(here, &note, |k| {
            if *k == QuestionKey::of("q") {
                peers.iter().collect()
            } else {
                vec![]
            }
        });
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!((d[0].start, d[0].end), (13, 17));
        assert_eq!(d[0].others, vec![peers[1].clone(), peers[2].clone()]);
        assert_eq!(
            d[0].message,
            "the same question as 1 other card in this note (the plugin can swap the schedules of identical cards in one note) and 1 card in other notes"
        );
    }
}
