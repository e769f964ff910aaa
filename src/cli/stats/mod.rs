//! `srls stats`: the plugin's statistics page in the terminal (block-character charts), as JSON
//! (`--json`) or as one self-contained HTML file with SVG charts (`--html FILE`).

mod html;

use crate::features::stats::{self, Period, Report, StatsClock, StatsNote, Unreadable, text};
use crate::note::Note;
use crate::plugin::settings::Settings;
use crate::workspace::clock::Clock;
use crate::workspace::vault::vault_relative;
use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// The command line of `srls stats`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StatsArgs {
    /// Files or folders (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Only this deck and its sub-decks (e.g. `flashcards/geo`).
    #[arg(long)]
    pub deck: Option<String>,
    /// Bars of the forecast and intervals charts: month (31 days, default), quarter, year
    /// or lifetime (all).
    #[arg(long)]
    pub period: Option<String>,
    #[command(flatten)]
    pub clock: super::ClockArgs,
    /// Print JSON instead of charts.
    #[arg(long)]
    pub json: bool,
    /// Write a self-contained HTML report (SVG charts) to this file.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
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
    let clock = match stats_clock(&a.clock) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let paths = super::paths_or_here(&a.paths);
    let loaded = load(&paths);
    let notes: Vec<StatsNote> = loaded
        .notes
        .iter()
        .map(|(path, note)| StatsNote { path, note })
        .collect();
    let report = Report::build(
        &notes,
        &loaded.settings,
        &clock,
        period,
        a.deck.as_deref(),
        loaded.vault.clone(),
        loaded.unreadable.clone(),
    );
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
        text::render(&mut out.lock(), &report, colour)
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
fn stats_clock(args: &super::ClockArgs) -> Result<StatsClock, String> {
    let (today, now) = args.parsed()?;
    let (today_given, now_given) = args.fixed();
    let resolved = Clock::resolve(today, now)?;
    let now = if today_given && !now_given {
        stats::local_midnight(resolved.today, resolved.tz)
    } else {
        resolved.now
    };
    Ok(StatsClock {
        today: resolved.today,
        now,
        tz: resolved.tz,
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
