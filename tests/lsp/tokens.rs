//! Semantic tokens through the server: the legend, exact `data` arrays in UTF-16 and UTF-8 for a
//! note with a byte order mark, CRLF line ends, tabs, emoji and CJK before a tag and a cloze, a
//! multi-line card with its comment; `null` for notes not served; and, as a property, `/range`
//! equal to the tokens of `/full` that overlap the range, none overlapping another or leaving
//! its line.

use crate::client::Client;
use proptest::prelude::*;
use serde_json::{Value, json};
use srls::lsp::OpenNote;
use srls::lsp::handlers::semantic_tokens;
use srls::lsp::state::State;
use srls::text::position::Encoding;
use srls::workspace::vault::Vault;
use std::sync::Arc;
use tower_lsp_server::ls_types::*;

/// Line 0 a deck tag (after the BOM, which the client holds as a character), line 2 a cloze card with a tag inside it after emoji, CJK
/// and a tab, lines 4–7 a multi-line card and its comment, line 9 a single-line card after a
/// tab and CJK.
const NOTE: &str = "\u{feff}#flashcards/lang\r\n\r\n🃏 漢字\t#flashcards/cjk ==犬== is ==dog==\r\n\r\nWhat is 🇯🇵?\r\n?\r\n\tJapan\r\n<!--SR:!2025-01-03,15,290-->\r\n\r\n\t日本::Japan 🃏\r\n";

async fn started(enc: &str, opts: Value) -> Client {
    let mut c = Client::start();
    let r = c.initialize(&[enc], false, opts, None).await;
    assert_eq!(
        r["capabilities"]["semanticTokensProvider"],
        json!({
            "legend": {"tokenTypes": ["operator", "comment", "string", "namespace"], "tokenModifiers": []},
            "range": true,
            "full": true
        })
    );
    c
}

async fn full(c: &mut Client, uri: &str) -> Value {
    c.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    )
    .await
}

async fn range(c: &mut Client, uri: &str, from: u32, to: u32) -> Value {
    let r = json!({"start": {"line": from, "character": 0}, "end": {"line": to, "character": 0}});
    c.request(
        "textDocument/semanticTokens/range",
        json!({"textDocument": {"uri": uri}, "range": r}),
    )
    .await
}

#[tokio::test]
async fn full_and_range_in_utf16() {
    let mut c = started("utf-16", Value::Null).await;
    c.open("file:///n.md", NOTE, 1);
    assert_eq!(
        full(&mut c, "file:///n.md").await,
        json!({"data": [
            0, 1, 16, 3, 0, // #flashcards/lang after the byte order mark (one unit)
            2, 6, 15, 3, 0, // #flashcards/cjk after 🃏 (2 units), space, 漢字, tab
            0, 16, 5, 2, 0, // ==犬==
            0, 9, 7, 2, 0, // ==dog==
            3, 0, 1, 0, 0, // ?
            2, 0, 28, 1, 0, // <!--SR:…-->
            2, 3, 2, 0, 0, // :: after a tab and 日本
        ]})
    );
    assert_eq!(
        range(&mut c, "file:///n.md", 2, 6).await,
        json!({"data": [2, 6, 15, 3, 0, 0, 16, 5, 2, 0, 0, 9, 7, 2, 0, 3, 0, 1, 0, 0]})
    );
}

#[tokio::test]
async fn full_and_range_in_utf8() {
    let mut c = started("utf-8", Value::Null).await;
    c.open("file:///n.md", NOTE, 1);
    assert_eq!(
        full(&mut c, "file:///n.md").await,
        json!({"data": [
            0, 3, 16, 3, 0, // the byte order mark is 3 bytes
            2, 12, 15, 3, 0, // 🃏 is 4 bytes, 漢字 6
            0, 16, 7, 2, 0, // ==犬==: 犬 is 3 bytes
            0, 11, 7, 2, 0,
            3, 0, 1, 0, 0,
            2, 0, 28, 1, 0,
            2, 7, 2, 0, 0,
        ]})
    );
    assert_eq!(
        range(&mut c, "file:///n.md", 7, 10).await,
        json!({"data": [7, 0, 28, 1, 0, 2, 7, 2, 0, 0]})
    );
}

#[tokio::test]
async fn notes_not_served_get_null() {
    let mut c = started("utf-16", json!({"maxNoteSize": 64})).await;
    assert_eq!(full(&mut c, "file:///never-opened.md").await, Value::Null);
    c.open("file:///big.md", NOTE, 1);
    assert_eq!(full(&mut c, "file:///big.md").await, Value::Null);
    assert_eq!(range(&mut c, "file:///big.md", 0, 3).await, Value::Null);
    c.open("file:///small.md", "#flashcards\n\nQ::A\n", 1);
    assert_eq!(
        full(&mut c, "file:///small.md").await,
        json!({"data": [0, 0, 11, 3, 0, 2, 1, 2, 0, 0]})
    );
}

