//! `srls review` end to end: the real binary in a real pseudo-terminal (tmux, 80×24), keys
//! sent with `send-keys`, the screen read with `capture-pane`, the note checked on disk. Plus
//! the cases that never reach the screen: no terminal, an empty vault, an unknown deck.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_srls");
const NOTE: &str = "#flashcards/geo\n\n# Capitals\n\nWhat is the capital of **France**?::Paris\n\nGermany?::Berlin\n<!--SR:!2025-01-02,3,250-->\n";

/// A vault with the plugin's settings (sequential order, so the test knows the first card).
fn vault(note: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir
        .path()
        .join(".obsidian/plugins/obsidian-spaced-repetition");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("data.json"),
        r#"{"settings": {"flashcardCardOrder": "DueFirstSequential"}}"#,
    )
    .unwrap();
    let note_path = dir.path().join("geo.md");
    std::fs::write(&note_path, note).unwrap();
    (dir, note_path)
}

/// A detached tmux session running `srls review DIR --today 2025-01-10`; killed on drop.
struct Tmux {
    name: String,
}

impl Tmux {
    fn start(dir: &Path) -> Tmux {
        assert!(
            Command::new("tmux").arg("-V").output().is_ok(),
            "tmux is needed for this test (.ci/run installs it)"
        );
        let name = format!("srls-review-{}-{}", std::process::id(), rand_suffix(dir));
        let cmd = format!(
            "'{BIN}' review '{}' --today 2025-01-10; echo EXIT=$?; sleep 30",
            dir.display()
        );
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-x",
                "80",
                "-y",
                "24",
                "-s",
                &name,
                &cmd,
            ])
            .env("TERM", "xterm-256color")
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux new-session failed");
        Tmux { name }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        assert!(Command::new("tmux").args(&args).status().unwrap().success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Waits until the screen shows `text` and has settled (the same on two captures 50 ms
    /// apart: a frame caught while it is drawn can hold its title but not yet its footer),
    /// 5 s at most; returns it.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        let mut last = String::new();
        loop {
            let s = self.screen();
            if s.contains(text) && s == last {
                return s;
            }
            last = s.clone();
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "the screen never showed {text:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn resize(&self, w: u16, h: u16) {
        let (w, h) = (w.to_string(), h.to_string());
        let args = ["resize-window", "-t", &self.name, "-x", &w, "-y", &h];
        assert!(Command::new("tmux").args(args).status().unwrap().success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

fn rand_suffix(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().replace('.', ""))
        .unwrap_or_default()
}

#[test]
fn reveal_grade_good_and_quit_in_80x24() {
    let (dir, note) = vault(NOTE);
    let t = Tmux::start(dir.path());
    let s = t.wait_for("Question");
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines[0].trim_end(),
        "srls review · due 1 · new 1 · reviewed 0 · flashcards/geo"
    );
    assert_eq!(lines[1].trim_end(), " geo > Capitals");
    assert!(lines[3].starts_with("│Germany?"), "{s}");
    assert!(s.contains("space: show the answer"), "{s}");
    t.keys(&["Space"]);
    let s = t.wait_for("Answer");
    assert!(s.contains("│Berlin"), "{s}");
    assert!(
        s.contains("1 Again - 1 min   2 Hard - 2 day(s)   3 Good - 8 day(s)   4 Easy - 11 day(s)"),
        "{s}"
    );
    t.keys(&["3"]);
    let s = t.wait_for("reviewed 1");
    assert!(s.contains("│What is the capital of France?"), "{s}");
    assert_eq!(
        std::fs::read_to_string(&note).unwrap(),
        NOTE.replace("2025-01-02,3,250", "2025-01-18,8,250"),
        "the same comment `srls grade` writes"
    );
    t.keys(&["q"]);
    let s = t.wait_for("EXIT=").replace('\n', "");
    assert!(
        s.contains(
            "Reviewed 1 card: 0 again, 0 hard, 1 good, 0 easy. Left: 0 due, 1 new. 1 note written."
        ),
        "{s}"
    );
    assert!(s.contains("EXIT=0"), "{s}");
    assert!(
        !s.contains("Question"),
        "the alternate screen is left:\n{s}"
    );
}

#[test]
fn ctrl_c_restores_the_terminal_and_resizing_redraws() {
    let (dir, note) = vault(NOTE);
    let t = Tmux::start(dir.path());
    t.wait_for("Question");
    t.resize(30, 8);
    t.wait_for("Terminal too small");
    t.resize(80, 24);
    t.wait_for("Question");
    t.keys(&["C-c"]);
    let s = t.wait_for("EXIT=");
    assert!(s.contains("Reviewed 0 cards"), "{s}");
    // Raw mode is off again: the shell's newline returns to column 0.
    assert!(s.lines().any(|l| l == "EXIT=0"), "{s}");
    assert!(
        !s.contains("Question"),
        "the alternate screen is left:\n{s}"
    );
    assert_eq!(std::fs::read_to_string(&note).unwrap(), NOTE);
}

#[test]
fn a_note_that_vanishes_mid_session_leaves_it() {
    let (dir, note) = vault(NOTE);
    let t = Tmux::start(dir.path());
    t.wait_for("Question");
    std::fs::remove_file(&note).unwrap();
    t.keys(&["Space"]);
    t.wait_for("Answer");
    t.keys(&["3"]);
    let s = t.wait_for("is gone");
    assert!(s.contains("Nothing left to review"), "{s}");
    assert!(!note.exists());
    t.keys(&["q"]);
    t.wait_for("EXIT=0");
}

#[test]
fn without_a_terminal_it_says_so_and_exits_2() {
    let (dir, note) = vault(NOTE);
    let out = Command::new(BIN)
        .args([
            "review",
            &dir.path().to_string_lossy(),
            "--today",
            "2025-01-10",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
    assert_eq!(std::fs::read_to_string(&note).unwrap(), NOTE);
}

#[test]
fn an_empty_vault_has_nothing_due_and_an_unknown_deck_lists_the_decks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".obsidian")).unwrap();
    let d = dir.path().to_string_lossy().to_string();
    let out = Command::new(BIN)
        .args(["review", &d, "--today", "2025-01-10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Nothing due: 0 cards found, none due or new today.\n"
    );
    let (dir, _) = vault(NOTE);
    let d = dir.path().to_string_lossy().to_string();
    let out = Command::new(BIN)
        .args(["review", &d, "--deck", "flashcards/bio"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: there is no deck `flashcards/bio`; the decks are: flashcards, flashcards/geo\n"
    );
}
