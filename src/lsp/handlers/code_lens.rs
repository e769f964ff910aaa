//! `textDocument/codeLens`: the note's counts at its top (`3 due · 2 new · next in 2d`).

use super::commands::DUE_SUMMARY;
use crate::lsp::state::State;
use crate::lsp::to_proto;
use tower_lsp_server::ls_types::*;

/// One lens on line 0 with the note's due and new sides and its next due day, from the cards'
/// tallies kept card by card across edits (see [`crate::lsp::per_card::KeptAnswers`]).
pub fn code_lens(state: &mut State, params: CodeLensParams) -> Option<Vec<CodeLens>> {
    let clock = state.clock();
    let open = state.notes.get_mut(&params.text_document.uri)?;
    if open.note().cards.is_empty() {
        return Some(vec![]);
    }
    let summary = open.with_answers(|a, open| a.summary(open, clock.today, clock.now));
    let mut title = format!("{} due · {} new", summary.counts.due, summary.counts.new);
    if let Some(n) = summary.next_in_days {
        title.push_str(&format!(" · next in {n}d"));
    }
    Some(vec![CodeLens {
        range: to_proto::line_start(0),
        command: Some(Command {
            title,
            command: DUE_SUMMARY.into(),
            arguments: None,
        }),
        data: None,
    }])
}