const PIECES: &[&str] = &[
    "#flashcards",
    "#flashcards/lang #other",
    "Q::A",
    "🃏 漢字\tq:::a",
    "Q::A <!--SR:!2025-01-03,15,290-->",
    "<!--SR:!2025-01-03,15,290-->",
    "<!--SR:!2025-01-03,15,290!2025-01-04,1,230-->",
    // A damaged comment and a loose group: the plugin's fallback reads groups over lines.
    "<!-`-SR:!2025-01-03,15,290-->",
    "!2025-01-04,3,250 😀",
    "?",
    "??",
    "q 😀",
    "a 中文",
    "",
    "",
    "\t",
    "```",
    "==c== d ==漢字==",
    "==a #flashcards/x b== c",
    "x == y",
    "#flashcards/t ==z==",
    "> [!sr|card-metadata]",
    "---",
    "- item ==y==",
];

fn note() -> impl Strategy<Value = String> {
    let line = (prop::sample::select(PIECES), prop::bool::ANY);
    (prop::bool::ANY, prop::collection::vec(line, 0..30)).prop_map(|(bom, v)| {
        let mut s = String::from(if bom { "\u{feff}" } else { "" });
        for (piece, crlf) in v {
            s.push_str(piece);
            s.push_str(if crlf { "\r\n" } else { "\n" });
        }
        s
    })
}

/// (line, start, length, type) of each token, from the relative encoding.
fn absolute(data: &[SemanticToken]) -> Vec<(u32, u32, u32, u32)> {
    let (mut line, mut start) = (0, 0);
    data.iter()
        .map(|t| {
            if t.delta_line > 0 {
                start = 0;
            }
            line += t.delta_line;
            start += t.delta_start;
            (line, start, t.length, t.token_type)
        })
        .collect()
}

fn tokens_of(r: Option<SemanticTokensResult>) -> Vec<SemanticToken> {
    match r {
        Some(SemanticTokensResult::Tokens(t)) => t.data,
        other => panic!("no tokens: {other:?}"),
    }
}

fn range_tokens(r: Option<SemanticTokensRangeResult>) -> Vec<SemanticToken> {
    match r {
        Some(SemanticTokensRangeResult::Tokens(t)) => t.data,
        other => panic!("no tokens: {other:?}"),
    }
}

/// A byte offset of `text` at a character boundary at or before `b`.
fn boundary(text: &str, b: usize) -> usize {
    let mut b = b.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_range_is_the_slice_of_full_that_overlaps_it(
        text in note(),
        a in 0usize..2000,
        b in 0usize..2000,
        utf8 in prop::bool::ANY,
    ) {
        let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let uri = Uri::from_file_path("/nonexistent-srls-test/n.md").expect("uri");
        let vault = Arc::new(Vault::open(None, &Default::default()));
        let open = OpenNote::open(text.clone(), 1, enc, vault, None);
        let (a, b) = (boundary(&text, a.min(b)), boundary(&text, a.max(b)));
        // Positions from bytes as the server gives them (a byte order mark is a character of
        // line 0, both ways).
        let at = |b: usize| {
            let p = open.position(b);
            Position::new(p.line, p.character)
        };
        let (from, to) = (at(a), at(b));
        let mut state = State::default();
        state.notes.insert(uri.clone(), open);
        let doc = TextDocumentIdentifier { uri };
        let all = absolute(&tokens_of(semantic_tokens::full(&state, SemanticTokensParams {
            text_document: doc.clone(),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })));
        let range = Range::new(from, to);
        let got = absolute(&range_tokens(semantic_tokens::range(&state, SemanticTokensRangeParams {
            text_document: doc,
            range,
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })));
        let (f, t) = ((from.line, from.character), (to.line, to.character));
        let want: Vec<_> = all
            .iter()
            .copied()
            .filter(|&(l, s, n, _)| (l, s + n) > f && (l, s) < t)
            .collect();
        prop_assert_eq!(&got, &want);
        // Within its line (its content, no line break), after the previous one, never empty.
        let lines: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let units = |s: &str| enc.len_of_str(s) as u32;
        let mut prev_end = (0, 0);
        for &(l, s, n, _) in &all {
            prop_assert!(n > 0);
            prop_assert!(s + n <= units(lines[l as usize]), "{:?} past line {}", (l, s, n), l);
            prop_assert!((l, s) >= prev_end, "{:?} overlaps the token before", (l, s, n));
            prev_end = (l, s + n);
        }
    }
}
