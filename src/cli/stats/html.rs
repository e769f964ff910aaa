//! `--html FILE`: one self-contained page (no script, no network) with the charts as
//! hand-written SVG: axes, ticks, labels, a legend, the summary under each; light and dark
//! colours follow `prefers-color-scheme`.

use crate::features::stats::report::{Report, bin, plural};
use crate::features::stats::{Chart, Charts, DeckStats};
use std::fmt::Write as _;

/// Bars of the widest chart (more are summed in groups).
const MAX_BARS: usize = 200;
/// The plot area of a bar chart, in SVG units.
const W: f64 = 720.0;
const H: f64 = 220.0;
/// The widest bar (a chart of one or two bars stays readable as bars).
const MAX_BAR_WIDTH: f64 = 48.0;
/// Room for the y axis labels, the x labels and title, and the legend.
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 44.0;
const TOP: f64 = 28.0;
/// Colours of the pie's slices (New, Young, Mature), as CSS variables.
const SLICES: [&str; 3] = ["var(--new)", "var(--young)", "var(--mature)"];

const STYLE: &str = "
:root { --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --grid: #d1d9e0; --bar: #0969da;
  --new: #0969da; --young: #1a7f37; --mature: #bf8700; color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --grid: #3d444d; --bar: #4493f8;
    --new: #4493f8; --young: #3fb950; --mature: #d29922; }
}
body { background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, sans-serif;
  margin: 2rem auto; max-width: 780px; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.15rem; margin: 2rem 0 0.3rem; }
.meta, .desc, .note { color: var(--muted); } .summary { margin-top: 0.2rem; }
svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
svg .axis { stroke: var(--muted); stroke-width: 1; } svg .grid { stroke: var(--grid); stroke-width: 1; }
svg .bar { fill: var(--bar); } svg .title { fill: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: right; padding: 0.15rem 0.5rem; border-bottom: 1px solid var(--grid); }
th:first-child, td:first-child { text-align: left; }
";

/// The whole page.
pub fn render(r: &Report) -> String {
    let mut page = String::new();
    let deck = r.deck_suffix();
    let title = format!("Spaced repetition statistics: {}{deck}", r.vault);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n\
         <p class=\"meta\">{today} · period {period} · {notes} read · {cards} \
         (buried included)</p>\n",
        t = esc(&title),
        today = esc(&r.today),
        period = esc(&r.period),
        notes = plural(r.stats.notes_scanned, "note"),
        cards = plural(r.stats.charts.stats.total() as usize, "card"),
    );
    if let Some(m) = &r.message {
        let _ = writeln!(page, "<p><strong>{}</strong></p>", esc(m));
    }
    plugin_charts(&mut page, &r.stats.charts);
    extra_charts(&mut page, &r.stats.charts);
    decks(&mut page, &r.stats.decks);
    notes(&mut page, &r.stats.note_eases);
    footnote(&mut page, r);
    page.push_str("</body></html>\n");
    page
}

/// How one bar chart is labelled.
struct Axes<'a> {
    title: &'a str,
    desc: &'a str,
    x: &'a str,
    legend: &'a str,
}

fn plugin_charts(page: &mut String, c: &Charts) {
    let axes = |title, desc, x, legend| Axes {
        title,
        desc,
        x,
        legend,
    };
    let charts = [
        (
            &c.forecast,
            axes(
                "Forecast",
                "The number of cards due in the future (overdue cards on day 0)",
                "Days",
                "Scheduled",
            ),
        ),
        (
            &c.intervals,
            axes(
                "Intervals",
                "Delays until reviews are shown again",
                "Days",
                "Count",
            ),
        ),
        (&c.eases, axes("Eases", "", "Eases", "Count")),
    ];
    for (chart, a) in charts {
        bar_chart(page, chart, &a, "Number of cards");
    }
    pie_chart(page, &c.card_types);
}

fn extra_charts(page: &mut String, c: &Charts) {
    let backlog = Axes {
        title: "Backlog",
        desc: "Due cards by how long they have waited",
        x: "Overdue by",
        legend: "Due",
    };
    bar_chart(page, &c.overdue.chart, &backlog, "Number of cards");
    let f = &c.fsrs;
    if f.cards == 0 {
        return;
    }
    let charts = [
        (
            &f.stability,
            "FSRS stability",
            "Days until recall falls to 90 %",
            "Stability",
        ),
        (
            &f.difficulty,
            "FSRS difficulty",
            "1 easy, 10 hard",
            "Difficulty",
        ),
        (
            &f.retrievability,
            "FSRS retrievability",
            "Probability of recall now",
            "Retrievability",
        ),
    ];
    for (chart, title, desc, x) in charts {
        let axes = Axes {
            title,
            desc,
            x,
            legend: "FSRS cards",
        };
        bar_chart(page, chart, &axes, "Number of cards");
    }
    let _ = writeln!(page, "<p class=\"summary\">{}</p>", esc(&f.summary));
}

