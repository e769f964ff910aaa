//! Block-level markdown facts read from the tree-sitter-md block tree.
//!
//! Why: features need a few structural facts, and must not re-derive them
//! with regexes: headings (breadcrumbs, outline, card context), the YAML
//! front matter, and the verbatim regions (code, HTML) where flashcard syntax
//! means nothing. Everything is plain data in byte ranges of the source.
//! Only the block grammar is used; inline content is never parsed.

use std::borrow::Cow;
use std::ops::Range;

use ropey::Rope;
use tree_sitter::{Node, Tree};

/// Where the text of byte ranges comes from: a `&str` (CLI) or a rope
/// (server documents).
pub trait Source {
    /// Text of `range` (node ranges, on char boundaries); empty when the
    /// range is not valid, so a tree that does not match its source gives
    /// wrong text rather than a panic.
    fn text(&self, range: Range<usize>) -> Cow<'_, str>;
}

impl Source for str {
    fn text(&self, range: Range<usize>) -> Cow<'_, str> {
        Cow::Borrowed(self.get(range).unwrap_or_default())
    }
}

impl Source for String {
    fn text(&self, range: Range<usize>) -> Cow<'_, str> {
        self.as_str().text(range)
    }
}

impl Source for Rope {
    fn text(&self, range: Range<usize>) -> Cow<'_, str> {
        self.get_byte_slice(range)
            .map(Cow::from)
            .unwrap_or_default()
    }
}

/// A parser of tree-sitter-md's block grammar.
pub fn parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_md::LANGUAGE.into())
        .expect("tree-sitter-md's block grammar is built for this tree-sitter ABI");
    parser
}

/// An ATX (`## x`) or setext (`x\n===`) heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1..=6.
    pub level: u8,
    /// Raw markdown of the content (escapes and emphasis kept), ATX closing
    /// sequence removed, lines of a setext heading joined by one space,
    /// container markers (`> `) left out.
    pub text: String,
    /// The whole heading block, as tree-sitter-md reports it (with its line
    /// terminator, and the underline of a setext heading).
    pub range: Range<usize>,
    /// The content only (the selection range of an outline symbol); empty at
    /// the end of the marker when the heading is empty.
    pub text_range: Range<usize>,
    pub setext: bool,
    /// Inside a block quote (callout) or list item rather than at the top
    /// level of the note.
    pub nested: bool,
}

/// A fenced code block (``` or ~~~).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FencedCode {
    /// From the opening fence to the end of the closing fence line, or to the
    /// end of the container (document, quote, list item) when unclosed.
    pub range: Range<usize>,
    /// Whether a closing fence was found.
    pub closed: bool,
    /// The info string after the opening fence (`rust`, `mermaid`...), raw.
    pub info: Option<String>,
    pub nested: bool,
}

/// YAML front matter (`---` ... `---` at the very start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatter {
    /// Both fences included, with the closing fence's line terminator.
    pub range: Range<usize>,
    /// The YAML between the fence lines (each of its lines with its
    /// terminator).
    pub content: Range<usize>,
}

/// The block facts of one note, every list in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Blocks {
    pub front_matter: Option<FrontMatter>,
    pub headings: Vec<Heading>,
    pub fenced_code: Vec<FencedCode>,
    /// Indented code blocks (may include trailing blank lines, as
    /// tree-sitter-md reports them).
    pub indented_code: Vec<Range<usize>>,
    /// HTML blocks (may include trailing blank lines).
    pub html: Vec<Range<usize>>,
}

