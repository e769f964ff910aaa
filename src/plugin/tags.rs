//! Obsidian's view of a note's tags and front matter.
//!
//! The plugin never reads tags itself: Obsidian's metadata cache hands it the tags with their
//! lines. These rules follow Obsidian's documented tag syntax (spec §1.3) and decide which notes
//! hold cards and which decks they go to.

use crate::plugin::js;
use crate::plugin::lines::Lines;
use yaml_rust2::{Yaml, YamlLoader};

/// A tag as Obsidian reports it: `#` included, and the 0-based line (−1 for front matter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub line: i64,
    /// Byte range of the tag in the note (empty for front matter tags).
    pub start: usize,
    pub end: usize,
}

/// The front matter block: lines `0..=close_line`, when line 0 is exactly `---` and a later
/// line is exactly `---`.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    pub close_line: usize,
    /// Obsidian's tags from `tags`/`tag` keys (any case), in order.
    pub tags: Vec<String>,
    /// What the plugin itself reads for the deck: key `tags` only, stringified, split on `,`.
    pub plugin_tags: Vec<String>,
    /// `sr-ease` for the note-ease rule (spec §4.7), when present and numeric.
    pub sr_ease: Option<f64>,
    /// Whether `sr-due`, `sr-interval` and `sr-ease` are all present and non-empty: the note has
    /// a note-review schedule (spec §5), which puts it in the statistics' notes table.
    pub note_schedule: bool,
    /// Whether the YAML parsed.
    pub valid: bool,
}

/// Finds the front matter of a note.
pub fn front_matter(text: &str, lines: &Lines) -> Option<FrontMatter> {
    if lines.len() < 2 || lines.text(text, 0) != "---" {
        return None;
    }
    let close = (1..lines.len()).find(|&i| lines.text(text, i) == "---")?;
    let body_start = lines.get(1).start;
    let body_end = lines.get(close).start;
    let body = &text[body_start.min(body_end)..body_end];
    let mut fm = FrontMatter {
        close_line: close,
        tags: vec![],
        plugin_tags: vec![],
        sr_ease: None,
        note_schedule: false,
        valid: false,
    };
    let Ok(docs) = YamlLoader::load_from_str(body) else {
        return Some(fm);
    };
    fm.valid = true;
    let Some(Yaml::Hash(h)) = docs.first() else {
        return Some(fm);
    };
    fm.note_schedule = ["sr-due", "sr-interval", "sr-ease"].iter().all(|key| {
        h.get(&Yaml::String((*key).to_owned()))
            .is_some_and(non_empty)
    });
    for (k, v) in h {
        let Some(key) = k.as_str() else { continue };
        let lower = key.to_lowercase();
        if lower == "tags" || lower == "tag" {
            push_obsidian_tags(v, &mut fm.tags);
        }
        if key == "tags" {
            fm.plugin_tags = plugin_tags(v);
        }
        if key == "sr-ease" {
            fm.sr_ease = match v {
                Yaml::Integer(i) => Some(*i as f64),
                Yaml::Real(r) => r.parse().ok(),
                Yaml::String(s) => js::text::parse_float(s),
                Yaml::Array(a) => a.first().and_then(|x| match x {
                    Yaml::Integer(i) => Some(*i as f64),
                    Yaml::Real(r) => r.parse().ok(),
                    _ => None,
                }),
                _ => None,
            };
        }
    }
    Some(fm)
}

/// A front matter value that is there: not null, not an empty text or list.
fn non_empty(v: &Yaml) -> bool {
    match v {
        Yaml::Null | Yaml::BadValue => false,
        Yaml::String(s) => !s.trim().is_empty(),
        Yaml::Array(a) => a.first().is_some_and(non_empty),
        _ => true,
    }
}

