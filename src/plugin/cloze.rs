//! The cloze engine (clozecraft 0.4.0 as the plugin uses it, spec §2.5).
//!
//! A pattern such as `==[123;;]answer[;;hint]==` yields three regexes: simple (no sequence
//! slot), classic (numbered) and overlapping (`a`/`s`/`h` letters). A line holds a cloze when any
//! regex of any enabled pattern matches it; the whole card's text decides its kind and siblings.

use regex::Regex;

/// The three regexes of one pattern.
#[derive(Debug, Clone)]
pub struct ClozePattern {
    pub source: String,
    /// The literal every match of the pattern's regexes starts with (when the pattern starts
    /// with one): a text without it is not searched, which is most lines of a note.
    lead: Option<memchr::memmem::Finder<'static>>,
    simple: Regex,
    classic: Option<Regex>,
    overlapping: Option<Regex>,
}

/// How the deletions of a card are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClozeKind {
    Simple,
    Classic,
    Overlapping,
}

/// One deletion found in the card text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// Byte range of the whole deletion markup in the text.
    pub start: usize,
    pub end: usize,
    pub answer: String,
    pub hint: Option<String>,
    /// Sequence number (classic) or letters (overlapping).
    pub seq: Option<String>,
}

/// All enabled patterns.
#[derive(Debug, Clone, Default)]
pub struct ClozeEngine {
    pub patterns: Vec<ClozePattern>,
    /// Patterns that could not be understood, with a reason (reported, never a panic).
    pub errors: Vec<(String, String)>,
}

enum Tok {
    Lit(String),
    Answer,
    Seq(String),
    Hint(String),
}

fn tokenize(p: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let mut lit = String::new();
    let mut chars = p.chars().peekable();
    let mut saw_answer = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('[') | Some(']')) => {
                lit.push(chars.next().unwrap_or('['));
            }
            '[' => {
                let mut g = String::new();
                let mut closed = false;
                while let Some(d) = chars.next() {
                    match d {
                        '\\' if matches!(chars.peek(), Some('[') | Some(']')) => {
                            g.push(chars.next().unwrap_or(']'));
                        }
                        ']' => {
                            closed = true;
                            break;
                        }
                        _ => g.push(d),
                    }
                }
                if !closed {
                    lit.push('[');
                    lit.push_str(&g);
                    continue;
                }
                if !lit.is_empty() {
                    toks.push(Tok::Lit(std::mem::take(&mut lit)));
                }
                if g.contains("hint") {
                    toks.push(Tok::Hint(g));
                } else if g.bytes().any(|b| b.is_ascii_digit()) {
                    toks.push(Tok::Seq(g));
                } else {
                    toks.push(Tok::Lit(format!("[{g}]")));
                }
            }
            'a' if !saw_answer && p_rest_starts(&mut chars.clone(), "nswer") => {
                for _ in 0..5 {
                    chars.next();
                }
                if !lit.is_empty() {
                    toks.push(Tok::Lit(std::mem::take(&mut lit)));
                }
                toks.push(Tok::Answer);
                saw_answer = true;
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        toks.push(Tok::Lit(lit));
    }
    if !saw_answer {
        return Err("the pattern has no `answer` placeholder".into());
    }
    Ok(toks)
}

fn p_rest_starts(it: &mut std::iter::Peekable<std::str::Chars<'_>>, s: &str) -> bool {
    s.chars().all(|c| it.next() == Some(c))
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Simple,
    Classic,
    Overlapping,
}

fn build(toks: &[Tok], mode: Mode) -> Option<String> {
    let mut re = String::new();
    let mut has_seq = false;
    for t in toks {
        match t {
            Tok::Lit(s) => re.push_str(&regex::escape(s)),
            Tok::Answer => re.push_str("(.+?)"),
            Tok::Seq(g) => {
                has_seq = true;
                match mode {
                    Mode::Simple => {}
                    Mode::Classic | Mode::Overlapping => {
                        let slot = if mode == Mode::Classic {
                            "(\\d+)"
                        } else {
                            "([ash]+)"
                        };
                        let mut done = false;
                        let mut digits = false;
                        for ch in g.chars() {
                            if ch.is_ascii_digit() {
                                if !done && !digits {
                                    re.push_str(slot);
                                    digits = true;
                                }
                            } else {
                                if digits {
                                    done = true;
                                    digits = false;
                                }
                                re.push_str(&regex::escape(&ch.to_string()));
                            }
                        }
                    }
                }
            }
            Tok::Hint(g) => {
                let parts: Vec<&str> = g.splitn(2, "hint").collect();
                re.push_str("(?:");
                re.push_str(&regex::escape(parts[0]));
                re.push_str("(.+?)");
                re.push_str(&regex::escape(parts.get(1).copied().unwrap_or("")));
                re.push_str(")?");
            }
        }
    }
    if mode != Mode::Simple && !has_seq {
        return None;
    }
    Some(re)
}