impl Blocks {
    /// Front matter, code and HTML ranges, sorted and merged: where flashcard
    /// syntax is not to be recognised.
    pub fn verbatim_ranges(&self) -> Vec<Range<usize>> {
        let mut all: Vec<Range<usize>> = self
            .front_matter
            .iter()
            .map(|f| f.range.clone())
            .chain(self.fenced_code.iter().map(|c| c.range.clone()))
            .chain(self.indented_code.iter().cloned())
            .chain(self.html.iter().cloned())
            .collect();
        all.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(all.len());
        for r in all {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    /// The headings enclosing `byte` from outermost to innermost (the
    /// breadcrumb): for each level, the last heading before `byte` that is
    /// not closed by a later heading of the same or a higher level.
    pub fn breadcrumb(&self, byte: usize) -> Vec<&Heading> {
        let mut trail: Vec<&Heading> = Vec::new();
        for h in self.headings.iter().take_while(|h| h.range.start <= byte) {
            while trail.last().is_some_and(|t| t.level >= h.level) {
                trail.pop();
            }
            trail.push(h);
        }
        trail
    }
}

/// The range of sorted, disjoint `ranges` (as from
/// [`Blocks::verbatim_ranges`]) that contains `byte`, by binary search.
pub fn range_containing(ranges: &[Range<usize>], byte: usize) -> Option<&Range<usize>> {
    let i = ranges.partition_point(|r| r.end <= byte);
    ranges.get(i).filter(|r| r.contains(&byte))
}

/// Read the [`Blocks`] of a tree-sitter-md block `tree` parsed from `src`.
pub fn blocks<S: Source + ?Sized>(tree: &Tree, src: &S) -> Blocks {
    let mut out = Blocks::default();
    let mut cursor = tree.walk();
    // Pre-order walk that only descends into containers.
    let mut depth_nested = 0usize;
    let mut nested_stack: Vec<bool> = Vec::new();
    'walk: loop {
        let node = cursor.node();
        let nested = depth_nested > 0;
        let descend = match node.kind() {
            "document" | "section" | "list" | "block_quote" | "list_item" => true,
            "minus_metadata" if node.parent().is_some_and(|p| p.kind() == "document") => {
                out.front_matter = Some(front_matter(node, src));
                false
            }
            "atx_heading" | "setext_heading" => {
                out.headings.push(heading(node, src, nested));
                false
            }
            "fenced_code_block" => {
                out.fenced_code.push(fenced(node, src, nested));
                false
            }
            "indented_code_block" => {
                out.indented_code.push(node.byte_range());
                false
            }
            "html_block" => {
                out.html.push(node.byte_range());
                false
            }
            _ => false,
        };
        let container = matches!(node.kind(), "block_quote" | "list_item");
        if descend && cursor.goto_first_child() {
            nested_stack.push(container);
            depth_nested += usize::from(container);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            if nested_stack.pop() == Some(true) {
                depth_nested -= 1;
            }
        }
    }
    out
}

fn front_matter<S: Source + ?Sized>(node: Node, src: &S) -> FrontMatter {
    let range = node.byte_range();
    let text = src.text(range.clone());
    // The opening fence line ends at the first terminator.
    let open_end = text
        .find(['\n', '\r'])
        .map(|i| i + if text[i..].starts_with("\r\n") { 2 } else { 1 })
        .unwrap_or(text.len());
    // The closing fence line starts after the last terminator that is not
    // the closing line's own.
    let body = text.trim_end_matches(['\n', '\r']);
    let close_start = body
        .rfind(['\n', '\r'])
        .map_or(open_end, |i| i + 1)
        .max(open_end);
    FrontMatter {
        content: range.start + open_end..range.start + close_start,
        range,
    }
}

/// Text of `node` without the `block_continuation` ranges inside it.
fn text_without_continuations<S: Source + ?Sized>(node: Node, src: &S) -> String {
    let mut out = String::new();
    let mut at = node.start_byte();
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.kind() == "block_continuation" {
            out.push_str(&src.text(at..child.start_byte().max(at)));
            at = child.end_byte().max(at);
        }
    }
    out.push_str(&src.text(at..node.end_byte().max(at)));
    out
}

