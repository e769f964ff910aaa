//! The grade actions offered for a card: one per side and answer, titled as the editor shows
//! them, each with the edit it makes.

use crate::features::grade::{
    Edit, GradeRequest, Graded, Outcome, check_card, grade, group_text, minimal, outcome_group,
    schedule_sibling,
};
use crate::features::lint::{Diagnostic, Fix};
use crate::features::report::one_line;
use crate::note::{Card, Note};
use crate::plugin::js::number::js_number;
use crate::plugin::scanner::CardType;
use crate::plugin::schedule::Response;
use crate::plugin::schedule::sm2::{self, Sm2Outcome};
use crate::plugin::settings::Algorithm;
use crate::plugin::settings::Settings;
use chrono::{DateTime, NaiveDate, Utc};

/// The answers offered, in the plugin's button order (Reset, its toolbar action, last).
pub const OFFERED: [Response; 5] = [
    Response::Again,
    Response::Hard,
    Response::Good,
    Response::Easy,
    Response::Reset,
];

/// The answer an editor pre-selects (`isPreferred`): Good, as Space does in the plugin.
pub const PREFERRED: Response = Response::Good;

/// The next interval an answer gives, as short as the plugin's buttons: `today` (SM-2 Again),
/// `44d`, or for FSRS steps the time until due (`10m`, `3h`).
pub fn interval_label(outcome: &Outcome, now: DateTime<Utc>) -> String {
    match outcome {
        Outcome::Sm2(o) if o.interval == 0.0 => "today".into(),
        Outcome::Sm2(o) => format!("{}d", js_number(o.interval)),
        Outcome::Fsrs(c) => span_label((c.due - now).num_seconds()),
    }
}

/// A duration from now: `10m`, `3h`, `8d` (rounded up).
pub fn span_label(secs: i64) -> String {
    if secs < 3600 {
        format!("{}m", (secs.max(0) + 59) / 60)
    } else if secs < 86_400 {
        format!("{}h", (secs + 3599) / 3600)
    } else {
        format!("{}d", (secs + 86_399) / 86_400)
    }
}

/// One grade action: the side and answer, its title, and (when asked for) its edits.
#[derive(Debug, Clone)]
pub struct GradeAction {
    pub sibling: usize,
    pub response: Response,
    pub title: String,
    /// The edits, computed only with `with_edits` (a client that resolves actions gets them
    /// when one is chosen: building each side's comment is linear in the card's sides).
    pub edits: Option<Vec<Edit>>,
}

/// The title of an answer (`Grade: Good`, `Reset`); [`grade_actions`] adds the interval.
pub fn response_title(r: Response) -> String {
    match r {
        Response::Easy => "Grade: Easy".into(),
        Response::Good => "Grade: Good".into(),
        Response::Hard => "Grade: Hard".into(),
        Response::Again => "Grade: Again".into(),
        Response::Reset => "Reset".into(),
    }
}

/// Which side an action grades, for cards with several (`side 2: <front>`, `side 2 of 3`).
fn side_label(note: &Note, card_index: usize, side: usize) -> Option<String> {
    let card = &note.cards[card_index];
    let n = card.siblings();
    if n < 2 {
        return None;
    }
    Some(match card.kind {
        CardType::Cloze => format!("side {} of {n}", side + 1),
        _ => format!("side {}: {}", side + 1, one_line(&card.sides[side].0, 24)),
    })
}