impl ClozePattern {
    pub fn new(source: &str) -> Result<ClozePattern, String> {
        let toks = tokenize(source)?;
        let compile = |m: Mode| -> Result<Option<Regex>, String> {
            match build(&toks, m) {
                None => Ok(None),
                Some(r) => Regex::new(&r).map(Some).map_err(|e| e.to_string()),
            }
        };
        let simple = compile(Mode::Simple)?.ok_or("no regex")?;
        // Each regex is the tokens' pieces in order, a literal escaped as it is.
        let lead = match toks.first() {
            Some(Tok::Lit(l)) if !l.is_empty() => {
                Some(memchr::memmem::Finder::new(l.as_bytes()).into_owned())
            }
            _ => None,
        };
        Ok(ClozePattern {
            source: source.to_string(),
            lead,
            simple,
            classic: compile(Mode::Classic)?,
            overlapping: compile(Mode::Overlapping)?,
        })
    }

    /// Whether any of the pattern's regexes could match `text`.
    fn may_match(&self, text: &str) -> bool {
        self.lead
            .as_ref()
            .is_none_or(|f| f.find(text.as_bytes()).is_some())
    }
}

impl ClozeEngine {
    pub fn new(patterns: &[String]) -> ClozeEngine {
        let mut e = ClozeEngine::default();
        for p in patterns {
            match ClozePattern::new(p) {
                Ok(cp) => e.patterns.push(cp),
                Err(err) => e.errors.push((p.clone(), err)),
            }
        }
        e
    }

    /// Whether a line holds a cloze (any regex of any pattern matches).
    pub fn line_has_cloze(&self, line: &str) -> bool {
        self.patterns.iter().any(|p| {
            p.may_match(line)
                && (p.simple.is_match(line)
                    || p.classic.as_ref().is_some_and(|r| r.is_match(line))
                    || p.overlapping.as_ref().is_some_and(|r| r.is_match(line)))
        })
    }

    /// The kind of a card text.
    pub fn kind(&self, text: &str) -> ClozeKind {
        let patterns = || self.patterns.iter().filter(|p| p.may_match(text));
        if patterns().any(|p| p.classic.as_ref().is_some_and(|r| r.is_match(text))) {
            ClozeKind::Classic
        } else if patterns().any(|p| p.overlapping.as_ref().is_some_and(|r| r.is_match(text))) {
            ClozeKind::Overlapping
        } else {
            ClozeKind::Simple
        }
    }

    /// Deletions in the engine's order (pattern order, then left to right).
    pub fn deletions(&self, text: &str, kind: ClozeKind) -> Vec<Deletion> {
        let mut out = Vec::new();
        for p in self.patterns.iter().filter(|p| p.may_match(text)) {
            let (re, has_seq) = match kind {
                ClozeKind::Simple => (Some(&p.simple), false),
                ClozeKind::Classic => (p.classic.as_ref(), true),
                ClozeKind::Overlapping => (p.overlapping.as_ref(), true),
            };
            let Some(re) = re else { continue };
            for c in re.captures_iter(text) {
                let m = c.get(0).expect("group 0");
                let (seq, ai, hi) = if has_seq {
                    (c.get(1), 2, 3)
                } else {
                    (None, 1, 2)
                };
                out.push(Deletion {
                    start: m.start(),
                    end: m.end(),
                    answer: c.get(ai).map_or("", |x| x.as_str()).to_string(),
                    hint: c.get(hi).map(|x| x.as_str().to_string()),
                    seq: seq.map(|s| s.as_str().to_string()),
                });
            }
        }
        out
    }

    /// Number of siblings (cards) a cloze text produces, and its deletions.
    pub fn siblings(&self, text: &str) -> (ClozeKind, Vec<Deletion>, usize) {
        let kind = self.kind(text);
        let dels = self.deletions(text, kind);
        let n = match kind {
            ClozeKind::Simple => dels.len(),
            ClozeKind::Classic => dels
                .iter()
                .filter_map(|d| d.seq.as_deref()?.parse::<usize>().ok())
                .max()
                .unwrap_or(0)
                .min(1000),
            ClozeKind::Overlapping => dels
                .iter()
                .map(|d| d.seq.as_deref().map_or(0, str::len))
                .max()
                .unwrap_or(0),
        };
        (kind, dels, n)
    }

