//! The robustness checks shared by the cargo-fuzz targets (`fuzz/fuzz_targets/`) and their
//! stable proptest twins (`tests/fuzz_props.rs`, which includes this file with `#[path]`).
//!
//! Each check takes plain data, runs one part of srls on it and panics (with a message saying
//! what broke) when an invariant does not hold. A panic inside srls itself is a finding too.
//! Only `srls`, `tree-sitter`, `tree-sitter-md`, `chrono` and `chrono-tz` are used, so the file
//! compiles both in the fuzz crate and as a module of an integration test of the main crate.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use srls::features::grade::{Edit, GradeRequest, apply_edits, grade};
use srls::features::lint::lint;
use srls::note::{Card, Note, NoteContext, parse_note, parse_note_with};
use srls::plugin::cloze::ClozeEngine;
use srls::plugin::js;
use srls::plugin::lines::Lines;
use srls::plugin::scanner::CardType;
use srls::plugin::schedule::fsrs::FsrsCard;
use srls::plugin::schedule::{Histogram, Response};
use srls::plugin::settings::Settings;
use srls::plugin::sr_comment::{self, Group};
use srls::text::position::{Encoding, Pos};
use srls::text::{Change, Document};
use tree_sitter::{Node, Parser, Tree};

/// Pieces that drive the markdown block grammar, the card scanner and the position code:
/// headings, fences, quotes, lists, front matter, HTML, separators, clozes, comments, astral
/// characters, ZWJ sequences, CJK and every line terminator.
pub const DOC_PIECES: &[&str] = &[
    "a",
    "word ",
    " ",
    "\t",
    "\n",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "# ",
    "## ",
    "#",
    "===",
    "---",
    "---\n",
    "```",
    "~~~",
    "    ",
    "> ",
    "- ",
    "1. ",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "::",
    ":::",
    "?\n",
    "??\n",
    "==x==",
    "**b**",
    "{{c}}",
    "#flashcards\n",
    "<!--SR:!2025-01-03,15,290-->",
    "中文",
    "é",
    "😀",
    "👨\u{200d}👩\u{200d}👧",
    "𝄞",
    "\u{2028}",
    "\u{feff}",
    "\0",
    "\u{202e}",
];

// ------------------------------------------------------------------------------------------
// Settings variants
// ------------------------------------------------------------------------------------------

/// `data.json` texts for the settings variants the parser checks run under, with the note's
/// vault path (folder mode needs one).
const VARIANTS: &[(&str, Option<&str>)] = &[
    // 0: the defaults.
    ("{}", None),
    // 1: a multi-line card end marker.
    (r##"{"multilineCardEndMarker": "+++"}"##, None),
    // 2: bold and curly clozes besides highlights (the old toggles build the pattern list).
    (
        r##"{"convertHighlightsToClozes": true, "convertBoldTextToClozes": true,
            "convertCurlyBracketsToClozes": true}"##,
        None,
    ),
    // 3: custom separators.
    (
        r##"{"singleLineCardSeparator": "@@", "singleLineReversedCardSeparator": "@@@",
            "multilineCardSeparator": "%%", "multilineReversedCardSeparator": "%%%",
            "multilineCardEndMarker": "--"}"##,
        None,
    ),
    // 4: hostile separators: one that is a prefix of cloze and front matter markers, an empty
    // reversed one, a multi-line separator equal to a list bullet.
    (
        r##"{"singleLineCardSeparator": "=", "singleLineReversedCardSeparator": "",
            "multilineCardSeparator": "-", "multilineReversedCardSeparator": "?",
            "multilineCardEndMarker": "?"}"##,
        None,
    ),
    // 5: folders as decks, note in a nested folder.
    (
        r##"{"convertFoldersToDecks": true}"##,
        Some("Deck/Sub deck/note.md"),
    ),
    // 6: folders as decks, note at the vault root (no deck from the folder).
    (r##"{"convertFoldersToDecks": true}"##, Some("note.md")),
    // 7: comments on the card's line, callouts, FSRS.
    (
        r##"{"cardCommentOnSameLine": true, "useCalloutsForSchedulingComments": true,
            "algorithm": "FSRS"}"##,
        None,
    ),
    // 8: custom cloze patterns, one unusable, custom and ignored tags.
    (
        r##"{"clozePatterns": ["==[123;;]answer[;;hint]==", "{{c[123::]answer[::hint]}}",
            "[[answer]]", "[123;;]", "((answer[;;hint]))"],
            "flashcardTags": ["#flashcards", "#cards/sub", "#"],
            "flashcardTagsToIgnore": ["#skip"]}"##,
        None,
    ),
    // 9: comments on the card's line, SM-2, no load balancing, the edges of the numbers the
    // plugin accepts (below them the settings are reported and fall back to the defaults).
    (
        r##"{"cardCommentOnSameLine": true, "loadBalance": false, "baseEase": 130,
            "maximumInterval": 1, "easyBonus": 1, "lapsesIntervalChange": 0.01}"##,
        None,
    ),
    // 10 (last: the grade check leaves it out): a bare `answer` pattern makes every character
    // of a line a cloze deletion, so a card has as many sides as characters (quadratic output).
    (
        r##"{"clozePatterns": ["answer"], "flashcardTags": ["#"]}"##,
        None,
    ),
];

