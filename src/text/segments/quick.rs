//! The blocks of a segment read from its text alone, when its lines are simple enough that no
//! tree is needed.
//!
//! Why: most segments of a note are a card or a paragraph, and parsing each with tree-sitter-md
//! (about 5 MB/s) was nearly all of `srls check` and of opening a note. A segment is read here
//! when every line is one of
//! * *text*: after its container prefix (spaces, tabs, `>`, list markers, digits, `.`, `)`) it
//!   starts with none of the characters below, and the prefix holds no indentation of four
//!   columns, except leading indentation while a paragraph is open (indented code cannot
//!   interrupt one; with no list or quote in the segment, such a line of text or `#`
//!   continues the paragraph);
//! * blank, or a prefix alone, unless it is a run of `-` where a paragraph may be open (a setext
//!   underline) or at the start of the note (front matter);
//! * an ATX heading (`## x`) at column 0 with its line terminator;
//! * a fenced code block opened at column 0, its lines verbatim (the segment runs past its
//!   closing line, or to the end of the note when none closes it);
//! * an HTML comment at column 0 whose `-->` is on the same line (every scheduling comment on a
//!   line of its own);
//! * inline HTML (`<span ...>` and other inline tags only) not ending in `>`, which no HTML
//!   block starts with.
//!
//! Anything else, or anything unsure (a `=` underline, another HTML block, a heading or fence
//! inside a container, indented code), sends the segment to tree-sitter-md. A segment read here
//! leaves nothing open, so its cut stands, and its blocks are what
//! tree-sitter-md reports for the same text (checked against whole-note parses in
//! `tests/text/segments.rs`).

use crate::text::markdown::{Blocks, FencedCode, Heading, strip_closing_sequence};

/// Why a segment is not read here.
pub(super) enum Stop {
    /// A line needs tree-sitter-md.
    Tree,
    /// A fence of `n` or more `ch` opened at column 0 is still open at the end: the segment
    /// should run past its closing line.
    Fence { ch: u8, n: usize },
}

/// The blocks of the segment `text`, relative to its start (`at`, in its note; `to_end`: the
/// segment runs to the end of the note): headings, fenced code and HTML comments only.
pub(super) fn blocks(text: &str, at: usize, to_end: bool) -> Result<Blocks, Stop> {
    let bytes = text.as_bytes();
    let mut scan = Scan::default();
    let mut start = 0;
    if at == 0 && text.starts_with('\u{feff}') {
        // Tree-sitter skips a byte order mark at the start of its input only.
        start = 3;
    }
    while start < bytes.len() {
        let (end, next) = match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(i) => {
                let e = start + i;
                let crlf = bytes[e] == b'\r' && bytes.get(e + 1) == Some(&b'\n');
                (e, e + 1 + usize::from(crlf))
            }
            None => (bytes.len(), bytes.len()),
        };
        scan.line(text, start, end, next).ok_or(Stop::Tree)?;
        start = next;
    }
    match scan.fence {
        // Nothing closes it: a fence at column 0 runs to the end of the note.
        Some(f) if to_end => scan.out.fenced_code.push(FencedCode {
            range: f.start..text.len(),
            closed: false,
            info: f.info,
            nested: false,
        }),
        Some(f) => return Err(Stop::Fence { ch: f.ch, n: f.n }),
        None => {}
    }
    Ok(scan.out)
}

/// A fence opened at column 0 and not closed yet.
struct Fence {
    start: usize,
    ch: u8,
    n: usize,
    info: Option<String>,
}

#[derive(Default)]
struct Scan {
    out: Blocks,
    fence: Option<Fence>,
    /// The line before held paragraph text, so a paragraph is open.
    after_para: bool,
    /// The line before was blank, a heading, a comment or a closing fence: no paragraph is
    /// open. (False on a segment's first line, so at the start of the note too.)
    after_break: bool,
    /// A line so far had a container marker (a list item or a quote may be open, and an
    /// indented line may continue it).
    containers: bool,
}

