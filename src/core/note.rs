//! A parsed note: its cards, their scheduling comments and decks (spec §1, §2.4, §3.2).

use super::cloze::{ClozeEngine, ClozeKind};
use super::jstext;
use super::lines::Lines;
use super::scanner::{self, CardType, RawCard, ScanEvent};
use super::settings::Settings;
use super::sr_comment::{self, Group, SrComment};
use super::tags::{self, FrontMatter, Tag};

/// Where a note lives, for folder decks and ignored folders.
#[derive(Debug, Clone, Default)]
pub struct NoteContext {
    /// The note's path relative to its vault root, with `/` separators.
    pub vault_path: Option<String>,
}

/// A flashcard as the plugin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub kind: CardType,
    /// 0-based lines as the plugin reports them (quirks included).
    pub first_line: usize,
    pub last_line: usize,
    /// Byte range from the start of the first line to the end of the last line's content.
    pub start: usize,
    pub end: usize,
    /// The scanner's text of the card.
    pub raw: String,
    /// Note lines that make up the card's text.
    pub src_lines: Vec<usize>,
    /// The card's last line of text (a consumed closing fence included).
    pub end_line: usize,
    /// Front and back of each sibling, as the plugin builds them (not trimmed).
    pub sides: Vec<(String, String)>,
    /// The first scheduling comment of the card (the one the plugin reads).
    pub comment: Option<SrComment>,
    /// Further SR comments inside the card (ignored by the plugin), byte ranges.
    pub extra_comments: Vec<(usize, usize)>,
    /// One entry per sibling: `None` for a new sibling.
    pub schedule: Vec<Option<Group>>,
    /// Groups beyond the sibling count (the plugin drops them and rewrites the note).
    pub extra_groups: usize,
    /// Decks, as `#`-prefixed topic paths.
    pub decks: Vec<String>,
    /// Leading tag removed from the question, and the block id cut from the end.
    pub leading_tag: Option<String>,
    pub block_id: Option<String>,
    pub cloze_kind: Option<ClozeKind>,
}

impl Card {
    pub fn siblings(&self) -> usize {
        self.sides.len()
    }
    pub fn question(&self) -> &str {
        self.sides.first().map_or("", |s| s.0.as_str())
    }
    pub fn answer(&self) -> &str {
        self.sides.first().map_or("", |s| s.1.as_str())
    }
}

/// A parsed note.
#[derive(Debug, Clone, Default)]
pub struct Note {
    /// Whether the plugin parses this note for cards at all.
    pub is_flashcard_note: bool,
    /// Why not, when it is not (for diagnostics).
    pub gate_reason: Option<String>,
    pub cards: Vec<Card>,
    /// Cards the scanner found but that got no deck (the plugin drops them).
    pub dropped: Vec<Card>,
    /// Obsidian's tags of the note (front matter first, line −1).
    pub tags: Vec<Tag>,
    pub front_matter: Option<FrontMatter>,
    pub events: Vec<ScanEvent>,
    pub lines: Lines,
    pub cloze_errors: Vec<(String, String)>,
}

/// Parses a note. Pure: no file system, no clock.
pub fn parse_note(text: &str, settings: &Settings, ctx: &NoteContext) -> Note {
    let engine = ClozeEngine::new(&settings.cloze_patterns);
    parse_note_with(text, settings, ctx, &engine)
}

/// Like [`parse_note`] with a prepared cloze engine (compiling regexes once per vault).
pub fn parse_note_with(
    text: &str,
    settings: &Settings,
    ctx: &NoteContext,
    engine: &ClozeEngine,
) -> Note {
    let lines = Lines::new(text);
    let fm = tags::front_matter(text, &lines);
    let body_from = fm.as_ref().map_or(0, |f| f.close_line + 1);
    let mut all_tags: Vec<Tag> = fm
        .iter()
        .flat_map(|f| f.tags.iter())
        .map(|t| Tag {
            name: t.clone(),
            line: -1,
            start: 0,
            end: 0,
        })
        .collect();
    all_tags.extend(tags::inline_tags(text, &lines, body_from));

    let mut note = Note {
        lines,
        cloze_errors: engine.errors.clone(),
        ..Note::default()
    };

    let folder = ctx
        .vault_path
        .as_deref()
        .and_then(|p| p.rsplit_once('/').map(|(d, _)| d.to_string()))
        .filter(|d| !d.is_empty());
    let ignored_tag = all_tags
        .iter()
        .find(|t| tags::matches_any(&t.name, &settings.flashcard_tags_to_ignore));
    let has_flashcard_tag = all_tags
        .iter()
        .any(|t| tags::matches_any(&t.name, &settings.flashcard_tags));
    if let Some(t) = ignored_tag {
        note.gate_reason = Some(format!("the note has the ignored tag {}", t.name));
    } else if settings.convert_folders_to_decks {
        if folder.is_none() {
            note.gate_reason = Some(
                "folders are decks in this vault, and notes at the vault root hold no cards".into(),
            );
        }
    } else if !has_flashcard_tag {
        note.gate_reason = Some(format!(
            "the note has no flashcard tag ({})",
            settings.flashcard_tags.join(", ")
        ));
    }
    if let Some(p) = ctx.vault_path.as_deref()
        && let Some(glob) = settings
            .note_folders_to_ignore
            .iter()
            .find(|g| super::glob::path_ignored(p, g))
    {
        note.gate_reason = Some(format!(
            "the note's path matches the ignored folder `{glob}`"
        ));
    }
    note.is_flashcard_note = note.gate_reason.is_none();

    let raw = scanner::scan(
        text,
        &note.lines,
        fm.as_ref().map(|f| f.close_line),
        settings,
        engine,
        Some(&mut note.events),
    );
    note.tags = all_tags;
    note.front_matter = fm;

    let decker = Decker::new(&note, settings, &raw, folder.as_deref());
    for rc in raw {
        let mut card = build_card(text, &note.lines, rc, settings, engine);
        card.decks = decker.decks_for(&card);
        if card.decks.is_empty() {
            note.dropped.push(card);
        } else {
            note.cards.push(card);
        }
    }
    if !note.is_flashcard_note {
        note.dropped.append(&mut note.cards);
    }
    note
}

