//! The block tree kept in segments (`text::segments`) tells the same blocks as one tree-sitter
//! parse of the whole note, and stays equal to a fresh segmented parse after any edit.

use proptest::prelude::*;
use srls::text::document::{Change, Document};
use srls::text::markdown::{self, Blocks};
use srls::text::position::{Encoding, Pos};
use srls::text::segments::Segments;

/// The blocks of one tree-sitter-md tree of the whole text; `None` when that tree holds an
/// error (its recovery may reread earlier lines: the segments are not compared with it).
fn whole(text: &str) -> Option<Blocks> {
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_md::LANGUAGE.into()).unwrap();
    let tree = p.parse(text, None).unwrap();
    (!tree.root_node().has_error()).then(|| markdown::blocks(&tree, text))
}

fn check(text: &str) -> Result<(), String> {
    let doc = Document::new(text, 0);
    let got = doc.blocks();
    let Some(want) = whole(text) else {
        return Ok(());
    };
    if got != want {
        return Err(format!(
            "segments {:?}\n got  {got:?}\n want {want:?}",
            doc.segments().starts()
        ));
    }
    Ok(())
}

// No link reference definitions (`[x]: url`): tree-sitter-md keeps reading one as a paragraph
// or as a definition open (GLR) until far later text decides, so a whole-note parse may read
// the lines after it differently from the segment's parse, which decides within the segment
// (as CommonMark does: a definition ends at its line).
const PIECES: &[&str] = &[
    "#flashcards",
    "Q::A",
    "Q::A <!--SR:!2025-01-03,15,290-->",
    "<!--SR:!2025-01-03,15,290-->",
    "?",
    "q",
    "a",
    "",
    "",
    "",
    "   ",
    "\t",
    "```",
    "```js",
    "````",
    "~~~",
    "   ```",
    "    code",
    "<!-- c -->",
    "<!--",
    "-->",
    "<div>",
    "</div>",
    "<pre>",
    "</pre>",
    "<?x",
    "?>",
    "<!X",
    ">",
    "<![CDATA[",
    "]]>",
    "<span>",
    "- item",
    "  continued",
    "1. one",
    "* star",
    "+ plus",
    "> quote",
    "> [!note] callout",
    "> ```",
    "# Heading",
    "## Sub",
    "Title",
    "===",
    "---",
    "***",
    "| a | b |",
    "|---|---|",
    "text 😀 中文",
    "\u{feff}~~~",
    "\u{feff}x",
    "[\\-]",
    "[\\(x\\)]",
    "$$",
    "%%",
    "- ```",
    "  ```",
    "---\r",
    "x\r",
    // Lines read without tree-sitter-md (`text::segments::quick`) and their look-alikes.
    "#",
    "# ",
    "#\tTab",
    "## x #",
    "# #",
    "# a ## b ##  ",
    "# x\\#",
    "# a#",
    "###### six",
    "####### seven",
    "#tag",
    "  # indented",
    "- # nested",
    "> # quoted",
    "<!---->",
    "<!-->",
    "<!--->",
    "<!--a--> tail",
    "<!-- x",
    " <!--x-->",
    "- <!--SR:x-->",
    "<!--SR:!2025-01-03,15,290-->\r",
    "#\r",
    "==cloze== x",
    "=",
    "  ===",
    "-",
    "- - -",
    "* * *",
    "1) x",
    "    ```",
    "\t- x",
    "``x",
    "~~",
    "\tcontinued",
    "    four",
    "\t\t- deep",
    "  \t",
    "?",
    "_ x",
    "| x",
    "[x] y",
    "<span>x</span> text",
    "<span style=\"a\">x</span>",
    "- <b>x</b> y",
    "<img src=\"x\"",
    "\tmore\">",
    "<center>",
    "</center>",
    "<div>x",
    "<pre>x",
    "<3 you",
    "</",
    "<verylongtagname>",
    "- -",
    "--",
    "-- x",
    "   ---   ",
    "```a`b",
    "~~~a`b",
    "``` my sql ",
    "```\tinfo",
    "~~~~~",
    "```  ",
    "===   ",
    "\t* x",
    "    > x",
    "\t\t> x",
    "\t+ x",
    "\t1. x",
    "[[x]] y",
    "[x]] y",
    "\t\t",
    "        ",
    ">---",
    "> ---",
    "- ---",
    "1. -",
    "    # deep",
    "\t#",
    "    <div>",
    "    ===",
    "    ---",
    "\t<!--x-->",
    "\t```",
    "- - -\n\tx\n    # deep",
    "* * *\n    # deep",
    "-\n    # deep",
];

fn note() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| {
        let mut s = v.join("\n");
        if s.len() % 3 == 0 {
            s.push('\n');
        }
        s
    })
}

