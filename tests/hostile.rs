//! Hostile input: huge, deep, binary and odd notes, broken settings files, and folders that
//! fight back (symlink loops, files that vanish). Each test asserts no panic and a sensible
//! result, and stays within a few seconds in a debug build (the 50 MB note runs in release
//! builds only; see its comment).

use srls::features::lint::lint;
use srls::note::{Note, NoteContext, parse_note};
use srls::plugin::cloze::ClozeEngine;
use srls::plugin::settings::{DATA_JSON, Settings};
use srls::text::{Change, Document, Pos};
use srls::workspace::vault;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn parse(text: &str) -> Note {
    parse_note(text, &Settings::default(), &NoteContext::default())
}

fn parse_and_lint(text: &str) -> Note {
    let s = Settings::default();
    let note = parse_note(text, &s, &NoteContext::default());
    let engine = ClozeEngine::new(&s.cloze_patterns);
    for d in lint(text, &note, &s, &engine) {
        assert!(d.start <= d.end && d.end <= text.len(), "{d:?}");
        assert!(text.is_char_boundary(d.start) && text.is_char_boundary(d.end));
    }
    note
}

/// Repeats `unit` until the text is at least `min` bytes (one allocation).
fn repeat_to(prefix: &str, unit: &str, min: usize) -> String {
    let n = (min.saturating_sub(prefix.len())).div_ceil(unit.len());
    let mut s = String::with_capacity(prefix.len() + n * unit.len());
    s.push_str(prefix);
    for _ in 0..n {
        s.push_str(unit);
    }
    s
}

