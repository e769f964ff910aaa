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

/// The card under a line as the scan of every card finds it (what `Note::card_at_line`'s
/// binary search must equal).
fn card_at_line_scan(n: &srls::note::Note, line: usize) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, c) in n.cards.iter().enumerate() {
        let (lo, hi) = (c.start_line(), c.end_line.max(c.start_line()));
        if line >= lo && line <= hi && best.is_none_or(|(_, s)| hi - lo < s) {
            best = Some((i, hi - lo));
        }
    }
    best.map(|(i, _)| i).or_else(|| {
        n.cards
            .iter()
            .position(|c| line >= c.first_line && line <= c.last_line)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Hover, code actions and grading find a card by binary search: the same card as a scan.
    #[test]
    fn card_at_line_is_the_scans_answer(s in note_text()) {
        let n = parse_note(&s, &Settings::default(), &NoteContext::default());
        for line in 0..n.lines.len() + 2 {
            prop_assert_eq!(n.card_at_line(line), card_at_line_scan(&n, line), "line {} of {:?}", line, s);
        }
    }

    /// Inlay hints for a range look at the cards near it only: the hints of every card whose
    /// hint lies in the range, as filtering all of them gives.
    #[test]
    fn hints_of_a_range_are_those_of_all_cards_in_it(s in note_text(), a in 0usize..400, len in 0usize..200) {
        use srls::features::hints::{HintStyle, hint_offset, hints};
        let n = parse_note(&s, &Settings::default(), &NoteContext::default());
        let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 3).unwrap();
        let now = today.and_hms_opt(12, 0, 0).unwrap().and_utc();
        let (from, to) = (a.min(s.len()), (a + len).min(s.len()));
        let got: Vec<usize> = hints(&n, from, to, HintStyle::Full, today, now).iter().map(|h| h.offset).collect();
        let want: Vec<usize> = n.cards.iter().map(|c| hint_offset(&n, c)).filter(|o| *o >= from && *o <= to).collect();
        prop_assert_eq!(got, want, "{}..{} of {:?}", from, to, s);
    }
}
