//! The machine-readable shape of a note's cards, as in the corpus's `expected.jsonl`.

use crate::note::{Card, Note};
use crate::plugin::sr_comment::Group;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::borrow::Cow;

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
        Some(Group::Invalid(i)) => json!([
            i.due.map_or("Invalid date".to_string(), |d| d
                .format("%Y-%m-%d")
                .to_string()),
            i.interval,
            i.ease
        ]),
    }
}

/// One schedule entry as [`schedule_json`] shapes it, serialized without building a [`Value`]
/// (the CLI prints thousands of them).
#[derive(Serialize)]
#[serde(untagged)]
enum ScheduleOut<'a> {
    Null(()),
    Sm2(String, i64, i64),
    Fsrs { fsrs: String },
    Invalid(Cow<'a, str>, Option<i64>, Option<i64>),
}

impl<'a> ScheduleOut<'a> {
    fn of(g: Option<&'a Group>) -> ScheduleOut<'a> {
        match g {
            None | Some(Group::New { .. }) => ScheduleOut::Null(()),
            Some(Group::Sm2 {
                due,
                interval,
                ease,
                ..
            }) => ScheduleOut::Sm2(due.format("%Y-%m-%d").to_string(), *interval, *ease),
            Some(Group::Fsrs(c)) => ScheduleOut::Fsrs {
                fsrs: c.to_segment(),
            },
            Some(Group::Invalid(i)) => ScheduleOut::Invalid(
                i.due.map_or(Cow::Borrowed("Invalid date"), |d| {
                    Cow::Owned(d.format("%Y-%m-%d").to_string())
                }),
                i.interval,
                i.ease,
            ),
        }
    }
}

/// A card as [`card_json`] shapes it, borrowing from the card; fields in the order
/// `serde_json`'s sorted map prints them, so the bytes are the same.
#[derive(Serialize)]
struct CardOut<'a> {
    answer: &'a str,
    deck: String,
    first_line: usize,
    last_line: usize,
    question: &'a str,
    schedule: Vec<ScheduleOut<'a>>,
    sides: &'a [(String, String)],
    #[serde(rename = "type")]
    kind: &'static str,
}

impl<'a> CardOut<'a> {
    fn of(c: &'a Card) -> CardOut<'a> {
        CardOut {
            answer: c.answer(),
            deck: c.decks.join("|"),
            first_line: c.first_line,
            last_line: c.last_line,
            question: c.question(),
            schedule: c
                .comment
                .iter()
                .flat_map(|cm| cm.groups.iter())
                .map(|g| ScheduleOut::of(Some(&g.group)))
                .collect(),
            sides: &c.sides,
            kind: c.kind.as_str(),
        }
    }
}

/// A note's line as [`note_json`] shapes it.
#[derive(Serialize)]
struct NoteOut<'a> {
    cards: Vec<CardOut<'a>>,
    file: &'a str,
}

/// Writes [`note_json`]'s text (without a line end) straight to `w`: the same bytes, without
/// building a [`Value`] tree of the note first.
pub fn write_note_json(
    w: &mut impl std::io::Write,
    file: &str,
    note: &Note,
) -> std::io::Result<()> {
    if note.cards.len() < 2 * JSON_CHUNK {
        let out = NoteOut {
            cards: note.cards.iter().map(CardOut::of).collect(),
            file,
        };
        return serde_json::to_writer(w, &out).map_err(std::io::Error::from);
    }
    // A big note's cards are written on every core, a chunk each, then joined in order: the
    // same bytes as the whole `NoteOut` written at once (compact, `cards` before `file`).
    let chunks = note
        .cards
        .par_chunks(JSON_CHUNK)
        .map(|cards| {
            let mut b = Vec::with_capacity(cards.len() * 256);
            for (i, c) in cards.iter().enumerate() {
                if i > 0 {
                    b.push(b',');
                }
                serde_json::to_writer(&mut b, &CardOut::of(c))?;
            }
            Ok(b)
        })
        .collect::<serde_json::Result<Vec<Vec<u8>>>>()?;
    w.write_all(b"{\"cards\":[")?;
    for (i, chunk) in chunks.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(chunk)?;
    }
    w.write_all(b"],\"file\":")?;
    serde_json::to_writer(&mut *w, file)?;
    w.write_all(b"}")
}

/// Cards per chunk when a big note's JSON is written on every core.
const JSON_CHUNK: usize = 256;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{NoteContext, parse_note};
    use crate::plugin::settings::Settings;

    /// The streamed JSON is byte for byte the `Value` one, for every kind of schedule group.
    #[test]
    fn streamed_json_equals_the_value_json() {
        let text = "#flashcards\nQ1::A1\n<!--SR:!2024-05-01,3,250-->\n\nQ2:::A2\n<!--SR:!2024-05-01,3,250!bad,x,y-->\n\n\
                    a ==c1== ==c2== é 🃏\n<!--SR:!2024-13-01,3,250!2024-05-02,1,130-->\n\n\
                    Q3\n?\nA3 \"quoted\" \\ tab\there\n<!--SR:!fsrs,2024-05-01T00:00:00.000Z,1,2,3,4,5,6,7,8-->\n";
        let note = parse_note(text, &Settings::default(), &NoteContext::default());
        assert!(note.cards.len() >= 3);
        let mut streamed = Vec::new();
        write_note_json(&mut streamed, "dir/ä.md", &note).unwrap();
        let value = note_json("dir/ä.md", &note).to_string();
        assert_eq!(String::from_utf8(streamed).unwrap(), value);
    }

    /// A note big enough to be written in chunks on every core gives the same bytes too.
    #[test]
    fn chunked_json_equals_the_value_json() {
        let one =
            "Q1::A1\n<!--SR:!2024-05-01,3,250-->\n\na ==c1== ==c2== é 🃏\n\nQ3\n?\nA3 \"q\"\n\n";
        let text = format!("#flashcards\n{}", one.repeat(JSON_CHUNK + 7));
        let note = parse_note(&text, &Settings::default(), &NoteContext::default());
        assert!(note.cards.len() >= 3 * JSON_CHUNK);
        let mut streamed = Vec::new();
        write_note_json(&mut streamed, "dir/ä.md", &note).unwrap();
        let value = note_json("dir/ä.md", &note).to_string();
        assert_eq!(String::from_utf8(streamed).unwrap(), value);
    }
}