/// A bar chart: grid lines and y ticks at 0, ½ and the top, x labels spread out, axis titles
/// and a legend.
fn bar_chart(page: &mut String, c: &Chart, a: &Axes<'_>, y_title: &str) {
    let _ = writeln!(page, "<h2>{}</h2>", esc(a.title));
    if !a.desc.is_empty() {
        let _ = writeln!(page, "<p class=\"desc\">{}</p>", esc(a.desc));
    }
    let (labels, counts, group) = bin(&c.labels, &c.counts, MAX_BARS);
    let top = nice_top(counts.iter().copied().max().unwrap_or(0));
    let _ = write!(
        page,
        "<svg viewBox=\"0 0 {vw} {vh}\" role=\"img\" aria-label=\"{t}\">",
        vw = LEFT + W + 8.0,
        vh = TOP + H + BOTTOM,
        t = esc(a.title)
    );
    y_axis(page, top, y_title);
    let step = W / counts.len().max(1) as f64;
    let bw = (step * 0.8).min(MAX_BAR_WIDTH);
    for (i, &n) in counts.iter().enumerate() {
        let bh = n as f64 / top as f64 * H;
        let _ = write!(
            page,
            "<rect class=\"bar\" x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{bh:.2}\"><title>{}: {n}</title></rect>",
            LEFT + (i as f64 + 0.5) * step - bw / 2.0,
            TOP + H - bh,
            bw,
            esc(&labels[i])
        );
    }
    x_axis(page, &labels, step, a.x);
    legend(page, "var(--bar)", a.legend);
    page.push_str("</svg>\n");
    if group > 1 {
        let _ = writeln!(
            page,
            "<p class=\"note\">Each bar sums {group} neighbouring values.</p>"
        );
    }
    let _ = writeln!(page, "<p class=\"summary\">{}</p>", esc(&c.summary));
}

/// A round top for the y axis, at least the largest count: 1, 2, 4, 6 or 8 times a power of
/// ten, so that the middle tick is a whole number too (except for a top of 1).
fn nice_top(max: u64) -> u64 {
    let mut p = 1u64;
    loop {
        for m in [1, 2, 4, 6, 8] {
            if p.saturating_mul(m) >= max.max(1) {
                return p.saturating_mul(m);
            }
        }
        p = p.saturating_mul(10);
    }
}

fn y_axis(page: &mut String, top: u64, title: &str) {
    let ticks: &[u64] = if top >= 2 {
        &[0, top / 2, top]
    } else {
        &[0, top]
    };
    for &v in ticks {
        let y = TOP + H - H * v as f64 / top as f64;
        let _ = write!(
            page,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{y}\" y2=\"{y}\"/>\
             <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{v}</text>",
            x2 = LEFT + W,
            tx = LEFT - 6.0,
            ty = y + 4.0
        );
    }
    let _ = write!(
        page,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{b}\"/>\
         <text class=\"title\" transform=\"translate(14 {m}) rotate(-90)\" text-anchor=\"middle\">{t}</text>",
        b = TOP + H,
        m = TOP + H / 2.0,
        t = esc(title)
    );
}

fn x_axis(page: &mut String, labels: &[String], step: f64, title: &str) {
    let y = TOP + H;
    let _ = write!(
        page,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{y}\" y2=\"{y}\"/>",
        x2 = LEFT + W
    );
    let every = labels.len().div_ceil(12).max(1);
    for (i, l) in labels.iter().enumerate().step_by(every) {
        let _ = write!(
            page,
            "<text x=\"{:.2}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            LEFT + (i as f64 + 0.5) * step,
            y + 16.0,
            esc(l)
        );
    }
    let _ = write!(
        page,
        "<text class=\"title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        LEFT + W / 2.0,
        y + 36.0,
        esc(title)
    );
}