/// Every action for the card: each side × [`OFFERED`], leaving out answers that cannot apply
/// (a reset of a new side, a damaged comment). `request` builds the request of one side and
/// answer (clock, histogram). Linear in the card's sides unless `with_edits`.
pub fn grade_actions<'h>(
    text: &str,
    note: &Note,
    card_index: usize,
    settings: &Settings,
    with_edits: bool,
    request: impl Fn(usize, Response) -> GradeRequest<'h>,
) -> Vec<GradeAction> {
    let card = &note.cards[card_index];
    if check_card(card).is_err() {
        return vec![];
    }
    let mut out = Vec::new();
    let mut in_place = None;
    for sibling in 0..card.siblings() {
        for response in OFFERED {
            let req = request(sibling, response);
            let Ok((outcome, _)) = schedule_sibling(note, card, settings, &req) else {
                continue;
            };
            let edits = if !with_edits {
                None
            } else if in_place == Some(true) {
                Some(group_edit(text, card, sibling, &outcome))
            } else {
                match grade(text, note, card_index, settings, &req) {
                    Ok(g) => {
                        in_place.get_or_insert_with(|| grades_in_place(text, card, settings, &g));
                        Some(g.edits)
                    }
                    Err(_) => continue,
                }
            };
            let mut title = response_title(response);
            if response != Response::Reset {
                title = format!("{title} · {}", interval_label(&outcome, req.now));
            }
            if let Some(label) = side_label(note, card_index, sibling) {
                title = format!("{title} ({label})");
            }
            out.push(GradeAction {
                sibling,
                response,
                title,
                edits,
            });
        }
    }
    out
}

/// Whether grading any side of `card` only rewrites that side's group: its comment already reads
/// as the plugin writes it back (every group in canonical form, one per side) and `graded`, a
/// grade of one side, replaced nothing but text inside the comment. Then each side's edit is
/// [`group_edit`], without rebuilding the comment: a card of 5,000 clozes has 25,000 actions,
/// and a comment rebuilt for each is quadratic. Linear in the comment, checked once per card.
fn grades_in_place(text: &str, card: &Card, settings: &Settings, graded: &Graded) -> bool {
    let Some(cm) = card.comment.as_ref().filter(|c| !c.loose) else {
        return false;
    };
    let [e] = graded.edits.as_slice() else {
        return false;
    };
    if e.start < cm.start || e.end > cm.end || cm.groups.len() != card.siblings() {
        return false;
    }
    let after = [
        &text[cm.start..e.start],
        e.text.as_str(),
        &text[e.end..cm.end],
    ]
    .concat();
    let mut canonical = String::from("<!--SR:");
    for (i, (g, span)) in card.schedule.iter().zip(&cm.groups).enumerate() {
        match group_text(g.as_ref(), settings, i) {
            Ok(t) if text.get(span.start.wrapping_sub(1)..span.end) == Some(t.as_str()) => {
                canonical.push_str(&t)
            }
            _ => return false,
        }
    }
    canonical.push_str("-->");
    after == graded.comment && text[cm.start..cm.end] == canonical
}

/// The edit of grading side `sibling` to `outcome` when the card [`grades_in_place`]: its
/// group's text (after the `!`) replaced.
fn group_edit(text: &str, card: &Card, sibling: usize, outcome: &Outcome) -> Vec<Edit> {
    let span = &card.comment.as_ref().expect("graded in place").groups[sibling];
    let group = outcome_group(outcome);
    minimal(text, span.start, span.end, group.trim_start_matches('!'))
}