/// Removes every SR comment (greedy within each line) from a card's text.
fn strip_sr_comments(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains("<!--SR:") {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match (line.find("<!--SR:"), line.rfind("-->")) {
            (Some(o), Some(c)) if c >= o + 7 => {
                out.push_str(&line[..o]);
                out.push_str(&line[c + 3..]);
            }
            _ => out.push_str(line),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A leading tag: after left trim, `#` and one or more characters that are neither white space
/// nor `#`, with a non-empty path. Returns (tag, byte length consumed including white space).
fn leading_tag(s: &str) -> Option<(&str, usize)> {
    let lead = s.len() - jstext::trim_start(s).len();
    let rest = &s[lead..];
    let body = rest.strip_prefix('#')?;
    let blen: usize = body
        .chars()
        .take_while(|&c| !jstext::is_js_space(c) && !c.is_whitespace() && c != '#')
        .map(char::len_utf8)
        .sum();
    if blen == 0 || body[..blen].split('/').all(str::is_empty) {
        return None;
    }
    let tag = &rest[..1 + blen];
    let after = &rest[1 + blen..];
    let ws = after.len() - jstext::trim_start(after).len();
    Some((tag, lead + 1 + blen + ws))
}

/// `s.substring(units)` in JavaScript, rounding a split surrogate pair up.
fn utf16_suffix(s: &str, units: usize) -> String {
    let mut seen = 0;
    for (i, c) in s.char_indices() {
        if seen >= units {
            return s[i..].to_string();
        }
        seen += c.len_utf16();
    }
    String::new()
}

/// ` ^block-id` at the very end.
fn block_id(s: &str) -> Option<usize> {
    let caret = s.rfind(" ^")?;
    let id = &s[caret + 2..];
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')).then_some(caret)
}

fn build_card(
    text: &str,
    lines: &Lines,
    rc: RawCard,
    settings: &Settings,
    engine: &ClozeEngine,
) -> Card {
    let start = lines.get(rc.first_line.min(lines.len() - 1)).start;
    let end = lines.get(rc.last_line.min(lines.len() - 1)).end;

    // The first SR comment in the card's own lines, and any further ones.
    let mut comment: Option<SrComment> = None;
    let mut extra_comments = Vec::new();
    let card_lines = &rc.src_lines;
    for &li in card_lines {
        let l = lines.get(li);
        if comment.is_none()
            && let Some(c) = sr_comment::find_first(text, l.start, l.end)
        {
            for (s, e) in sr_comment::find_all_lines(text, l.start, l.end) {
                if s != c.start {
                    extra_comments.push((s, e));
                }
            }
            comment = Some(c);
            continue;
        }
        if comment.is_some() {
            extra_comments.extend(sr_comment::find_all_lines(text, l.start, l.end));
        }
    }

    if comment.is_none() {
        comment = sr_comment::find_loose(text, lines, card_lines);
    }

    let stripped = strip_sr_comments(&rc.text);
    let (q, tag) = match leading_tag(&stripped) {
        Some((tag, consumed)) => (stripped[consumed..].to_string(), Some(tag.to_string())),
        None => (jstext::trim_end(&stripped).to_string(), None),
    };
    let (q, bid) = match block_id(&q) {
        Some(c) => (
            jstext::trim_end(&q[..c]).to_string(),
            Some(q[c + 2..].to_string()),
        ),
        None => (q, None),
    };

    let mut kind = rc.kind;
    let mut cloze_kind = None;
    let sides: Vec<(String, String)> = match kind {
        CardType::SingleLineBasic | CardType::SingleLineReversed => {
            let sep = if kind == CardType::SingleLineBasic {
                &settings.single_line_card_separator
            } else {
                &settings.single_line_reversed_card_separator
            };
            let (f, b) = match q.find(sep.as_str()) {
                Some(p) => (q[..p].to_string(), q[p + sep.len()..].to_string()),
                // `indexOf` gave −1: JavaScript's `substring(0, -1)` is empty and the back
                // starts `sep.length − 1` units in (a damaged comment can cause this).
                None => (
                    String::new(),
                    utf16_suffix(&q, sep.encode_utf16().count() - 1),
                ),
            };
            if kind == CardType::SingleLineReversed {
                vec![(f.clone(), b.clone()), (b, f)]
            } else {
                vec![(f, b)]
            }
        }
        CardType::MultiLineBasic | CardType::MultiLineReversed => {
            let sep = if kind == CardType::MultiLineBasic {
                &settings.multiline_card_separator
            } else {
                &settings.multiline_reversed_card_separator
            };
            let ls: Vec<&str> = q.split('\n').collect();
            let (f, b) = match ls.iter().position(|l| jstext::trim(l) == sep.as_str()) {
                Some(p) => (ls[..p].join("\n"), ls[p + 1..].join("\n")),
                None => (q.clone(), String::new()),
            };
            if kind == CardType::MultiLineReversed {
                vec![(f.clone(), b.clone()), (b, f)]
            } else {
                vec![(f, b)]
            }
        }
        CardType::Cloze => {
            let (ck, dels, n) = engine.siblings(&q);
            cloze_kind = Some(ck);
            (0..n).map(|k| engine.render(&q, ck, &dels, k)).collect()
        }
    };
    if sides.is_empty() {
        kind = CardType::Cloze;
    }

    let groups: Vec<Group> = comment
        .as_ref()
        .map(|c| c.groups.iter().map(|g| g.group.clone()).collect())
        .unwrap_or_default();
    let n = sides.len();
    let extra_groups = groups.len().saturating_sub(n);
    let schedule = (0..n)
        .map(|i| match groups.get(i) {
            None | Some(Group::New { .. }) => None,
            Some(g) => Some(g.clone()),
        })
        .collect();

    Card {
        kind,
        first_line: rc.first_line,
        last_line: rc.last_line,
        start,
        end,
        raw: rc.text,
        src_lines: rc.src_lines,
        end_line: rc.end_line,
        sides,
        comment,
        extra_comments,
        schedule,
        extra_groups,
        decks: vec![],
        leading_tag: tag,
        block_id: bid,
        cloze_kind,
    }
}

/// Deck assignment (spec §1.2).
struct Decker {
    folder_mode: bool,
    folder: Option<String>,
    /// Content groups: (line, decks), in line order.
    content: Vec<(i64, Vec<String>)>,
    front_matter: Vec<String>,
    fallback: Option<String>,
}

fn deck_of(tag: &str) -> Option<String> {
    let pieces: Vec<&str> = tag
        .trim_start_matches('#')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    (!pieces.is_empty()).then(|| format!("#{}", pieces.join("/")))
}

impl Decker {
    fn new(note: &Note, settings: &Settings, raw: &[RawCard], folder: Option<&str>) -> Decker {
        let is_fc = |t: &str| tags::matches_any(t, &settings.flashcard_tags);
        let in_card = |line: i64| {
            raw.iter()
                .any(|c| line >= c.first_line as i64 && line <= c.last_line as i64)
        };
        let mut content: Vec<(i64, Vec<String>)> = Vec::new();
        for t in note.tags.iter().filter(|t| t.line >= 0 && is_fc(&t.name)) {
            if in_card(t.line) {
                continue;
            }
            let Some(d) = deck_of(&t.name) else { continue };
            match content.last_mut() {
                Some((l, v)) if *l == t.line => {
                    if !v.contains(&d) {
                        v.push(d)
                    }
                }
                _ => content.push((t.line, vec![d])),
            }
        }
        let mut front_matter = Vec::new();
        if let Some(fm) = &note.front_matter {
            for t in &fm.plugin_tags {
                if is_fc(t)
                    && let Some(d) = deck_of(t)
                    && !front_matter.contains(&d)
                {
                    front_matter.push(d);
                }
            }
        }
        // The fallback is the first flashcard tag in line order, where the front matter's tags are
        // the plugin's own reading of `tags` (so `tags: a b` gives none: the cards are dropped).
        let fallback = front_matter.first().cloned().or_else(|| {
            note.tags
                .iter()
                .filter(|t| t.line >= 0 && is_fc(&t.name))
                .find_map(|t| deck_of(&t.name))
        });
        Decker {
            folder_mode: settings.convert_folders_to_decks,
            folder: folder.map(|f| format!("#{f}")),
            content,
            front_matter,
            fallback,
        }
    }

    fn decks_for(&self, card: &Card) -> Vec<String> {
        if self.folder_mode {
            return self.folder.iter().cloned().collect();
        }
        if let Some(t) = &card.leading_tag {
            return deck_of(t).into_iter().collect();
        }
        if let Some((_, g)) = self
            .content
            .iter()
            .rev()
            .find(|(l, _)| *l < card.first_line as i64)
        {
            return g.clone();
        }
        if !self.front_matter.is_empty() {
            return self.front_matter.clone();
        }
        self.fallback.iter().cloned().collect()
    }
}