/// Deterministic pseudo-random bytes (xorshift), for binary garbage.
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Runs the srls binary with a time limit; a run past it is killed and fails the test.
fn srls(args: &[&Path], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_srls"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("srls starts");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "srls {args:?} did not finish in {limit:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn write(path: &Path, text: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

// ------------------------------------------------------------------------------------------
// Size
// ------------------------------------------------------------------------------------------

const CARD_BLOCK: &str = "## Section\n\nWhat is 2+2?::4\n<!--SR:!2025-01-03,15,290-->\n\n\
Capital of France:::Paris\n\nMulti-line question\nwith two lines\n?\nAnd an answer\n\n\
A ==cloze== deletion and ==another;;hint== one.\n\n```\ncode::not a card\n```\n\n\
Plain prose that is not a card, with some **bold** and a [[link]] and a #tag.\n\n";

/// A 50 MB note parses (and its cards are all found). About 10 s in a debug build, so it runs
/// in release builds only: `cargo test --release --test hostile`.
#[test]
#[cfg_attr(debug_assertions, ignore = "50 MB: release builds only")]
fn fifty_megabyte_note() {
    let text = repeat_to("#flashcards\n\n", CARD_BLOCK, 50 << 20);
    let blocks = (text.len() - 13) / CARD_BLOCK.len();
    let start = Instant::now();
    let note = parse(&text);
    assert_eq!(note.cards.len(), blocks * 4);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

/// A smaller big note in every build: 2 MB of the same blocks, parsed and linted.
#[test]
fn two_megabyte_note() {
    let text = repeat_to("#flashcards\n\n", CARD_BLOCK, 2 << 20);
    let blocks = (text.len() - 13) / CARD_BLOCK.len();
    let note = parse_and_lint(&text);
    assert_eq!(note.cards.len(), blocks * 4);
}

/// One line of 5 MB: plain text (no card), then as the question of a single-line card.
#[test]
fn one_five_megabyte_line() {
    let line = repeat_to("", "word é 漢字 😀 ", 5 << 20);
    let plain = format!("#flashcards\n{line}");
    let note = parse(&plain);
    assert!(note.cards.is_empty());
    assert_eq!(note.lines.len(), 2);

    let card = format!("#flashcards\n{line}::answer\n");
    let note = parse(&card);
    assert_eq!(note.cards.len(), 1);
    assert_eq!(note.cards[0].answer(), "answer");
    assert_eq!(note.cards[0].question().len(), line.len());

    // The text layer takes it too, and an edit at its start and one past its end land where
    // they should. Tree-sitter-md reads about 2.5 MB/s in release and a quarter of that in a
    // debug build (its C is not optimized there), so debug builds use the first 512 KB.
    let len = if cfg!(debug_assertions) {
        512 << 10
    } else {
        card.len()
    };
    let mut cut = len.min(card.len());
    while !card.is_char_boundary(cut) {
        cut -= 1;
    }
    let text = &card[..cut];
    let mut doc = Document::new(text, 0);
    let end = Pos::new(1, u32::MAX);
    let changes = [
        Change::ranged(Pos::new(1, 0), Pos::new(1, 0), "Q "),
        Change::ranged(end, end, "::answer"),
    ];
    doc.apply_changes(1, &changes).expect("newer version");
    assert!(doc.text().starts_with("#flashcards\nQ word"));
    assert_eq!(doc.len_bytes(), text.len() + 10);
    assert_eq!(tree_end(&doc), doc.len_bytes());
}

/// 100,000 tiny cards in one note, all found, on the right lines.
#[test]
fn a_hundred_thousand_cards() {
    let mut text = String::with_capacity(1_600_000);
    text.push_str("#flashcards\n");
    for i in 0..100_000 {
        text.push_str(&format!("q{i}::a{i}\n"));
    }
    let note = parse(&text);
    assert_eq!(note.cards.len(), 100_000);
    let last = &note.cards[99_999];
    assert_eq!((last.first_line, last.question()), (100_000, "q99999"));
}

// ------------------------------------------------------------------------------------------
// Depth
// ------------------------------------------------------------------------------------------

/// 10,000 levels of nested lists and of block quotes, written the short way (`- - - …`,
/// `> > > …`, `>>>…`), and a list indented 2 spaces per level, 1,000 levels deep and back
/// (2,000 lines, 2 MB: 10,000 levels that way would be 100 MB).
fn deep_notes() -> Vec<(&'static str, String)> {
    let lists = format!("#flashcards\n{}item::answer\n", "- ".repeat(10_000));
    let quotes = format!("#flashcards\n{}quote::answer\n", "> ".repeat(10_000));
    let tight = format!("#flashcards\n{}q::a\n", ">".repeat(10_000));
    let mut indented = String::with_capacity(2_100_000);
    indented.push_str("#flashcards\n");
    for level in (0..1_000).chain((0..1_000).rev()) {
        for _ in 0..level {
            indented.push_str("  ");
        }
        indented.push_str("- x\n");
    }
    indented.push_str("\nlast::card\n");
    vec![
        ("lists", lists),
        ("quotes", quotes),
        ("tight quotes", tight),
        ("indented lists", indented),
    ]
}

#[test]
fn ten_thousand_levels_through_the_parser() {
    for (what, text) in deep_notes() {
        let note = parse_and_lint(&text);
        assert!(!note.cards.is_empty(), "{what}: no card");
    }
}

#[test]
fn ten_thousand_levels_through_tree_sitter() {
    for (what, text) in deep_notes() {
        let mut doc = Document::new(&text, 0);
        let _ = doc.blocks();
        // Edit deep inside, then at the start; the tree stays in step with the text.
        let change = Change::ranged(Pos::new(1, 5_000), Pos::new(1, 5_002), "");
        doc.apply_changes(1, &[change]).expect("newer version");
        doc.apply_changes(
            2,
            &[Change::ranged(Pos::new(0, 0), Pos::new(0, 0), "# T\n")],
        )
        .expect("newer version");
        assert_eq!(tree_end(&doc), doc.len_bytes(), "{what}");
        let _ = doc.blocks();
    }
}

// ------------------------------------------------------------------------------------------
// Odd bytes
// ------------------------------------------------------------------------------------------

#[test]
fn nul_bytes() {
    let note = parse_and_lint("#flashcards\nQ\0uestion::A\0nswer\n\0\n\0::\0\n");
    assert_eq!(note.cards.len(), 2);
    assert_eq!(note.cards[0].question(), "Q\0uestion");
    assert_eq!(note.cards[1].answer(), "\0");
}

#[test]
fn lone_carriage_returns_end_lines() {
    let text = "#flashcards\rQ1::A1\rQ2::A2\r<!--SR:!2025-01-03,15,290-->\r\rMulti\r?\rline\r";
    let note = parse_and_lint(text);
    let lines: Vec<(usize, usize)> = note
        .cards
        .iter()
        .map(|c| (c.first_line, c.last_line))
        .collect();
    assert_eq!(lines, vec![(1, 1), (2, 3), (5, 7)]);
    assert!(note.cards[1].comment.is_some());
    // The same cards with `\n` and with `\r\n`.
    for eol in ["\n", "\r\n"] {
        let other = parse(&text.replace('\r', eol));
        let l: Vec<(usize, usize)> = other
            .cards
            .iter()
            .map(|c| (c.first_line, c.last_line))
            .collect();
        assert_eq!(l, lines, "{eol:?}");
    }
}

#[test]
fn byte_order_mark() {
    // A BOM before the tag is invisible, as for the plugin (JavaScript's `\s` matches U+FEFF):
    // the tag is read, the card kept, and offsets are offsets into the real text.
    let text = "\u{feff}#flashcards\nQ::A\n";
    let note = parse_and_lint(text);
    assert!(note.is_flashcard_note, "{:?}", note.gate_reason);
    assert_eq!(note.cards.len(), 1);
    assert!(note.dropped.is_empty());
    assert_eq!(
        (note.cards[0].question(), note.cards[0].answer()),
        ("Q", "A")
    );
    assert_eq!(note.cards[0].decks, ["#flashcards"]);
    assert_eq!(note.tags[0].name, "#flashcards");
    assert_eq!(&text[note.tags[0].start..note.tags[0].end], "#flashcards");
    let s = Settings::default();
    let engine = ClozeEngine::new(&s.cloze_patterns);
    let codes: Vec<_> = lint(text, &note, &s, &engine)
        .into_iter()
        .map(|d| d.code)
        .collect();
    assert!(!codes.contains(&"not-flashcard-note"), "{codes:?}");
    // A card on the first line, and front matter after a BOM.
    let text = "\u{feff}Q::A #flashcards\n";
    let note = parse_and_lint(text);
    assert_eq!(note.cards.len(), 1);
    assert_eq!(note.cards[0].start, 3);
    let note = parse_and_lint("\u{feff}---\ntags: flashcards\n---\nQ::A\n");
    assert!(note.front_matter.is_some());
    assert_eq!(note.cards.len(), 1);
    // A BOM on a card line of a tagged note.
    let note = parse_and_lint("#flashcards\n\u{feff}Q::A\n");
    assert_eq!(note.cards.len(), 1);
}

#[test]
fn right_to_left_text() {
    let text = "#flashcards\nما هي عاصمة فرنسا؟::باريس\n\u{202e}abc::def\u{202c}\n\
                מה השעה?\n?\nשמונה\n";
    let note = parse_and_lint(text);
    let sides: Vec<(&str, &str)> = note
        .cards
        .iter()
        .map(|c| (c.question(), c.answer()))
        .collect();
    assert_eq!(
        sides,
        vec![
            ("ما هي عاصمة فرنسا؟", "باريس"),
            ("\u{202e}abc", "def\u{202c}"),
            ("מה השעה?", "שמונה"),
        ]
    );
}

#[test]
fn binary_garbage_decoded_lossily() {
    for seed in 1..=4u64 {
        let bytes = garbage(256 << 10, seed);
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_and_lint(&text);
        let tagged = format!("#flashcards\n{text}");
        let note = parse_and_lint(&tagged);
        for c in &note.cards {
            assert!(c.end <= tagged.len());
        }
        let doc = Document::new(&tagged, 0);
        let _ = doc.blocks();
    }
}

// ------------------------------------------------------------------------------------------
// Settings files
// ------------------------------------------------------------------------------------------

#[test]
fn empty_and_odd_data_json() {
    for text in [
        "",
        " ",
        "\n",
        "null",
        "[]",
        "42",
        "\"x\"",
        "{",
        "\u{feff}{}",
    ] {
        assert!(
            Settings::from_data_json(text).is_err() || text == "\u{feff}{}",
            "{text:?} should be an error"
        );
    }
    // Wrong types keep the defaults and warn.
    let (s, w) = Settings::from_data_json(r#"{"settings": {"flashcardTags": 5, "baseEase": "x"}}"#)
        .expect("an object");
    assert_eq!(s, Settings::default());
    assert_eq!(w.len(), 2, "{w:?}");
    // JSON nested past serde_json's limit is an error, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(Settings::from_data_json(&deep).is_err());
    let deep_obj = format!(
        "{{\"settings\": {}1{}}}",
        "{\"a\":".repeat(50_000),
        "}".repeat(50_000)
    );
    assert!(Settings::from_data_json(&deep_obj).is_err());
}

#[test]
fn binary_data_json_gives_defaults_and_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = b"{\"settings\": {\"flashcardTags\": [\"#x".to_vec();
    bytes.extend(garbage(4096, 7));
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00, 0xc3]);
    write(&dir.path().join(DATA_JSON), &bytes);
    let vs = vault::Vault::open(Some(dir.path()), &Default::default());
    assert_eq!(vs.settings, Settings::default());
    assert_eq!(vs.warnings.len(), 1, "{:?}", vs.warnings);
    assert!(vs.warnings[0].contains("data.json"), "{}", vs.warnings[0]);
    assert!(vs.warnings[0].contains("not UTF-8"), "{}", vs.warnings[0]);

    // Empty file: malformed, defaults, a warning naming it.
    write(&dir.path().join(DATA_JSON), b"");
    let vs = vault::Vault::open(Some(dir.path()), &Default::default());
    assert_eq!(vs.settings, Settings::default());
    assert!(
        vs.warnings.len() == 1 && vs.warnings[0].contains("data.json"),
        "{:?}",
        vs.warnings
    );
}

#[test]
fn ten_megabyte_data_json() {
    // 10 MB: 400,000 ignored folders and one huge unknown key, then real settings.
    let mut text = String::with_capacity(11 << 20);
    text.push_str("{\"settings\": {\"noteFoldersToIgnore\": [");
    for i in 0..400_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!("\"folder/{i}\""));
    }
    text.push_str("], \"unknownKey\": \"");
    text.push_str(&"x".repeat(5 << 20));
    text.push_str("\", \"singleLineCardSeparator\": \"@@\"}}");
    assert!(text.len() >= 10 << 20, "{}", text.len());
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join(DATA_JSON), text.as_bytes());
    let start = Instant::now();
    let vs = vault::Vault::open(Some(dir.path()), &Default::default());
    assert!(vs.warnings.is_empty(), "{:?}", vs.warnings);
    assert_eq!(vs.settings.note_folders_to_ignore.len(), 400_000);
    assert_eq!(vs.settings.single_line_card_separator, "@@");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

