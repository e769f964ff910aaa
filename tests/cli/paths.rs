//! A note is the same note however it is named (`note.md`, `./note.md`, absolute), printed
//! paths are the ones the user would open, and any printed location can be pasted into
//! `srls grade` (issue 13, items 1, 5, 6).

use crate::support::*;
use serde_json::Value;

// ------------------------------------------------------------------------------------------
// 1. A note is placed in its vault however it is named
// ------------------------------------------------------------------------------------------

/// Three crowded cards in 8 days: a Good on the new card moves to day 7 only when the vault's
/// histogram is read.
fn crowded_vault() -> tempfile::TempDir {
    let mut crowded = String::from("#flashcards\n\n");
    for i in 0..3 {
        crowded.push_str(&format!("Q{i}::A{i}\n<!--SR:!2025-01-11,8,250-->\n\n"));
    }
    tree(&[
        ("V/.obsidian/app.json", "{}"),
        ("V/crowded.md", &crowded),
        (
            "V/n.md",
            "#flashcards\n\nNew::card\n<!--SR:!2025-01-03,3,250-->\n",
        ),
    ])
}

#[test]
fn grade_load_balances_whatever_the_note_is_called() {
    let dir = crowded_vault();
    let v = root(&dir).join("V");
    for name in ["n.md".to_string(), "./n.md".into(), s(&v.join("n.md"))] {
        let target = format!("{name}:3");
        let r = srls(
            &v,
            &["grade", &target, "good", "--today", TODAY, "--dry-run"],
        );
        assert_eq!(r.code, 0, "{name}: {}", r.err);
        assert!(
            r.out.contains("+<!--SR:!2025-01-10,7,250-->"),
            "{name}: {}",
            r.out
        );
    }
}

#[test]
fn folder_decks_whatever_the_note_is_called() {
    let dir = tree(&[
        (
            "V/.obsidian/plugins/obsidian-spaced-repetition/data.json",
            r#"{"settings": {"convertFoldersToDecks": true}}"#,
        ),
        ("V/fr/fr.md", "#flashcards\n\nbonjour::hello\n"),
    ]);
    let fr = root(&dir).join("V/fr");
    let mut decks = Vec::new();
    for name in ["fr.md".to_string(), "./fr.md".into(), s(&fr.join("fr.md"))] {
        let r = srls(&fr, &["cards", "--json", &name]);
        assert_eq!(r.code, 0, "{name}: {}", r.err);
        let v: Value = serde_json::from_str(r.out.trim()).unwrap();
        decks.push(v["cards"][0]["deck"].as_str().unwrap_or("").to_string());
    }
    assert_eq!(decks[0], "#fr", "{decks:?}");
    assert!(decks.iter().all(|d| d == &decks[0]), "{decks:?}");
}

#[test]
fn ignored_folder_whatever_the_note_is_called() {
    let dir = tree(&[
        (
            "V/.obsidian/plugins/obsidian-spaced-repetition/data.json",
            r#"{"settings": {"noteFoldersToIgnore": ["ign"]}}"#,
        ),
        ("V/ign/t.md", "#flashcards\n\nQ::A\n"),
    ]);
    let ign = root(&dir).join("V/ign");
    for name in ["t.md".to_string(), "./t.md".into(), s(&ign.join("t.md"))] {
        let target = format!("{name}:3");
        let r = srls(
            &ign,
            &["grade", &target, "good", "--today", TODAY, "--dry-run"],
        );
        assert_eq!(r.code, 2, "{name}: {}", r.out);
        assert!(r.err.contains("ignored folder"), "{name}: {}", r.err);
    }
}

// ------------------------------------------------------------------------------------------
// 5, 6. Paths as the user would open them; locations pasted back into `grade`
// ------------------------------------------------------------------------------------------

/// Two vaults with the same note name, each with a legacy date on line 4, column 9.
fn two_vaults() -> tempfile::TempDir {
    let note = "#flashcards\n\nQ::A\n<!--SR:!Wed Aug 11 2021,4,270-->\n\nNew::card\n";
    tree(&[
        ("va/.obsidian/app.json", "{}"),
        ("va/a.md", note),
        ("vb/.obsidian/app.json", "{}"),
        ("vb/a.md", note),
    ])
}

