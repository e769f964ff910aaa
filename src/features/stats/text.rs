//! The terminal view: bar charts drawn with block characters, 80 columns wide, with the
//! plugin's summary lines under them; colour only when asked for.

use super::report::{Report, bin, plural};
use super::{Chart, Charts, DeckStats};
use std::io::{self, Write};

/// Columns of the widest chart.
const PLOT_COLUMNS: usize = 64;
/// Rows of a column chart (each cell holds eighths).
const PLOT_ROWS: usize = 8;
/// Cells of the longest horizontal bar.
const BAR_CELLS: usize = 40;
/// Rows of the notes table.
const NOTE_ROWS: usize = 10;

const EIGHTHS_UP: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const EIGHTHS_RIGHT: [char; 9] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/// ANSI styling, or none.
#[derive(Clone, Copy)]
struct Style {
    colour: bool,
}

impl Style {
    fn paint(self, code: &str, s: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn heading(self, s: &str) -> String {
        self.paint("1", s)
    }
    fn bar(self, s: &str) -> String {
        self.paint("36", s)
    }
    fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// Writes the whole report.
pub fn render(w: &mut impl Write, r: &Report, colour: bool) -> io::Result<()> {
    let style = Style { colour };
    header(w, r, style)?;
    plugin_charts(w, &r.stats.charts, style)?;
    extra_charts(w, &r.stats.charts, style)?;
    decks(w, &r.stats.decks, style)?;
    notes(w, &r.stats.note_eases, style)?;
    footnote(w, r)?;
    w.flush()
}

fn header(w: &mut impl Write, r: &Report, style: Style) -> io::Result<()> {
    let deck = r.deck_suffix();
    let title = format!("Statistics of {}{deck}", r.vault);
    writeln!(w, "{}", style.heading(&title))?;
    writeln!(
        w,
        "{}, period {}, {} read, {} (buried included)",
        r.today,
        r.period,
        plural(r.stats.notes_scanned, "note"),
        plural(r.stats.charts.stats.total() as usize, "card")
    )?;
    if let Some(m) = &r.message {
        writeln!(w, "\n{m}")?;
    }
    Ok(())
}

fn plugin_charts(w: &mut impl Write, c: &Charts, style: Style) -> io::Result<()> {
    section(
        w,
        style,
        "Forecast",
        "cards due per day from today (overdue on day 0)",
    )?;
    columns(w, &c.forecast, "day", style)?;
    section(w, style, "Intervals", "scheduled cards by interval in days")?;
    columns(w, &c.intervals, "days", style)?;
    section(w, style, "Eases", "scheduled cards by ease")?;
    columns(w, &c.eases, "ease", style)?;
    section(w, style, "Card types", "new, young (< 32 days), mature")?;
    bars(w, &c.card_types, style)
}

fn extra_charts(w: &mut impl Write, c: &Charts, style: Style) -> io::Result<()> {
    section(
        w,
        style,
        "Backlog",
        "due cards by how long they have waited",
    )?;
    bars(w, &c.overdue.chart, style)?;
    let f = &c.fsrs;
    if f.cards == 0 {
        return Ok(());
    }
    section(
        w,
        style,
        "FSRS stability",
        "days until recall falls to 90 %",
    )?;
    bars(w, &f.stability, style)?;
    section(w, style, "FSRS difficulty", "1 easy .. 10 hard")?;
    bars(w, &f.difficulty, style)?;
    section(w, style, "FSRS retrievability", "probability of recall now")?;
    bars(w, &f.retrievability, style)?;
    writeln!(w, "{}", f.summary)
}

fn section(w: &mut impl Write, style: Style, title: &str, what: &str) -> io::Result<()> {
    writeln!(w, "\n{}  {}", style.heading(title), style.dim(what))
}

/// A column chart: bars up from an x axis, the largest count at the top of the y axis, the
/// first, middle and last labels under it; binned to 64 columns.
fn columns(w: &mut impl Write, c: &Chart, unit: &str, style: Style) -> io::Result<()> {
    if c.counts.iter().all(|&n| n == 0) {
        writeln!(w, "  (no cards)")?;
        return writeln!(w, "{}", c.summary);
    }
    let (labels, counts, group) = bin(&c.labels, &c.counts, PLOT_COLUMNS);
    let width = (PLOT_COLUMNS / counts.len()).clamp(1, 4);
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let margin = max.to_string().len();
    for row in (0..PLOT_ROWS).rev() {
        let axis = if row + 1 == PLOT_ROWS {
            format!("{max:>margin$} ┤")
        } else {
            format!("{:>margin$} │", "")
        };
        let cells: String = counts
            .iter()
            .map(|&n| column_cell(n, max, row, width))
            .collect();
        writeln!(w, "{axis}{}", style.bar(cells.trim_end()))?;
    }
    let plot = counts.len() * width;
    writeln!(w, "{:>margin$} └{}", 0, "─".repeat(plot))?;
    writeln!(w, "{:>margin$}  {}", "", x_labels(&labels, width, plot))?;
    if group > 1 {
        writeln!(
            w,
            "{}",
            style.dim(&format!("(each column sums {group} {unit} values)"))
        )?;
    }
    writeln!(w, "{}", c.summary)
}

/// One row of one column: eighths of a cell, `width − 1` cells wide plus a gap when wide.
fn column_cell(n: u64, max: u64, row: usize, width: usize) -> String {
    let eighths = if n == 0 {
        0
    } else {
        ((n as f64 / max as f64 * (PLOT_ROWS * 8) as f64).round() as usize).max(1)
    };
    let level = eighths.saturating_sub(row * 8).min(8);
    let body = if width > 1 { width - 1 } else { 1 };
    let mut s: String = std::iter::repeat_n(EIGHTHS_UP[level], body).collect();
    if width > 1 {
        s.push(' ');
    }
    s
}

/// The first label at the left, the last at the right end, the middle one centred.
fn x_labels(labels: &[String], width: usize, plot: usize) -> String {
    let mut line = vec![' '; plot.max(1) + 8];
    let mut put = |col: usize, text: &str| {
        for (i, ch) in text.chars().enumerate() {
            if let Some(c) = line.get_mut(col + i) {
                *c = ch;
            }
        }
    };
    let last = labels.len().saturating_sub(1);
    for (i, label) in labels.iter().enumerate() {
        let edge = i == 0 || i == last || i == last / 2;
        if edge && i * width + label.chars().count() <= plot + 8 {
            put(i * width, label);
        }
    }
    line.into_iter().collect::<String>().trim_end().to_owned()
}

/// Horizontal bars with their labels and counts, then the summary.
fn bars(w: &mut impl Write, c: &Chart, style: Style) -> io::Result<()> {
    let max = c.counts.iter().copied().max().unwrap_or(0).max(1);
    let pad = c.labels.iter().map(|l| width_of(l)).max().unwrap_or(0);
    for (label, &n) in c.labels.iter().zip(&c.counts) {
        let eighths = (n as f64 / max as f64 * (BAR_CELLS * 8) as f64).round() as usize;
        let eighths = if n > 0 { eighths.max(1) } else { 0 };
        let mut bar = "█".repeat(eighths / 8);
        if eighths % 8 > 0 {
            bar.push(EIGHTHS_RIGHT[eighths % 8]);
        }
        let gap = BAR_CELLS + 1 - bar.chars().count();
        let label = pad_to(label, pad);
        writeln!(w, "  {label} {}{:gap$}{n}", style.bar(&bar), "")?;
    }
    writeln!(w, "{}", c.summary)
}

fn decks(w: &mut impl Write, decks: &[DeckStats], style: Style) -> io::Result<()> {
    if decks.is_empty() {
        return Ok(());
    }
    section(
        w,
        style,
        "Decks",
        "each with its sub-decks, every card once",
    )?;
    writeln!(
        w,
        "  {:<34} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7}",
        "deck", "cards", "new", "young", "mature", "due", "overdue"
    )?;
    for d in decks {
        let depth = d.deck.matches('/').count();
        let leaf = d.deck.rsplit('/').next().unwrap_or(&d.deck);
        let name = pad_to(&shorten(&format!("{}{leaf}", "  ".repeat(depth)), 34), 34);
        let [cards, new, young, mature, due, overdue] = d.row();
        writeln!(
            w,
            "  {name} {cards:>6} {new:>6} {young:>6} {mature:>6} {due:>6} {overdue:>7}"
        )?;
    }
    Ok(())
}

/// Terminal columns of a character: 2 for East Asian wide and fullwidth forms and emoji, else 1
/// (combining marks are rare in deck and note names and count as 1).
fn char_width(c: char) -> usize {
    const WIDE: [(u32, u32); 10] = [
        (0x1100, 0x115F),
        (0x2E80, 0xA4CF),
        (0xAC00, 0xD7A3),
        (0xF900, 0xFAFF),
        (0xFE30, 0xFE4F),
        (0xFF00, 0xFF60),
        (0xFFE0, 0xFFE6),
        (0x1F300, 0x1F64F),
        (0x1F900, 0x1F9FF),
        (0x20000, 0x3FFFD),
    ];
    let c = c as u32;
    if WIDE.iter().any(|&(lo, hi)| (lo..=hi).contains(&c)) {
        2
    } else {
        1
    }
}

/// Terminal columns of a text.
fn width_of(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` followed by spaces up to `width` columns.
fn pad_to(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(width_of(s))))
}

/// At most `max` columns, the cut marked with `…`.
fn shorten(s: &str, max: usize) -> String {
    if width_of(s) <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    for c in s.chars() {
        if width_of(&out) + char_width(c) + 1 > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn notes(w: &mut impl Write, rows: &[(String, i64)], style: Style) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    section(w, style, "Notes", "notes with a review schedule, by ease")?;
    for (name, ease) in rows.iter().take(NOTE_ROWS) {
        writeln!(w, "  {} {ease:>6}", pad_to(&shorten(name, 66), 66))?;
    }
    if rows.len() > NOTE_ROWS {
        writeln!(
            w,
            "  … and {} more (--json lists all)",
            rows.len() - NOTE_ROWS
        )?;
    }
    Ok(())
}

fn footnote(w: &mut impl Write, r: &Report) -> io::Result<()> {
    if r.unreadable.is_empty() {
        return Ok(());
    }
    let n = r.unreadable.len();
    let verb = if n == 1 { "is" } else { "are" };
    writeln!(
        w,
        "\n* {} could not be read and {verb} not counted:",
        plural(n, "note")
    )?;
    for u in &r.unreadable {
        writeln!(w, "  {}: {}", u.file, u.error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(counts: &[u64]) -> Chart {
        Chart {
            labels: (0..counts.len()).map(|i| i.to_string()).collect(),
            counts: counts.to_vec(),
            summary: "Average: 1.0 reviews/day".into(),
            shown_by_default: Some(counts.len().min(31)),
        }
    }

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn columns_fit_80_columns_and_scale() {
        let counts: Vec<u64> = (0..400).map(|i| i % 7).collect();
        let s = text(|w| columns(w, &chart(&counts), "day", Style { colour: false }));
        for line in s.lines() {
            assert!(line.chars().count() <= 80, "{line:?}");
        }
        assert!(
            s.contains('█') && s.contains("each column sums 7 day values"),
            "{s}"
        );
        assert!(s.ends_with("Average: 1.0 reviews/day\n"));
        let one = text(|w| columns(w, &chart(&[5, 0, 10]), "day", Style { colour: false }));
        let rows: Vec<&str> = one.lines().collect();
        assert!(
            rows[0].starts_with("10 ┤") && rows[0].contains('█'),
            "{one}"
        );
        assert!(rows[7].contains('█'), "{one}");
        assert!(
            rows[9].trim_start().starts_with('0') && rows[9].trim_end().ends_with('2'),
            "{one}"
        );
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width_of("智能Card"), 8);
        assert_eq!(pad_to("计网", 6), "计网  ");
        assert_eq!(shorten("智能指针智能指针", 7), "智能指…");
        assert_eq!(shorten("abc", 7), "abc");
    }

    #[test]
    fn colour_only_when_asked() {
        let c = chart(&[3, 1]);
        assert!(text(|w| bars(w, &c, Style { colour: true })).contains("\x1b[36m"));
        assert!(!text(|w| bars(w, &c, Style { colour: false })).contains('\x1b'));
        assert!(
            text(|w| columns(w, &chart(&[0]), "day", Style { colour: false }))
                .contains("(no cards)")
        );
    }
}
