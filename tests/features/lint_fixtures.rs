//! Each diagnostic kind is demonstrated by a note under `tests/lint/` and its expected output
//! (`srls check` format) in the `.expected` file beside it. `SRLS_BLESS=1` rewrites them.

use srls::features::lint::lint;
use srls::note::{NoteContext, parse_note};
use srls::plugin::cloze::ClozeEngine;
use srls::plugin::settings::Settings;
use std::path::Path;

#[test]
fn every_fixture_gives_its_diagnostics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "fixtures missing");
    let mut failures = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let settings = Settings::default();
        let engine = ClozeEngine::new(&settings.cloze_patterns);
        let note = parse_note(&text, &settings, &NoteContext::default());
        let diags = lint(&text, &note, &settings, &engine);
        let mut got = String::new();
        for d in &diags {
            let lc = srls::text::position::line_col(&text, d.start);
            let (l, c) = (lc.line, lc.col);
            got.push_str(&format!(
                "{l}:{c}: {}[{}]: {}\n",
                d.severity.as_str(),
                d.code,
                d.message
            ));
            for fix in &d.fixes {
                got.push_str(&format!("  fix: {}\n", fix.title));
            }
        }
        let exp_path = f.with_extension("expected");
        if std::env::var_os("SRLS_BLESS").is_some() {
            std::fs::write(&exp_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&exp_path).unwrap_or_default();
        if got != want {
            failures.push(format!("{}:\n--- got\n{got}--- want\n{want}", f.display()));
        }
        assert!(!diags.is_empty(), "{} shows no diagnostic", f.display());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
