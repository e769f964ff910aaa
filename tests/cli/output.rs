//! Output that cannot be written: a closed pipe ends quietly, a full disk is one error line
//! and exit 2, never a panic (issue 13, item 7).

use crate::support::*;
use std::process::{Command, Stdio};

// ------------------------------------------------------------------------------------------
// 7. Output errors
// ------------------------------------------------------------------------------------------

fn busy_vault() -> tempfile::TempDir {
    let mut note = String::from("#flashcards\n\n");
    for i in 0..4000 {
        // An old-format date: every card is due, and `srls check` has a line for each.
        note.push_str(&format!(
            "Question {i}::Answer {i}\n<!--SR:!Wed Jan 01 2025,1,250-->\n\n"
        ));
    }
    tree(&[("V/.obsidian/app.json", "{}"), ("V/n.md", &note)])
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::BufRead;
    let dir = busy_vault();
    let v = root(&dir).join("V");
    for args in [
        &["due", "--today", TODAY][..],
        &["cards", "."][..],
        &["check", "."][..],
        &["due", "--json", "--today", TODAY][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_srls"))
            .args(args)
            .current_dir(&v)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error() {
    let dir = busy_vault();
    let v = root(&dir).join("V");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        &["due", "--today", TODAY][..],
        &["cards", "."][..],
        &["check", "."][..],
        &["check", "--format", "json", "."][..],
        &["cards", "--json", "n.md"][..],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_srls"))
            .args(args)
            .current_dir(&v)
            .stdout(full())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // The note is written; only the report is lost, and the user is told.
    let dir = tree(&[("V/.obsidian/app.json", "{}"), ("V/n.md", NOTE)]);
    let v = root(&dir).join("V");
    let o = Command::new(env!("CARGO_BIN_EXE_srls"))
        .args(["grade", "n.md:3", "good", "--today", TODAY])
        .current_dir(&v)
        .stdout(full())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("the note was written"), "{err}");
    assert_ne!(std::fs::read_to_string(v.join("n.md")).unwrap(), NOTE);
}