/// How many settings variants there are.
pub const VARIANT_COUNT: usize = VARIANTS.len();

/// The settings, note context and cloze engine of variant `v` (taken modulo the count).
pub fn variant(v: usize) -> (Settings, NoteContext, ClozeEngine) {
    let (json, path) = VARIANTS[v % VARIANTS.len()];
    let (settings, warnings) = Settings::from_data_json(json).expect("variant JSON is valid");
    assert!(warnings.is_empty(), "variant {v}: {warnings:?}");
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    let ctx = NoteContext {
        vault_path: path.map(str::to_owned),
    };
    (settings, ctx, engine)
}

// ------------------------------------------------------------------------------------------
// Shared invariants
// ------------------------------------------------------------------------------------------

fn check_range(text: &str, start: usize, end: usize, what: &str) {
    assert!(
        start <= end && end <= text.len(),
        "{what}: range {start}..{end} outside 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: range {start}..{end} not on char boundaries"
    );
}

/// Edits must lie in the text, on char boundaries, and not overlap (they may touch).
fn check_edits(text: &str, edits: &[Edit], what: &str) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    for e in &sorted {
        check_range(text, e.start, e.end, what);
    }
    for w in sorted.windows(2) {
        assert!(
            w[0].end <= w[1].start,
            "{what}: edits {}..{} and {}..{} overlap",
            w[0].start,
            w[0].end,
            w[1].start,
            w[1].end
        );
    }
}

/// `out` equals `text` outside the edit ranges and holds each edit's text in place of its
/// range: the result differs from the input only inside the edits.
fn check_only_edits_changed(text: &str, out: &str, edits: &[Edit], what: &str) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let (mut at_in, mut at_out) = (0usize, 0usize);
    for e in sorted {
        let keep = &text[at_in..e.start];
        assert_eq!(
            out.get(at_out..at_out + keep.len()),
            Some(keep),
            "{what}: text before the edit at {} changed",
            e.start
        );
        at_out += keep.len();
        assert_eq!(
            out.get(at_out..at_out + e.text.len()),
            Some(e.text.as_str()),
            "{what}: edit text not in place"
        );
        at_out += e.text.len();
        at_in = e.end;
    }
    assert_eq!(
        out.get(at_out..),
        Some(&text[at_in..]),
        "{what}: text after the last edit changed"
    );
}

fn check_note(text: &str, note: &Note) {
    let n_lines = note.lines.len();
    assert!(n_lines >= 1, "a note has at least one line");
    for (i, c) in note.cards.iter().chain(&note.dropped).enumerate() {
        let what = format!("card {i}");
        assert!(
            c.first_line <= c.last_line && c.last_line < n_lines,
            "{what}: lines {}..={} of {n_lines}",
            c.first_line,
            c.last_line
        );
        assert!(c.end_line < n_lines, "{what}: end line {}", c.end_line);
        assert!(
            c.src_lines.iter().all(|&l| l < n_lines),
            "{what}: source lines {:?}",
            c.src_lines
        );
        check_range(text, c.start, c.end, &what);
        // A cloze card whose deletions vanish once its leading tag is cut has no sides, as in
        // the plugin (a question with no cards); every other card has at least one.
        assert!(
            !c.sides.is_empty() || c.kind == CardType::Cloze,
            "{what}: no sides"
        );
        assert_eq!(c.schedule.len(), c.sides.len(), "{what}: schedule per side");
        if let Some(cm) = &c.comment {
            check_range(text, cm.start, cm.end, &format!("{what} comment"));
            for g in &cm.groups {
                check_range(text, g.start, g.end, &format!("{what} group"));
                assert_eq!(&text[g.start..g.end], g.text, "{what}: group text");
            }
        }
        for &(s, e) in &c.extra_comments {
            check_range(text, s, e, &format!("{what} extra comment"));
        }
    }
    for t in &note.tags {
        if t.line >= 0 {
            check_range(text, t.start, t.end, "tag");
        }
    }
}