// ------------------------------------------------------------------------------------------
// Folders
// ------------------------------------------------------------------------------------------

#[cfg(unix)]
fn looping_vault() -> tempfile::TempDir {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".obsidian")).expect("mkdir");
    write(&root.join("a/note.md"), b"#flashcards\nQ::A\n");
    write(
        &root.join("a/deeper/other.md"),
        b"#flashcards\nQ1::A1\nQ2::A2\n",
    );
    // Loops: to the root, to a sibling, to itself, and two folders pointing at each other.
    symlink(root, root.join("a/deeper/up")).expect("symlink");
    symlink(root.join("a"), root.join("b")).expect("symlink");
    symlink(root.join("self"), root.join("self")).expect("symlink");
    symlink(root.join("ping"), root.join("pong")).expect("symlink");
    symlink(root.join("pong"), root.join("ping")).expect("symlink");
    dir
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_walked_once() {
    let dir = looping_vault();
    let start = Instant::now();
    let notes = vault::vault_notes(dir.path(), &Settings::default());
    assert!(start.elapsed() < Duration::from_secs(10));
    let names: Vec<String> = notes
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let count = |n: &str| names.iter().filter(|x| *x == n).count();
    assert_eq!((count("note.md"), count("other.md")), (1, 1), "{notes:?}");
    // The histogram over the same vault finishes too.
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 3).unwrap();
    let _ = vault::Vault::open(Some(dir.path()), &Default::default())
        .histogram(today, chrono::Utc::now());
}

