//! The plugin's line scanner (spec §2.2), quirks included.
//!
//! This is deliberately a transliteration of the plugin's behaviour, not a markdown parser:
//! column-0 fences only, the HTML comment bugs, the `::` hijack, the `buf.length > 1` test. Every
//! quirk here is something a user's vault depends on. Diagnostics (see `lint`) explain where
//! this view differs from what an editor renders.

use crate::plugin::js::text::{trim, trim_end};
use crate::plugin::lines::Lines;
use crate::plugin::settings::Settings;

/// The five card types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardType {
    SingleLineBasic,
    SingleLineReversed,
    MultiLineBasic,
    MultiLineReversed,
    Cloze,
}

impl CardType {
    pub fn as_str(self) -> &'static str {
        match self {
            CardType::SingleLineBasic => "SingleLineBasic",
            CardType::SingleLineReversed => "SingleLineReversed",
            CardType::MultiLineBasic => "MultiLineBasic",
            CardType::MultiLineReversed => "MultiLineReversed",
            CardType::Cloze => "Cloze",
        }
    }
    pub fn is_single_line(self) -> bool {
        matches!(
            self,
            CardType::SingleLineBasic | CardType::SingleLineReversed
        )
    }
}

/// A card as the scanner reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCard {
    pub kind: CardType,
    pub text: String,
    pub first_line: usize,
    pub last_line: usize,
    /// The note lines whose text went into `text`, in order (a fence's synthetic closing line is
    /// not one of them).
    pub src_lines: Vec<usize>,
    /// The last note line that belongs to the card's text: the last of `src_lines`, or the
    /// closing fence line the scanner consumed after it.
    pub end_line: usize,
}

/// Something the scanner did that a user would not expect; used by diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanEvent {
    /// A one-line HTML comment at column 0 that also hid the next line.
    CommentSkipsNextLine { line: usize },
    /// An HTML comment at column 0 without `-->` on its line: the rest of the file is hidden.
    CommentHidesRest { line: usize },
    /// A column-0 fence: where it opened, where it closed (None: never closed).
    Fence { open: usize, close: Option<usize> },
    /// A card being collected (kind, from line) was thrown away by a single-line card.
    Hijacked {
        kind: CardType,
        start: usize,
        line: usize,
    },
}

/// Cloze detection is delegated so the scanner stays independent of the cloze engine.
pub trait ClozeTest {
    fn line_has_cloze(&self, line: &str) -> bool;
}

/// Scans the note from line `from` (`blank_until`: front matter lines `0..=n` read as empty),
/// where the scanner is in its initial state (line 0, or the line after
/// a line where the boundary branch ran), appending cards to `out`.
///
/// `sync(i)` is called for every line `i > from` (below the line count) that the scanner reaches
/// in its initial state again, i.e. right after running the boundary branch on line `i - 1`.
/// Returning `true` stops the scan there; the result is `Some(i)`. `None`: the scan ran to the
/// end of the note (or to an HTML comment that hides the rest).
///
/// The loop below is the spec's loop, step by step (§2.2 steps 1–6); each step that does more
/// than a test is a `Scanner` method named after it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn scan_from(
    text: &str,
    lines: &Lines,
    blank_until: Option<usize>,
    settings: &Settings,
    cloze: &dyn ClozeTest,
    events: Option<&mut Vec<ScanEvent>>,
    from: usize,
    out: &mut Vec<RawCard>,
    mut sync: impl FnMut(usize) -> bool,
) -> Option<usize> {
    let note = NoteLines {
        text,
        lines,
        blank_until,
        count: lines.len(),
    };
    let mut scanner = Scanner::new(note, settings, cloze, events, from, out);
    let n = note.count;
    let mut i = from;
    while i < n {
        let line = note.at(i);
        // 1. HTML comments at column 0 (not SR comments), with the plugin's two bugs.
        if line.starts_with("<!--") && !line.starts_with("<!--SR:") {
            match scanner.skip_html_comment(i, line) {
                Some(next) => {
                    i = next;
                    continue;
                }
                None => break,
            }
        }
        let trimmed = trim(line);
        // 2. Boundaries.
        if scanner.is_boundary(trimmed) {
            scanner.close_at_boundary(i);
            i += 1;
            if i < n && sync(i) {
                return Some(i);
            }
            continue;
        }
        // 3. Collect.
        scanner.collect(i, line);
        // 4 and 5. The inline separator test, then the first matching branch.
        i = scanner.run_branches(i, line, trimmed) + 1;
    }
    // 6. End of file.
    scanner.finish();
    None
}

