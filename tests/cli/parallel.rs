//! Notes read on every core come out in path order, each placed in its own vault, past the
//! size of one batch (issue 18).

use crate::support::*;
use serde_json::Value;

/// 600 notes in three folders of a vault whose folders are decks, and a second vault (with a
/// malformed settings file) inside the first.
fn big_tree() -> tempfile::TempDir {
    let mut files: Vec<(String, String)> = vec![
        (
            "V/.obsidian/plugins/obsidian-spaced-repetition/data.json".into(),
            r#"{"settings": {"convertFoldersToDecks": true}}"#.into(),
        ),
        (
            "V/b/W/.obsidian/plugins/obsidian-spaced-repetition/data.json".into(),
            "{".into(),
        ),
        ("V/b/W/w.md".into(), "#flashcards\n\nW::w\n".into()),
    ];
    for i in 0..600 {
        let folder = ["a", "b", "c"][i % 3];
        files.push((
            format!("V/{folder}/{i:03}.md"),
            format!("#flashcards\n\nQ{i}::A{i}\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    tree(&refs)
}

#[test]
fn cards_of_many_notes_come_in_path_order_with_their_folder_decks() {
    let dir = big_tree();
    let r = srls(dir.path(), &["cards", "--json", "V"]);
    assert_eq!(r.code, 0, "{}", r.err);
    let lines: Vec<Value> = r
        .out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let files: Vec<&str> = lines.iter().map(|v| v["file"].as_str().unwrap()).collect();
    assert!(files.is_sorted(), "{files:?}");
    assert_eq!(files.len(), 601);
    for v in &lines {
        let file = v["file"].as_str().unwrap();
        let deck = v["cards"][0]["deck"].as_str().unwrap();
        if file == "V/b/W/w.md" {
            // Its own vault, whose settings could not be read: the defaults, the tag's deck.
            assert_eq!(deck, "#flashcards");
        } else {
            let folder = file.split('/').nth(1).unwrap();
            assert_eq!(deck, format!("#{folder}"), "{file}");
        }
    }
    // The broken settings are reported once.
    assert_eq!(
        r.err.matches("malformed plugin settings").count(),
        1,
        "{}",
        r.err
    );
}

#[test]
fn an_unreadable_note_among_many_is_reported_in_place_and_the_rest_are_read() {
    let dir = big_tree();
    std::fs::write(dir.path().join("V/b/301.md"), b"#flashcards\n\nQ::\xff\n").unwrap();
    let r = srls(dir.path(), &["check", "V"]);
    assert_eq!(r.code, 2, "{}", r.err);
    assert!(r.err.contains("V/b/301.md: not UTF-8 text"), "{}", r.err);
    let due = srls(dir.path(), &["due", "V", "--today", TODAY, "--json"]);
    assert_eq!(due.code, 2, "{}", due.err);
    let v: Value = serde_json::from_str(&due.out).unwrap();
    assert_eq!(v["total"]["new"], 600, "599 notes and w.md");
    let rows: Vec<&str> = v["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["file"].as_str().unwrap())
        .collect();
    assert!(rows.is_sorted(), "{rows:?}");
}