#[cfg(unix)]
#[test]
fn cli_walks_a_symlink_loop_and_finishes() {
    let dir = looping_vault();
    let out = srls(&[Path::new("cards"), dir.path()], Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout {stdout}\nstderr {stderr}"
    );
    assert_eq!(stdout.matches("note.md: 1 card").count(), 1, "{stdout}");
    assert_eq!(stdout.matches("other.md: 2 cards").count(), 1, "{stdout}");
}

#[test]
fn a_note_deleted_after_listing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".obsidian")).expect("mkdir");
    write(&root.join("keep.md"), b"#flashcards\nQ::A\n");
    write(
        &root.join("gone.md"),
        b"#flashcards\nQ::A\n<!--SR:!2025-01-05,3,250-->\n",
    );
    let notes = vault::vault_notes(root, &Settings::default());
    assert_eq!(notes.len(), 2);
    std::fs::remove_file(root.join("gone.md")).expect("rm");
    // Reading the listed notes: the deleted one is an error that names it, the other reads.
    let mut read = 0;
    for p in &notes {
        match srls::cli::files::read_note(p) {
            Ok(text) => {
                read += 1;
                assert_eq!(parse(&text).cards.len(), 1);
            }
            Err(e) => assert!(e.contains("gone.md"), "{e}"),
        }
    }
    assert_eq!(read, 1);
    // The vault's due-date histogram skips it.
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 3).unwrap();
    let h =
        vault::Vault::open(Some(root), &Default::default()).histogram(today, chrono::Utc::now());
    assert!(h.is_empty(), "{h:?}");
}

