//! `srls`: the language server (no arguments, or `srls lsp`) and its command-line tools.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "srls",
    version,
    about = "Language server and tools for Obsidian Spaced Repetition flashcards"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Language Server Protocol on stdin/stdout (the default).
    Lsp,
    /// List the cards the plugin finds in notes (files or folders).
    Cards {
        /// One JSON line per note, in the shape of the corpus's expected.jsonl.
        #[arg(long)]
        json: bool,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print the diagnostics of notes like a compiler (exit 1 when any error is found).
    Check {
        /// `text` (default) or `json` (one object per line).
        #[arg(long, default_value = "text")]
        format: String,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// List due and new cards, grouped by deck, with totals (and a 7-day forecast).
    Due {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Only this deck and its sub-decks (e.g. `flashcards/geo`).
        #[arg(long)]
        deck: Option<String>,
        /// The date to count from, YYYY-MM-DD (default: SRLS_TODAY, then the system date).
        #[arg(long)]
        today: Option<String>,
        /// The instant for FSRS cards (default: SRLS_NOW, then now).
        #[arg(long)]
        now: Option<String>,
        #[arg(long)]
        json: bool,
        /// Also print how many sides fall due on each of the next 7 days.
        #[arg(long)]
        forecast: bool,
    },
    /// Statistics of the cards, as the plugin's statistics page computes them: charts in the
    /// terminal, `--json` for machines, `--html FILE` for a self-contained report.
    Stats {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Only this deck and its sub-decks (e.g. `flashcards/geo`).
        #[arg(long)]
        deck: Option<String>,
        /// Bars of the forecast and intervals charts: month (31 days, default), quarter, year
        /// or lifetime (all).
        #[arg(long)]
        period: Option<String>,
        /// The date to count from, YYYY-MM-DD (default: SRLS_TODAY, then the system date).
        #[arg(long)]
        today: Option<String>,
        /// The instant for FSRS cards (default: SRLS_NOW, else the start of --today, else now).
        #[arg(long)]
        now: Option<String>,
        /// Print JSON instead of charts.
        #[arg(long)]
        json: bool,
        /// Write a self-contained HTML report (SVG charts) to this file.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Grade a card in place: FILE:LINE (1-based, any line of the card) and a response.
    Grade {
        /// FILE:LINE of any line of the card.
        target: String,
        /// easy, good, hard, again or reset.
        response: String,
        /// Which side of a reversed or cloze card (from 1).
        #[arg(long)]
        sibling: Option<usize>,
        /// The review date, YYYY-MM-DD (default: SRLS_TODAY, then the system date).
        #[arg(long)]
        today: Option<String>,
        /// The review instant for FSRS, e.g. 2025-03-01T09:30:00Z (default: SRLS_NOW, then now).
        #[arg(long)]
        now: Option<String>,
        /// Print a unified diff instead of writing the file.
        #[arg(long)]
        dry_run: bool,
    },
    /// Review due and new cards full-screen in the terminal, in the plugin's order.
    Review {
        /// Files or folders (default: the current folder); one file reviews that note only.
        paths: Vec<PathBuf>,
        /// Only this deck and its sub-decks (e.g. `flashcards/geo`).
        #[arg(long)]
        deck: Option<String>,
        /// Cram: every card, due or not; nothing is written.
        #[arg(long)]
        cram: bool,
        /// The review date, YYYY-MM-DD (default: SRLS_TODAY, then the system date).
        #[arg(long)]
        today: Option<String>,
        /// The review instant, e.g. 2025-03-01T09:30:00Z (default: SRLS_NOW, then now).
        #[arg(long)]
        now: Option<String>,
        /// The seed of the random card orders (default: from the clock).
        #[arg(long)]
        seed: Option<u64>,
    },
}

/// Logs go to stderr (stdout carries the protocol); `RUST_LOG` picks the level.
fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .try_init();
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Cards { json, paths }) => srls::cli::cards::run(&paths, json),
        Some(Command::Check { format, paths }) => check(&format, &paths),
        Some(Command::Due {
            paths,
            deck,
            today,
            now,
            json,
            forecast,
        }) => srls::cli::due::run(&srls::cli::due::DueArgs {
            paths,
            deck,
            today,
            now,
            json,
            forecast,
        }),
        Some(Command::Stats {
            paths,
            deck,
            period,
            today,
            now,
            json,
            html,
        }) => srls::cli::stats::run(&srls::cli::stats::StatsArgs {
            paths,
            deck,
            period,
            today,
            now,
            json,
            html,
        }),
        Some(Command::Grade {
            target,
            response,
            sibling,
            today,
            now,
            dry_run,
        }) => srls::cli::grade::run(&srls::cli::grade::GradeArgs {
            target,
            response,
            sibling,
            today,
            now,
            dry_run,
        }),
        Some(Command::Review {
            paths,
            deck,
            cram,
            today,
            now,
            seed,
        }) => srls::cli::review::run(&srls::cli::review::ReviewArgs {
            paths,
            deck,
            cram,
            today,
            now,
            seed,
        }),
        None | Some(Command::Lsp) => serve(),
    };
    std::process::exit(code);
}

/// `srls check --format text|json`.
fn check(format: &str, paths: &[PathBuf]) -> i32 {
    match format {
        "text" => srls::cli::check::run(paths, false),
        "json" => srls::cli::check::run(paths, true),
        other => {
            eprintln!("error: unknown --format `{other}` (use text or json)");
            2
        }
    }
}

/// The language server on stdio, on a two-thread runtime.
fn serve() -> i32 {
    init_logging();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    match rt {
        Ok(rt) => {
            rt.block_on(srls::lsp::run_stdio());
            0
        }
        Err(e) => {
            eprintln!("srls: cannot start the runtime: {e}");
            2
        }
    }
}
