//! What the command line reads and must not misread: impossible settings, unknown time
//! zones, a byte order mark (issue 13, items 4, 8, 9).

use crate::support::*;
use serde_json::Value;

// ------------------------------------------------------------------------------------------
// 4. Impossible settings; 8. unknown time zones
// ------------------------------------------------------------------------------------------

#[test]
fn out_of_range_settings_are_reported_and_never_written() {
    let dir = tree(&[
        (
            "V/.obsidian/plugins/obsidian-spaced-repetition/data.json",
            r#"{"settings": {"maximumInterval": -5}}"#,
        ),
        ("V/n.md", NOTE),
    ]);
    let p = root(&dir);
    let r = srls(&p, &["check", "V"]);
    assert!(r.err.contains("data.json"), "{}", r.err);
    assert!(r.err.contains("maximumInterval"), "{}", r.err);
    let r = srls(&p, &["grade", "V/n.md:3", "good", "--today", TODAY]);
    assert_eq!(r.code, 0, "{}", r.err);
    let r = srls(&p, &["check", "V"]);
    assert_eq!(r.code, 0, "{}", r.out);
    assert!(!r.out.contains("invalid-comment"), "{}", r.out);
}

#[test]
fn an_unknown_time_zone_is_an_error() {
    let dir = tree(&[("V/.obsidian/app.json", "{}"), ("V/n.md", NOTE)]);
    let v = root(&dir).join("V");
    for args in [
        &["due", "--today", TODAY][..],
        &["grade", "n.md:3", "good", "--today", TODAY, "--dry-run"][..],
    ] {
        let r = srls_env(&v, args, &[("SRLS_TZ", "Asia/Tokio")]);
        assert_eq!(r.code, 2, "{args:?}: {}", r.out);
        assert!(
            r.err.contains("SRLS_TZ") && r.err.contains("Asia/Tokio"),
            "{}",
            r.err
        );
        assert_eq!(r.err.lines().count(), 1, "{}", r.err);
        let r = srls_env(&v, args, &[("SRLS_TZ", "Asia/Tokyo")]);
        assert_eq!(r.code, 0, "{args:?}: {}", r.err);
    }
    let r = srls_env(&v, &["due", "--today", TODAY], &[("TZ", "Europe/Pariss")]);
    assert_eq!(r.code, 2, "{}", r.out);
    assert!(
        r.err.contains("TZ") && r.err.contains("Europe/Pariss"),
        "{}",
        r.err
    );
    // The system's own forms of TZ are not names to check.
    let r = srls_env(&v, &["due", "--today", TODAY], &[("TZ", ":/etc/localtime")]);
    assert_eq!(r.code, 0, "{}", r.err);
}

// ------------------------------------------------------------------------------------------
// 9. A byte order mark
// ------------------------------------------------------------------------------------------

#[test]
fn a_byte_order_mark_is_invisible_and_kept() {
    let note = "\u{feff}#flashcards\r\n\r\nQ::A 🃏\r\n";
    let dir = tree(&[("V/.obsidian/app.json", "{}"), ("V/n.md", note)]);
    let v = root(&dir).join("V");
    let r = srls(&v, &["cards", "--json", "n.md"]);
    let j: Value = serde_json::from_str(r.out.trim()).unwrap();
    assert_eq!(j["cards"].as_array().unwrap().len(), 1, "{j}");
    assert_eq!(j["cards"][0]["deck"], "#flashcards");
    let r = srls(&v, &["check", "n.md"]);
    assert!(!r.out.contains("not-flashcard-note"), "{}", r.out);
    // Columns as an editor shows them: the mark takes none.
    std::fs::write(
        v.join("o.md"),
        "\u{feff}<!--SR:!2025-01-03,3,250-->\n\n#flashcards\n",
    )
    .unwrap();
    let r = srls(&v, &["check", "o.md"]);
    assert!(
        r.out.starts_with("o.md:1:1: warning[orphan-comment]"),
        "{}",
        r.out
    );
    let r = graded(&v, "n.md");
    assert_eq!(r.code, 0, "{}", r.err);
    let after = std::fs::read_to_string(v.join("n.md")).unwrap();
    assert!(
        after.starts_with("\u{feff}#flashcards\r\n\r\nQ::A 🃏\r\n<!--SR:!"),
        "{after:?}"
    );
    assert!(after.ends_with("-->\r\n"), "{after:?}");
}
