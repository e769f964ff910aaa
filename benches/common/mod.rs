//! Notes for the benchmarks, built from the corpus in `../shared/corpus`.
#![allow(dead_code)]

use std::path::Path;

/// The corpus notes in `expected.jsonl` order, `---` lines written `- - -` so that a note's front
/// matter reads as body text once the notes are put one after another.
pub fn corpus_bodies() -> Vec<String> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let list = std::fs::read_to_string(corpus.join("expected.jsonl")).expect("corpus");
    let mut bodies = Vec::new();
    for line in list.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let f = v["file"].as_str().expect("file");
        if let Ok(t) = std::fs::read_to_string(corpus.join(f)) {
            bodies.push(t.replace("\n---\n", "\n- - -\n"));
        }
    }
    bodies
}

/// `#flashcards`, then `bodies` over and over, each followed by a blank line, stopping at the
/// first one past `min` bytes.
pub fn concat(bodies: &[String], min: usize) -> String {
    let mut out = String::from("#flashcards\n\n");
    for b in bodies.iter().cycle() {
        if out.len() >= min {
            break;
        }
        out.push_str(b);
        out.push_str("\n\n");
    }
    out
}