#[test]
fn corpus_notes_have_the_same_blocks() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let list = std::fs::read_to_string(corpus.join("expected.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for line in list.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let f = v["file"].as_str().unwrap();
        let text = std::fs::read_to_string(corpus.join(f)).unwrap();
        n += usize::from(whole(&text).is_some());
        if let Err(e) = check(&text) {
            failures.push(format!("{f}: {e}"));
        }
    }
    // Notes compared (the others parse with an error as one tree).
    eprintln!("{n} corpus notes compared");
    assert!(n > 150, "{n}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]
    #[test]
    fn random_notes_have_the_same_blocks(text in note()) {
        if let Err(e) = check(&text) {
            prop_assert!(false, "{:?}\n{}", text, e);
        }
    }

    #[test]
    fn edits_keep_segments_equal_to_a_fresh_parse(
        start in note(),
        edits in prop::collection::vec((0u32..45, 0u32..6, 0u32..3, prop::sample::select(PIECES), any::<bool>(), 0u8..3), 1..10),
    ) {
        // Every tree kept, so the trees after the edits are compared too.
        let mut doc = Document::keeping_trees(&start, 1, Encoding::Utf8, 0);
        let mut v = 1;
        for (line, ch, del, piece, nl, mode) in edits {
            v += 1;
            let text = if nl { format!("{piece}\n") } else { piece.to_string() };
            let change = Change::ranged(Pos::new(line, ch), Pos::new(line + del, ch), text);
            doc.apply_changes_deferred(v, &[change]).unwrap();
            match mode {
                0 => doc.ensure_tree(),
                1 => {
                    let snap = doc.tree_snapshot();
                    let segs = srls::text::document::parse_snapshot(snap);
                    prop_assert!(doc.install_tree(v, segs));
                }
                // Leave it pending: the next edits merge into one span.
                _ => continue,
            }
            let text = doc.text().into_owned();
            let fresh = Document::keeping_trees(&text, 1, Encoding::Utf16, 0);
            prop_assert_eq!(doc.segments().sexp(), fresh.segments().sexp(), "{:?}", text);
            if let Err(e) = check(&text) {
                prop_assert!(false, "{:?}\n{}", text, e);
            }
            if let Some(w) = whole(&text) {
                prop_assert_eq!(doc.blocks(), w);
            }
            // Headings and breadcrumbs read from the kept list of headed segments (updated
            // edit by edit) equal those of all the blocks.
            let blocks = doc.blocks();
            prop_assert_eq!(doc.segments().headings(), blocks.headings.clone());
            for b in 0..=text.len() {
                let want: Vec<_> = blocks.breadcrumb(b).into_iter().cloned().collect();
                prop_assert_eq!(doc.segments().breadcrumb(b), want, "byte {} of {:?}", b, text);
            }
        }
    }
}

#[test]
fn corpus_notes_edited_keep_segments_equal_to_a_fresh_parse() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let list = std::fs::read_to_string(corpus.join("expected.jsonl")).unwrap();
    let mut seed = 12345u64;
    let mut rnd = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    for line in list.lines().step_by(3) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = std::fs::read_to_string(corpus.join(v["file"].as_str().unwrap())).unwrap();
        let mut doc = Document::with_encoding(&text, 1, Encoding::Utf8);
        for k in 0..12 {
            let lines = doc.rope().len_lines() as u32;
            let l = rnd(lines as usize) as u32;
            let piece = PIECES[rnd(PIECES.len())];
            let ins = if k % 2 == 0 {
                format!("{piece}\n")
            } else {
                piece.to_string()
            };
            let del = (rnd(3) == 0) as u32;
            doc.apply_changes(
                k + 2,
                &[Change::ranged(Pos::new(l, 0), Pos::new(l + del, 0), ins)],
            )
            .unwrap();
            let now = doc.text().into_owned();
            // The fresh parse keeps every tree; the edited one those of the segments it
            // reparsed, each equal to the fresh one.
            let fresh = Document::keeping_trees(&now, 1, Encoding::Utf16, 0);
            assert_eq!(
                doc.segments().layout(),
                fresh.segments().layout(),
                "{now:?}"
            );
            let trees: std::collections::HashMap<usize, String> = fresh
                .segments()
                .kept_trees()
                .map(|(at, t)| (at, t.root_node().to_sexp()))
                .collect();
            for (at, t) in doc.segments().kept_trees() {
                assert_eq!(Some(&t.root_node().to_sexp()), trees.get(&at), "{now:?}");
            }
            if let Some(w) = whole(&now) {
                assert_eq!(doc.blocks(), w, "{now:?}");
            }
        }
    }
}

