//! The command line, run as a user runs it: the built binary, in a real terminal (tmux) where it
//! draws one.

mod duplicates;
mod input;
mod output;
mod parallel;
mod paths;
mod readme;
mod review_tui;
mod stats_cli;
mod stats_html;
mod support;
mod write;