    /// Front and back of sibling `k` (0-based), as plain text: the asked deletions read
    /// `[...]` (or `[hint]`) on the front; the back shows their answers.
    pub fn render(
        &self,
        text: &str,
        kind: ClozeKind,
        dels: &[Deletion],
        k: usize,
    ) -> (String, String) {
        // Each deletion with its index in `dels` (the engine's order, which numbers simple
        // clozes), in text order.
        let mut order: Vec<(usize, &Deletion)> = dels.iter().enumerate().collect();
        order.sort_by_key(|(_, d)| d.start);
        let mut front = String::new();
        let mut back = String::new();
        let mut pos = 0;
        for (i, d) in order {
            if d.start < pos {
                continue;
            }
            front.push_str(&text[pos..d.start]);
            back.push_str(&text[pos..d.start]);
            let action = match kind {
                ClozeKind::Simple => {
                    if i == k {
                        'a'
                    } else {
                        's'
                    }
                }
                ClozeKind::Classic => {
                    if d.seq.as_deref().and_then(|s| s.parse::<usize>().ok()) == Some(k + 1) {
                        'a'
                    } else {
                        's'
                    }
                }
                ClozeKind::Overlapping => d
                    .seq
                    .as_deref()
                    .and_then(|s| s.chars().nth(k))
                    .unwrap_or('s'),
            };
            match action {
                'a' => {
                    front.push_str(&format!("[{}]", d.hint.as_deref().unwrap_or("...")));
                    back.push_str(&d.answer);
                }
                'h' => {
                    front.push_str("[...]");
                    back.push_str("[...]");
                }
                _ => {
                    front.push_str(&d.answer);
                    back.push_str(&d.answer);
                }
            }
            pos = d.end;
        }
        front.push_str(&text[pos..]);
        back.push_str(&text[pos..]);
        (front, back)
    }
}

impl crate::plugin::scanner::ClozeTest for ClozeEngine {
    fn line_has_cloze(&self, line: &str) -> bool {
        ClozeEngine::line_has_cloze(self, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::settings::{BOLD_CLOZE, CURLY_CLOZE, HIGHLIGHT_CLOZE};

    fn eng() -> ClozeEngine {
        ClozeEngine::new(&[HIGHLIGHT_CLOZE.to_string()])
    }

    #[test]
    fn simple_and_hint() {
        let e = eng();
        assert!(e.line_has_cloze("The capital of France is ==Paris==."));
        assert!(e.line_has_cloze("if a == b and c == d"));
        assert!(!e.line_has_cloze("a == b"));
        let (k, d, n) = e.siblings("Capital: ==Paris;;city==");
        assert_eq!((k, n), (ClozeKind::Simple, 1));
        assert_eq!(
            e.render("Capital: ==Paris;;city==", k, &d, 0).0,
            "Capital: [city]"
        );
    }

    #[test]
    fn classic_numbering() {
        let e = eng();
        let t = "==1;;A== and ==2;;B== and ==1;;C==";
        let (k, d, n) = e.siblings(t);
        assert_eq!((k, n), (ClozeKind::Classic, 2));
        assert_eq!(e.render(t, k, &d, 0).0, "[...] and B and [...]");
    }

    #[test]
    fn overlapping() {
        let e = eng();
        let (k, _, n) = e.siblings("==ash;;x== ==sa;;y==");
        assert_eq!((k, n), (ClozeKind::Overlapping, 3));
    }

    #[test]
    fn pattern_order_beats_text_order() {
        let e = ClozeEngine::new(&[
            HIGHLIGHT_CLOZE.to_string(),
            BOLD_CLOZE.to_string(),
            CURLY_CLOZE.to_string(),
        ]);
        let (_, d, n) = e.siblings("{{a}} ==b== **c**");
        assert_eq!(n, 3);
        let answers: Vec<_> = d.iter().map(|x| x.answer.as_str()).collect();
        assert_eq!(answers, vec!["b", "c", "a"]);
    }

    #[test]
    fn custom_footnote_pattern() {
        let e = ClozeEngine::new(&["==answer==[^\\[hint\\]][\\[^123\\]]".to_string()]);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert!(e.line_has_cloze("==x==[^1]"));
    }
}