/// The note's lines as the scanner reads them: front matter lines `0..=blank_until` are empty.
#[derive(Clone, Copy)]
struct NoteLines<'a> {
    text: &'a str,
    lines: &'a Lines,
    blank_until: Option<usize>,
    count: usize,
}

impl<'a> NoteLines<'a> {
    /// Line `i` (below `count`) without its line break, or `""` inside the front matter.
    fn at(&self, i: usize) -> &'a str {
        if self.blank_until.is_some_and(|b| i <= b) {
            ""
        } else {
            self.lines.text(self.text, i)
        }
    }
}

/// The scanner's state (spec §2.2: `buf`, `kind`, `start`) with what it reads and where it
/// writes. `src` and `fence_close` are ours, not the plugin's: they record which note lines
/// went into `buf`, for the card's line map and `end_line`.
struct Scanner<'a, 'o> {
    note: NoteLines<'a>,
    inline_separators: Vec<(&'a str, bool)>,
    multiline_separator: &'a str,
    multiline_reversed_separator: &'a str,
    end_marker: &'a str,
    cloze: &'a dyn ClozeTest,
    events: Option<&'o mut Vec<ScanEvent>>,
    out: &'o mut Vec<RawCard>,
    buf: String,
    src: Vec<usize>,
    fence_close: Option<usize>,
    kind: Option<CardType>,
    start: usize,
}

impl<'a, 'o> Scanner<'a, 'o> {
    /// A scanner in its initial state at line `from`.
    fn new(
        note: NoteLines<'a>,
        settings: &'a Settings,
        cloze: &'a dyn ClozeTest,
        events: Option<&'o mut Vec<ScanEvent>>,
        from: usize,
        out: &'o mut Vec<RawCard>,
    ) -> Self {
        Scanner {
            note,
            inline_separators: settings.inline_separators(),
            multiline_separator: settings.multiline_card_separator.as_str(),
            multiline_reversed_separator: settings.multiline_reversed_card_separator.as_str(),
            end_marker: settings.multiline_card_end_marker.as_str(),
            cloze,
            events,
            out,
            buf: String::new(),
            src: Vec::new(),
            fence_close: None,
            kind: None,
            start: from,
        }
    }

    /// Records `event` when the caller asked for events.
    fn report(&mut self, event: ScanEvent) {
        if let Some(events) = self.events.as_deref_mut() {
            events.push(event);
        }
    }

    /// Step 1 on line `i`, a column-0 HTML comment: with `-->` on the line it hides the next
    /// line too (the result is the line to go on from); without, it hides the rest of the file
    /// (`None`). The state is left as it is, so a card being collected resumes after it.
    fn skip_html_comment(&mut self, i: usize, line: &str) -> Option<usize> {
        if line.contains("-->") {
            if i + 1 < self.note.count {
                self.report(ScanEvent::CommentSkipsNextLine { line: i });
            }
            return Some(i + 2);
        }
        self.report(ScanEvent::CommentHidesRest { line: i });
        None
    }

    /// Step 2's test: a blank line, unless an end marker is set and a card is being collected;
    /// or the end marker itself.
    fn is_boundary(&self, trimmed: &str) -> bool {
        let end_marker = self.end_marker;
        (trimmed.is_empty() && (end_marker.is_empty() || self.kind.is_none()))
            || (!end_marker.is_empty() && trimmed == end_marker)
    }

    /// Step 2 on boundary line `i`: outputs the card being collected (it ends on line `i - 1`)
    /// and starts over empty at line `i + 1`.
    fn close_at_boundary(&mut self, i: usize) {
        if let Some(kind) = self.kind.take() {
            self.output_collected(kind, i.wrapping_sub(1));
        }
        self.buf.clear();
        self.src.clear();
        self.fence_close = None;
        self.start = i + 1;
    }

    /// Step 6: at the end of the note, a card still being collected is output if it has text.
    fn finish(mut self) {
        if let Some(kind) = self.kind
            && !self.buf.is_empty()
        {
            self.output_collected(kind, self.note.count - 1);
        }
    }

