//! Session behaviour the plugin's vectors do not cover (they answer Good only): Again and
//! learning steps coming back, stale answers, undo, cram, skip, bury, decks, what is shown.

use super::*;
use crate::note::{NoteContext, parse_note};
use crate::plugin::schedule::{Histogram, Response};
use crate::plugin::settings::{Algorithm, Settings};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 10).unwrap()
}

fn settings(order: &str) -> Settings {
    Settings {
        flashcard_card_order: order.into(),
        ..Settings::default()
    }
}

fn session_with(notes: &[(&str, &str)], s: Settings, mode: Mode, deck: Option<&str>) -> Session {
    let rn = notes
        .iter()
        .map(|(p, t)| {
            let context = NoteContext {
                vault_path: Some(p.to_string()),
            };
            ReviewNote {
                path: PathBuf::from(p),
                text: t.to_string(),
                note: parse_note(t, &s, &context),
                context,
            }
        })
        .collect();
    let o = Options {
        settings: s,
        scope: Scope {
            deck: deck.map(str::to_string),
            single_note: false,
        },
        mode,
        seed: 5,
        today: today(),
        now: Utc.with_ymd_and_hms(2025, 1, 10, 9, 0, 0).unwrap(),
        tz: chrono_tz::UTC,
        histogram: Histogram::new(),
    };
    Session::start(rn, o).unwrap()
}

fn session(text: &str, order: &str) -> Session {
    session_with(&[("n.md", text)], settings(order), Mode::Review, None)
}

/// Answers until the end (or `limit` answers), returning (first line of the question, sibling)
/// of each card shown, and keeping the note text up to date.
fn run(s: &mut Session, mut respond: impl FnMut(usize, &Item) -> Response) -> Vec<String> {
    let mut seen = Vec::new();
    while let Some(item) = s.current() {
        assert!(seen.len() < 50, "the session does not end: {seen:?}");
        seen.push(item.question.clone());
        let r = respond(seen.len() - 1, &item);
        s.answer(item.id, r).unwrap();
    }
    seen
}

const TWO_NEW: &str = "#flashcards\n\nA::1\n\nB::2\n";

#[test]
fn a_new_card_answered_again_comes_back_under_a_due_first_order() {
    for order in ["DueFirstSequential", "NewFirstSequential"] {
        let mut s = session(TWO_NEW, order);
        let seen = run(&mut s, |i, _| {
            if i == 0 {
                Response::Again
            } else {
                Response::Good
            }
        });
        assert_eq!(seen, vec!["A", "B", "A"], "{order}");
        assert_eq!(s.counts().reviewed, 3);
        let text = s.text_of(Path::new("n.md")).unwrap();
        assert!(text.contains("A::1\n<!--SR:!2025-01"), "{text}");
    }
}

#[test]
fn sm2_again_writes_interval_zero_and_buttons_read_like_the_plugin() {
    let mut s = session(TWO_NEW, "DueFirstSequential");
    let item = s.current().unwrap();
    let labels: Vec<&str> = item.buttons.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(
        labels,
        vec![
            "Again - 1 min",
            "Hard - 1 day(s)",
            "Good - 3 day(s)",
            "Easy - 4 day(s)"
        ]
    );
    let eff = s.answer(item.id, Response::Again).unwrap();
    let edit = eff.edit.unwrap();
    assert_eq!(
        edit.new_text,
        "#flashcards\n\nA::1\n<!--SR:!2025-01-10,0,230-->\n\nB::2\n"
    );
    assert_eq!(edit.old_text, TWO_NEW);
    assert_eq!(eff.next.unwrap().question, "B");
}

#[test]
fn fsrs_learning_steps_wait_then_come_back() {
    let mut st = settings("DueFirstSequential");
    st.algorithm = Algorithm::Fsrs;
    let mut s = session_with(&[("n.md", "#flashcards\n\nA::1\n")], st, Mode::Review, None);
    let item = s.current().unwrap();
    let intervals: Vec<Option<String>> = item.buttons.iter().map(|b| b.interval.clone()).collect();
    let want = ["1 min", "6 min", "10 min", "8 day(s)"].map(|x| Some(x.to_string()));
    assert_eq!(intervals, want);
    let eff = s.answer(item.id, Response::Good).unwrap();
    assert!(eff.next.is_none(), "the step waits");
    let c = s.counts();
    assert_eq!((c.waiting, c.new, c.due), (1, 0, 0));
    let due = c.next_wait.unwrap();
    assert_eq!(due - s.now(), Duration::minutes(10));
    s.set_now(due - Duration::seconds(1));
    assert!(s.current().is_none());
    s.set_now(due);
    let back = s.current().expect("the learning step is shown again");
    assert_eq!(back.question, "A");
    assert!(!back.is_new);
    s.answer(back.id, Response::Easy).unwrap();
    assert!(s.current().is_none() && s.counts().waiting == 0);
}

