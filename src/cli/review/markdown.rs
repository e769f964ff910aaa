//! Markdown shown readably in a terminal: headings, emphasis, inline code, code blocks, lists,
//! quotes and rules; images and links become their text. Not a full renderer: a card is short,
//! and what matters is that it reads well, never that it round-trips.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};

/// Renders markdown into styled lines; `width` is the room for horizontal rules.
pub fn render(md: &str, width: u16) -> Text<'static> {
    let mut lines = Vec::new();
    let mut fence: Option<&str> = None;
    for raw in md.lines() {
        let trimmed = raw.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            } else {
                lines.push(Line::styled(format!("  {raw}"), code_style()));
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        lines.push(block_line(raw, width));
    }
    Text::from(lines)
}

fn code_style() -> Style {
    Style::default().fg(Color::Cyan)
}

/// One line outside code blocks.
fn block_line(raw: &str, width: u16) -> Line<'static> {
    let t = raw.trim();
    if is_rule(t) {
        let n = usize::from(width.clamp(3, 200));
        return Line::styled("─".repeat(n), Style::default().fg(Color::DarkGray));
    }
    if let Some((level, text)) = heading(t) {
        let style = Style::default()
            .add_modifier(Modifier::BOLD)
            .fg(if level == 1 {
                Color::Yellow
            } else {
                Color::Green
            });
        return Line::from(inline(text, style));
    }
    let indent = raw.len() - raw.trim_start().len();
    let pad = " ".repeat(indent);
    if let Some(rest) = t.strip_prefix('>') {
        let mut spans = vec![Span::styled(
            format!("{pad}│ "),
            Style::default().fg(Color::DarkGray),
        )];
        spans.extend(inline(rest.trim_start(), Style::default()));
        return Line::from(spans);
    }
    if let Some((bullet, rest)) = list_item(t) {
        let mut spans = vec![Span::raw(format!("{pad}{bullet} "))];
        spans.extend(inline(rest, Style::default()));
        return Line::from(spans);
    }
    let mut spans = Vec::new();
    if !pad.is_empty() {
        spans.push(Span::raw(pad));
    }
    spans.extend(inline(t, Style::default()));
    Line::from(spans)
}

fn is_rule(t: &str) -> bool {
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|m| compact.chars().all(|c| c.to_string() == *m))
}

fn heading(t: &str) -> Option<(usize, &str)> {
    let level = t.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &t[level..];
    (rest.is_empty() || rest.starts_with(' '))
        .then(|| (level, rest.trim().trim_end_matches('#').trim_end()))
}

/// `- x`, `* x`, `+ x` (tasks too) and `1. x` / `1) x`.
fn list_item(t: &str) -> Option<(String, &str)> {
    for m in ["- [ ] ", "- [x] ", "- [X] "] {
        if let Some(rest) = t.strip_prefix(m) {
            let done = !m.contains("[ ]");
            return Some((if done { "☑" } else { "☐" }.to_string(), rest));
        }
    }
    for m in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(m) {
            return Some(("•".to_string(), rest));
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 10 {
        let rest = &t[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some((format!("{}.", &t[..digits]), r));
        }
    }
    None
}

/// Inline markup: `**bold**`, `*italic*`/`_italic_`, `` `code` ``, `==highlight==`, links and
/// images as text.
fn inline(s: &str, base: Style) -> Vec<Span<'static>> {
    let s = links_as_text(s);
    let mut spans = Vec::new();
    let mut plain = String::new();
    let mut rest = s.as_str();
    let mut prev_word = false;
    while let Some(c) = rest.chars().next() {
        // `_` inside a word (snake_case) is no emphasis.
        let found = [
            ("`", Style::default().fg(Color::Cyan)),
            ("**", Style::default().add_modifier(Modifier::BOLD)),
            ("__", Style::default().add_modifier(Modifier::BOLD)),
            ("==", Style::default().add_modifier(Modifier::REVERSED)),
            ("*", Style::default().add_modifier(Modifier::ITALIC)),
            ("_", Style::default().add_modifier(Modifier::ITALIC)),
        ]
        .into_iter()
        .find_map(|(m, st)| {
            if prev_word && m.starts_with('_') {
                return None;
            }
            let inner = rest.strip_prefix(m)?;
            let end = inner.find(m).filter(|&e| e > 0)?;
            Some((m.len(), end, st))
        });
        match found {
            Some((mlen, end, st)) => {
                if !plain.is_empty() {
                    spans.push(Span::styled(std::mem::take(&mut plain), base));
                }
                let inner = &rest[mlen..mlen + end];
                spans.push(Span::styled(inner.to_string(), base.patch(st)));
                rest = &rest[mlen + end + mlen..];
                prev_word = false;
            }
            None => {
                prev_word = c.is_alphanumeric();
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        spans.push(Span::styled(plain, base));
    }
    spans
}

/// `![alt](url)` → `[image: alt]`, `![[f.png]]` → `[image: f.png]`, `[t](url)` → `t (url)`,
/// `[[target|alias]]` → `alias`, `[[target]]` → `target`.
fn links_as_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('[') {
        let image = i > 0 && rest[..i].ends_with('!');
        out.push_str(&rest[..if image { i - 1 } else { i }]);
        let after = &rest[i..];
        if let Some(inner) = after.strip_prefix("[[")
            && let Some(end) = inner.find("]]")
        {
            let body = &inner[..end];
            let shown = body.rsplit_once('|').map_or(body, |(_, a)| a);
            if image {
                out.push_str(&format!("[image: {body}]"));
            } else {
                out.push_str(shown);
            }
            rest = &inner[end + 2..];
            continue;
        }
        if let Some(close) = after.find("](")
            && let Some(end) = after[close + 2..].find(')')
        {
            let text = &after[1..close];
            let url = &after[close + 2..close + 2 + end];
            if image {
                out.push_str(&format!(
                    "[image: {}]",
                    if text.is_empty() { url } else { text }
                ));
            } else {
                out.push_str(&format!("{text} ({url})"));
            }
            rest = &after[close + 3 + end..];
            continue;
        }
        if image {
            out.push('!');
        }
        out.push('[');
        rest = &after[1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(t: &Text) -> Vec<String> {
        t.lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn blocks_read_as_text() {
        let t = render(
            "# Title\n- one\n2. two\n> quote\n```rust\nlet x = 1;\n```\n---\nend",
            5,
        );
        assert_eq!(
            plain(&t),
            vec![
                "Title",
                "• one",
                "2. two",
                "│ quote",
                "  let x = 1;",
                "─────",
                "end"
            ]
        );
    }

    #[test]
    fn inline_markup_and_links() {
        let t = render(
            "a **b** *c* `d` ==e== [site](http://x) ![pic](p.png) [[Note|alias]] ![[img.png]]",
            10,
        );
        assert_eq!(
            plain(&t),
            vec!["a b c d e site (http://x) [image: pic] alias [image: img.png]"]
        );
        let bold = &t.lines[0].spans[1];
        assert_eq!(bold.content, "b");
        assert!(bold.style.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn unmatched_markers_stay() {
        assert_eq!(plain(&render("2 * 3 = [6", 10)), vec!["2 * 3 = [6"]);
        assert_eq!(
            plain(&render("snake_case_name", 10)),
            vec!["snake_case_name"]
        );
    }
}
