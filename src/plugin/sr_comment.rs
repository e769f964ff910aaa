//! Reading `<!--SR:...-->` scheduling comments (spec §3.2), tolerant like the plugin.
//!
//! The reader never fails: every group becomes data, and groups the plugin could not use are
//! kept as [`Group::Invalid`] with a reason, so diagnostics can say what is wrong and the
//! grader can refuse to overwrite what it does not understand.

use crate::plugin::js;
use crate::plugin::schedule::fsrs::FsrsCard;
use chrono::NaiveDate;

/// The date the plugin writes for a sibling that has never been reviewed.
pub const PLACEHOLDER_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// One group of a scheduling comment.
#[derive(Debug, Clone, PartialEq)]
pub enum Group {
    /// `!2000-01-01,...`: this sibling is new.
    New { ease: Option<i64> },
    /// An SM-2 group, numbers as `parseInt` reads them.
    Sm2 {
        due: NaiveDate,
        interval: i64,
        ease: i64,
        /// The date was in an older format (`DD-MM-YYYY`, `ddd MMM DD YYYY`).
        legacy_date: bool,
    },
    /// An FSRS group (`fsrs,...`).
    Fsrs(Box<FsrsCard>),
    /// A group the plugin cannot read (boxed: rare, and twice the size of the others, which
    /// every card of an open note holds twice, in its comment and its schedule).
    Invalid(Box<Invalid>),
}

/// A group the plugin cannot read: every reason (at least one), and the parts it did read
/// (`None`: moment's "Invalid date" or JavaScript's `NaN`).
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub reasons: Vec<String>,
    pub due: Option<NaiveDate>,
    pub interval: Option<i64>,
    pub ease: Option<i64>,
}

/// A group with its text and byte range inside the note.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSpan {
    pub group: Group,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A scheduling comment found in a note.
#[derive(Debug, Clone, PartialEq)]
pub struct SrComment {
    /// Byte range of the whole `<!--SR:...-->`.
    pub start: usize,
    pub end: usize,
    pub groups: Vec<GroupSpan>,
    /// Read by the plugin's fallback (no proper `<!--SR:…-->`): the range covers the groups only.
    pub loose: bool,
}

/// Where `<!--SR:` first is in `s`: one prepared searcher for every line of every note (a
/// `str::find` prepares one per call, which was 5 % of a parse).
pub fn find_open(s: &str) -> Option<usize> {
    static OPEN: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"<!--SR:"));
    OPEN.find(s.as_bytes())
}

/// Finds the first SR comment in `text[from..to]` on one line (lazy body). Offsets are absolute.
pub fn find_first(text: &str, from: usize, to: usize) -> Option<SrComment> {
    let hay = &text[from..to];
    let mut search = 0;
    while let Some(p) = find_open(&hay[search..]) {
        let open = search + p;
        let body_start = open + 7;
        let line_end = hay[body_start..]
            .find('\n')
            .map_or(hay.len(), |e| body_start + e);
        // `(.+?)`: at least one character before `-->`.
        if let Some(c) = hay[body_start..line_end]
            .get(1..)
            .and_then(|rest| memchr::memmem::find(rest.as_bytes(), b"-->"))
        {
            let body_end = body_start + 1 + c;
            return Some(parse(text, from + open, from + body_start, from + body_end));
        }
        search = body_start;
    }
    None
}

/// All SR comments (for the removal rule and diagnostics): each line's greedy match.
pub fn find_all_lines(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut line_start = from;
    for line in text[from..to].split('\n') {
        if let Some(o) = find_open(line)
            && let Some(c) = line.rfind("-->")
            && c >= o + 7
        {
            out.push((line_start + o, line_start + c + 3));
        }
        line_start += line.len() + 1;
    }
    out
}

fn parse(text: &str, start: usize, body_start: usize, body_end: usize) -> SrComment {
    let body = &text[body_start..body_end];
    let mut groups = Vec::new();
    let mut off = body_start;
    for piece in body.split('!') {
        let p_start = off;
        off += piece.len() + 1;
        let trimmed = js::text::trim(piece);
        if trimmed.is_empty() {
            continue;
        }
        let lead = piece.len() - js::text::trim_start(piece).len();
        let gs = p_start + lead;
        groups.push(GroupSpan {
            group: parse_group(trimmed),
            text: trimmed.to_string(),
            start: gs,
            end: gs + trimmed.len(),
        });
    }
    // A comment has a group or two: a pushed vector would hold room for four (416 bytes per
    // card of an open note).
    groups.shrink_to_fit();
    SrComment {
        start,
        end: body_end + 3,
        groups,
        loose: false,
    }
}