    /// Outputs the collected card `(kind, trimEnd(buf), start, last_line)`, taking its line map.
    fn output_collected(&mut self, kind: CardType, last_line: usize) {
        let end_line = self.end_line();
        self.out.push(RawCard {
            kind,
            text: trim_end(&self.buf).to_string(),
            first_line: self.start,
            last_line,
            end_line,
            src_lines: std::mem::take(&mut self.src),
        });
    }

    /// The last note line of the collected text: the last line in `buf`, or the closing fence
    /// line consumed after it.
    fn end_line(&self) -> usize {
        let last = self.src.last().copied().unwrap_or(0);
        self.fence_close.filter(|&c| c > last).unwrap_or(last)
    }

    /// Step 3: appends `trimEnd(line)` (line `i`) to `buf`.
    fn collect(&mut self, i: usize, line: &str) {
        if !self.buf.is_empty() {
            self.buf.push('\n');
        }
        self.buf.push_str(trim_end(line));
        self.src.push(i);
    }

    /// Appends note line `i` verbatim (not trimmed) on a new line of `buf`.
    fn collect_verbatim(&mut self, i: usize) {
        self.buf.push('\n');
        self.buf.push_str(self.note.at(i));
        self.src.push(i);
    }

    /// Steps 4 and 5 on line `i` (already collected): the first branch that matches. Returns
    /// the last line the branch consumed; the scan goes on after it.
    fn run_branches(&mut self, i: usize, line: &'a str, trimmed: &str) -> usize {
        if let Some(kind) = single_line_kind(&self.inline_separators, line) {
            return self.output_single_line_card(i, line, kind);
        }
        if !self.multiline_separator.is_empty() && trimmed == self.multiline_separator {
            if js_len_gt1(&self.buf) {
                self.kind = Some(CardType::MultiLineBasic);
            }
        } else if !self.multiline_reversed_separator.is_empty()
            && trimmed == self.multiline_reversed_separator
        {
            if js_len_gt1(&self.buf) {
                self.kind = Some(CardType::MultiLineReversed);
            }
        } else if line.starts_with("```") || line.starts_with("~~~") {
            return self.collect_fenced_block(i, line);
        } else if self.kind.is_none() && self.cloze.line_has_cloze(line) {
            self.kind = Some(CardType::Cloze);
        }
        i
    }

    /// Step 5a on line `i`: the card is this line (throwing away any card being collected),
    /// plus an SR comment on the next line or a metadata callout below it. Returns the last
    /// line added. `start` stays at `i` (the plugin's bug, §6 E13).
    fn output_single_line_card(&mut self, i: usize, line: &str, kind: CardType) -> usize {
        if let Some(prev) = self.kind {
            self.report(ScanEvent::Hijacked {
                kind: prev,
                start: self.start,
                line: i,
            });
        }
        self.buf.clear();
        self.buf.push_str(line);
        self.src.clear();
        self.src.push(i);
        self.start = i;
        let n = self.note.count;
        let mut last = i;
        if last + 1 < n && self.note.at(last + 1).starts_with("<!--SR:") {
            last += 1;
            self.collect_verbatim(last);
        } else if last + 1 < n && self.note.at(last + 1).starts_with("> [!sr|card-metadata]") {
            while last + 1 < n {
                last += 1;
                self.collect_verbatim(last);
                if self.note.at(last).contains("<!--SR:") {
                    break;
                }
            }
        }
        self.out.push(RawCard {
            kind,
            text: std::mem::take(&mut self.buf),
            first_line: self.start,
            last_line: last,
            end_line: last,
            src_lines: std::mem::take(&mut self.src),
        });
        self.fence_close = None;
        self.kind = None;
        last
    }

