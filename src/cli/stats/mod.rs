//! `srls stats`: the plugin's statistics page in the terminal (block-character charts), as JSON
//! (`--json`) or as one self-contained HTML file with SVG charts (`--html FILE`).

mod html;
mod term;

use crate::features::stats::{self, Charts, Period, Stats, StatsClock, StatsNote};
use crate::note::Note;
use crate::plugin::settings::Settings;
use crate::workspace::clock::{Clock, parse_now, parse_today};
use crate::workspace::vault::vault_relative;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// The command line of `srls stats`.
#[derive(Debug, Clone, Default)]
pub struct StatsArgs {
    /// Files or folders (default: the current folder).
    pub paths: Vec<PathBuf>,
    pub deck: Option<String>,
    /// `month` (default), `quarter`, `year` or `lifetime`.
    pub period: Option<String>,
    pub today: Option<String>,
    pub now: Option<String>,
    pub json: bool,
    /// Write the HTML report here.
    pub html: Option<PathBuf>,
}

/// A note that could not be read, for the footnote.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub file: String,
    pub error: String,
}

/// What `--json` prints: the statistics with the bars of the chosen period, and where they
/// come from.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The vault's folder name (or the first path's, outside a vault).
    pub vault: String,
    pub today: String,
    pub now: String,
    pub period: String,
    #[serde(flatten)]
    pub stats: Stats,
    /// Notes that could not be read, not counted.
    pub unreadable: Vec<Unreadable>,
    /// A sentence when there is nothing to chart.
    pub message: Option<String>,
}

/// What was read: the notes (vault-relative path, parsed), the first vault's settings and name.
struct Loaded {
    notes: Vec<(String, Note)>,
    unreadable: Vec<Unreadable>,
    settings: Settings,
    vault: String,
    missing: bool,
}

/// Runs the command; the exit code: 0, or 2 for bad arguments, a missing path or an output
/// that cannot be written (a closed pipe ends quietly with 0).
pub fn run(a: &StatsArgs) -> i32 {
    let period = match a.period.as_deref().map(str::parse::<Period>).transpose() {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => {
            eprintln!("error: --period: {e}");
            return 2;
        }
    };
    let clock = match stats_clock(a.today.as_deref(), a.now.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let loaded = load(&paths);
    let report = report(&loaded, &clock, period, a.deck.as_deref());
    let code = if loaded.missing { 2 } else { 0 };
    if let Some(file) = &a.html
        && let Err(e) = std::fs::write(file, html::render(&report))
    {
        eprintln!("error: {}: cannot write the report: {e}", file.display());
        return 2;
    }
    let out = io::stdout();
    let result = if a.json {
        write_json(&mut out.lock(), &report)
    } else if a.html.is_some() {
        Ok(())
    } else {
        let colour = out.is_terminal() && std::env::var_os("NO_COLOR").is_none();
        term::render(&mut out.lock(), &report, colour)
    };
    match result {
        Ok(()) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("error: cannot write the statistics: {e}");
            2
        }
    }
}

fn write_json(w: &mut impl Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer(&mut *w, report)?;
    writeln!(w)?;
    w.flush()
}

/// The plugin's clock. "now" defaults to the start of "today" when only a date is given
/// (`--today` or `SRLS_TODAY`): the plugin's statistics are then as on opening the page at
/// midnight, as `stats-cases.json` was made.
fn stats_clock(today: Option<&str>, now: Option<&str>) -> Result<StatsClock, String> {
    let today = today
        .map(parse_today)
        .transpose()
        .map_err(|e| format!("--today: {e}"))?;
    let now = now
        .map(parse_now)
        .transpose()
        .map_err(|e| format!("--now: {e}"))?;
    let set = |var: &str| std::env::var(var).is_ok_and(|v| !v.trim().is_empty());
    let now_given = now.is_some() || set("SRLS_NOW");
    let today_given = today.is_some() || set("SRLS_TODAY");
    let clk = Clock::resolve(today, now)?;
    let now = if today_given && !now_given {
        stats::local_midnight(clk.today, clk.tz)
    } else {
        clk.now
    };
    Ok(StatsClock {
        today: clk.today,
        now,
        tz: clk.tz,
    })
}