impl Scan {
    /// Reads the line `text[start..end]`, whose terminator ends at `next` (`end == next`: the
    /// last line, without one).
    fn line(&mut self, text: &str, start: usize, end: usize, next: usize) -> Option<()> {
        let line = &text.as_bytes()[start..end];
        let terminated = next > end;
        if let Some(f) = &self.fence {
            if closes(line, f.ch, f.n) {
                let f = self.fence.take()?;
                self.out.fenced_code.push(FencedCode {
                    range: f.start..next,
                    closed: true,
                    info: f.info,
                    nested: false,
                });
                (self.after_para, self.after_break) = (false, true);
            }
            return Some(());
        }
        let (rest_at, prefix) = prefix(line);
        // Four columns of indentation after a marker may be code in the list item or quote it
        // starts; leading, they are code unless a paragraph is open.
        // (tree-sitter-md reads as code, even after a paragraph, an indented last line without
        // a terminator, and one that goes on with `>` or `*`.)
        let first = line.iter().find(|&&b| b != b' ' && b != b'\t');
        let blank = first.is_none();
        if prefix.deep_after_marker
            || (prefix.deep_leading
                && !blank
                && (!self.after_para || !terminated || matches!(first, Some(b'>' | b'*'))))
        {
            return None;
        }
        self.containers |= prefix.marker && !thematic_break(line, rest_at);
        let plain = first.is_some_and(|&b| b.is_ascii_alphanumeric() || b >= 0x80 || b == b'#');
        if prefix.deep_leading && plain && !self.containers {
            // Indented four columns after paragraph text, and no list or quote in the segment:
            // the line goes on with the paragraph (no block starts past three spaces of
            // indentation; a `#` there is text). Other punctuation is left to tree-sitter-md,
            // which reads some of it (```` ``` ````) as code there.
            (self.after_para, self.after_break) = (true, false);
            return Some(());
        }
        let rest = &line[rest_at..];
        let col0 = rest_at == 0;
        let (mut para, mut brk) = (false, false);
        match rest.first() {
            None if blank => {
                // Blank. (tree-sitter-md reads a last blank line indented four columns, without a
                // terminator, as code.)
                if prefix.deep_leading && !terminated {
                    return None;
                }
                brk = true;
            }
            None => {
                // A prefix alone where a paragraph may be open: with a `-`, it may be a setext
                // underline (`---`, `> ---`) or front matter; only `-`s spaced apart are not
                // (a thematic break).
                let run = trim_ws(line);
                let spaced = run.contains(&b' ') || run.contains(&b'\t');
                let dashes_only = run.iter().all(|&b| matches!(b, b'-' | b' ' | b'\t'));
                if !self.after_break && run.contains(&b'-') && !(spaced && dashes_only) {
                    return None;
                }
            }
            Some(b'#') => {
                let n = rest.iter().take_while(|&&b| b == b'#').count();
                if n <= 6 && matches!(rest.get(n), None | Some(b' ' | b'\t')) {
                    // Inside a container or indented, or unterminated (an error to
                    // tree-sitter-md): ask.
                    if !col0 || !terminated {
                        return None;
                    }
                    self.out.headings.push(heading(text, start, end, next, n));
                    brk = true;
                } else {
                    // A tag (`#flashcards`) or other text.
                    para = true;
                }
            }
            Some(&ch @ (b'`' | b'~')) => {
                let n = rest.iter().take_while(|&&b| b == ch).count();
                if n >= 3 {
                    let info = &rest[n..];
                    if !col0 || (ch == b'`' && info.contains(&b'`')) {
                        return None;
                    }
                    // An info string is there when anything but spaces and tabs is (as
                    // tree-sitter-md has it), then read trimmed of all whitespace.
                    let raw = &text[start + n..end];
                    let info =
                        (!raw.trim_matches([' ', '\t']).is_empty()).then(|| raw.trim().to_owned());
                    self.fence = Some(Fence { start, ch, n, info });
                } else {
                    para = true;
                }
            }
            Some(b'<') => {
                if col0 && rest.starts_with(b"<!--") {
                    memchr::memmem::find(&rest[4..], b"-->")?;
                    self.out.html.push(start..next);
                    brk = true;
                } else if inline_html(rest) {
                    para = true;
                } else {
                    return None;
                }
            }
            Some(b'=') => {
                if trim_ws(rest).iter().all(|&b| b == b'=') && !self.after_break {
                    // A setext underline.
                    return None;
                }
                para = true;
            }
            // Not a link reference definition (`[label]: url`): no `]:` on the line.
            Some(b'[') if memchr::memmem::find(rest, b"]:").is_none() => para = true,
            // A table row, a thematic break, a link reference definition: no paragraph text.
            Some(b'|' | b'_' | b'[') => {}
            Some(_) => para = true,
        }
        (self.after_para, self.after_break) = (para, brk);
        Some(())
    }
}

