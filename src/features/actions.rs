//! The grade actions offered for a card: one per side and answer, titled as the editor shows
//! them, each with the edit it makes.

use crate::features::grade::{GradeRequest, Graded, grade};
use crate::features::report::one_line;
use crate::note::Note;
use crate::plugin::scanner::CardType;
use crate::plugin::schedule::Response;
use crate::plugin::settings::Settings;

/// The answers offered, in the order they are listed.
pub const OFFERED: [Response; 5] = [
    Response::Easy,
    Response::Good,
    Response::Hard,
    Response::Again,
    Response::Reset,
];

/// One grade action: the side and answer, the title, and the computed grade.
#[derive(Debug, Clone)]
pub struct GradeAction {
    pub sibling: usize,
    pub response: Response,
    pub title: String,
    pub graded: Graded,
}

/// The title of an answer (`Grade: Good`, `Reset`).
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
/// answer (clock, histogram).
pub fn grade_actions<'h>(
    text: &str,
    note: &Note,
    card_index: usize,
    settings: &Settings,
    request: impl Fn(usize, Response) -> GradeRequest<'h>,
) -> Vec<GradeAction> {
    let mut out = Vec::new();
    for sibling in 0..note.cards[card_index].siblings() {
        for response in OFFERED {
            let Ok(graded) = grade(
                text,
                note,
                card_index,
                settings,
                &request(sibling, response),
            ) else {
                continue;
            };
            let mut title = response_title(response);
            if let Some(label) = side_label(note, card_index, sibling) {
                title = format!("{title} ({label})");
            }
            out.push(GradeAction {
                sibling,
                response,
                title,
                graded,
            });
        }
    }
    out
}