// ------------------------------------------------------------------------------------------
// (a) The note parser and the linter
// ------------------------------------------------------------------------------------------

/// Parses `text` under settings variant `v`, lints it, applies every quick fix and parses the
/// result again. Ranges must be in the text and on char boundaries; fixes must apply.
///
/// Under the last variant (every character a deletion) the text is cut to 2 KB: its sides are
/// quadratic in a paragraph's length by design. Only the first 16 fixes are re-parsed, so a
/// note with hundreds of diagnostics stays fast to check.
pub fn check_parse(text: &str, v: usize) {
    let text = if v % VARIANT_COUNT == VARIANT_COUNT - 1 {
        &text[..floor_boundary(text, 2048)]
    } else {
        text
    };
    let (settings, ctx, engine) = variant(v);
    let note = parse_note_with(text, &settings, &ctx, &engine);
    check_note(text, &note);
    let diags = lint(text, &note, &settings, &engine);
    let mut reparsed = 0;
    for d in &diags {
        check_range(text, d.start, d.end, d.code);
        for f in &d.fixes {
            let what = format!("fix `{}` of {}", f.title, d.code);
            check_edits(text, &f.edits, &what);
            let fixed = apply_edits(text, &f.edits);
            check_only_edits_changed(text, &fixed, &f.edits, &what);
            if reparsed < 16 {
                reparsed += 1;
                let again = parse_note_with(&fixed, &settings, &ctx, &engine);
                check_note(&fixed, &again);
            }
        }
    }
}

/// The whole input as one note, under every settings variant in turn (`v` picks the first).
pub fn check_parse_all(text: &str) {
    for v in 0..VARIANT_COUNT {
        check_parse(text, v);
    }
}

// ------------------------------------------------------------------------------------------
// (b) SR comments, groups and moment dates
// ------------------------------------------------------------------------------------------