/// The quick fix of an `invalid-comment` diagnostic on one schedule group (SM-2 vaults): reset
/// that side as the plugin's Reset does (due `today`, interval 1, the base ease), touching only
/// the group's text.
pub fn reset_broken_group(
    note: &Note,
    diagnostic: &Diagnostic,
    settings: &Settings,
    today: NaiveDate,
) -> Option<Fix> {
    if diagnostic.code != "invalid-comment" || settings.algorithm != Algorithm::Sm2Osr {
        return None;
    }
    let card = &note.cards[note.card_at_offset(diagnostic.start)?];
    let comment = card.comment.as_ref().filter(|cm| !cm.loose)?;
    let (side, group) = comment
        .groups
        .iter()
        .enumerate()
        .find(|(_, g)| g.start == diagnostic.start && g.end == diagnostic.end)?;
    let reset = sm2::format_group(&Sm2Outcome {
        due: today,
        interval: 1.0,
        ease: settings.base_ease,
    });
    Some(Fix {
        title: format!("Reset side {} (due today)", side + 1),
        edits: vec![Edit {
            start: group.start,
            end: group.end,
            text: reset.trim_start_matches('!').to_string(),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{NoteContext, parse_note};
    use chrono::TimeZone;

    #[test]
    fn titles_do_not_depend_on_computing_the_edits() {
        let text = "#flashcards\n\nA ==b== c ==d== e ==f==\n<!--SR:!2025-01-01,3,250!2025-01-09,4,260-->\n\nQ:::A\n<!--SR:!2025-01-02,3,250-->\n\nX::Y\n<!--SR:!2025-13-45,x,290-->\n";
        let settings = Settings::default();
        let note = parse_note(text, &settings, &NoteContext::default());
        let today = NaiveDate::from_ymd_opt(2025, 1, 3).unwrap();
        let now = Utc.with_ymd_and_hms(2025, 1, 3, 12, 0, 0).unwrap();
        let histogram = Default::default();
        let request = |sibling, response| GradeRequest {
            sibling,
            response,
            today,
            now,
            tz: chrono_tz::UTC,
            histogram: &histogram,
        };
        let mut seen = 0;
        for ci in 0..note.cards.len() {
            let with: Vec<_> = grade_actions(text, &note, ci, &settings, true, request)
                .into_iter()
                .map(|a| (a.sibling, a.response, a.title, a.edits.is_some()))
                .collect();
            let without: Vec<_> = grade_actions(text, &note, ci, &settings, false, request)
                .into_iter()
                .map(|a| (a.sibling, a.response, a.title, a.edits.is_none()))
                .collect();
            assert_eq!(with, without, "card {ci}");
            seen += with.len();
        }
        // Cloze: 3 sides × 5 (the new third side cannot be reset), reversed 2 × 5 − 1, the
        // broken card none.
        assert_eq!(seen, 14 + 9, "{:?}", note.cards.len());
    }

    /// A card's comment: canonical groups, a short one, a legacy date, a missing `!`, one
    /// group too few; on the card's line or the next, with a block id or text after it.
    fn comment(groups: &[u8], place: u8) -> String {
        let g: String = groups
            .iter()
            .map(|k| match k {
                0 => "!2025-01-03,3,250",
                1 => "!2000-01-01,1,250",
                2 => "!2025-1-3,3,250",
                3 => "!03-01-2025,4,230",
                _ => "!2024-12-30,10,270",
            })
            .collect();
        match place {
            0 => format!("\n<!--SR:{g}-->"),
            1 => format!(" <!--SR:{g}-->"),
            2 => format!(" <!--SR:{g}--> ^id"),
            _ => format!("\n<!--SR:{g}--> after"),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// The edits of the actions (each side's group rewritten in place when the comment
        /// allows it) give the text a full grade of that side and answer gives.
        #[test]
        fn action_edits_give_what_grading_gives(
            sides in 1usize..6,
            groups in proptest::collection::vec(0u8..5, 0..7),
            place in 0u8..4,
            crlf in proptest::bool::ANY,
        ) {
            let clozes: String = (0..sides).map(|i| format!("==c{i}== ")).collect();
            let mut text = format!("#flashcards\n\n{clozes}{}\n\nQ::A\n", comment(&groups, place));
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            let settings = Settings::default();
            let note = parse_note(&text, &settings, &NoteContext::default());
            let today = NaiveDate::from_ymd_opt(2025, 1, 3).unwrap();
            let now = Utc.with_ymd_and_hms(2025, 1, 3, 12, 0, 0).unwrap();
            let histogram = Default::default();
            let request = |sibling, response| GradeRequest {
                sibling, response, today, now, tz: chrono_tz::UTC, histogram: &histogram,
            };
            for ci in 0..note.cards.len() {
                for a in grade_actions(&text, &note, ci, &settings, true, request) {
                    let full = grade(&text, &note, ci, &settings, &request(a.sibling, a.response)).unwrap();
                    let got = crate::features::grade::apply_edits(&text, a.edits.as_ref().unwrap());
                    let want = crate::features::grade::apply_edits(&text, &full.edits);
                    proptest::prop_assert_eq!(got, want, "card {} side {} {:?} of {:?}", ci, a.sibling, a.response, text);
                }
            }
        }
    }
}
