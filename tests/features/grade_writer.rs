//! The grade writer: exact comments, minimal edits, line endings and Unicode kept.

use chrono::{NaiveDate, TimeZone, Utc};
use srls::features::grade::{GradeError, GradeRequest, apply_edits, grade};
use srls::note::{NoteContext, parse_note};
use srls::plugin::schedule::{Histogram, Response};
use srls::plugin::settings::Settings;
use srls::plugin::sr_comment::Group;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn run(
    text: &str,
    settings: &Settings,
    card: usize,
    sibling: usize,
    r: Response,
    today: &str,
) -> Result<String, GradeError> {
    let note = parse_note(text, settings, &NoteContext::default());
    let h = Histogram::new();
    let req = GradeRequest {
        sibling,
        response: r,
        today: day(today),
        now: Utc.with_ymd_and_hms(2025, 1, 3, 12, 0, 0).unwrap(),
        tz: chrono_tz::UTC,
        histogram: &h,
    };
    let g = grade(text, &note, card, settings, &req)?;
    let out = apply_edits(text, &g.edits);
    // Re-parsing gives the same cards, with the new schedule on the graded sibling.
    let again = parse_note(&out, settings, &NoteContext::default());
    assert_eq!(
        again.cards.len(),
        note.cards.len(),
        "card count changed:\n{out}"
    );
    for (a, b) in again.cards.iter().zip(&note.cards) {
        assert_eq!(a.kind, b.kind);
        assert_eq!(a.sides.len(), b.sides.len());
    }
    let c = &again.cards[card];
    assert!(
        c.comment
            .as_ref()
            .is_some_and(|cm| out[cm.start..cm.end] == g.comment),
        "{out}"
    );
    // Only the comment region changed: everything outside the edits is byte-identical.
    for e in &g.edits {
        assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
    }
    Ok(out)
}

fn s() -> Settings {
    Settings::default()
}

#[test]
fn replaces_an_existing_comment_only() {
    let t = "#flashcards\n\nQ\n?\nA\n<!--SR:!2025-01-03,15,290-->\n\nnext::card\n";
    let out = run(t, &s(), 0, 0, Response::Good, "2025-01-03").unwrap();
    assert_eq!(out, t.replace("!2025-01-03,15,290", "!2025-02-16,44,290"));
}

#[test]
fn inserts_a_comment_on_its_own_line_for_a_new_card() {
    let t = "#flashcards\n\nWhat is 2+2?::4\n\nnext";
    let out = run(t, &s(), 0, 0, Response::Good, "2025-01-10").unwrap();
    assert_eq!(
        out,
        "#flashcards\n\nWhat is 2+2?::4\n<!--SR:!2025-01-13,3,250-->\n\nnext"
    );
}

#[test]
fn keeps_crlf() {
    let t = "#flashcards\r\n\r\nQ\r\n?\r\nA\r\n\r\nx";
    let out = run(t, &s(), 0, 0, Response::Easy, "2025-01-10").unwrap();
    assert_eq!(
        out,
        "#flashcards\r\n\r\nQ\r\n?\r\nA\r\n<!--SR:!2025-01-14,4,270-->\r\n\r\nx"
    );
}

#[test]
fn emoji_cjk_and_tabs_untouched() {
    let t = "#flashcards\n\n\t🃏 漢字 👩‍👩‍👧::答え 🎉\n<!--SR:!2025-01-03,15,290-->\n";
    let out = run(t, &s(), 0, 0, Response::Hard, "2025-01-03").unwrap();
    assert_eq!(out, t.replace("!2025-01-03,15,290", "!2025-01-11,8,270"));
}

#[test]
fn card_at_end_of_file_without_newline() {
    let t = "#flashcards\n\nQ::A";
    let out = run(t, &s(), 0, 0, Response::Again, "2025-01-10").unwrap();
    assert_eq!(out, "#flashcards\n\nQ::A\n<!--SR:!2025-01-10,0,230-->");
}

#[test]
fn reversed_second_sibling_gets_a_placeholder_before_it() {
    let t = "#flashcards\n\navoir:::to have\n";
    let out = run(t, &s(), 0, 1, Response::Good, "2025-01-10").unwrap();
    assert_eq!(
        out,
        "#flashcards\n\navoir:::to have\n<!--SR:!2000-01-01,1,250!2025-01-13,3,250-->\n"
    );
}

#[test]
fn cloze_keeps_other_siblings_and_drops_extra_groups() {
    let t = "#flashcards\n\n==Paris== is in ==France==\n<!--SR:!2025-01-10,3,250!2000-01-01,1,250!2025-01-01,1,250-->\n";
    let out = run(t, &s(), 0, 1, Response::Good, "2025-01-10").unwrap();
    assert_eq!(
        out,
        "#flashcards\n\n==Paris== is in ==France==\n<!--SR:!2025-01-10,3,250!2025-01-13,3,250-->\n"
    );
}

