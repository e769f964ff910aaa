//! `srls`: the language server (no arguments, or `srls lsp`) and its command-line tools.

use clap::{Parser, Subcommand};
use srls::cli;
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
    Due(cli::due::DueArgs),
    /// Statistics of the cards, as the plugin's statistics page computes them: charts in the
    /// terminal, `--json` for machines, `--html FILE` for a self-contained report. With only
    /// `--today`, "now" is the start of that day, as on opening the plugin's page at midnight.
    Stats(cli::stats::StatsArgs),
    /// Grade a card in place: FILE:LINE (1-based, any line of the card) and a response.
    Grade(cli::grade::GradeArgs),
    /// Review due and new cards full-screen in the terminal, in the plugin's order.
    Review(cli::review::ReviewArgs),
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
        Some(Command::Cards { json, paths }) => cli::cards::run(&paths, json),
        Some(Command::Check { format, paths }) => check(&format, &paths),
        Some(Command::Due(a)) => cli::due::run(&a),
        Some(Command::Stats(a)) => cli::stats::run(&a),
        Some(Command::Grade(a)) => cli::grade::run(&a),
        Some(Command::Review(a)) => cli::review::run(&a),
        None | Some(Command::Lsp) => serve(),
    };
    std::process::exit(code);
}

/// `srls check --format text|json`.
fn check(format: &str, paths: &[PathBuf]) -> i32 {
    match format {
        "text" => cli::check::run(paths, false),
        "json" => cli::check::run(paths, true),
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
