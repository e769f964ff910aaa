//! Properties of the parser: it never panics, and line endings do not change the cards.

use proptest::prelude::*;
use srls::note::{NoteContext, parse_note};
use srls::plugin::settings::Settings;

/// Lines built from the pieces that drive the scanner, to reach its corners quickly.
fn note_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("#flashcards".to_string()),
        Just("Q::A".to_string()),
        Just("a:::b".to_string()),
        Just("?".to_string()),
        Just("??".to_string()),
        Just("".to_string()),
        Just("```".to_string()),
        Just("~~~".to_string()),
        Just("<!-- c -->".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("<!--SR:!2025-01-03,15,290-->".to_string()),
        Just("<!--SR:!bad!2000-01-01,1,250-->".to_string()),
        Just("==cloze== and ==1;;x;;h==".to_string()),
        Just("---".to_string()),
        Just("tags: [flashcards]".to_string()),
        Just("> [!sr|card-metadata]".to_string()),
        Just("`a::b` c".to_string()),
        Just("🃏 emoji 漢字 ^abc".to_string()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..14).prop_map(|v| v.join("\n"))
}

fn cards(text: &str) -> Vec<String> {
    let n = parse_note(text, &Settings::default(), &NoteContext::default());
    n.cards
        .iter()
        .map(|c| {
            format!(
                "{:?} {} {} {:?} {:?}",
                c.kind, c.first_line, c.last_line, c.sides, c.schedule
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,300}") {
        let _ = parse_note(&s, &Settings::default(), &NoteContext::default());
    }

    #[test]
    fn never_panics_on_card_like_text(s in note_text()) {
        let _ = parse_note(&s, &Settings::default(), &NoteContext::default());
    }

    #[test]
    fn crlf_gives_the_same_cards(s in note_text()) {
        let crlf = s.replace('\n', "\r\n");
        prop_assert_eq!(cards(&s), cards(&crlf));
    }
}