/// The plugin's fallback reader, used when no `<!--SR:…-->` is in the card: every
/// `!date,interval,ease` match (`!([\d-]+),([\d.]+),([\d.]+)`) in the card's lines. Mutated
/// notes show it reading damaged comments such as `<!-`-SR:!2025-01-03,15,290-->`.
pub fn find_loose(
    text: &str,
    lines: &crate::plugin::lines::Lines,
    card_lines: &[usize],
) -> Option<SrComment> {
    let mut groups = Vec::new();
    for &li in card_lines {
        let l = lines.get(li);
        let s = &text[l.start..l.end];
        let b = s.as_bytes();
        let mut i = 0;
        while let Some(p) = s[i..].find('!') {
            let bang = i + p;
            let mut j = bang + 1;
            let mut parts = [(0usize, 0usize); 3];
            let mut ok = true;
            for (k, part) in parts.iter_mut().enumerate() {
                let st = j;
                while j < b.len()
                    && (if k == 0 {
                        b[j].is_ascii_digit() || b[j] == b'-'
                    } else {
                        b[j].is_ascii_digit() || b[j] == b'.'
                    })
                {
                    j += 1;
                }
                if j == st {
                    ok = false;
                    break;
                }
                *part = (st, j);
                if k < 2 {
                    if j < b.len() && b[j] == b',' {
                        j += 1;
                    } else {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                i = bang + 1;
                continue;
            }
            let gtext = &s[bang + 1..j];
            groups.push(GroupSpan {
                group: parse_group(gtext),
                text: gtext.to_string(),
                start: l.start + bang + 1,
                end: l.start + j,
            });
            let _ = parts;
            i = j;
        }
    }
    let first = groups.first()?;
    let start = first.start - 1;
    let end = groups.last().map_or(first.end, |g| g.end);
    Some(SrComment {
        start,
        end,
        groups,
        loose: true,
    })
}

/// Parses one group (without its `!`).
pub fn parse_group(g: &str) -> Group {
    if g.starts_with("fsrs,") {
        return match FsrsCard::parse_segment(g) {
            Ok(c) => Group::Fsrs(Box::new(c)),
            Err(e) => Group::Invalid(Box::new(Invalid {
                reasons: vec![format!("FSRS group: {e}")],
                due: None,
                interval: None,
                ease: None,
            })),
        };
    }
    let fields: Vec<&str> = g.split(',').collect();
    let date = parse_date(fields[0]);
    let interval = fields.get(1).and_then(|f| js::text::parse_int(f));
    let ease = fields.get(2).and_then(|f| js::text::parse_int(f));
    let due = date.map(|d| d.0);
    if due == Some(PLACEHOLDER_DATE) {
        return Group::New { ease };
    }
    let invalid = |reasons: Vec<String>| {
        Group::Invalid(Box::new(Invalid {
            reasons,
            due,
            interval,
            ease,
        }))
    };
    if fields.len() < 3 {
        return invalid(vec![format!(
            "`{g}` has {} field{}; expected `date,interval,ease`",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" }
        )]);
    }
    let mut reasons = Vec::new();
    if date.is_none() {
        reasons.push(format!(
            "`{}` is not a valid date (expected YYYY-MM-DD)",
            fields[0].trim()
        ));
    }
    if interval.is_none() {
        reasons.push(format!("interval `{}` is not a number", fields[1].trim()));
    }
    if ease.is_none() {
        reasons.push(format!("ease `{}` is not a number", fields[2].trim()));
    }
    match (date, interval, ease) {
        (Some((due, legacy)), Some(interval), Some(ease)) => Group::Sm2 {
            due,
            interval,
            ease,
            legacy_date: legacy || !is_canonical_date(fields[0]),
        },
        _ => invalid(reasons),
    }
}

fn is_canonical_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// moment's multi-format parse (see [`crate::plugin::js::date`]). Returns the date and whether a legacy
/// format was used.
pub fn parse_date(s: &str) -> Option<(NaiveDate, bool)> {
    crate::plugin::js::date::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(s: &str) -> Vec<Group> {
        find_first(s, 0, s.len())
            .map(|c| c.groups.into_iter().map(|g| g.group).collect())
            .unwrap_or_default()
    }

    #[test]
    fn reads_groups() {
        let g = groups("<!--SR:!2025-01-03,15,290!2000-01-01,1,250-->");
        assert_eq!(g.len(), 2);
        assert!(matches!(
            g[0],
            Group::Sm2 {
                interval: 15,
                ease: 290,
                ..
            }
        ));
        assert!(matches!(g[1], Group::New { .. }));
        assert!(matches!(
            groups("<!--SR:2021-08-11,4,270-->")[0],
            Group::Sm2 { interval: 4, .. }
        ));
        assert!(matches!(
            groups("<!--SR:!2025-01-13,2.5,250-->")[0],
            Group::Sm2 { interval: 2, .. }
        ));
        assert!(matches!(
            groups("<!--SR:!x-y-z,1,250-->")[0],
            Group::Invalid { .. }
        ));
        assert!(matches!(
            groups("<!--SR:!bad-->")[0],
            Group::Invalid(ref i) if i.due.is_none() && i.interval.is_none()
        ));
        assert!(matches!(
            groups("<!--SR:!Wed Aug 11 2021,4,270-->")[0],
            Group::Sm2 {
                legacy_date: true,
                ..
            }
        ));

        assert!(groups("<!--SR:-->").is_empty());
    }

    #[test]
    fn every_problem_of_a_group() {
        let Group::Invalid(i) = parse_group("x-y-z,x,y") else {
            panic!("invalid")
        };
        let reasons = &i.reasons;
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].contains("`x-y-z` is not a valid date"));
        assert!(reasons[1].contains("interval `x`"));
        assert!(reasons[2].contains("ease `y`"));
    }

    #[test]
    fn spans_are_exact() {
        let s = "Q::A <!--SR:!2025-01-03,15,290-->";
        let c = find_first(s, 0, s.len()).unwrap();
        assert_eq!(&s[c.start..c.end], "<!--SR:!2025-01-03,15,290-->");
        assert_eq!(&s[c.groups[0].start..c.groups[0].end], "2025-01-03,15,290");
    }
}
