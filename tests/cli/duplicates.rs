//! `duplicate-question` in `srls check` on the corpus: every finding, as listed (and checked by
//! reading the notes) in `corpus-duplicates.txt`.

use crate::support::srls;
use std::path::Path;

/// A `srls check` line of `duplicate-question` as `severity path:line  peers`.
fn finding(line: &str) -> Option<String> {
    let (at, rest) = line.split_once(": ")?;
    let (sev, msg) = rest.split_once("[duplicate-question]: ")?;
    let peers = msg.rsplit_once(" (")?.1.trim_end_matches(')');
    let at = at.rsplit_once(':')?.0;
    Some(format!("{sev} {at}  {peers}"))
}

#[test]
fn corpus_duplicates_are_the_listed_ones() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut vaults: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    vaults.sort();
    let mut args = vec!["check"];
    args.extend(vaults.iter().map(String::as_str));
    let r = srls(&corpus, &args);
    let found: Vec<String> = r.out.lines().filter_map(finding).collect();
    let listed = include_str!("corpus-duplicates.txt");
    let want: Vec<&str> = listed.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(found, want, "{}", r.err);
}

#[test]
fn check_names_duplicates_within_and_across_notes() {
    let dir = crate::support::tree(&[
        ("v/.obsidian/app.json", "{}"),
        (
            "v/a.md",
            "#flashcards\n\nWhat is  Rust?::a language\n\nwhat is rust?::x\n",
        ),
        (
            "v/b.md",
            "---\ntags: [flashcards/x]\n---\nWHAT is rust?::y\n\nOther::z\n",
        ),
    ]);
    let r = srls(dir.path(), &["check", "v"]);
    let swap = "(the plugin can swap the schedules of identical cards in one note)";
    assert_eq!(
        r.out,
        format!(
            "v/a.md:3:1: warning[duplicate-question]: the same question as 1 other card in this note {swap} and 1 card in other notes (v/a.md:5, v/b.md:4)\n\
             v/a.md:5:1: warning[duplicate-question]: the same question as 1 other card in this note {swap} and 1 card in other notes (v/a.md:3, v/b.md:4)\n\
             v/b.md:4:1: info[duplicate-question]: the same question as 2 cards in other notes (v/a.md:3, v/a.md:5)\n\
             0 errors, 2 warnings\n"
        )
    );
    assert_eq!(r.code, 0);
}
