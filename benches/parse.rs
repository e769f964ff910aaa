//! Full-note parse throughput on a note of at least 8 MB built from the corpus.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use srls::note::{NoteContext, parse_note_with};
use srls::plugin::cloze::ClozeEngine;
use srls::plugin::settings::Settings;

mod common;

/// The corpus notes (front matter dropped, so each reads as a body), the whole corpus over and
/// over until `min` bytes.
pub fn big_note(min: usize) -> String {
    let bodies = common::corpus_bodies();
    let mut out = String::from("#flashcards\n\n");
    while out.len() < min {
        for b in &bodies {
            out.push_str(b);
            out.push_str("\n\n");
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = big_note(8 << 20);
    let settings = Settings::default();
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    let ctx = NoteContext::default();
    let n = parse_note_with(&text, &settings, &ctx, &engine).cards.len();
    eprintln!("note: {:.1} MB, {n} cards", text.len() as f64 / 1e6);
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("full_note_8MB", |b| {
        b.iter(|| parse_note_with(&text, &settings, &ctx, &engine).cards.len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
