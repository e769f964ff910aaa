//! `textDocument/codeAction` (quick fixes of the diagnostics under the range, grade actions and
//! conversions for the card under the cursor) and `codeAction/resolve` (the grade edit, computed
//! when applied so "today" is the day it is applied, and the conversion's edit; both refused
//! when the note changed since they were offered).

use super::{conversions, refused};
use crate::features::actions::{PREFERRED, grade_actions, reset_broken_group};
use crate::features::grade;
use crate::lsp::capabilities::{CONVERT_KIND, GRADE_KIND};
use crate::lsp::open_note::OpenNote;
use crate::lsp::state::State;
use crate::lsp::{from_proto, to_proto};
use crate::plugin::schedule::Response;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

/// The actions for a range: quick fixes first, then the grade actions, then the conversions.
pub fn code_actions(state: &mut State, params: CodeActionParams) -> Option<CodeActionResponse> {
    // As hover: the histogram is the index's as of the last pause in typing.
    let uri = &params.text_document.uri;
    let open = state.notes.get(uri)?;
    let (start, end) = from_proto::offsets(open, params.range);
    let only = params.context.only.as_deref();
    let wants = |k: &str| only.is_none_or(|o| o.iter().any(|x| k.starts_with(x.as_str())));
    let mut out: CodeActionResponse = Vec::new();
    if wants(CodeActionKind::QUICKFIX.as_str()) {
        out.extend(quick_fixes(state, open, uri, start, end));
    }
    if wants(GRADE_KIND) {
        out.extend(grade_offers(state, open, uri, start));
    }
    if wants(CONVERT_KIND) {
        out.extend(conversions::offers(state, open, uri, start));
    }
    Some(out)
}

fn quick_fixes(
    state: &State,
    open: &OpenNote,
    uri: &Uri,
    start: usize,
    end: usize,
) -> Vec<CodeActionOrCommand> {
    let today = state.clock().today;
    let settings = &open.vault().settings;
    let mut out = Vec::new();
    let mut reset_groups = std::collections::HashSet::new();
    for d in open.diagnostics_at(start, end) {
        let Some(severity) = state.config.severity_of(d.code, d.severity) else {
            continue;
        };
        // One reset per group, however many problems the group has.
        let reset = reset_broken_group(open.note(), &d, settings, today)
            .filter(|_| reset_groups.insert((d.start, d.end)));
        for fix in d.fixes.iter().chain(&reset) {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![to_proto::diagnostic(open, &d, severity)]),
                edit: Some(edit(state, open, uri, &fix.edits)),
                ..Default::default()
            }));
        }
    }
    out
}

fn edit(state: &State, open: &OpenNote, uri: &Uri, edits: &[grade::Edit]) -> WorkspaceEdit {
    let edits = to_proto::text_edits(open, edits);
    to_proto::workspace_edit(uri, open.version(), edits, state.caps.document_changes)
}

fn grade_offers(state: &State, open: &OpenNote, uri: &Uri, at: usize) -> Vec<CodeActionOrCommand> {
    let note = open.note();
    let Some(card_index) = note.card_at_offset(at) else {
        return vec![];
    };
    let line = note.cards[card_index].start_line();
    let grading = state.grade_context(open.vault());
    let settings = &open.vault().settings;
    let with_edits = !state.caps.resolve;
    let actions = grade_actions(
        open.text(),
        note,
        card_index,
        settings,
        with_edits,
        |side, r| grading.request(side, r),
    );
    actions
        .into_iter()
        .map(|a| {
            let data = json!({"uri": uri.as_str(), "version": open.version(), "line": line,
                              "sibling": a.sibling, "response": a.response.as_str()});
            CodeActionOrCommand::CodeAction(CodeAction {
                title: a.title,
                kind: Some(CodeActionKind::new(GRADE_KIND)),
                is_preferred: (a.response == PREFERRED && a.sibling == 0).then_some(true),
                edit: a.edits.map(|e| edit(state, open, uri, &e)),
                data: Some(data),
                ..Default::default()
            })
        })
        .collect()
}

/// What a grade action carries until it is resolved.
struct GradeData {
    uri: Uri,
    version: i32,
    line: usize,
    sibling: usize,
    response: Response,
}

impl GradeData {
    fn read(data: &Value) -> Result<GradeData> {
        let uri = data["uri"].as_str().and_then(|u| u.parse().ok());
        let response = data["response"].as_str().and_then(|r| r.parse().ok());
        Ok(GradeData {
            uri: uri.ok_or_else(|| refused("the action has no document"))?,
            version: data["version"].as_i64().unwrap_or(-1) as i32,
            line: data["line"].as_u64().unwrap_or(0) as usize,
            sibling: data["sibling"].as_u64().unwrap_or(0) as usize,
            response: response.ok_or_else(|| refused("unknown response"))?,
        })
    }
}

/// Computes a grade action's edit now, for the note as it is now.
pub fn resolve(state: &State, mut action: CodeAction) -> Result<CodeAction> {
    let Some(data) = action.data.as_ref().filter(|_| action.edit.is_none()) else {
        return Ok(action);
    };
    if let Some(id) = data["convert"].as_str() {
        let uri: Uri = data["uri"]
            .as_str()
            .and_then(|u| u.parse().ok())
            .ok_or_else(|| refused("the action has no document"))?;
        action.edit = Some(conversions::resolve(state, data, id, &uri)?);
        return Ok(action);
    }
    let data = GradeData::read(data)?;
    let open = state
        .notes
        .get(&data.uri)
        .ok_or_else(|| refused("the note is no longer open"))?;
    if data.version != open.version() {
        return Err(refused(format!(
            "the note changed since this action was offered (version {}, now {}); ask for the actions again",
            data.version,
            open.version()
        )));
    }
    let note = open.note();
    let card_index = note
        .card_at_line(data.line)
        .ok_or_else(|| refused("the card is gone"))?;
    let grading = state.grade_context(open.vault());
    let request = grading.request(data.sibling, data.response);
    let graded = grade::grade(
        open.text(),
        note,
        card_index,
        &open.vault().settings,
        &request,
    )
    .map_err(refused)?;
    action.edit = Some(edit(state, open, &data.uri, &graded.edits));
    Ok(action)
}
