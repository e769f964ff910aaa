//! Duplicate questions: two cards whose questions are the same once white space and case are
//! normalised (cloze cards: their whole text, deletions included). The plugin keeps one
//! schedule for two such cards in one note, so that case is a warning; across notes it is
//! information.

use crate::features::lint::Severity;
use crate::note::Note;
use std::path::Path;
use std::sync::Arc;

/// The diagnostic code.
pub const CODE: &str = "duplicate-question";

pub use crate::note::question::{QuestionKey, question_key};

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
    cards_with: impl FnMut(&QuestionKey) -> Vec<&'a Peer>,
) -> Vec<Duplicate> {
    let cards = note.cards.iter();
    let candidates = cards.filter_map(|c| Some((c.start_line(), c.key?)));
    duplicates_among(path, note, candidates, cards_with)
}

/// [`duplicates`] of some cards of a note only (their first lines and question keys, in line
/// order): the cards the vault's tables already know to be duplicated, so that the cost is
/// what is found.
pub fn duplicates_among<'a>(
    path: &Path,
    note: &Note,
    candidates: impl IntoIterator<Item = (usize, QuestionKey)>,
    mut cards_with: impl FnMut(&QuestionKey) -> Vec<&'a Peer>,
) -> Vec<Duplicate> {
    // (A line past the note's end would be a table out of step with the note: skipped.)
    let lines = note.lines.len();
    candidates
        .into_iter()
        .filter(|&(l, _)| l < lines)
        .filter_map(|(line, key)| {
            let span = note.lines.get(line);
            duplicate_of(path, line, &key, span.start..span.end, &mut cards_with)
        })
        .collect()
}

/// The finding on one card of the note at `path`, on 0-based `line` (whose byte range is
/// `span`), when other cards have its question `key`.
fn duplicate_of<'a>(
    path: &Path,
    line: usize,
    key: &QuestionKey,
    span: std::ops::Range<usize>,
    mut cards_with: impl FnMut(&QuestionKey) -> Vec<&'a Peer>,
) -> Option<Duplicate> {
    let others: Vec<Peer> = cards_with(key)
        .into_iter()
        .filter(|p| !(*p.path == *path && p.line == line))
        .cloned()
        .collect();
    if others.is_empty() {
        return None;
    }
    let here = others.iter().filter(|p| *p.path == *path).count();
    let (severity, message) = verdict(here, others.len() - here);
    Some(Duplicate {
        severity,
        start: span.start,
        end: span.end,
        message,
        others,
    })
}

/// The severity and message on a card whose question `here` other cards of its note and
/// `elsewhere` cards of other notes share: a warning when its own note has another.
pub fn verdict(here: usize, elsewhere: usize) -> (Severity, String) {
    let severity = if here > 0 {
        Severity::Warning
    } else {
        Severity::Information
    };
    (severity, message_of(here, elsewhere))
}

fn message_of(here: usize, elsewhere: usize) -> String {
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
