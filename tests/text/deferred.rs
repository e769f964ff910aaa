//! Deferred tree reparses (the server's keystroke path) end with the same tree as a fresh parse.

use proptest::prelude::*;
use srls::text::document::{Change, Document, parse_snapshot};
use srls::text::position::Pos;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn deferred_then_reparsed_equals_fresh(
        start in "(#flashcards|Q::A|```|- item|> q|\\?|    code|<div>|)(\\n(#flashcards|Q::A|```|- item|> q|\\?|    code|<div>|)){0,12}",
        edits in prop::collection::vec((0u32..14, 0u32..6, "[a-z`>\\n ]{0,3}", any::<bool>()), 1..8),
    ) {
        let mut doc = Document::new(&start, 1);
        let mut v = 1;
        for (line, ch, text, background) in edits {
            v += 1;
            doc.apply_changes_deferred(v, &[Change::ranged(Pos::new(line, ch), Pos::new(line, ch), text)]).unwrap();
            if background {
                let (snap, version) = (doc.tree_snapshot(), doc.version());
                prop_assert!(doc.install_tree(version, parse_snapshot(snap)));
            } else {
                doc.ensure_tree();
            }
            prop_assert!(!doc.tree_is_stale());
            let fresh = Document::new(&doc.text(), 1);
            prop_assert_eq!(doc.segments().sexp(), fresh.segments().sexp());
        }
    }
}