    /// Step 5d on line `open`, a column-0 fence: adds the lines below verbatim up to the first
    /// line that starts with the same fence, then `\n` + the opening fence in place of that
    /// line. Returns the closing line (`count` when the fence never closes), which is skipped.
    fn collect_fenced_block(&mut self, open: usize, line: &'a str) -> usize {
        let fence_char = line.as_bytes()[0];
        let fence = &line[..line.bytes().take_while(|&b| b == fence_char).count()];
        let n = self.note.count;
        let mut i = open;
        while i + 1 < n && !self.note.at(i + 1).starts_with(fence) {
            i += 1;
            self.collect_verbatim(i);
        }
        self.buf.push('\n');
        self.buf.push_str(fence);
        let close = (i + 1 < n).then_some(i + 1);
        if close.is_some() {
            self.fence_close = close;
        }
        self.report(ScanEvent::Fence { open, close });
        i + 1
    }
}

/// Step 4: the single-line card type of the first inline separator (longest first) whose first
/// occurrence in `line` is outside inline code. Later occurrences are never looked at.
fn single_line_kind(separators: &[(&str, bool)], line: &str) -> Option<CardType> {
    for &(sep, reversed) in separators {
        if let Some(pos) = memchr::memmem::find(line.as_bytes(), sep.as_bytes())
            && !in_inline_code(line, pos, sep.len())
        {
            return Some(if reversed {
                CardType::SingleLineReversed
            } else {
                CardType::SingleLineBasic
            });
        }
    }
    None
}

/// JavaScript `buf.length > 1` (UTF-16 units).
fn js_len_gt1(s: &str) -> bool {
    let mut units = 0;
    for c in s.chars() {
        units += c.len_utf16();
        if units > 1 {
            return true;
        }
    }
    false
}

/// The plugin's inline-code test: an odd number of backticks before and after the match.
fn in_inline_code(line: &str, pos: usize, len: usize) -> bool {
    let before = line[..pos].bytes().filter(|&b| b == b'`').count();
    let after = line[pos + len..].bytes().filter(|&b| b == b'`').count();
    before % 2 == 1 && after % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Highlight;
    impl ClozeTest for Highlight {
        fn line_has_cloze(&self, line: &str) -> bool {
            line.find("==")
                .is_some_and(|p| line[p + 2..].len() > 1 && line[p + 3..].contains("=="))
        }
    }

    fn run(text: &str) -> Vec<(CardType, usize, usize)> {
        let l = Lines::new(text);
        let mut cards = Vec::new();
        let settings = Settings::default();
        scan_from(
            text,
            &l,
            None,
            &settings,
            &Highlight,
            None,
            0,
            &mut cards,
            |_| false,
        );
        cards
            .into_iter()
            .map(|c| (c.kind, c.first_line, c.last_line))
            .collect()
    }

    use CardType::*;

    #[test]
    fn spec_edge_cases() {
        assert_eq!(run("Question::Answer"), vec![(SingleLineBasic, 0, 0)]);
        assert_eq!(
            run("Q::A\n<!--SR:!2025-01-03,15,290-->"),
            vec![(SingleLineBasic, 0, 1)]
        );
        assert_eq!(run("Q::A\n\n<!--SR:x-->"), vec![(SingleLineBasic, 0, 0)]);
        assert_eq!(run("Use `std::vector` here"), vec![]);
        assert_eq!(
            run("Q1::A1\nQ2\n?\nA2"),
            vec![(SingleLineBasic, 0, 0), (MultiLineBasic, 0, 3)]
        );
        assert_eq!(
            run("Question\n?\nPart 1\n\nPart 2"),
            vec![(MultiLineBasic, 0, 2)]
        );
        assert_eq!(run("Question\n\n?\nAnswer"), vec![]);
        assert_eq!(run("?\nAnswer"), vec![]);
        assert_eq!(run("??\nBack"), vec![(MultiLineReversed, 0, 1)]);
        assert_eq!(
            run("Question\n?\n```\nx = 1\n\ny = 2\n```"),
            vec![(MultiLineBasic, 0, 6)]
        );
        assert_eq!(run("```inline```\nQuestion::Answer"), vec![]);
        assert_eq!(run("<!-- note -->\nQuestion::Answer"), vec![]);
        assert_eq!(
            run("<!-- note -->\n\nQuestion::Answer"),
            vec![(SingleLineBasic, 2, 2)]
        );
        assert_eq!(run("<!--\nhidden\n-->\n\nQuestion::Answer"), vec![]);
        assert_eq!(
            run("Q\n?\nA\n<!-- c -->\nhidden line\nA2"),
            vec![(MultiLineBasic, 0, 5)]
        );
        assert_eq!(run("Question\r\n?\r\nAnswer"), vec![(MultiLineBasic, 0, 2)]);
    }
}
