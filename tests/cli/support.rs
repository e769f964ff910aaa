//! Running the srls binary in a folder, on temporary vaults (for the `cli_*` tests).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run of the binary gave.
pub struct Run {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// Runs `srls args` in `dir` with a clean clock environment plus `env`.
pub fn srls_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_srls"));
    cmd.args(args).current_dir(dir).stdin(Stdio::null());
    for v in ["SRLS_TODAY", "SRLS_NOW", "SRLS_TZ", "TZ"] {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().copied());
    let o = cmd.output().expect("srls runs");
    Run {
        code: o.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Runs `srls args` in `dir` with a clean clock environment.
pub fn srls(dir: &Path, args: &[&str]) -> Run {
    srls_env(dir, args, &[])
}

/// A temporary folder holding `files` (path, content); folders are made as needed.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, content) in files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// The temporary folder, canonical (macOS's `/tmp` is a link).
pub fn root(dir: &tempfile::TempDir) -> PathBuf {
    std::fs::canonicalize(dir.path()).unwrap()
}

/// A path as text.
pub fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The day the tests review on.
pub const TODAY: &str = "2025-01-03";

/// A note with one scheduled single-line card on line 3.
pub const NOTE: &str = "#flashcards\n\nQ::A\n<!--SR:!2025-01-03,3,250-->\n";

/// Grades the card on line 3 of `name` Good, writing the note.
pub fn graded(dir: &Path, name: &str) -> Run {
    srls(
        dir,
        &["grade", &format!("{name}:3"), "good", "--today", TODAY],
    )
}
