//! Deck tags in a note: where they are (body tags and front-matter `tags:` entries, with byte
//! ranges), what a rename of one changes, and whether a new name is acceptable.

use crate::features::grade::Edit;
use crate::note::Note;
use crate::plugin::settings::Settings;
use crate::plugin::tags::{is_tag_body, matches_any, tag_matches};

/// A tag written in a note: its name (`#`-prefixed) and the byte range of what is written
/// (front-matter entries are often written without the `#`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSpan {
    pub name: String,
    pub start: usize,
    pub end: usize,
    /// Where the name's body (after any `#`) starts.
    pub body: usize,
}

/// Every tag written in the note: front-matter entries first, then body tags, in order.
pub fn tag_spans(text: &str, note: &Note) -> Vec<TagSpan> {
    let mut out = front_matter_spans(text, note);
    out.extend(note.tags.iter().filter(|t| t.line >= 0).map(|t| TagSpan {
        name: t.name.clone(),
        start: t.start,
        end: t.end,
        body: t.start + 1,
    }));
    out
}

/// The tag under a byte offset (its end included, where a cursor after a word stands).
pub fn tag_at(text: &str, note: &Note, offset: usize) -> Option<TagSpan> {
    tag_spans(text, note)
        .into_iter()
        .find(|t| t.start <= offset && offset <= t.end)
}

/// The entries of the front matter's `tags:`/`tag:` keys (any case): an inline value
/// (`tags: a, b`, `tags: [a, b]`) and the `- item` lines below the key.
fn front_matter_spans(text: &str, note: &Note) -> Vec<TagSpan> {
    let mut out = Vec::new();
    for (start, from, line) in tag_value_lines(text, note) {
        tokens(line, start, from, &mut out);
    }
    out
}

/// The front-matter lines holding tag values: (line start, byte of the value in the line, line).
pub fn tag_value_lines<'a>(text: &'a str, note: &Note) -> Vec<(usize, usize, &'a str)> {
    let Some(fm) = &note.front_matter else {
        return vec![];
    };
    let mut out = Vec::new();
    let mut in_tags = false;
    for i in 1..fm.close_line {
        let l = note.lines.get(i);
        let line = &text[l.start..l.end];
        if !line.starts_with([' ', '\t', '-']) {
            in_tags = false;
            if let Some((key, _)) = line.split_once(':') {
                let key = key.trim().to_lowercase();
                in_tags = key == "tags" || key == "tag";
                if in_tags {
                    out.push((l.start, key.len() + 1, line));
                }
            }
        } else if in_tags && let Some(item) = line.trim_start().strip_prefix('-') {
            out.push((l.start, line.len() - item.len(), line));
        }
    }
    out
}

/// Whether `c` separates front-matter tag entries.
fn separates(c: char) -> bool {
    c == ',' || c.is_whitespace() || "[]\"'".contains(c)
}