/// What a line's container prefix holds.
struct Prefix {
    /// A marker (`>`, `-`, `*`, `+`, a digit, `.`, `)`).
    marker: bool,
    /// Four columns of indentation (a tab, or four spaces) before any marker.
    deep_leading: bool,
    /// Four columns of indentation after a marker.
    deep_after_marker: bool,
}

/// Where the content of `line` starts after its container prefix, and what the prefix holds.
fn prefix(line: &[u8]) -> (usize, Prefix) {
    let mut p = Prefix {
        marker: false,
        deep_leading: false,
        deep_after_marker: false,
    };
    let mut spaces = 0;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b' ' | b'\t' => {
                spaces += 1;
                if b == b'\t' || spaces >= 4 {
                    if p.marker {
                        p.deep_after_marker = true;
                    } else {
                        p.deep_leading = true;
                    }
                }
            }
            b'>' | b'*' | b'+' | b'-' | b'.' | b')' | b'0'..=b'9' => {
                spaces = 0;
                p.marker = true;
            }
            _ => return (i, p),
        }
    }
    (line.len(), p)
}

/// Whether `line` closes a fence of `n` or more `ch`: up to three spaces, the run, then only
/// spaces and tabs.
fn closes(line: &[u8], ch: u8, n: usize) -> bool {
    let ind = line.iter().take_while(|&&b| b == b' ').count();
    let run = line[ind..].iter().take_while(|&&b| b == ch).count();
    ind <= 3 && run >= n && line[ind + run..].iter().all(|&b| b == b' ' || b == b'\t')
}

/// Whether `line`, whose prefix ends at `rest_at`, is a prefix alone that is a thematic break
/// (three or more `-` or `*`, spaces and tabs between), not a list item.
fn thematic_break(line: &[u8], rest_at: usize) -> bool {
    let marks = |m: u8| {
        line.iter().all(|&b| b == m || b == b' ' || b == b'\t')
            && line.iter().filter(|&&b| b == m).count() >= 3
    };
    rest_at == line.len() && (marks(b'-') || marks(b'*'))
}

fn trim_ws(s: &[u8]) -> &[u8] {
    let a = s.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    let z = s
        .iter()
        .rev()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &s[a..s.len().max(a + z) - z]
}

/// Tags of inline HTML: none is among those that start an HTML block of kinds 1 to 6.
const INLINE_TAGS: &[&[u8]] = &[
    b"a", b"abbr", b"b", b"bdi", b"bdo", b"br", b"cite", b"code", b"data", b"del", b"dfn", b"em",
    b"font", b"i", b"img", b"ins", b"kbd", b"mark", b"q", b"s", b"samp", b"small", b"span",
    b"strong", b"sub", b"sup", b"time", b"u", b"var", b"wbr",
];

/// Whether `rest` (content starting with `<`) is inline HTML that starts no HTML block: an
/// inline tag, on a line that does not end with `>` (so it is not a lone complete tag, kind 7).
fn inline_html(rest: &[u8]) -> bool {
    let after = rest[1..].strip_prefix(b"/").unwrap_or(&rest[1..]);
    let len = after
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    let name = after[..len].to_ascii_lowercase();
    after.first().is_some_and(u8::is_ascii_alphabetic)
        && INLINE_TAGS.contains(&name.as_slice())
        && trim_ws(rest).last() != Some(&b'>')
}

/// The ATX heading of `n` `#`s on the line `text[start..end]` (terminator to `next`), at column
/// 0, as tree-sitter-md reports it.
fn heading(text: &str, start: usize, end: usize, next: usize, n: usize) -> Heading {
    let marker_end = start + n;
    let content = &text[marker_end..end];
    let lead = content.len() - content.trim_start_matches([' ', '\t']).len();
    let (text, text_range) = if lead == content.len() {
        (String::new(), marker_end..marker_end)
    } else {
        let kept = strip_closing_sequence(&content[lead..]);
        let from = marker_end + lead;
        (kept.trim().to_owned(), from..from + kept.len())
    };
    Heading {
        level: n as u8,
        text,
        range: start..next,
        text_range,
        setext: false,
        nested: false,
    }
}
