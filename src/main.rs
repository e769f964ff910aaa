//! `srls`: the language server (no arguments, or `srls lsp`) and its command-line tools.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "srls", version, about = "Language server and tools for Obsidian Spaced Repetition flashcards")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// List the cards the plugin finds in notes (files or folders).
    Cards {
        /// One JSON line per note, in the shape of the corpus's expected.jsonl.
        #[arg(long)]
        json: bool,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Cards { json, paths }) => srls::cli::cards::run(&paths, json),
        None => {
            eprintln!("srls: the language server is not built yet; try `srls cards PATH`");
            2
        }
    };
    std::process::exit(code);
}