/// The tag tokens of `line[from..]` (separated by `,`, white space, brackets and quotes).
fn tokens(line: &str, base: usize, from: usize, out: &mut Vec<TagSpan>) {
    let mut start = None;
    let rest = &line[from..];
    for (i, c) in rest
        .char_indices()
        .chain(std::iter::once((rest.len(), ' ')))
    {
        match (separates(c), start) {
            (true, Some(s)) => {
                let tok = &rest[s..i];
                let hash = usize::from(tok.starts_with('#'));
                out.push(TagSpan {
                    name: format!("#{}", &tok[hash..]),
                    start: base + from + s,
                    end: base + from + i,
                    body: base + from + s + hash,
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
}

/// The edits renaming `old` and its sub-tags to `new` in one note (both `#`-prefixed): only
/// the bytes of `old`'s body in each tag change.
pub fn rename_edits(text: &str, note: &Note, old: &str, new: &str) -> Vec<Edit> {
    let (old_body, new_body) = (&old[1..], &new[1..]);
    tag_spans(text, note)
        .into_iter()
        .filter(|t| tag_matches(&t.name, old))
        .map(|t| Edit {
            start: t.body,
            end: t.body + old_body.len(),
            text: new_body.to_string(),
        })
        .collect()
}

/// What the user is typing as a tag at a byte offset: where the tag's body starts and what
/// of it is typed (after `#` in the body of a flashcard note, or in a front-matter tags entry).
pub fn typing_tag(text: &str, note: &Note, offset: usize) -> Option<(usize, String)> {
    let offset = crate::text::position::snap_str_offset(text, offset.min(text.len()));
    let line_start = note.lines.get(note.lines.line_of(offset)).start;
    let before = &text[line_start..offset];
    let in_value = tag_value_lines(text, note)
        .into_iter()
        .any(|(s, from, _)| s == line_start && before.len() >= from);
    if in_value {
        let token = before.rsplit(separates).next().unwrap_or("");
        let body = token.trim_start_matches('#');
        return Some((offset - body.len(), body.to_string()));
    }
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric() && !"-_/".contains(c))
        .next()?;
    let hash = before.len() - word.len();
    let opened = before[..hash].strip_suffix('#')?;
    let after_space = opened.chars().next_back().is_none_or(char::is_whitespace);
    (note.is_flashcard_note && after_space).then(|| (offset - word.len(), word.to_string()))
}

/// Deck completions: every deck of the vault and its parents with the cards it holds (its
/// sub-decks' included), and the settings' flashcard tags, whose body starts with `typed`
/// (case-insensitive). Bodies without `#`, sorted.
pub fn deck_candidates<'a>(
    decks: impl Iterator<Item = (&'a str, u32)>,
    settings: &Settings,
    typed: &str,
) -> Vec<(String, u32)> {
    let mut total: std::collections::BTreeMap<String, u32> = settings
        .flashcard_tags
        .iter()
        .map(|t| (t.trim_start_matches('#').to_string(), 0))
        .collect();
    for (deck, n) in decks {
        let body = deck.trim_start_matches('#');
        let mut end = body.len();
        loop {
            *total.entry(body[..end].to_string()).or_default() += n;
            match body[..end].rfind('/') {
                Some(i) => end = i,
                None => break,
            }
        }
    }
    let typed = typed.to_lowercase();
    total
        .into_iter()
        .filter(|(d, _)| d.to_lowercase().starts_with(&typed))
        .collect()
}

/// At most `limit` of the candidates (deck, cards), keeping those with the most cards (ties:
/// by name), in name order; `true` when some were left out, so that a client asks again as
/// the user types on.
pub fn most_used(mut candidates: Vec<(String, u32)>, limit: usize) -> (Vec<(String, u32)>, bool) {
    if candidates.len() <= limit {
        return (candidates, false);
    }
    candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    candidates.truncate(limit);
    candidates.sort_by(|a, b| a.0.cmp(&b.0));
    (candidates, true)
}

/// The decks to offer putting a card in: the settings' first flashcard tag, then the vault's
/// decks (`#`-prefixed, sorted, each once), at most `max` in all.
pub fn deck_offers<'a>(
    decks: impl Iterator<Item = &'a str>,
    settings: &Settings,
    max: usize,
) -> Vec<String> {
    let first = settings.flashcard_tags.first().cloned();
    let mut vault: Vec<String> = decks
        .filter(|d| is_deck_tag(d, settings) && Some(*d) != first.as_deref())
        .map(str::to_string)
        .collect();
    vault.sort();
    vault.dedup();
    first.into_iter().chain(vault).take(max).collect()
}

/// Whether a tag is a deck tag of these settings (a flashcard tag or below one).
pub fn is_deck_tag(name: &str, settings: &Settings) -> bool {
    matches_any(name, &settings.flashcard_tags)
}

/// A rename that passed [`check_rename`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameTo {
    /// The new name, `#`-prefixed.
    pub name: String,
    /// Whether the new name is an existing deck, so the rename merges the two (only when the
    /// check was told the user can confirm that).
    pub merges: bool,
}

/// Checks a rename of deck `old` to what the user typed; gives the new name or why it is
/// refused. `exists(tag)`: whether the vault has that tag or one below it. A rename into an
/// existing deck merges the two: refused unless `can_confirm` (the client asks the user).
pub fn check_rename(
    old: &str,
    typed: &str,
    settings: &Settings,
    exists: impl Fn(&str) -> bool,
    can_confirm: bool,
) -> Result<RenameTo, String> {
    let body = typed.trim().trim_start_matches('#');
    if !is_tag_body(body) {
        return Err(format!(
            "`{typed}` is not a tag name: use letters, digits, `-`, `_` and `/` between non-empty parts, not only digits"
        ));
    }
    let new = format!("#{body}");
    if settings.flashcard_tags.iter().any(|t| t == old) {
        return Err(format!(
            "{old} is a flashcard tag of the plugin's settings: rename it there first"
        ));
    }
    if !is_deck_tag(&new, settings) {
        return Err(format!(
            "{new} is not below a flashcard tag ({}): its cards would leave every deck",
            settings.flashcard_tags.join(", ")
        ));
    }
    let merges = new != old && exists(&new);
    if merges && !can_confirm {
        return Err(format!(
            "{new} is already a deck of this vault: renaming {old} would merge the two decks"
        ));
    }
    Ok(RenameTo { name: new, merges })
}

/// The label and description of the confirmation a merging rename asks for: `cards` is how many
/// cards deck `old` (its sub-decks included) holds.
pub fn merge_confirmation(old: &str, new: &str, cards: u32) -> (String, String) {
    let plural = if cards == 1 { "" } else { "s" };
    (
        format!("Merge deck {old} into the existing deck {new}"),
        format!(
            "Renaming {old} to {new} merges deck {old} into existing deck {new} ({cards} card{plural})"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::grade::apply_edits;
    use crate::note::{NoteContext, parse_note};

    fn renamed(text: &str, old: &str, new: &str) -> String {
        let note = parse_note(text, &Settings::default(), &NoteContext::default());
        apply_edits(text, &rename_edits(text, &note, old, new))
    }

    #[test]
    fn renames_body_and_front_matter_tags_and_sub_decks_only() {
        let text = "---\r\ntags: [flashcards/geo, other]\r\nTag:\r\n  - \"#flashcards/geo/asia\"\r\n  - flashcards/geography\r\n---\r\n#flashcards/geo 🃏 #flashcards/geox\r\nQ::A\r\n";
        assert_eq!(
            renamed(text, "#flashcards/geo", "#flashcards/地理"),
            "---\r\ntags: [flashcards/地理, other]\r\nTag:\r\n  - \"#flashcards/地理/asia\"\r\n  - flashcards/geography\r\n---\r\n#flashcards/地理 🃏 #flashcards/geox\r\nQ::A\r\n"
        );
    }

    #[test]
    fn finds_the_tag_under_the_cursor() {
        let text = "\u{feff}---\ntags: a, flashcards/x\n---\n😀 #flashcards/y Q::A\n";
        let note = parse_note(text, &Settings::default(), &NoteContext::default());
        let fm = tag_at(text, &note, text.find("ards/x").unwrap()).unwrap();
        assert_eq!(fm.name, "#flashcards/x");
        assert_eq!(&text[fm.start..fm.end], "flashcards/x");
        let body = tag_at(text, &note, text.find("#flashcards/y").unwrap()).unwrap();
        assert_eq!(&text[body.start..body.end], "#flashcards/y");
        assert_eq!(tag_at(text, &note, text.find("Q::").unwrap()), None);
    }

    #[test]
    fn knows_what_tag_is_being_typed() {
        let text = "---\ntags:\n  - flashcards/g\n---\n😀 #flashcards/ge x#no\n";
        let note = parse_note(text, &Settings::default(), &NoteContext::default());
        let fm = text.find("/g\n").unwrap() + 2;
        assert_eq!(
            typing_tag(text, &note, fm),
            Some((fm - 12, "flashcards/g".into()))
        );
        let body = text.find("/ge").unwrap() + 3;
        assert_eq!(
            typing_tag(text, &note, body),
            Some((body - 13, "flashcards/ge".into()))
        );
        assert_eq!(typing_tag(text, &note, text.find("#no").unwrap() + 3), None);
        assert_eq!(typing_tag(text, &note, text.find("x#").unwrap()), None);
    }

    #[test]
    fn candidates_count_sub_decks_into_parents() {
        let decks = [
            ("#flashcards/geo", 2),
            ("#flashcards/geo/asia", 3),
            ("#Other/x", 1),
        ];
        let c = deck_candidates(decks.into_iter(), &Settings::default(), "FLASH");
        let want = [
            ("flashcards", 5),
            ("flashcards/geo", 5),
            ("flashcards/geo/asia", 3),
        ];
        assert_eq!(c, want.map(|(d, n)| (d.to_string(), n)));
    }

    #[test]
    fn offers_the_first_flashcard_tag_then_the_vaults_decks() {
        let decks = [
            "#flashcards/b",
            "#flashcards",
            "#other/x",
            "#flashcards/a",
            "#flashcards/b",
        ];
        assert_eq!(
            deck_offers(decks.into_iter(), &Settings::default(), 3),
            ["#flashcards", "#flashcards/a", "#flashcards/b"]
        );
        assert_eq!(
            deck_offers(decks.into_iter(), &Settings::default(), 2).len(),
            2
        );
    }

    #[test]
    fn refuses_bad_names_and_merges() {
        let s = Settings::default();
        let none = |_: &str| false;
        let to_b = RenameTo {
            name: "#flashcards/b".into(),
            merges: false,
        };
        assert_eq!(
            check_rename("#flashcards/a", "flashcards/b", &s, none, false),
            Ok(to_b)
        );
        assert!(
            check_rename("#flashcards/a", "flashcards/a b", &s, none, true)
                .unwrap_err()
                .contains("not a tag name")
        );
        assert!(check_rename("#flashcards/a", "#flashcards//b", &s, none, true).is_err());
        assert!(
            check_rename("#flashcards/a", "other/b", &s, none, true)
                .unwrap_err()
                .contains("leave every deck")
        );
        assert!(
            check_rename("#flashcards", "#cards", &s, none, true)
                .unwrap_err()
                .contains("settings")
        );
        let b_exists = |t: &str| t == "#flashcards/b";
        let merge = check_rename("#flashcards/a", "flashcards/b", &s, b_exists, false);
        assert_eq!(
            merge.unwrap_err(),
            "#flashcards/b is already a deck of this vault: renaming #flashcards/a would merge the two decks"
        );
        let confirmed = check_rename("#flashcards/a", "flashcards/b", &s, b_exists, true);
        assert_eq!(
            confirmed,
            Ok(RenameTo {
                name: "#flashcards/b".into(),
                merges: true
            })
        );
        assert_eq!(
            merge_confirmation("#flashcards/a", "#flashcards/b", 1).1,
            "Renaming #flashcards/a to #flashcards/b merges deck #flashcards/a into existing deck #flashcards/b (1 card)"
        );
    }

    #[test]
    fn most_used_keeps_the_decks_with_most_cards_in_name_order() {
        let c = |v: &[(&str, u32)]| -> Vec<(String, u32)> {
            v.iter().map(|(d, n)| (d.to_string(), *n)).collect()
        };
        let all = c(&[("a", 1), ("b", 5), ("c", 0), ("d", 5), ("e", 3)]);
        assert_eq!(most_used(all.clone(), 5), (all.clone(), false));
        assert_eq!(
            most_used(all, 3),
            (c(&[("b", 5), ("d", 5), ("e", 3)]), true)
        );
    }
}