fn load(paths: &[PathBuf]) -> Loaded {
    let mut loaded = Loaded {
        notes: Vec::new(),
        unreadable: Vec::new(),
        settings: Settings::default(),
        vault: vault_name(None, paths.first().map(PathBuf::as_path)),
        missing: false,
    };
    let mut roots: Vec<Option<PathBuf>> = Vec::new();
    loaded.missing = super::each_read(paths, |t, read, vault| {
        if !roots.contains(&vault.root) {
            if roots.is_empty() {
                loaded.settings = vault.settings.clone();
                loaded.vault = vault_name(vault.root.as_deref(), Some(&t.path));
            }
            roots.push(vault.root.clone());
        }
        match read {
            Ok((_, note)) => {
                let rel = vault_relative(vault.root.as_deref(), &t.path)
                    .unwrap_or_else(|| t.display.clone());
                loaded.notes.push((rel, note.clone()));
            }
            Err(e) => loaded.unreadable.push(Unreadable {
                file: t.display.clone(),
                error: e
                    .strip_prefix(&format!("{}: ", t.path.display()))
                    .unwrap_or(e)
                    .to_owned(),
            }),
        }
        ControlFlow::Continue(())
    });
    if roots.len() > 1 {
        eprintln!(
            "warning: the notes lie in {} vaults; they are counted together with the first one's settings",
            roots.len()
        );
    }
    loaded
}

/// The vault's folder name, else the name of the path given.
fn vault_name(root: Option<&Path>, path: Option<&Path>) -> String {
    let named = root
        .or(path)
        .map(|p| std::fs::canonicalize(p).unwrap_or(p.to_path_buf()));
    named
        .as_deref()
        .and_then(Path::file_name)
        .map_or_else(|| "notes".to_owned(), |n| n.to_string_lossy().into_owned())
}

fn report(loaded: &Loaded, clock: &StatsClock, period: Period, deck: Option<&str>) -> Report {
    let notes: Vec<StatsNote> = loaded
        .notes
        .iter()
        .map(|(path, note)| StatsNote { path, note })
        .collect();
    let mut stats = stats::compute(&notes, &loaded.settings, clock, deck);
    cut_to_period(&mut stats.charts, period);
    for d in &mut stats.decks {
        cut_to_period(&mut d.charts, period);
    }
    let message = stats.is_empty().then(|| match deck {
        Some(d) => format!("No flashcards in deck {d}: the charts are empty."),
        None => format!(
            "No flashcards in the {} read: the charts are empty.",
            plural(stats.notes_scanned, "note")
        ),
    });
    Report {
        vault: loaded.vault.clone(),
        today: day(clock.today),
        now: instant(clock.now),
        period: period.to_string(),
        stats,
        unreadable: loaded.unreadable.clone(),
        message,
    }
}

/// `1 note`, `2 notes`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn cut_to_period(c: &mut Charts, period: Period) {
    c.forecast = c.forecast.for_period(period);
    c.intervals = c.intervals.for_period(period);
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Sums consecutive bars so that at most `max` remain; each keeps its first label. Returns the
/// bars and how many of the originals each one holds.
pub(crate) fn bin(labels: &[String], counts: &[u64], max: usize) -> (Vec<String>, Vec<u64>, usize) {
    let group = labels.len().div_ceil(max.max(1)).max(1);
    let labels = labels.iter().step_by(group).cloned().collect();
    let counts = counts.chunks(group).map(|c| c.iter().sum()).collect();
    (labels, counts, group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binning_sums_neighbours() {
        let labels: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        let counts: Vec<u64> = (0..10).collect();
        let (l, c, g) = bin(&labels, &counts, 4);
        assert_eq!(g, 3);
        assert_eq!(l, ["0", "3", "6", "9"]);
        assert_eq!(c, [3, 12, 21, 9]);
        assert_eq!(bin(&labels, &counts, 64).2, 1);
        assert_eq!(bin(&[], &[], 64).0.len(), 0);
    }
}