/// A parse error near the top that never clears (tree-sitter-md reads `[\-]` alone on a line as
/// one) makes the rest of the note one segment, found in a few parses rather than one per
/// paragraph (which took 22 s for 2,000 paragraphs); the blocks still match.
#[test]
fn an_error_that_never_clears() {
    // (The `<b>` line sends the first segment to tree-sitter-md: a segment of plain lines is
    // read without a tree, so holds no error.)
    let mut text = String::from("[\\-]\n<b>x</b>\n\n");
    for i in 0..2000 {
        text.push_str(&format!("Para {i} text here\n\n"));
        if i % 500 == 0 {
            text.push_str("# Heading\n\n```\ncode\n```\n\n");
        }
    }
    let doc = Document::new(&text, 0);
    assert!(whole(&text).is_none(), "the note parses with an error");
    assert!(doc.segments().count() < 5, "{}", doc.segments().count());
}

/// A fresh parse keeps no tree; an edit keeps the tree of the long segment it reparsed, and once
/// more than `KEPT_TREE_BYTES` of segments hold one, only the segment just reparsed keeps its.
#[test]
fn trees_are_kept_for_edited_long_segments_only() {
    use srls::text::segments::{KEEP_TREE, KEPT_TREE_BYTES};
    // Paragraphs of some 5 KB (one segment each: a cut needs a blank line), emoji and CJK in;
    // each starts with inline HTML ending in `>`, which sends it to tree-sitter-md (a segment of
    // simple lines is read without a tree, and keeps none).
    let para: String = (0..400)
        .map(|i| match i {
            0 => format!("<b>Line {i} 😀 中文</b>\n"),
            _ => format!("Line {i} 😀 中文\n"),
        })
        .collect();
    assert!(para.len() > KEEP_TREE);
    let text: String = (0..30).map(|_| format!("{para}\n")).collect();
    let mut doc = Document::new(&text, 1);
    assert_eq!(doc.segments().kept_trees().count(), 0);
    let lines_per_para = 401;
    // What should hold trees: bytes and count.
    let (mut bytes_kept, mut count) = (0, 0);
    let mut dropped = false;
    for (n, p) in (0..30).enumerate() {
        let line = (p * lines_per_para + 1) as u32;
        let edit = Change::ranged(Pos::new(line, 0), Pos::new(line, 0), "x");
        doc.apply_changes(n as i32 + 2, &[edit]).unwrap();
        let segs = doc.segments();
        let len = |at: usize| {
            let i = segs.starts().binary_search(&at).unwrap();
            segs.starts().get(i + 1).copied().unwrap_or(doc.len_bytes()) - at
        };
        let kept: Vec<usize> = segs.kept_trees().map(|(at, _)| at).collect();
        let edited = doc.rope().line_to_byte(line as usize);
        assert!(
            kept.iter().any(|&at| at <= edited && edited < at + len(at)),
            "edit {n}: the edited segment keeps its tree ({kept:?})"
        );
        let fresh = kept.iter().map(|&at| len(at)).find(|&l| l > 0).unwrap_or(0);
        let here = kept
            .iter()
            .find(|&&at| at <= edited && edited < at + len(at))
            .map_or(fresh, |&at| len(at));
        bytes_kept += here;
        count += 1;
        if bytes_kept > KEPT_TREE_BYTES {
            (bytes_kept, count, dropped) = (here, 1, true);
        }
        assert_eq!(
            kept.len(),
            count,
            "edit {n}: trees pile up, then all but one go"
        );
        let bytes: usize = kept.iter().map(|&at| len(at)).sum();
        assert_eq!(bytes, bytes_kept, "edit {n}");
    }
    assert!(dropped);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]
    /// Parsing a note in two halves on two cores (a big note's open) changes no segment.
    #[test]
    fn a_note_cut_in_two_has_the_segments_of_one_parse(text in note(), at in 0usize..600) {
        let one = Segments::of_text_split(&text, None);
        let cut = Segments::of_text_split(&text, Some(at));
        prop_assert_eq!(cut.sexp(), one.sexp(), "{:?} cut after byte {}", text, at);
    }
}

/// The corpus notes one after another, cut in two at many places, have the segments of one
/// parse.
#[test]
fn the_corpus_cut_in_two_has_the_segments_of_one_parse() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let list = std::fs::read_to_string(corpus.join("expected.jsonl")).unwrap();
    let mut text = String::new();
    for line in list.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        text.push_str(&std::fs::read_to_string(corpus.join(v["file"].as_str().unwrap())).unwrap());
        text.push_str("\n\n");
    }
    let one = Segments::of_text_split(&text, None).sexp();
    for k in 1..40 {
        let at = text.len() * k / 40;
        let cut = Segments::of_text_split(&text, Some(at)).sexp();
        assert!(
            cut == one,
            "cut after byte {at} of the corpus changes the segments"
        );
    }
}
