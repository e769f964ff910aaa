//! The notes table (`statistics.md` §6): notes with a note-review schedule, each with an ease
//! that mixes its `sr-ease` with the eases of its scheduled flashcards.

use super::side::{Side, side};
use super::tally::array_index;
use super::{StatsClock, StatsNote};
use crate::note::Note;
use crate::plugin::js::number::js_round;
use std::collections::HashMap;

/// JavaScript truthiness of a number.
fn truthy(x: f64) -> bool {
    x != 0.0 && !x.is_nan()
}

/// `calculateFlashcardAvgEase`: a·c + baseEase·(1 − c) over the n scheduled siblings of the
/// note (mean ease a, c = min(1, ln(n + 0.5) / ln 64)); 0 without any.
fn flashcard_ease(note: &Note, base_ease: f64, clock: &StatsClock) -> f64 {
    let eases: Vec<f64> = note
        .cards
        .iter()
        .flat_map(|c| c.schedule.iter())
        .filter_map(|g| match side(g, clock) {
            Side::Scheduled(s) => Some(s.ease),
            Side::New => None,
        })
        .collect();
    if eases.is_empty() {
        return 0.0;
    }
    let n = eases.len() as f64;
    let avg = eases.iter().sum::<f64>() / n;
    let c = ((n + 0.5).ln() / 64f64.ln()).min(1.0);
    avg * c + base_ease * (1.0 - c)
}

/// `noteOnLoadedNote`: the note's ease, or `None` when the plugin stores none for it.
fn note_ease(note: &Note, base_ease: f64, clock: &StatsClock) -> Option<f64> {
    let fm = note.front_matter.as_ref().filter(|f| f.note_schedule)?;
    let sr_ease = fm.sr_ease.unwrap_or(f64::NAN);
    let cards = if note.is_flashcard_note {
        flashcard_ease(note, base_ease, clock)
    } else {
        f64::NAN
    };
    let ease = match (truthy(cards), truthy(sr_ease)) {
        (true, true) => (cards + sr_ease) / 2.0,
        (true, false) => cards,
        (false, _) => sr_ease,
    };
    truthy(ease).then_some(ease)
}

/// The table's rows, `(name, rounded ease)`, in display order: highest ease first, ties in
/// the order of the plugin's record (array-index names first, then load order). The name is
/// the path cut at its first `.`; notes sharing a name share a row, holding the last one's
/// ease.
pub fn note_eases(
    notes: &[StatsNote<'_>],
    base_ease: f64,
    clock: &StatsClock,
) -> Vec<(String, i64)> {
    let mut rows: Vec<(String, i64)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for n in notes {
        let Some(ease) = note_ease(n.note, base_ease, clock) else {
            continue;
        };
        let name = n.path.split('.').next().unwrap_or_default().to_owned();
        let ease = js_round(ease) as i64;
        match at.get(&name) {
            Some(&i) => rows[i].1 = ease,
            None => {
                at.insert(name.clone(), rows.len());
                rows.push((name, ease));
            }
        }
    }
    // Object key order, then a stable sort by ease, highest first.
    let (mut indexed, others): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|r| array_index(&r.0).is_some());
    indexed.sort_by_key(|r| array_index(&r.0));
    let mut rows: Vec<_> = indexed.into_iter().chain(others).collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{NoteContext, parse_note};
    use crate::plugin::settings::Settings;
    use chrono::NaiveDate;

    fn rows(notes: &[(&str, &str)]) -> Vec<(String, i64)> {
        let s = Settings::default();
        let parsed: Vec<Note> = notes
            .iter()
            .map(|(_, t)| parse_note(t, &s, &NoteContext::default()))
            .collect();
        let input: Vec<StatsNote> = notes
            .iter()
            .zip(&parsed)
            .map(|((p, _), n)| StatsNote { path: p, note: n })
            .collect();
        let today = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        let clock = StatsClock {
            today,
            now: today.and_hms_opt(0, 0, 0).unwrap().and_utc(),
            tz: chrono_tz::Tz::UTC,
        };
        note_eases(&input, s.base_ease, &clock)
    }

    const SCHEDULE: &str = "---\nsr-due: 2024-05-01\nsr-interval: 3\nsr-ease: 270\n---\n";

    #[test]
    fn front_matter_and_flashcards_mix() {
        let with_cards = format!("{SCHEDULE}#flashcards\nQ::A <!--SR:!2024-06-03,4,230-->\n");
        let got = rows(&[
            ("b.md", SCHEDULE),
            ("2024.md", SCHEDULE),
            ("a/one.x.md", &with_cards),
            (
                "no-schedule.md",
                "---\nsr-ease: 250\n---\n#flashcards\nQ::A\n",
            ),
        ]);
        // One card at 230: c = ln 1.5 / ln 64, f = 230c + 250(1 − c), ease = (f + 270) / 2.
        let c = 1.5f64.ln() / 64f64.ln();
        let mixed = js_round((230.0 * c + 250.0 * (1.0 - c) + 270.0) / 2.0) as i64;
        assert_eq!(
            got,
            [
                ("2024".to_owned(), 270),
                ("b".to_owned(), 270),
                ("a/one".to_owned(), mixed)
            ]
        );
    }

    #[test]
    fn an_empty_or_zero_ease_gives_no_row() {
        let empty = "---\nsr-due: 2024-05-01\nsr-interval: 3\nsr-ease:\n---\n";
        let zero = "---\nsr-due: 2024-05-01\nsr-interval: 3\nsr-ease: 0\n---\n";
        assert!(rows(&[("e.md", empty), ("z.md", zero)]).is_empty());
    }
}
