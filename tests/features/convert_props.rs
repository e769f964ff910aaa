//! Conversions undo each other: single-line → multi-line → single-line, and basic → reversed →
//! basic for a card whose reverse side has no schedule, give back the note byte for byte (for
//! cards written as the plugin writes them: no white space around the separator, the comment
//! where the settings put it, blank lines around the card).

use proptest::prelude::*;
use srls::features::convert::conversions;
use srls::features::grade::apply_edits;
use srls::note::{NoteContext, parse_note};
use srls::plugin::cloze::ClozeEngine;
use srls::plugin::settings::Settings;

/// The note after conversion `id` of the card on `line` (`None`: not offered).
fn convert(text: &str, line: usize, id: &str, settings: &Settings) -> Option<String> {
    let note = parse_note(text, settings, &NoteContext::default());
    let i = note.card_at_line(line)?;
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    let found = conversions(text, &note, i, (settings, &engine), &[]);
    let c = found.into_iter().find(|c| c.id == id)?;
    Some(apply_edits(text, &c.edits))
}

fn side() -> impl Strategy<Value = String> {
    "[a-z漢😀][a-z 漢😀\t]{0,8}[a-z漢😀?]"
}

/// A note with one single-line card on line `2` (after a BOM, emoji and CJK text perhaps).
fn note() -> impl Strategy<Value = (String, Settings)> {
    (
        side(),
        side(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of("[a-z0-9]{1,6}"),
        any::<bool>(),
    )
        .prop_map(|(q, a, reversed, crlf, same_line, block, scheduled)| {
            let settings = Settings {
                card_comment_on_same_line: same_line,
                ..Settings::default()
            };
            let sep = if reversed { ":::" } else { "::" };
            let block = block.map(|b| format!(" ^{b}")).unwrap_or_default();
            let comment = "<!--SR:!2025-01-03,15,290-->";
            let tail = match (scheduled, same_line) {
                (false, _) => block,
                (true, true) => format!(" {comment}{block}"),
                (true, false) => format!("{block}\n{comment}"),
            };
            let text = format!("\u{feff}#flashcards 😀 漢\n\n{q}{sep}{a}{tail}\n\nafter\n");
            let text = if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            };
            (text, settings)
        })
}

proptest! {
    #[test]
    fn single_to_multi_to_single_is_the_identity((text, settings) in note()) {
        let multi = convert(&text, 2, "multi-line", &settings).expect("offered");
        prop_assert_ne!(&multi, &text);
        let back = convert(&multi, 2, "single-line", &settings).expect("offered back");
        prop_assert_eq!(back, text);
    }

    #[test]
    fn basic_to_reversed_to_basic_is_the_identity((text, settings) in note()) {
        let basic = text.replacen(":::", "::", 1);
        let reversed = convert(&basic, 2, "reversed", &settings).expect("offered");
        let back = convert(&reversed, 2, "basic", &settings).expect("offered back");
        prop_assert_eq!(&back, &basic);
        let multi = convert(&basic, 2, "multi-line", &settings).expect("offered");
        let reversed = convert(&multi, 2, "reversed", &settings).expect("offered");
        let back = convert(&reversed, 2, "basic", &settings).expect("offered back");
        prop_assert_eq!(back, multi);
    }
}
