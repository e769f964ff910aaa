//! Notes for the benchmarks, built from the corpus in `../shared/corpus`.
#![allow(dead_code)]

use srls::plugin::scanner::ScanEvent;
use srls::text::document::Document;
use std::path::Path;
use std::time::Duration;

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

#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    /// About 5,000 cards per MB: short single-line, multi-line and cloze cards with comments.
    Dense,
    /// Corpus notes one after another, each standing on its own: a note that leaves a code
    /// fence or comment open at its end (which would swallow every note after it) is left out.
    Corpus,
    /// Corpus notes as they come: one leaves a fence open near 1.1 MB, so the rest of the note
    /// is one code block for tree-sitter-md, and one tree segment.
    CorpusOpenFence,
}

pub fn corpus_note(min: usize, kind: Kind) -> String {
    if kind == Kind::Dense {
        let mut s = String::from("#flashcards\n\n");
        let mut i = 0;
        while s.len() < min {
            match i % 4 {
                0 => s.push_str(&format!("Question {i} with 🃏 emoji::Answer {i} 漢字\n<!--SR:!2025-01-03,15,290-->\n\n")),
                1 => s.push_str(&format!("Multi-line question {i}?\n?\nThe answer, line one\nline two of answer {i}\n<!--SR:!2025-01-10,3,250-->\n\n")),
                2 => s.push_str(&format!("The capital of ==France {i}== is ==Paris==, said someone.\n\n")),
                _ => s.push_str(&format!("Some ordinary prose between cards, paragraph {i}, to read.\nAnd a second line.\n\n")),
            }
            i += 1;
        }
        return s;
    }
    let notes: Vec<String> = corpus_bodies()
        .into_iter()
        .filter(|t| kind == Kind::CorpusOpenFence || !leaves_open(t))
        .collect();
    concat(&notes, min)
}

/// Whether a note leaves a code fence or an HTML comment open at its end, for the plugin or for
/// the editor.
fn leaves_open(t: &str) -> bool {
    let n = srls::note::parse_note(
        &format!("#flashcards\n{t}"),
        &Default::default(),
        &Default::default(),
    );
    n.events.iter().any(|e| {
        matches!(
            e,
            ScanEvent::Fence { close: None, .. } | ScanEvent::CommentHidesRest { .. }
        )
    }) || Document::new(t, 0)
        .blocks()
        .fenced_code
        .iter()
        .any(|c| !c.closed)
}

pub fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    v[((v.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e6
}