#[test]
fn comment_after_the_answer_on_the_same_line_moves_to_its_own_line() {
    let t = "#flashcards\n\nQ::A <!--SR:!2025-01-03,15,290-->\n";
    let out = run(t, &s(), 0, 0, Response::Good, "2025-01-03").unwrap();
    assert_eq!(out, "#flashcards\n\nQ::A\n<!--SR:!2025-02-16,44,290-->\n");
}

#[test]
fn same_line_setting() {
    let mut st = s();
    st.card_comment_on_same_line = true;
    let t = "#flashcards\n\nQ::A ^abc\n";
    let out = run(t, &st, 0, 0, Response::Good, "2025-01-10").unwrap();
    assert_eq!(
        out,
        "#flashcards\n\nQ::A <!--SR:!2025-01-13,3,250--> ^abc\n"
    );
}

#[test]
fn callout_setting() {
    let mut st = s();
    st.use_callouts_for_scheduling_comments = true;
    let t = "#flashcards\n\nQ::A\n\nx";
    let out = run(t, &st, 0, 0, Response::Good, "2025-01-10").unwrap();
    assert_eq!(
        out,
        "#flashcards\n\nQ::A\n> [!sr|card-metadata] \n>  <!--SR:!2025-01-13,3,250-->\n\nx"
    );
    // And grading it again replaces only the comment inside the callout.
    let out2 = run(&out, &st, 0, 0, Response::Good, "2025-01-13").unwrap();
    assert_eq!(out2, out.replace("!2025-01-13,3,250", "!2025-01-21,8,250"));
}

#[test]
fn fenced_answer_gets_the_comment_after_the_closing_fence() {
    let t = "#flashcards\n\nQ\n?\n```python\nwith X as Y:\n    do\n```\n\nafter";
    let out = run(t, &s(), 0, 0, Response::Good, "2025-01-10").unwrap();
    assert_eq!(
        out,
        "#flashcards\n\nQ\n?\n```python\nwith X as Y:\n    do\n```\n<!--SR:!2025-01-13,3,250-->\n\nafter"
    );
}

#[test]
fn refusals() {
    let t = "#flashcards\n\nQ::A\n";
    assert_eq!(
        run(t, &s(), 0, 0, Response::Reset, "2025-01-10"),
        Err(GradeError::NothingToReset)
    );
    assert!(matches!(
        run(t, &s(), 0, 3, Response::Good, "2025-01-10"),
        Err(GradeError::SiblingOutOfRange { .. })
    ));
    let bad = "#flashcards\n\nQ::A\n<!--SR:!bad-->\n";
    assert!(matches!(
        run(bad, &s(), 0, 0, Response::Good, "2025-01-10"),
        Err(GradeError::InvalidGroup { .. })
    ));
    let fsrs = "#flashcards\n\nQ::A\n<!--SR:!fsrs,2025-03-01T09:40:00.000Z,0,2.3065,2.11810397,1,1,0,1,2025-03-01T09:30:00.000Z-->\n";
    assert!(matches!(
        run(fsrs, &s(), 0, 0, Response::Good, "2025-03-02"),
        Err(GradeError::FsrsCardInSm2Vault(1))
    ));
}

#[test]
fn fsrs_vault_writes_fsrs() {
    let mut st = s();
    st.algorithm = srls::plugin::settings::Algorithm::Fsrs;
    let t = "#flashcards\n\nQ::A\n";
    let out = run(t, &st, 0, 0, Response::Good, "2025-01-03").unwrap();
    let note = parse_note(&out, &st, &NoteContext::default());
    assert!(
        matches!(note.cards[0].schedule[0], Some(Group::Fsrs(_))),
        "{out}"
    );
    assert!(
        out.contains("<!--SR:!fsrs,2025-01-03T12:10:00.000Z,"),
        "{out}"
    );
}

#[test]
fn lines_the_scanner_skips_are_left_alone() {
    // The plugin skips the line after a one-line HTML comment, so the comment below the blank
    // line still belongs to the card: only the comment changes, the blank line stays.
    let t = "#flashcards\n\nQ ==c==\n<!-- c -->\n\n<!--SR:!2025-01-03,15,290-->\n";
    let out = run(t, &s(), 0, 0, Response::Good, "2025-01-03").unwrap();
    assert_eq!(out, t.replace("!2025-01-03,15,290", "!2025-02-16,44,290"));
}
