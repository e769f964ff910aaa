//! The screen in 80×24 on ratatui's `TestBackend`, and what the keys do to the notes on disk.

use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const NOTE: &str = "#flashcards/geo\n\n# Capitals\n\nWhat is the capital of **France**?::Paris\n\nGermany?::Berlin\n<!--SR:!2025-01-02,3,250-->\n";

/// A vault with one note; a session over it at 2025-01-10, due cards first.
fn setup(note: &str) -> (tempfile::TempDir, PathBuf, App) {
    setup_with(
        note,
        r#"{"settings": {"flashcardCardOrder": "DueFirstSequential"}}"#,
    )
}

fn setup_with(note: &str, data_json: &str) -> (tempfile::TempDir, PathBuf, App) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir
        .path()
        .join(".obsidian/plugins/obsidian-spaced-repetition");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("data.json"), data_json).unwrap();
    let path = dir.path().join("geo.md");
    std::fs::write(&path, note).unwrap();
    let args = ReviewArgs {
        paths: vec![dir.path().to_path_buf()],
        deck: None,
        cram: false,
        clock: crate::cli::ClockArgs {
            today: None,
            now: Some("2025-01-10T09:00:00Z".into()),
        },
        seed: Some(1),
    };
    let (clock, live) = clock(&args).unwrap();
    assert!(!live);
    let session = start(&args, &args.paths, &clock).unwrap();
    (dir, path, App::new(session, false))
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    let buf = t.backend().buffer();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn press(app: &mut App, c: char) {
    app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

#[test]
fn question_then_answer_with_buttons_in_80x24() {
    let (_d, _p, mut app) = setup(NOTE);
    let s = screen(&app, 80, 24);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines[0],
        "srls review · due 1 · new 1 · reviewed 0 · flashcards/geo"
    );
    assert_eq!(lines[1], " geo > Capitals");
    assert!(lines[2].starts_with("┌ Question ─"), "{s}");
    assert_eq!(lines[3].trim_end_matches('│').trim_end(), "│Germany?");
    assert_eq!(lines[20], "space: show the answer");
    press(&mut app, ' ');
    let s = screen(&app, 80, 24);
    assert!(s.contains("┌ Answer ─"), "{s}");
    assert!(s.contains("│Berlin"), "{s}");
    assert!(
        s.contains("1 Again - 1 min   2 Hard - 2 day(s)   3 Good - 8 day(s)   4 Easy - 11 day(s)"),
        "{s}"
    );
}

#[test]
fn markdown_is_shown_readably_and_a_small_terminal_is_told() {
    let (_d, _p, mut app) = setup(NOTE);
    press(&mut app, ' ');
    press(&mut app, '3');
    let s = screen(&app, 80, 24);
    assert!(s.contains("│What is the capital of France?"), "{s}");
    let small = screen(&app, 30, 8);
    assert!(small.starts_with("Terminal too small (30x8)"), "{small}");
}

#[test]
fn good_writes_the_note_and_undo_restores_it() {
    let (_d, path, mut app) = setup(NOTE);
    press(&mut app, '3');
    assert_eq!(
        app.message.as_deref(),
        Some("press space to show the answer first")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), NOTE);
    press(&mut app, ' ');
    press(&mut app, '3');
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(after, NOTE.replace("2025-01-02,3,250", "2025-01-18,8,250"));
    press(&mut app, 'u');
    assert_eq!(std::fs::read_to_string(&path).unwrap(), NOTE);
    assert!(app.message.as_deref().unwrap().starts_with("undone"));
    assert_eq!(app.session.current().unwrap().question, "Germany?");
}

#[test]
fn a_note_changed_on_disk_is_reread_and_nothing_is_written() {
    let (_d, path, mut app) = setup(NOTE);
    press(&mut app, ' ');
    let edited = NOTE.replace("Berlin", "Berlin (capital)");
    std::fs::write(&path, &edited).unwrap();
    press(&mut app, '3');
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    let msg = app.message.clone().unwrap();
    assert!(
        msg.contains("changed on disk") && msg.contains("nothing was written"),
        "{msg}"
    );
    // The same card, read again; now it can be answered.
    let item = app.session.current().unwrap();
    assert_eq!(item.answer, "Berlin (capital)");
    press(&mut app, ' ');
    press(&mut app, '3');
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("Berlin (capital)\n<!--SR:!2025-01-18,8,250-->")
    );
}

#[test]
fn a_vanished_note_leaves_the_session() {
    let (_d, path, mut app) = setup(NOTE);
    std::fs::remove_file(&path).unwrap();
    press(&mut app, ' ');
    press(&mut app, '3');
    assert!(app.message.as_deref().unwrap().contains("is gone"));
    assert!(app.session.current().is_none());
    assert!(screen(&app, 80, 24).contains("Nothing left to review"));
    assert!(!path.exists(), "nothing was written");
}

#[test]
fn a_note_that_cannot_be_written_is_an_error_and_the_session_goes_on() {
    let (_dir, path, mut app) = setup(NOTE);
    // A read-only note: the writer refuses what an editor could not save, root included.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    press(&mut app, ' ');
    press(&mut app, '3');
    assert_eq!(std::fs::read_to_string(&path).unwrap(), NOTE);
    let msg = app.message.clone().unwrap();
    assert!(
        msg.contains("cannot write") && msg.contains("not recorded"),
        "{msg}"
    );
    assert_eq!(app.session.counts().reviewed, 0);
    assert_eq!(app.session.current().unwrap().question, "Germany?");
    press(&mut app, 's');
    assert_eq!(
        app.session.current().unwrap().question,
        "What is the capital of **France**?"
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    press(&mut app, ' ');
    press(&mut app, '3');
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("**France**?::Paris\n<!--SR:")
    );
}

#[test]
fn nothing_due_and_unknown_decks_are_plain_messages() {
    let (_d, _p, app) = setup("#flashcards\n\nQ::A\n<!--SR:!2030-01-01,300,250-->\n");
    assert!(app.session.current().is_none());
    assert_eq!(
        nothing_to_review(&app.session),
        "Nothing due: 1 card found, none due or new today."
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.md"), "#flashcards/geo\n\nQ::A\n").unwrap();
    let args = ReviewArgs {
        paths: vec![dir.path().to_path_buf()],
        deck: Some("nope".into()),
        cram: false,
        clock: crate::cli::ClockArgs {
            today: Some("2025-01-10".into()),
            now: None,
        },
        seed: None,
    };
    let (clock, _) = clock(&args).unwrap();
    let err = start(&args, &args.paths, &clock).unwrap_err();
    assert_eq!(
        err,
        "there is no deck `nope`; the decks are: flashcards, flashcards/geo"
    );
}

#[test]
fn a_learning_step_waits_on_screen() {
    let (_d, path, mut app) = setup_with(
        "#flashcards\n\nQ::A\n",
        r#"{"settings": {"algorithm": "FSRS"}}"#,
    );
    press(&mut app, ' ');
    press(&mut app, '3');
    let s = screen(&app, 80, 24);
    assert!(s.contains("1 waiting"), "{s}");
    assert!(
        s.contains("Next card in 10 min: a learning step is waiting"),
        "{s}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("Q::A\n<!--SR:!fsrs,2025-01-10T09:10:00.000Z,0,"),
        "{text}"
    );
}
