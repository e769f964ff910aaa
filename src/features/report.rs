//! The machine-readable shape of a note's cards, as in the corpus's `expected.jsonl`.

use crate::note::{Card, Note};
use crate::plugin::sr_comment::Group;
use serde_json::{Value, json};

/// One schedule entry: `[date, interval, ease]`, `null` for a new sibling.
pub fn schedule_json(g: &Option<Group>) -> Value {
    match g {
        None | Some(Group::New { .. }) => Value::Null,
        Some(Group::Sm2 {
            due,
            interval,
            ease,
            ..
        }) => json!([due.format("%Y-%m-%d").to_string(), interval, ease]),
        Some(Group::Fsrs(c)) => json!({ "fsrs": c.to_segment() }),
        // As the plugin reports them: moment's "Invalid date", NaN as null.
        Some(Group::Invalid {
            due,
            interval,
            ease,
            ..
        }) => json!([
            due.map_or("Invalid date".to_string(), |d| d
                .format("%Y-%m-%d")
                .to_string()),
            interval,
            ease
        ]),
    }
}

/// A card in the `expected.jsonl` shape (plus `siblings`).
pub fn card_json(c: &Card) -> Value {
    json!({
        "type": c.kind.as_str(),
        "first_line": c.first_line,
        "last_line": c.last_line,
        "question": c.question(),
        "answer": c.answer(),
        "sides": c.sides.iter().map(|(f, b)| json!([f, b])).collect::<Vec<_>>(),
        "schedule": c
            .comment
            .iter()
            .flat_map(|cm| cm.groups.iter())
            .map(|g| schedule_json(&Some(g.group.clone())))
            .collect::<Vec<_>>(),
        "deck": c.decks.join("|"),
    })
}

/// A note's line: `{"file", "cards": [...]}`.
pub fn note_json(file: &str, note: &Note) -> Value {
    json!({
        "file": file,
        "cards": note.cards.iter().map(card_json).collect::<Vec<_>>(),
    })
}

/// The first line of a text, shortened to `max` characters.
pub fn one_line(s: &str, max: usize) -> String {
    let first = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if first.chars().count() > max {
        let mut t: String = first.chars().take(max - 1).collect();
        t.push('…');
        t
    } else {
        first.to_string()
    }
}