#[test]
fn an_answer_after_an_edit_elsewhere_in_the_note_is_written_into_the_new_text() {
    let mut s = session(TWO_NEW, "DueFirstSequential");
    let old = s.current().unwrap();
    let changed = format!("# Added\n{TWO_NEW}");
    assert!(s.refresh_note(Path::new("n.md"), &changed));
    assert_eq!(
        s.current().unwrap().id,
        old.id,
        "the card on screen is unchanged"
    );
    let edit = s.answer(old.id, Response::Good).unwrap().edit.unwrap();
    assert_eq!(edit.old_text, changed);
    assert!(
        edit.new_text
            .starts_with("# Added\n#flashcards\n\nA::1\n<!--SR:")
    );
}

#[test]
fn an_answer_after_its_card_changed_is_refused_and_the_note_reread() {
    let mut s = session(TWO_NEW, "DueFirstSequential");
    let old = s.current().unwrap();
    let changed = format!("# Added\n{}", TWO_NEW.replace("A::1", "A::1 and more"));
    assert!(s.refresh_note(Path::new("n.md"), &changed));
    assert_eq!(
        s.answer(old.id, Response::Good),
        Err(ReviewError::NoteChanged(PathBuf::from("n.md")))
    );
    let now = s.current().unwrap();
    assert_ne!(now.id, old.id);
    assert_eq!((now.question.as_str(), now.line), ("A", 3));
    let edit = s.answer(now.id, Response::Good).unwrap().edit.unwrap();
    assert_eq!(edit.old_text, changed);
    assert!(
        edit.new_text
            .starts_with("# Added\n#flashcards\n\nA::1 and more\n<!--SR:")
    );
}

#[test]
fn a_card_deleted_from_its_note_leaves_and_a_vanished_note_takes_its_cards() {
    let mut s = session(TWO_NEW, "DueFirstSequential");
    s.refresh_note(Path::new("n.md"), "#flashcards\n\nB::2\n");
    assert_eq!(s.current().unwrap().question, "B");
    assert_eq!(s.counts().new, 1);
    let id = s.current().unwrap().id;
    s.remove_note(Path::new("n.md"));
    assert_eq!(
        s.answer(id, Response::Good),
        Err(ReviewError::NoteRemoved(PathBuf::from("n.md")))
    );
    assert!(s.current().is_none());
    assert_eq!(s.counts().new, 0);
}

#[test]
fn undo_restores_the_queue_and_gives_back_the_old_text() {
    let mut s = session(TWO_NEW, "DueFirstSequential");
    let first = s.current().unwrap();
    let edit = s.answer(first.id, Response::Good).unwrap().edit.unwrap();
    assert_eq!(s.counts().new, 1);
    let back = s.undo().unwrap().unwrap();
    assert_eq!(back.old_text, edit.new_text);
    assert_eq!(back.new_text, TWO_NEW);
    assert_eq!(s.text_of(Path::new("n.md")), Some(TWO_NEW));
    let c = s.counts();
    assert_eq!((c.new, c.reviewed), (2, 0));
    assert_eq!(s.current().unwrap().question, "A");
    assert_eq!(s.undo(), Err(ReviewError::NothingToUndo));
}

#[test]
fn cram_writes_nothing_and_repeats_until_easy() {
    let text = "#flashcards\n\nA::1\n<!--SR:!2030-01-01,300,250-->\n\nB::2\n";
    let mut s = session_with(
        &[("n.md", text)],
        settings("DueFirstSequential"),
        Mode::Cram,
        None,
    );
    let labels: Vec<String> = s
        .current()
        .unwrap()
        .buttons
        .iter()
        .map(|b| b.label.clone())
        .collect();
    assert_eq!(labels, vec!["Again", "Easy"]);
    let seen = run(&mut s, |i, _| {
        if i == 0 {
            Response::Again
        } else {
            Response::Easy
        }
    });
    assert_eq!(seen, vec!["A", "A", "B"], "not-due A is crammed too");
    assert_eq!(s.text_of(Path::new("n.md")), Some(text));
}

#[test]
fn skip_takes_the_whole_question_and_bury_takes_the_siblings() {
    let rev = "#flashcards\n\nA:::1\n\nB::2\n";
    let mut s = session(rev, "DueFirstSequential");
    let id = s.current().unwrap().id;
    s.skip(id).unwrap();
    assert_eq!(s.current().unwrap().question, "B");
    assert_eq!(s.counts().reviewed, 0);

    let mut st = settings("DueFirstSequential");
    st.bury_sibling_cards = true;
    let mut s = session_with(&[("n.md", rev)], st, Mode::Review, None);
    assert_eq!(run(&mut s, |_, _| Response::Good), vec!["A", "B"]);
    let mut s = session(rev, "DueFirstSequential");
    assert_eq!(run(&mut s, |_, _| Response::Good), vec!["A", "1", "B"]);
}

