use srls::text::document::{Change, Document};
use srls::text::position::Pos;
use std::time::Instant;
fn main() {
    let corpus = std::path::Path::new("/work/shared/corpus");
    let list = std::fs::read_to_string(corpus.join("expected.jsonl")).unwrap();
    let mut out = String::from("#flashcards\n\n");
    'o: loop {
        for line in list.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let t = std::fs::read_to_string(corpus.join(v["file"].as_str().unwrap())).unwrap();
            out.push_str(&t.replace("\n---\n", "\n- - -\n"));
            out.push_str("\n\n");
            if out.len() >= 4 << 20 {
                break 'o;
            }
        }
    }
    let mut d = Document::new(&out, 1);
    let segs: Vec<usize> = d.trees().map(|(a, _)| a).collect();
    let big = segs.windows(2).map(|w| (w[1] - w[0], w[0])).max().unwrap();
    let last = *segs.last().unwrap();
    println!(
        "segments {} biggest {:?} last start {} len {}",
        segs.len(),
        big,
        last,
        out.len()
    );
    println!("last seg begins: {:?}", &out[last..last + 300]);
    let line = (d.rope().len_lines() / 2) as u32;
    for v in 2..6 {
        let t = Instant::now();
        d.apply_changes_deferred(
            v,
            &[Change::ranged(Pos::new(line, 3), Pos::new(line, 3), "x")],
        )
        .unwrap();
        let a = t.elapsed();
        let r = d.try_ensure_tree(16 * 1024);
        println!("apply {:?} ensure {:?} {:?}", a, t.elapsed(), r);
    }
}