fn legend(page: &mut String, colour: &str, name: &str) {
    let x = LEFT + W - 120.0;
    let _ = write!(
        page,
        "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
         <text x=\"{tx}\" y=\"16\">{n}</text>",
        tx = x + 18.0,
        n = esc(name)
    );
}

/// The card types as a pie with a legend naming each slice with its count.
fn pie_chart(page: &mut String, c: &Chart) {
    let _ = writeln!(
        page,
        "<h2>Card types</h2>\n<p class=\"desc\">Counts include buried cards</p>"
    );
    let total: u64 = c.counts.iter().sum();
    let (cx, cy, r) = (110.0, 110.0, 95.0);
    page.push_str("<svg viewBox=\"0 0 520 220\" role=\"img\" aria-label=\"Card types\">");
    if total == 0 {
        let _ = write!(
            page,
            "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"none\" class=\"axis\"/>\
             <text x=\"{cx}\" y=\"{cy}\" text-anchor=\"middle\">no cards</text>"
        );
    }
    let mut start = 0.0f64;
    for (i, &n) in c.counts.iter().enumerate().filter(|(_, n)| **n > 0) {
        let share = n as f64 / total as f64;
        let colour = SLICES[i % SLICES.len()];
        if share >= 1.0 {
            let _ = write!(
                page,
                "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"{colour}\"/>"
            );
        } else {
            let end = start + share * std::f64::consts::TAU;
            let point = |a: f64| (cx + r * a.sin(), cy - r * a.cos());
            let ((x1, y1), (x2, y2)) = (point(start), point(end));
            let large = u8::from(share > 0.5);
            let _ = write!(
                page,
                "<path d=\"M{cx},{cy} L{x1:.2},{y1:.2} A{r},{r} 0 {large} 1 {x2:.2},{y2:.2} Z\" fill=\"{colour}\"/>"
            );
            start = end;
        }
    }
    for (i, (label, n)) in c.labels.iter().zip(&c.counts).enumerate() {
        let y = 60.0 + i as f64 * 30.0;
        let _ = write!(
            page,
            "<rect x=\"240\" y=\"{ry}\" width=\"14\" height=\"14\" fill=\"{colour}\"/>\
             <text x=\"262\" y=\"{y}\">{l} ({n})</text>",
            ry = y - 11.0,
            colour = SLICES[i % SLICES.len()],
            l = esc(label)
        );
    }
    page.push_str("</svg>\n");
    let _ = writeln!(page, "<p class=\"summary\">{}</p>", esc(&c.summary));
}

fn decks(page: &mut String, decks: &[DeckStats]) {
    if decks.is_empty() {
        return;
    }
    page.push_str(
        "<h2>Decks</h2>\n<p class=\"desc\">Each deck with its sub-decks, every card once</p>\n\
         <table><tr><th>Deck</th><th>Cards</th><th>New</th><th>Young</th><th>Mature</th>\
         <th>Due</th><th>Overdue</th></tr>\n",
    );
    for d in decks {
        let cells: String = d.row().iter().map(|n| format!("<td>{n}</td>")).collect();
        let _ = writeln!(page, "<tr><td>{}</td>{cells}</tr>", esc(&d.deck));
    }
    page.push_str("</table>\n");
}

fn notes(page: &mut String, rows: &[(String, i64)]) {
    if rows.is_empty() {
        return;
    }
    page.push_str("<h2>Notes</h2>\n<table><tr><th>Note</th><th>Ease</th></tr>\n");
    for (name, ease) in rows {
        let _ = writeln!(page, "<tr><td>{}</td><td>{ease}</td></tr>", esc(name));
    }
    page.push_str("</table>\n");
}

fn footnote(page: &mut String, r: &Report) {
    if r.unreadable.is_empty() {
        return;
    }
    let _ = writeln!(
        page,
        "<p class=\"note\">* {} note(s) could not be read and are not counted:</p><ul class=\"note\">",
        r.unreadable.len()
    );
    for u in &r.unreadable {
        let _ = writeln!(page, "<li>{}: {}</li>", esc(&u.file), esc(&u.error));
    }
    page.push_str("</ul>\n");
}

/// Text for HTML content and attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_tops_and_escaping() {
        assert_eq!(nice_top(0), 1);
        assert_eq!(nice_top(7), 8);
        assert_eq!(nice_top(5), 6);
        assert_eq!(nice_top(885), 1000);
        assert_eq!(nice_top(150), 200);
        assert_eq!(nice_top(u64::MAX), u64::MAX);
        assert_eq!(esc("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
