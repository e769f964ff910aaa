//! `textDocument/documentSymbol` (headings and cards) and `textDocument/foldingRange`.

use crate::features::outline::{self, FoldKind, OutlineItem, OutlineKind};
use crate::lsp::open_note::OpenNote;
use crate::lsp::state::State;
use crate::lsp::to_proto;
use tower_lsp_server::ls_types::*;

/// The outline: headings nesting the cards under them.
pub fn document_symbols(
    state: &mut State,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let clock = state.clock();
    let open = state.notes.get_mut(&params.text_document.uri)?;
    open.ensure_tree();
    let headings = open.document().blocks().headings;
    let items = outline::outline(open.note(), &headings, clock.today, clock.now);
    Some(DocumentSymbolResponse::Nested(
        items.iter().map(|i| symbol(open, i)).collect(),
    ))
}

fn symbol(open: &OpenNote, item: &OutlineItem) -> DocumentSymbol {
    let children: Vec<DocumentSymbol> = item.children.iter().map(|c| symbol(open, c)).collect();
    #[allow(deprecated)]
    DocumentSymbol {
        name: item.name.clone(),
        detail: item.detail.clone(),
        kind: match item.kind {
            OutlineKind::Heading => SymbolKind::NAMESPACE,
            OutlineKind::Card => SymbolKind::EVENT,
        },
        tags: None,
        deprecated: None,
        range: to_proto::range(open, item.range.start, item.range.end),
        selection_range: to_proto::range(open, item.selection.start, item.selection.end),
        children: (!children.is_empty()).then_some(children),
    }
}

/// Folds: a multi-line card's answer, a scheduling comment on its own line.
pub fn folding_ranges(state: &State, params: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let open = state.notes.get(&params.text_document.uri)?;
    let folds = outline::folds(open.text(), open.note(), &open.vault().settings);
    Some(
        folds
            .into_iter()
            .map(|f| FoldingRange {
                start_line: f.start_line as u32,
                end_line: f.end_line as u32,
                kind: Some(match f.kind {
                    FoldKind::Answer => FoldingRangeKind::Region,
                    FoldKind::Comment => FoldingRangeKind::Comment,
                }),
                collapsed_text: (f.kind == FoldKind::Answer).then(|| "answer".into()),
                ..Default::default()
            })
            .collect(),
    )
}