fn heading<S: Source + ?Sized>(node: Node, src: &S, nested: bool) -> Heading {
    let range = node.byte_range();
    let content = node.child_by_field_name("heading_content");
    let setext = node.kind() == "setext_heading";
    let mut level = 1;
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        let kind = child.kind();
        if let Some(n) = kind
            .strip_prefix("atx_h")
            .and_then(|k| k.strip_suffix("_marker"))
            .and_then(|n| n.parse::<u8>().ok())
        {
            level = n;
        } else if kind == "setext_h2_underline" {
            level = 2;
        }
    }
    // A setext heading's content is a paragraph wrapping an inline node.
    let inline = content.map(|c| {
        if setext {
            let mut cursor = c.walk();
            c.children(&mut cursor)
                .find(|n| n.kind() == "inline")
                .unwrap_or(c)
        } else {
            c
        }
    });
    let Some(inline) = inline else {
        // Empty ATX heading: `#` alone on its line.
        let marker_end = node.child(0).map_or(range.start, |m| m.end_byte());
        return Heading {
            level,
            text: String::new(),
            range,
            text_range: marker_end..marker_end,
            setext,
            nested,
        };
    };
    let raw = text_without_continuations(inline, src);
    let mut text_range = inline.byte_range();
    let text = if setext {
        raw.split(['\n', '\r'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        let kept = strip_closing_sequence(&raw);
        text_range.end = text_range.start + kept.len();
        kept.trim().to_owned()
    };
    Heading {
        level,
        text,
        range,
        text_range,
        setext,
        nested,
    }
}

/// ATX content without its optional closing `#` sequence (CommonMark: the
/// `#`s must be preceded by a space or tab, or be the whole content) and
/// without trailing whitespace.
pub(crate) fn strip_closing_sequence(raw: &str) -> &str {
    let trimmed = raw.trim_end_matches([' ', '\t']);
    let before = trimmed.trim_end_matches('#');
    if before.len() == trimmed.len() {
        return trimmed;
    }
    if before.is_empty() || before.ends_with([' ', '\t']) {
        before.trim_end_matches([' ', '\t'])
    } else {
        trimmed
    }
}

fn fenced<S: Source + ?Sized>(node: Node, src: &S, nested: bool) -> FencedCode {
    let mut cursor = node.walk();
    let delimiters = node
        .children(&mut cursor)
        .filter(|c| c.kind() == "fenced_code_block_delimiter")
        .count();
    let info = node
        .child_by_field_name("info_string")
        .map(|i| src.text(i.byte_range()).trim().to_owned());
    FencedCode {
        range: node.byte_range(),
        closed: delimiters >= 2,
        info,
        nested,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Document;

    fn whole_tree(text: &str) -> Tree {
        let mut p = tree_sitter::Parser::new();
        p.set_language(&tree_sitter_md::LANGUAGE.into()).unwrap();
        p.parse(text, None).unwrap()
    }

    /// From a string, from a rope, and from the document's segments: the same blocks.
    fn blocks_of(text: &str) -> Blocks {
        let tree = whole_tree(text);
        let from_str = blocks(&tree, text);
        let from_rope = blocks(&tree, &ropey::Rope::from_str(text));
        assert_eq!(from_str, from_rope);
        assert_eq!(Document::new(text, 0).blocks(), from_str);
        from_str
    }

    #[test]
    fn headings_atx_and_setext() {
        let t = "# Title ##\n\nSetext\nline two\n===\n\n## H2 \\#\n\nSub\n---\n\n#\n\n#### ####\n";
        let b = blocks_of(t);
        let got: Vec<_> = b
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str(), h.setext, &t[h.text_range.clone()]))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "Title", false, "Title"),
                (1, "Setext line two", true, "Setext\nline two"),
                (2, "H2 \\#", false, "H2 \\#"),
                (2, "Sub", true, "Sub"),
                (1, "", false, ""),
                (4, "", false, ""),
            ]
        );
        assert_eq!(b.headings[0].range, 0..11);
        assert!(b.headings.iter().all(|h| !h.nested));
    }

    #[test]
    fn nested_headings_and_continuations() {
        let t = "> Setext\n> more\n> ===\n\n1. ### x ###   \n";
        let b = blocks_of(t);
        assert_eq!(b.headings.len(), 2);
        assert_eq!(b.headings[0].text, "Setext more");
        assert!(b.headings[0].nested);
        assert_eq!((b.headings[1].level, b.headings[1].text.as_str()), (3, "x"));
        assert!(b.headings[1].nested);
    }

    #[test]
    fn front_matter() {
        let t = "---\ntags: [a]\nx: 1\n---\n# T\n";
        let fm = blocks_of(t).front_matter.unwrap();
        assert_eq!(&t[fm.range.clone()], "---\ntags: [a]\nx: 1\n---\n");
        assert_eq!(&t[fm.content], "tags: [a]\nx: 1\n");

        let t = "---\r\na: 1\r\n---\r\nx";
        let fm = blocks_of(t).front_matter.unwrap();
        assert_eq!(&t[fm.content], "a: 1\r\n");

        let t = "---\n---\n";
        let fm = blocks_of(t).front_matter.unwrap();
        assert_eq!(fm.content, 4..4);

        // Unclosed: not front matter (a thematic break).
        assert_eq!(blocks_of("---\na: 1\n").front_matter, None);
        // Not at the start: not front matter.
        assert_eq!(blocks_of("x\n\n---\na: 1\n---\n").front_matter, None);
    }

    #[test]
    fn code_and_html() {
        let t = "```rust\ncode\n```\n\n    indented\n\n<div>\nhi\n</div>\n\n- item\n  ```\n  unclosed\n\n~~~\nopen";
        let b = blocks_of(t);
        assert_eq!(b.fenced_code.len(), 3);
        let c = &b.fenced_code[0];
        assert_eq!(
            (&t[c.range.clone()], c.closed),
            ("```rust\ncode\n```\n", true)
        );
        assert_eq!(c.info.as_deref(), Some("rust"));
        assert!(!c.nested);
        assert!(!b.fenced_code[1].closed);
        assert!(b.fenced_code[1].nested);
        assert_eq!(b.fenced_code[1].info, None);
        assert!(!b.fenced_code[2].closed);
        assert_eq!(&t[b.fenced_code[2].range.clone()], "~~~\nopen");
        assert_eq!(b.indented_code.len(), 1);
        assert!(t[b.indented_code[0].clone()].starts_with("    indented"));
        assert_eq!(b.html.len(), 1);
        assert!(t[b.html[0].clone()].starts_with("<div>\nhi\n</div>"));

        let v = b.verbatim_ranges();
        assert!(v.windows(2).all(|w| w[0].end < w[1].start));
        let inside = |needle| range_containing(&v, t.find(needle).unwrap()).is_some();
        assert!(inside("code"));
        assert!(inside("hi"));
        assert!(inside("open"));
        assert!(!inside("item"));
        assert_eq!(range_containing(&v, 0), Some(&v[0]));
        assert_eq!(range_containing(&v, t.len()), None);
    }

    #[test]
    fn mismatched_source_does_not_panic() {
        let b = blocks(&whole_tree("# 中文 heading\n\n```\nx\n```\n"), "é");
        assert_eq!(b.headings.len(), 1);
        assert_eq!(b.headings[0].text, "");
    }

    #[test]
    fn breadcrumb() {
        let t = "# A\n## B\n### C\n## D\nx\n# E\n";
        let b = blocks_of(t);
        let crumbs = |byte| {
            b.breadcrumb(byte)
                .into_iter()
                .map(|h| h.text.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(crumbs(t.find('x').unwrap()), vec!["A", "D"]);
        assert_eq!(crumbs(t.find("C").unwrap()), vec!["A", "B", "C"]);
        assert_eq!(crumbs(t.len()), vec!["E"]);
        assert!(crumbs(0).len() == 1);
    }
}
