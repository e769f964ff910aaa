//! The README's quick start runs srls on `examples/vault/`: every `$ srls ...` line of its
//! `console` block is run from the repository's folder, and what it prints must be the lines
//! the README shows below it (issue 13, item 18).

use std::path::Path;
use std::process::Command;

/// A command of the quick start and the output the README shows for it.
struct Step {
    args: Vec<String>,
    shown: String,
}

/// The `$ srls ...` steps of the first `console` block after the quick start heading.
fn quick_start(readme: &str) -> Vec<Step> {
    let from = readme
        .find("## Install and quick start")
        .expect("a quick start section");
    let block = readme[from..]
        .split("```console\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a console block in the quick start");
    let mut steps: Vec<Step> = Vec::new();
    for line in block.lines() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            let mut words = cmd.split_whitespace().map(str::to_string);
            assert_eq!(words.next().as_deref(), Some("srls"), "{line}");
            steps.push(Step {
                args: words.collect(),
                shown: String::new(),
            });
        } else {
            let step = steps.last_mut().expect("a command before its output");
            step.shown.push_str(line);
            step.shown.push('\n');
        }
    }
    steps
}

#[test]
fn the_quick_start_prints_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let steps = quick_start(&readme);
    let verbs: Vec<&str> = steps.iter().map(|s| s.args[0].as_str()).collect();
    assert_eq!(verbs, ["due", "check", "grade"]);
    let before = std::fs::read_to_string(root.join("examples/vault/geography/europe.md")).unwrap();
    for step in &steps {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_srls"));
        cmd.args(&step.args).current_dir(root);
        for v in ["SRLS_TODAY", "SRLS_NOW", "SRLS_TZ", "TZ"] {
            cmd.env_remove(v);
        }
        let o = cmd.output().unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(out, step.shown, "srls {}", step.args.join(" "));
        assert!(
            o.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        // `srls check` finds the broken comment.
        let want = if step.args[0] == "check" { 1 } else { 0 };
        assert_eq!(o.status.code(), Some(want), "srls {}", step.args.join(" "));
    }
    let after = std::fs::read_to_string(root.join("examples/vault/geography/europe.md")).unwrap();
    assert_eq!(before, after, "--dry-run leaves the example as it is");
}
