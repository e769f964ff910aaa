//! Line splitting as the plugin sees it.
//!
//! `\n`, `\r\n` and a lone `\r` end a line, for the plugin (its line numbers in mutated notes
//! with lone `\r` prove it) as for LSP. Each line keeps the byte range of its content in the
//! original text, without its terminator.
//!
//! A byte order mark at the very start is not part of the first line: the plugin's patterns
//! see past it (JavaScript's `\s` and `\b` treat U+FEFF as white space), so for every reader of
//! the lines it is invisible, while offsets stay offsets into the real text (line 0 starts at
//! byte 3) and writers keep it.

/// The UTF-8 byte order mark, invisible at the start of a note.
pub const BOM: &str = "\u{feff}";

/// One line: content bytes `start..end`; `next` is where the following line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub start: usize,
    pub end: usize,
    pub next: usize,
}

/// The lines of a text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    /// Each line's content bytes. Where a line's successor starts is the next one's start (the
    /// end of the text, which is the last line's end, for the last): not stored, a third of
    /// what a 1 MB note of short lines spends on its lines.
    lines: Vec<Content>,
}

/// A line's content bytes, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Content {
    start: usize,
    end: usize,
}

impl Lines {
    /// The lines of `text`, the first one after a leading byte order mark.
    pub fn new(text: &str) -> Lines {
        let b = text.as_bytes();
        let mut lines = Vec::with_capacity(b.len() / 40 + 1);
        let mut start = if text.starts_with(BOM) { BOM.len() } else { 0 };
        let mut i = start;
        while let Some(p) = memchr::memchr2(b'\n', b'\r', &b[i..]) {
            let end = i + p;
            let next = if b[end] == b'\r' && b.get(end + 1) == Some(&b'\n') {
                end + 2
            } else {
                end + 1
            };
            lines.push(Content { start, end });
            start = next;
            i = next;
        }
        lines.push(Content {
            start,
            end: b.len(),
        });
        lines.shrink_to_fit();
        Lines { lines }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn get(&self, i: usize) -> Line {
        let Content { start, end } = self.lines[i];
        let next = self.lines.get(i + 1).map_or(end, |n| n.start);
        Line { start, end, next }
    }

    pub fn text<'a>(&self, text: &'a str, i: usize) -> &'a str {
        let l = self.lines[i];
        &text[l.start..l.end]
    }

    /// The line holding byte `offset` (the last line for offsets at or past the end).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.lines.binary_search_by(|l| l.start.cmp(&offset)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Whether the text uses CRLF (judged from the first line break).
    pub fn crlf(&self, text: &str) -> bool {
        let b = text.as_bytes();
        !self.lines.is_empty() && {
            let l = self.get(0);
            l.next > l.end + 1 && b.get(l.end) == Some(&b'\r')
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Line> + '_ {
        (0..self.lines.len()).map(|i| self.get(i))
    }

    /// Replaces lines `old` by `new` and moves every later line by `delta` bytes (an edit).
    pub(crate) fn splice(&mut self, old: std::ops::Range<usize>, new: Vec<Line>, delta: isize) {
        let after = old.start + new.len();
        let new = new.into_iter().map(|l| Content {
            start: l.start,
            end: l.end,
        });
        self.lines.splice(old, new);
        if delta != 0 {
            for l in &mut self.lines[after..] {
                l.start = l.start.wrapping_add_signed(delta);
                l.end = l.end.wrapping_add_signed(delta);
            }
        }
    }
}

/// The line of `text` that starts at byte `start` (which must be a line start).
pub(crate) fn line_from(text: &str, start: usize) -> Line {
    let b = text.as_bytes();
    match b[start..].iter().position(|&c| c == b'\n' || c == b'\r') {
        None => Line {
            start,
            end: b.len(),
            next: b.len(),
        },
        Some(p) => {
            let end = start + p;
            let next = if b[end] == b'\r' && b.get(end + 1) == Some(&b'\n') {
                end + 2
            } else {
                end + 1
            };
            Line { start, end, next }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lone_cr() {
        let t = "a\r\nb\rc\n\r\n";
        let l = Lines::new(t);
        assert_eq!(l.len(), 5);
        assert_eq!(l.text(t, 0), "a");
        assert_eq!(l.text(t, 1), "b");
        assert_eq!(l.text(t, 2), "c");
        assert_eq!(l.text(t, 3), "");
        assert_eq!(l.text(t, 4), "");
        assert!(l.crlf(t));
        assert_eq!(l.line_of(3), 1);
        assert_eq!(l.line_of(5), 2);
    }

    #[test]
    fn a_leading_bom_is_not_in_the_first_line() {
        let t = "\u{feff}#flashcards\r\nQ::A";
        let l = Lines::new(t);
        assert_eq!(l.len(), 2);
        assert_eq!(l.text(t, 0), "#flashcards");
        assert_eq!(l.get(0).start, 3);
        assert_eq!(l.line_of(0), 0);
        assert!(l.crlf(t));
        // Only at the very start.
        let t = "a\n\u{feff}b";
        assert_eq!(Lines::new(t).text(t, 1), "\u{feff}b");
        assert_eq!(Lines::new("\u{feff}").text("\u{feff}", 0), "");
    }
}
