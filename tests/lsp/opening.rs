//! Opening a note parses it off the shared lock: while a long note is being parsed, requests on
//! other notes answer, its own changes wait in order and are applied once it is in, and a close
//! meanwhile wins. A note above `srls.maxNoteSize` is not parsed, with a message. (Ordering and
//! behaviour only: no timing.)

use srls::lsp::handlers::{documents, hover};
use srls::lsp::state::{Shared, State, lock};
use std::sync::{Arc, Mutex};
use tower_lsp_server::ls_types::*;

fn uri(name: &str) -> Uri {
    format!("file:///nonexistent-srls-test/{name}.md")
        .parse()
        .unwrap()
}

fn open_params(u: &Uri, text: &str) -> DidOpenTextDocumentParams {
    DidOpenTextDocumentParams {
        text_document: TextDocumentItem::new(u.clone(), "markdown".into(), 1, text.into()),
    }
}

fn change(u: &Uri, version: i32, line: u32, text: &str) -> DidChangeTextDocumentParams {
    let at = Position::new(line, 0);
    DidChangeTextDocumentParams {
        text_document: VersionedTextDocumentIdentifier::new(u.clone(), version),
        content_changes: vec![TextDocumentContentChangeEvent {
            range: Some(Range::new(at, at)),
            range_length: None,
            text: text.into(),
        }],
    }
}

fn hover_on(s: &mut State, u: &Uri, line: u32) -> Option<Hover> {
    hover::hover(
        s,
        HoverParams {
            text_document_position_params: TextDocumentPositionParams::new(
                TextDocumentIdentifier::new(u.clone()),
                Position::new(line, 1),
            ),
            work_done_progress_params: Default::default(),
        },
    )
}

fn big_note() -> String {
    let mut t = String::from("#flashcards\n\n");
    for i in 0..20_000 {
        t.push_str(&format!("Question {i}::Answer {i}\n\n"));
    }
    t
}

/// Starts opening `u` on the current-thread runtime and lets it run up to its parse: the test
/// then runs without yielding, so the open cannot finish before the test awaits it.
async fn start_open(state: &Shared, u: &Uri, text: String) -> tokio::task::JoinHandle<()> {
    let (st, params) = (state.clone(), open_params(u, &text));
    let task = tokio::spawn(async move {
        documents::open_document(&st, params).await;
    });
    while !lock(state).opening.contains_key(u) {
        tokio::task::yield_now().await;
    }
    task
}

#[tokio::test(flavor = "current_thread")]
async fn a_note_being_opened_holds_up_neither_the_lock_nor_other_notes() {
    let state: Shared = Arc::new(Mutex::new(State::default()));
    let (small, big) = (uri("small"), uri("big"));
    documents::open_document(&state, open_params(&small, "#flashcards\n\nQ::A\n")).await;
    let task = start_open(&state, &big, big_note()).await;
    // The big note is being parsed: the lock is free, a hover on the small note answers.
    assert!(
        state.try_lock().is_ok(),
        "the lock is held during the parse"
    );
    assert!(hover_on(&mut lock(&state), &small, 2).is_some());
    assert!(!lock(&state).notes.contains_key(&big));
    // Its changes wait, in order, and no change is lost.
    {
        let mut s = lock(&state);
        let one = change(&big, 2, 2, "New::One\n\n");
        assert_eq!(documents::change_document(&mut s, one), None);
        let two = change(&big, 3, 2, "Newer::Two\n\n");
        assert_eq!(documents::change_document(&mut s, two), None);
    }
    task.await.unwrap();
    let s = lock(&state);
    let n = &s.notes[&big];
    assert_eq!(n.version(), 3);
    assert!(
        n.text()
            .starts_with("#flashcards\n\nNewer::Two\n\nNew::One\n\nQuestion 0::")
    );
    assert_eq!(n.note().cards.len(), 20_002);
    assert!(s.opening.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn requests_on_the_note_being_opened_wait_for_it() {
    let state: Shared = Arc::new(Mutex::new(State::default()));
    let big = uri("big");
    let task = start_open(&state, &big, big_note()).await;
    documents::wait_opened(&state, &big).await;
    // Once the wait is over, the note is in and answers.
    assert!(hover_on(&mut lock(&state), &big, 2).is_some());
    task.await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_close_during_the_open_wins() {
    let state: Shared = Arc::new(Mutex::new(State::default()));
    let big = uri("big");
    let task = start_open(&state, &big, big_note()).await;
    lock(&state).opening.remove(&big);
    task.await.unwrap();
    assert!(
        !lock(&state).notes.contains_key(&big),
        "a closed note came back"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_note_above_the_size_limit_is_not_parsed_and_says_so() {
    let state: Shared = Arc::new(Mutex::new(State::default()));
    lock(&state).config.max_note_size = 1000;
    let big = uri("big");
    let (warnings, _) = documents::open_document(&state, open_params(&big, &big_note())).await;
    assert!(warnings[0].contains("srls.maxNoteSize"), "{warnings:?}");
    {
        let mut s = lock(&state);
        assert!(!s.notes.contains_key(&big) && s.oversize.contains(&big));
        // Its changes are ignored without a complaint, and requests find nothing.
        assert_eq!(
            documents::change_document(&mut s, change(&big, 2, 0, "x")),
            None
        );
        assert!(hover_on(&mut s, &big, 2).is_none());
    }
    // Under the limit it is served.
    let small = uri("small");
    let (warnings, _) =
        documents::open_document(&state, open_params(&small, "#flashcards\n\nQ::A\n")).await;
    assert!(warnings.is_empty());
    assert!(lock(&state).notes.contains_key(&small));
}
