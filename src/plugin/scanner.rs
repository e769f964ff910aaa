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

/// Scans the note. `blank_until`: front matter lines `0..=n` read as empty.
pub fn scan(
    text: &str,
    lines: &Lines,
    blank_until: Option<usize>,
    settings: &Settings,
    cloze: &dyn ClozeTest,
    events: Option<&mut Vec<ScanEvent>>,
) -> Vec<RawCard> {
    let mut out = Vec::new();
    scan_from(
        text,
        lines,
        blank_until,
        settings,
        cloze,
        events,
        0,
        &mut out,
        |_| false,
    );
    out
}

/// Scans from line `from`, where the scanner is in its initial state (line 0, or the line after
/// a line where the boundary branch ran), appending cards to `out`.
///
/// `sync(i)` is called for every line `i > from` (below the line count) that the scanner reaches
/// in its initial state again, i.e. right after running the boundary branch on line `i - 1`.
/// Returning `true` stops the scan there; the result is `Some(i)`. `None`: the scan ran to the
/// end of the note (or to an HTML comment that hides the rest).
#[allow(clippy::too_many_arguments)]
pub(crate) fn scan_from(
    text: &str,
    lines: &Lines,
    blank_until: Option<usize>,
    settings: &Settings,
    cloze: &dyn ClozeTest,
    mut events: Option<&mut Vec<ScanEvent>>,
    from: usize,
    out: &mut Vec<RawCard>,
    mut sync: impl FnMut(usize) -> bool,
) -> Option<usize> {
    let seps = settings.inline_separators();
    let ml = settings.multiline_card_separator.as_str();
    let mlr = settings.multiline_reversed_card_separator.as_str();
    let end_marker = settings.multiline_card_end_marker.as_str();
    let n = lines.len();
    let line_at = |i: usize| -> &str {
        if blank_until.is_some_and(|b| i <= b) {
            ""
        } else {
            lines.text(text, i)
        }
    };

    let mut buf = String::new();
    let mut src: Vec<usize> = Vec::new();
    let mut fence_close: Option<usize> = None;
    let end_of = |src: &[usize], fc: Option<usize>| -> usize {
        let last = src.last().copied().unwrap_or(0);
        fc.filter(|&c| c > last).unwrap_or(last)
    };
    let mut kind: Option<CardType> = None;
    let mut start = from;
    let mut i = from;
    while i < n {
        let l = line_at(i);
        // 1. HTML comments at column 0 (not SR comments), with the plugin's two bugs.
        if l.starts_with("<!--") && !l.starts_with("<!--SR:") {
            if l.contains("-->") {
                if let Some(ev) = events.as_deref_mut()
                    && i + 1 < n
                {
                    ev.push(ScanEvent::CommentSkipsNextLine { line: i });
                }
                i += 2;
                continue;
            }
            if let Some(ev) = events.as_deref_mut() {
                ev.push(ScanEvent::CommentHidesRest { line: i });
            }
            break;
        }
        let t = trim(l);
        // 2. Boundaries.
        let boundary = (t.is_empty() && (end_marker.is_empty() || kind.is_none()))
            || (!end_marker.is_empty() && t == end_marker);
        if boundary {
            if let Some(k) = kind.take() {
                out.push(RawCard {
                    kind: k,
                    text: trim_end(&buf).to_string(),
                    first_line: start,
                    last_line: i.wrapping_sub(1),
                    end_line: end_of(&src, fence_close),
                    src_lines: std::mem::take(&mut src),
                });
            }
            buf.clear();
            src.clear();
            fence_close = None;
            start = i + 1;
            i += 1;
            if i < n && sync(i) {
                return Some(i);
            }
            continue;
        }
        // 3. Collect.
        if !buf.is_empty() {
            buf.push('\n');
        }
        buf.push_str(trim_end(l));
        src.push(i);
        // 4. Inline separators: only the first occurrence of each is examined.
        let mut single = None;
        for &(sep, reversed) in &seps {
            if let Some(pos) = l.find(sep)
                && !in_inline_code(l, pos, sep.len())
            {
                single = Some(if reversed {
                    CardType::SingleLineReversed
                } else {
                    CardType::SingleLineBasic
                });
                break;
            }
        }
        if let Some(k) = single {
            if let (Some(prev), Some(ev)) = (kind, events.as_deref_mut()) {
                ev.push(ScanEvent::Hijacked {
                    kind: prev,
                    start,
                    line: i,
                });
            }
            // 5a. A single-line card: this line, plus an SR comment or metadata callout below.
            buf.clear();
            buf.push_str(l);
            src.clear();
            src.push(i);
            start = i;
            if i + 1 < n && line_at(i + 1).starts_with("<!--SR:") {
                i += 1;
                buf.push('\n');
                buf.push_str(line_at(i));
                src.push(i);
            } else if i + 1 < n && line_at(i + 1).starts_with("> [!sr|card-metadata]") {
                while i + 1 < n {
                    i += 1;
                    let nl = line_at(i);
                    buf.push('\n');
                    buf.push_str(nl);
                    src.push(i);
                    if nl.contains("<!--SR:") {
                        break;
                    }
                }
            }
            out.push(RawCard {
                kind: k,
                text: std::mem::take(&mut buf),
                first_line: start,
                last_line: i,
                end_line: i,
                src_lines: std::mem::take(&mut src),
            });
            fence_close = None;
            kind = None;
        } else if !ml.is_empty() && t == ml {
            if js_len_gt1(&buf) {
                kind = Some(CardType::MultiLineBasic);
            }
        } else if !mlr.is_empty() && t == mlr {
            if js_len_gt1(&buf) {
                kind = Some(CardType::MultiLineReversed);
            }
        } else if l.starts_with("```") || l.starts_with("~~~") {
            let fc = l.as_bytes()[0];
            let flen = l.bytes().take_while(|&b| b == fc).count();
            let fence = &l[..flen];
            let open = i;
            while i + 1 < n && !line_at(i + 1).starts_with(fence) {
                i += 1;
                buf.push('\n');
                buf.push_str(line_at(i));
                src.push(i);
            }
            buf.push('\n');
            buf.push_str(fence);
            if i + 1 < n {
                fence_close = Some(i + 1);
            }
            if let Some(ev) = events.as_deref_mut() {
                ev.push(ScanEvent::Fence {
                    open,
                    close: (i + 1 < n).then_some(i + 1),
                });
            }
            i += 1;
        } else if kind.is_none() && cloze.line_has_cloze(l) {
            kind = Some(CardType::Cloze);
        }
        i += 1;
    }
    if let Some(k) = kind
        && !buf.is_empty()
    {
        out.push(RawCard {
            kind: k,
            text: trim_end(&buf).to_string(),
            first_line: start,
            last_line: n - 1,
            end_line: end_of(&src, fence_close),
            src_lines: src,
        });
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
        scan(text, &l, None, &Settings::default(), &Highlight, None)
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