/// The CLI lists a note that is gone when it comes to read it (a dangling symlink stands for a
/// file deleted between the listing and the read): it says which, goes on, and exits 2.
#[cfg(unix)]
#[test]
fn cli_reports_a_vanished_note_and_continues() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".obsidian")).expect("mkdir");
    write(&root.join("a.md"), b"#flashcards\nQ::A\n");
    write(&root.join("z.md"), b"#flashcards\nQ1::A1\nQ2::A2\n");
    std::os::unix::fs::symlink(root.join("deleted.md"), root.join("m.md")).expect("symlink");
    std::os::unix::fs::symlink(root.join("loop.md"), root.join("loop.md")).expect("symlink");
    let out = srls(&[Path::new("cards"), root], Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout {stdout}\nstderr {stderr}"
    );
    assert!(
        stdout.contains("a.md: 1 card") && stdout.contains("z.md: 2 cards"),
        "{stdout}"
    );
    assert!(
        stderr.contains("m.md") && stderr.contains("loop.md"),
        "{stderr}"
    );

    // The same for a file argument that is gone.
    let missing: PathBuf = root.join("never.md");
    let out = srls(
        &[Path::new("cards"), &missing, &root.join("a.md")],
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never.md"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 card"));
}

/// Where the text the segments were last parsed from ends.
fn tree_end(doc: &Document) -> usize {
    doc.segments().parsed_end()
}