/// The char boundary at or before `i` (clamped to the text).
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Runs the SR comment readers on `text`: `find_first` on the window `a..b` (any order, snapped
/// to char boundaries) and on the whole text, `find_all_lines`, the loose fallback reader over
/// every line, `parse_group` on the text and on each `!` piece, `js::date::parse`, and the FSRS
/// group reader (a group it reads must survive a write and a second read).
pub fn check_sr(text: &str, a: usize, b: usize) {
    let (from, to) = (
        floor_boundary(text, a.min(b)),
        floor_boundary(text, a.max(b)),
    );
    for (from, to) in [(from, to), (0, text.len())] {
        if let Some(c) = sr_comment::find_first(text, from, to) {
            assert!(!c.loose);
            assert!(
                from <= c.start && c.end <= to,
                "comment outside {from}..{to}"
            );
            check_range(text, c.start, c.end, "find_first");
            let s = &text[c.start..c.end];
            assert!(s.starts_with("<!--SR:") && s.ends_with("-->"), "{s:?}");
            for g in &c.groups {
                check_range(text, g.start, g.end, "group");
                assert!(
                    c.start <= g.start && g.end <= c.end,
                    "group outside comment"
                );
                assert_eq!(&text[g.start..g.end], g.text);
                assert!(!g.text.is_empty());
            }
        }
        for (s, e) in sr_comment::find_all_lines(text, from, to) {
            assert!(from <= s && e <= to);
            check_range(text, s, e, "find_all_lines");
        }
    }
    let lines = Lines::new(text);
    let all: Vec<usize> = (0..lines.len()).collect();
    if let Some(c) = sr_comment::find_loose(text, &lines, &all) {
        assert!(c.loose);
        check_range(text, c.start, c.end, "find_loose");
        for g in &c.groups {
            check_range(text, g.start, g.end, "loose group");
        }
    }
    let _ = js::date::parse(text);
    let _ = sr_comment::parse_date(text);
    check_group(text);
    for piece in text.split('!').take(64) {
        check_group(piece);
        let _ = js::date::parse(piece);
    }
}

fn check_group(g: &str) {
    let group = sr_comment::parse_group(g);
    if let Group::Fsrs(card) = &group {
        let seg = card.to_segment();
        let back = FsrsCard::parse_segment(&seg)
            .unwrap_or_else(|e| panic!("FSRS group {g:?} written as {seg:?} does not read: {e}"));
        assert_eq!(
            back.to_segment(),
            seg,
            "FSRS group {g:?} changes on a second write"
        );
    }
    if let Ok(card) = FsrsCard::parse_segment(g) {
        let _ = card.to_segment();
    }
}

// ------------------------------------------------------------------------------------------
// (c) The incremental document
// ------------------------------------------------------------------------------------------

/// An independent reference for LSP positions on a `&str`: lines end at `\n`, `\r\n` and a
/// lone `\r`; a line past the end clamps to the end of the text, a character past the line's
/// content to the end of the content, one inside a char to the start of that char.
pub fn reference_offset(text: &str, pos: Pos, enc: Encoding) -> usize {
    let b = text.as_bytes();
    let mut line_start = 0;
    let mut line = 0u32;
    let mut i = 0;
    while line < pos.line {
        if i >= b.len() {
            return text.len();
        }
        match b[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' => {
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let content_end = text[line_start..]
        .find(['\r', '\n'])
        .map_or(text.len(), |e| line_start + e);
    let mut units = 0usize;
    for (off, ch) in text[line_start..content_end].char_indices() {
        let len = match enc {
            Encoding::Utf8 => ch.len_utf8(),
            Encoding::Utf16 => ch.len_utf16(),
            Encoding::Utf32 => 1,
        };
        if (pos.character as usize) < units + len {
            return line_start + off;
        }
        units += len;
    }
    content_end
}

/// The segments and their blocks of `doc` against a fresh parse of its text, and each tree
/// `doc` kept (those of the segments its edits reparsed) against the fresh one of its segment,
/// node by node.
pub fn same_as_fresh(doc: &Document) -> Result<(), String> {
    let fresh = Document::keeping_trees(&doc.text(), 0, Encoding::default(), 0);
    let (x, y) = (doc.segments(), fresh.segments());
    if x.starts() != y.starts() {
        return Err(format!("segments {:?} != {:?}", x.starts(), y.starts()));
    }
    if x.layout() != y.layout() {
        return Err(format!("segments\n{}\n!=\n{}", x.layout(), y.layout()));
    }
    let all: std::collections::HashMap<usize, &Tree> = y.kept_trees().collect();
    for (at, t) in x.kept_trees() {
        let f = all.get(&at).ok_or(format!("no fresh tree at {at}"))?;
        same_nodes(t.root_node(), f.root_node())?;
    }
    Ok(())
}

/// Two trees node by node: kind, byte range and tree-sitter points (which `to_sexp` does not
/// show), so wrong `InputEdit` points are caught.
fn same_nodes(a: Node, b: Node) -> Result<(), String> {
    let describe = |n: Node| {
        (
            n.kind().to_owned(),
            n.byte_range(),
            n.start_position(),
            n.end_position(),
            n.child_count(),
        )
    };
    if describe(a) != describe(b) {
        return Err(format!("{:?} != {:?}", describe(a), describe(b)));
    }
    let (mut ca, mut cb) = (a.walk(), b.walk());
    for (x, y) in a.children(&mut ca).zip(b.children(&mut cb)) {
        same_nodes(x, y)?;
    }
    Ok(())
}

fn fresh_tree(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_md::LANGUAGE.into())
        .expect("tree-sitter-md loads");
    parser.parse(text, None).expect("parse completes")
}

/// Opens `initial` in encoding `enc`, applies each batch of changes as a new version, and after
/// each batch checks the rope against a reference `String` edited by [`reference_offset`], the
/// incrementally reparsed tree against a fresh parse (s-expression and every node's range and
/// points), that positions round-trip, and that the note parser takes the new text.
pub fn check_document(initial: &str, enc: Encoding, batches: &[Vec<Change>]) {
    // Every tree kept: the edits they are told (`InputEdit` points) are checked node by node.
    let mut doc = Document::keeping_trees(initial, 0, enc, 0);
    let mut reference = initial.to_string();
    for (i, batch) in batches.iter().enumerate() {
        let version = i as i32 + 1;
        let applied = doc
            .apply_changes(version, batch)
            .expect("versions increase");
        assert_eq!(applied.len(), batch.len());
        for (change, edit) in batch.iter().zip(&applied) {
            let expected = match change.range {
                None => {
                    let old = reference.len();
                    reference = change.text.clone();
                    (0, old, reference.len())
                }
                Some((s, e)) => {
                    let s = reference_offset(&reference, s, enc);
                    let e = reference_offset(&reference, e, enc);
                    let (s, e) = (s.min(e), s.max(e));
                    reference.replace_range(s..e, &change.text);
                    (s, e, s + change.text.len())
                }
            };
            assert_eq!(
                (edit.start_byte, edit.old_end_byte, edit.new_end_byte),
                expected,
                "applied edit of {change:?}"
            );
        }
        assert_eq!(doc.text(), reference.as_str(), "rope after batch {i}");
        assert_eq!(doc.version(), version);
        // Segment by segment, the trees equal those of a fresh parse.
        if let Err(e) = same_as_fresh(&doc) {
            panic!("incremental trees differ from a fresh parse of {reference:?}: {e}");
        }
        // And the blocks equal those of one tree of the whole note, unless tree-sitter had to
        // recover from an error there (its recovery may reread earlier lines) or link reference
        // definitions are about (see tests/text_segments.rs).
        let whole = fresh_tree(&reference);
        if !reference.contains("]:") && !whole.root_node().has_error() {
            assert_eq!(
                doc.blocks(),
                srls::text::markdown::blocks(&whole, reference.as_str()),
                "blocks of {reference:?}"
            );
        }
        let _ = doc.blocks();
        // Positions round-trip at a sample of char boundaries (not between `\r` and `\n`).
        let step = (reference.len() / 16).max(1);
        for b in (0..=reference.len()).step_by(step) {
            let b = floor_boundary(&reference, b);
            if b > 0 && reference.as_bytes()[b - 1] == b'\r' && reference[b..].starts_with('\n') {
                continue;
            }
            let p = doc.offset_to_pos(b);
            let r = doc.pos_to_offset(p);
            assert_eq!((r.offset, r.clamp), (b, None), "offset {b} -> {p:?}");
            assert_eq!(
                reference_offset(&reference, p, enc),
                b,
                "reference at {p:?}"
            );
        }
        let _ = parse_note(&reference, &Settings::default(), &NoteContext::default());
    }
}

// ------------------------------------------------------------------------------------------
// (d) The grade writer
// ------------------------------------------------------------------------------------------

/// Whether the card's comment has text of the card after it (`<!--SR:…--> more`, or lines
/// below it): the plugin then moves the comment to the end of the card, and the text left where
/// it was may read differently (a first line now empty, a line now a bare `?`).
fn comment_inside(text: &str, note: &Note, card: &Card) -> bool {
    card.comment.as_ref().is_some_and(|cm| {
        let end = note.lines.get(card.end_line.min(note.lines.len() - 1)).end;
        let after = text[cm.end..end.max(cm.end)].trim();
        !after.is_empty() && (!after.starts_with('^') || after.contains('\n'))
    })
}

/// Writes that change the note's cards in the plugin too (spec §3.3, srls writes the same
/// text), so the re-read checks do not apply to them:
/// - comments on the card's line for a multi-line card with an empty answer: the text ends with
///   its separator line, so `? <!--SR:…-->` is no longer a separator;
/// - comments on the card's line, and the old comment on a line of its own (see below);
/// - a separator inside the old comment;
/// - a comment inside the card (see [`comment_inside`]).
fn plugin_reshapes(text: &str, note: &Note, card: &Card, settings: &Settings) -> bool {
    let last = note.lines.get(card.end_line.min(note.lines.len() - 1));
    let last = text[last.start..last.end].trim();
    let empty_answer_same_line = settings.card_comment_on_same_line
        && (last == settings.multiline_card_separator
            || last == settings.multiline_reversed_card_separator);
    // Comments on the card's line, and the old one on a line of its own: the write joins the
    // lines, and what followed the comment line now follows the card line (a
    // `> [!sr|card-metadata]` line there makes a single-line card take the lines below it).
    let joins_lines = settings.card_comment_on_same_line
        && card.comment.as_ref().is_some_and(|cm| {
            let l = note.lines.get(note.lines.line_of(cm.start));
            text[l.start..l.end].trim() == &text[cm.start..cm.end]
        });
    // The card's separator lies inside its old comment (`Q<!--SR:x::-->`): the write replaces
    // the comment and the separator with it (corpus case comment-on-separator).
    let comment_holds_separator = card.comment.as_ref().is_some_and(|cm| {
        let c = &text[cm.start..cm.end];
        settings
            .inline_separators()
            .iter()
            .any(|(sep, _)| c.contains(sep))
    });
    empty_answer_same_line
        || joins_lines
        || comment_holds_separator
        || comment_inside(text, note, card)
        || skips_lines(card)
}

/// Whether the card's text skips lines (the line after a one-line HTML comment, spec §2.2 step
/// 1). The plugin's raw text then does not occur in the note and its write falls back to a line
/// match; srls replaces the old comment and the blank lines before it, which can put the new
/// comment on the skipped line, where the next read does not see it (reported in
/// docs/robustness.md).
fn skips_lines(card: &Card) -> bool {
    card.src_lines.windows(2).any(|w| w[1] != w[0] + 1)
}

/// Cards whose new comment the plugin writes where the next read does not find it (first, or
/// at all), and where a comment left outside the card can join the next paragraph (`::` then a
/// broken `<!--SR:` line then `?` gains a multi-line card); srls writes the same text:
/// - the card holds another `<!--SR:` (a second comment, lint duplicate-comment, or a broken one
///   such as `<!--SR:!2025-01-03,1,250->`): that text stays in the card, before the new comment;
/// - a comment inside the card: moved after the card's text, where a single-line card has
///   already ended.
fn plugin_hides_comment(text: &str, note: &Note, card: &Card) -> bool {
    let other_sr = card.raw.matches("<!--SR:").count() > usize::from(card.comment.is_some());
    other_sr
        || !card.extra_comments.is_empty()
        || comment_inside(text, note, card)
        || skips_lines(card)
}

const RESPONSES: [Response; 5] = [
    Response::Easy,
    Response::Good,
    Response::Hard,
    Response::Again,
    Response::Reset,
];

/// Grades every card (up to `max_cards`) and sibling (up to 4) of `text` under settings variant
/// `v` with each response, on `2025-01-03 + day_shift` days. Each successful grade must give
/// edits on char boundaries that do not overlap, change the text only inside them, and leave a
/// note with the same cards whose graded card carries the new comment.
pub fn check_grade(text: &str, v: usize, day_shift: i16, max_cards: usize) {
    let (settings, ctx, engine) = variant(v % (VARIANT_COUNT - 1));
    let note = parse_note_with(text, &settings, &ctx, &engine);
    let today =
        NaiveDate::from_ymd_opt(2025, 1, 3).expect("date") + Duration::days(i64::from(day_shift));
    let now = Utc.from_utc_datetime(&today.and_hms_opt(12, 0, 0).expect("time"));
    let mut histogram = Histogram::new();
    if day_shift % 2 == 0 {
        for d in 0..40 {
            histogram.insert(d, (d as u32 * 7) % 5);
        }
    }
    for (ci, card) in note.cards.iter().enumerate().take(max_cards) {
        for sibling in 0..card.siblings().min(4) {
            for response in RESPONSES {
                let req = GradeRequest {
                    sibling,
                    response,
                    today,
                    now,
                    tz: if day_shift % 3 == 0 {
                        chrono_tz::UTC
                    } else {
                        chrono_tz::America::New_York
                    },
                    histogram: &histogram,
                };
                let Ok(g) = grade(text, &note, ci, &settings, &req) else {
                    continue;
                };
                let what = format!("grade card {ci} side {sibling} {}", response.as_str());
                check_edits(text, &g.edits, &what);
                let out = apply_edits(text, &g.edits);
                check_only_edits_changed(text, &out, &g.edits, &what);
                let again = parse_note_with(&out, &settings, &ctx, &engine);
                check_note(&out, &again);
                // Plugin-faithful writes that do not keep the card as it was: nothing to compare.
                if plugin_reshapes(text, &note, card, &settings)
                    || plugin_hides_comment(text, &note, card)
                {
                    continue;
                }
                assert_eq!(
                    again.cards.len(),
                    note.cards.len(),
                    "{what}: card count changed; before {text:?}, after {out:?}"
                );
                for (a, b) in again.cards.iter().zip(&note.cards) {
                    assert_eq!(a.kind, b.kind, "{what}: card kind changed in {out:?}");
                    assert_eq!(
                        a.sides.len(),
                        b.sides.len(),
                        "{what}: side count changed in {out:?}"
                    );
                }
                // The graded card reads its new comment back.
                let c = &again.cards[ci];
                assert!(
                    c.comment
                        .as_ref()
                        .is_some_and(|cm| out[cm.start..cm.end] == g.comment),
                    "{what}: the graded card does not read the new comment {:?} in {out:?}",
                    g.comment
                );
            }
        }
    }
}
