//! What the command line reads and must not misread: impossible settings, unknown time
//! zones (issue 13, items 4, 8).

mod cli_support;

use cli_support::*;

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