fn scalar_text(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn with_hash(s: &str) -> String {
    if s.starts_with('#') {
        s.to_string()
    } else {
        format!("#{s}")
    }
}

fn push_obsidian_tags(v: &Yaml, out: &mut Vec<String>) {
    match v {
        Yaml::Array(items) => {
            for it in items {
                if let Some(t) = scalar_text(it) {
                    let t = t.trim();
                    if !t.is_empty() {
                        out.push(with_hash(t));
                    }
                }
            }
        }
        Yaml::String(s) => {
            for piece in s.split(|c: char| c == ',' || c.is_whitespace()) {
                if !piece.is_empty() {
                    out.push(with_hash(piece));
                }
            }
        }
        other => {
            if let Some(t) = scalar_text(other) {
                out.push(with_hash(&t));
            }
        }
    }
}

/// The plugin's own reading of `tags`: `String(value).split(",")`, a `#` added when missing.
fn plugin_tags(v: &Yaml) -> Vec<String> {
    let joined = match v {
        Yaml::Array(items) => items
            .iter()
            .map(|i| scalar_text(i).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(","),
        other => match scalar_text(other) {
            Some(s) => s,
            None => return vec![],
        },
    };
    joined
        .split(',')
        .filter(|p| !p.is_empty())
        .map(with_hash)
        .collect()
}

/// Whether `c` ends a tag body (spec §1.3).
fn ends_tag(c: char) -> bool {
    if c.is_whitespace() || js::text::is_js_space(c) {
        return true;
    }
    if c.is_ascii_punctuation() {
        return !matches!(c, '-' | '_' | '/');
    }
    matches!(c,
        '\u{2000}'..='\u{206F}'
        | '\u{2E00}'..='\u{2E7F}'
        | '\u{3000}'..='\u{303F}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}')
}

/// Inline tags of the body, in order, with their lines. `first_line` is the first line after the
/// front matter.
pub fn inline_tags(text: &str, lines: &Lines, first_line: usize) -> Vec<Tag> {
    let mut out = Vec::new();
    inline_tags_from(text, lines, first_line, &mut out, |_, _| false);
    out
}

/// What the tag reader carries from one line to the next: an open code fence, `$$` math block
/// or `%%` comment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TagState {
    fence: Option<(u8, usize)>,
    in_math: bool,
    in_percent: bool,
}

impl TagState {
    fn is_clear(&self) -> bool {
        self.fence.is_none() && !self.in_math && !self.in_percent
    }

    fn line(&mut self, line: &str, base: usize, lineno: i64, out: &mut Vec<Tag>) {
        if let Some((ch, len)) = self.fence {
            if let Some((c2, l2, rest)) = fence_run(line)
                && c2 == ch
                && l2 >= len
                && rest.trim().is_empty()
            {
                self.fence = None;
            }
            return;
        }
        if self.in_math {
            if memchr::memmem::find(line.as_bytes(), b"$$").is_some() {
                self.in_math = false;
            }
            return;
        }
        if !self.in_percent {
            if let Some((c, l, _)) = fence_run(line) {
                self.fence = Some((c, l));
                return;
            }
            let t = line.trim();
            if t.starts_with("$$") && t.matches("$$").count() == 1 {
                self.in_math = true;
                return;
            }
        }
        scan_line_tags(line, base, lineno, &mut self.in_percent, out);
    }
}

/// Reads inline tags from line `from`, starting with nothing open (as at the first body line),
/// appending them to `out`. Before each line `i`, `at_line(i, clear)` is told whether nothing is
/// open there (so reading could start afresh at `i`); returning `true` stops the reading, and
/// the result is `Some(i)`. `None`: read to the end.
pub(crate) fn inline_tags_from(
    text: &str,
    lines: &Lines,
    from: usize,
    out: &mut Vec<Tag>,
    mut at_line: impl FnMut(usize, bool) -> bool,
) -> Option<usize> {
    let mut st = TagState::default();
    for i in from..lines.len() {
        if at_line(i, st.is_clear()) {
            return Some(i);
        }
        let l = lines.get(i);
        st.line(&text[l.start..l.end], l.start, i as i64, out);
    }
    None
}

/// A fence opener in the editor's sense: up to 3 spaces, then 3+ backticks or tildes.
fn fence_run(line: &str) -> Option<(u8, usize, &str)> {
    let indent = line.bytes().take_while(|&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = *rest.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = rest.bytes().take_while(|&b| b == c).count();
    if n < 3 {
        return None;
    }
    let after = &rest[n..];
    if c == b'`' && after.contains('`') {
        return None;
    }
    Some((c, n, after))
}

/// Where a code span opened by a run of `run` backticks ends (after the closing run of exactly
/// the same length, searched from `from`), if it is closed on the line.
fn code_span_end(b: &[u8], from: usize, run: usize) -> Option<usize> {
    let mut j = from;
    while j < b.len() {
        if b[j] == b'`' {
            let r2 = b[j..].iter().take_while(|&&x| x == b'`').count();
            if r2 == run {
                return Some(j + r2);
            }
            j += r2;
        } else {
            j += 1;
        }
    }
    None
}

/// The tag whose `#` is at byte `i` of `line` (which starts at `base` in the note), unless its
/// body is empty or only digits.
fn tag_at(line: &str, i: usize, base: usize, lineno: i64) -> Option<Tag> {
    let body_start = i + 1;
    let body_len: usize = line[body_start..]
        .chars()
        .take_while(|&ch| !ends_tag(ch))
        .map(char::len_utf8)
        .sum();
    let body = &line[body_start..body_start + body_len];
    if body.is_empty() || body.bytes().all(|x| x.is_ascii_digit()) {
        return None;
    }
    Some(Tag {
        name: format!("#{body}"),
        line: lineno,
        start: base + i,
        end: base + body_start + body_len,
    })
}

fn scan_line_tags(line: &str, base: usize, lineno: i64, in_percent: &mut bool, out: &mut Vec<Tag>) {
    let b = line.as_bytes();
    let mut i = 0;
    let mut prev_space = true;
    while i < b.len() {
        if *in_percent {
            match memchr::memmem::find(&b[i..], b"%%") {
                Some(p) => {
                    i += p + 2;
                    *in_percent = false;
                    continue;
                }
                None => return,
            }
        }
        // Only `%`, `` ` `` and `#` start anything; the characters before the next one only
        // decide, by the last of them, whether a `#` follows white space.
        let Some(skip) = memchr::memchr3(b'%', b'`', b'#', &b[i..]) else {
            return;
        };
        if skip > 0 {
            prev_space = line[i..i + skip]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace);
            i += skip;
        }
        let c = b[i];
        if c == b'%' && b.get(i + 1) == Some(&b'%') {
            *in_percent = true;
            i += 2;
            continue;
        }
        if c == b'`' {
            let run = b[i..].iter().take_while(|&&x| x == b'`').count();
            match code_span_end(b, i + run, run) {
                // Obsidian drops code spans before looking for tags: what precedes the span
                // decides whether a `#` right after it starts a tag.
                Some(end) => i = end,
                None => {
                    i += run;
                    prev_space = false;
                }
            }
            continue;
        }
        if c == b'#'
            && prev_space
            && let Some(tag) = tag_at(line, i, base, lineno)
        {
            i = tag.end - base;
            out.push(tag);
            prev_space = false;
            continue;
        }
        let ch = line[i..].chars().next().unwrap_or(' ');
        prev_space = ch.is_whitespace();
        i += ch.len_utf8();
    }
}

/// Whether `body` (a tag without its `#`) reads back as that one tag: no character that ends a
/// tag, not only digits, no empty `/` segment.
pub fn is_tag_body(body: &str) -> bool {
    !body.is_empty()
        && !body.bytes().all(|b| b.is_ascii_digit())
        && !body.chars().any(ends_tag)
        && !body.split('/').any(str::is_empty)
}

/// Whether `tag` is `pattern` or one of its sub-tags (`pattern/...`). Case-sensitive.
pub fn tag_matches(tag: &str, pattern: &str) -> bool {
    tag == pattern
        || (tag.len() > pattern.len()
            && tag.starts_with(pattern)
            && tag.as_bytes()[pattern.len()] == b'/')
}

/// Whether `tag` matches any of `patterns`.
pub fn matches_any(tag: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| tag_matches(tag, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<String> {
        let l = Lines::new(text);
        inline_tags(text, &l, 0)
            .into_iter()
            .map(|t| t.name)
            .collect()
    }

    #[test]
    fn inline_tag_syntax() {
        assert_eq!(tags("#flashcards/geo Q::A"), vec!["#flashcards/geo"]);
        assert_eq!(tags("# Heading"), Vec::<String>::new());
        assert_eq!(tags("a#b #123 #tag. x"), vec!["#tag"]);
        assert_eq!(tags("#🃏/job_questions"), vec!["#🃏/job_questions"]);
        assert_eq!(tags("x #智能指针Card，y"), vec!["#智能指针Card"]);
        assert_eq!(tags("`#code` %%#hidden%% #seen"), vec!["#seen"]);
        assert_eq!(tags("```\n#no\n```\n#yes"), vec!["#yes"]);
        assert_eq!(tags("$$\n#no\n$$\n#yes"), vec!["#yes"]);
        assert_eq!(tags("%%\n#no\n%% #yes"), vec!["#yes"]);
    }

    #[test]
    fn front_matter_tags() {
        let t = "---\ntags: [flashcards, b]\ntag: c d\n---\nbody";
        let l = Lines::new(t);
        let fm = front_matter(t, &l).unwrap();
        assert_eq!(fm.close_line, 3);
        assert_eq!(fm.tags, vec!["#flashcards", "#b", "#c", "#d"]);
        assert_eq!(fm.plugin_tags, vec!["#flashcards", "#b"]);
    }

    #[test]
    fn sub_tags() {
        assert!(tag_matches("#flashcards/geo", "#flashcards"));
        assert!(!tag_matches("#flashcardsX", "#flashcards"));
        assert!(!tag_matches("#x", ""));
    }
}