#[test]
fn check_prints_paths_as_given() {
    let dir = two_vaults();
    let p = root(&dir);
    let r = srls(&p, &["check", "va", "vb"]);
    assert!(
        r.out.contains("va/a.md:4:9: info[legacy-date]"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("vb/a.md:4:9: info[legacy-date]"),
        "{}",
        r.out
    );
    let r = srls(&p, &["check", "./va/", "vb/a.md"]);
    assert!(
        r.out.contains("\nva/a.md:4:9") || r.out.starts_with("va/a.md:4:9"),
        "{}",
        r.out
    );
    assert!(r.out.contains("vb/a.md:4:9"), "{}", r.out);
    let abs = s(&p.join("va"));
    let r = srls(&p, &["check", "--format", "json", &abs]);
    let v: Value = serde_json::from_str(r.out.lines().next().unwrap()).unwrap();
    assert_eq!(v["file"], s(&p.join("va/a.md")));
    // From inside the vault, without arguments for `due`.
    let r = srls(&p.join("va"), &["due", "--today", TODAY]);
    assert!(r.out.contains("  a.md:3  "), "{}", r.out);
}

#[test]
fn cards_and_due_print_paths_as_given() {
    let dir = two_vaults();
    let p = root(&dir);
    let r = srls(&p, &["cards", "va"]);
    assert!(r.out.starts_with("va/a.md: 2 cards"), "{}", r.out);
    let r = srls(&p, &["cards", "--json", "vb"]);
    let v: Value = serde_json::from_str(r.out.trim()).unwrap();
    assert_eq!(v["file"], "vb/a.md");
    let r = srls(&p, &["due", "va", "vb", "--today", TODAY]);
    assert!(r.out.contains("  va/a.md:3  "), "{}", r.out);
    assert!(r.out.contains("  vb/a.md:6  "), "{}", r.out);
    let abs = s(&p.join("vb"));
    let r = srls(&p, &["due", "--json", &abs, "--today", TODAY]);
    let v: Value = serde_json::from_str(r.out.trim()).unwrap();
    assert_eq!(v["cards"][0]["file"], s(&p.join("vb/a.md")));
}

/// The first `path:line[:col]` location of a line of output.
fn location(line: &str) -> String {
    let t = line.trim_start();
    let end = t.find(' ').unwrap_or(t.len());
    t[..end].trim_end_matches(':').to_string()
}

#[test]
fn grade_takes_locations_pasted_from_any_output() {
    let dir = two_vaults();
    let p = root(&dir);
    let check = srls(&p, &["check", "va"]);
    let due = srls(&p, &["due", "vb", "--today", TODAY]);
    let cards = srls(&p, &["cards", "va"]);
    let from_check = location(
        check
            .out
            .lines()
            .find(|l| l.contains("legacy-date"))
            .unwrap(),
    );
    assert_eq!(from_check, "va/a.md:4:9");
    let from_due = location(due.out.lines().find(|l| l.contains("vb/a.md:6")).unwrap());
    let from_cards = location(cards.out.lines().nth(1).unwrap());
    assert_eq!(from_cards, "va/a.md:3-4");
    for loc in [from_check, from_due, from_cards] {
        let r = srls(&p, &["grade", &loc, "good", "--today", TODAY, "--dry-run"]);
        assert_eq!(r.code, 0, "{loc}: {}", r.err);
        assert!(r.out.contains("+<!--SR:!"), "{loc}: {}", r.out);
    }
    // A file name with a colon still works; a column past a real line number is refused.
    std::fs::copy(p.join("va/a.md"), p.join("va/we:ird.md")).unwrap();
    let r = srls(
        &p,
        &[
            "grade",
            "va/we:ird.md:3",
            "good",
            "--today",
            TODAY,
            "--dry-run",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    let r = srls(&p, &["grade", "va/a.md:x:3", "good", "--dry-run"]);
    assert_eq!(r.code, 2);
}