#[test]
fn a_deck_and_its_sub_decks_and_an_unknown_deck() {
    let a = "#flashcards/geo\n\nA::1\n\n#flashcards/geo/eu B::2\n\n#flashcards/math C::3\n";
    let st = settings("DueFirstSequential");
    let mut s = session_with(
        &[("n.md", a)],
        st.clone(),
        Mode::Review,
        Some("flashcards/geo"),
    );
    assert_eq!(s.deck(), "flashcards/geo");
    let seen = run(&mut s, |_, item| {
        assert!(item.deck.starts_with("flashcards/geo"));
        Response::Good
    });
    assert_eq!(seen, vec!["A", "B"]);
    let notes = vec![ReviewNote {
        path: "n.md".into(),
        text: a.into(),
        note: parse_note(a, &st, &NoteContext::default()),
        context: NoteContext::default(),
    }];
    let o = Options {
        settings: st,
        scope: Scope {
            deck: Some("#flashcards/bio".into()),
            single_note: false,
        },
        mode: Mode::Review,
        seed: 0,
        today: today(),
        now: Utc::now(),
        tz: chrono_tz::UTC,
        histogram: Histogram::new(),
    };
    let err = Session::start(notes, o).unwrap_err();
    assert_eq!(
        err.to_string(),
        "there is no deck `flashcards/bio`; the decks are: flashcards, flashcards/geo, flashcards/geo/eu, flashcards/math"
    );
}

#[test]
fn items_show_context_cloze_sides_and_the_back() {
    let text =
        "#flashcards\n# Cells\n## Organelles\n\nThe ==mitochondria== makes ==ATP==\n\nQ\n?\nA\n";
    let mut s = session_with(
        &[("bio/Biology.md", text)],
        settings("DueFirstSequential"),
        Mode::Review,
        None,
    );
    let item = s.current().unwrap();
    assert_eq!(
        item.context.as_deref(),
        Some(" Biology > Cells > Organelles")
    );
    assert_eq!((item.sibling, item.siblings), (0, 2));
    assert_eq!(item.question, "The [...] makes ATP");
    assert_eq!(item.back, "The mitochondria makes ATP");
    s.answer(item.id, Response::Good).unwrap();
    s.answer(s.current().unwrap().id, Response::Good).unwrap();
    let basic = s.current().unwrap();
    assert_eq!(basic.back, "Q\n\n---\n\nA");
    assert_eq!(
        basic.line, 7,
        "the first answers moved it down by one comment line"
    );
}

#[test]
fn random_orders_follow_the_seed() {
    let text: String = (0..12).map(|i| format!("Q{i}::A{i}\n\n")).collect();
    let text = format!("#flashcards\n\n{text}");
    let order = |seed| {
        let st = settings("DueFirstRandom");
        let mut s = session_with(&[("n.md", &text)], st, Mode::Cram, None);
        s.rng = order::Rng::new(seed);
        s.iter.clear_current();
        s.settle();
        run(&mut s, |_, _| Response::Easy)
    };
    assert_eq!(order(1), order(1));
    assert_ne!(order(1), order(2));
    assert_eq!(order(3).len(), 12);
}

#[test]
fn a_session_can_move_to_another_thread() {
    // The server keeps sessions behind a lock and hands them to worker threads.
    fn send<T: Send>() {}
    send::<Session>();
}

#[test]
fn a_deck_named_twice_on_a_tag_line_counts_twice_in_the_status_bar() {
    let once = session("#flashcards\n\nA::1\n", "DueFirstSequential");
    let twice = session("#flashcards #flashcards\n\nA::1\n", "DueFirstSequential");
    assert_eq!((once.status_bar(), twice.status_bar()), (1, 2));
    assert_eq!(
        twice.deck_rows()[0].new,
        1,
        "the deck list counts distinct cards"
    );
}

#[test]
fn a_due_card_answered_again_comes_after_the_other_due_cards_then_the_new_ones() {
    let text = "#flashcards\n\nA::1\n<!--SR:!2025-01-09,3,250-->\n\nB::2\n<!--SR:!2025-01-10,3,250-->\n\nN::3\n";
    let mut s = session(text, "DueFirstSequential");
    let seen = run(&mut s, |i, _| {
        if i == 0 {
            Response::Again
        } else {
            Response::Good
        }
    });
    assert_eq!(seen, vec!["A", "B", "A", "N"]);
}
