//! `textDocument/documentSymbol` (headings and cards) and `textDocument/foldingRange`.

use crate::features::outline::{self, FoldKind, OutlineItem, OutlineKind};
use crate::lsp::open_note::OpenNote;
use crate::lsp::state::State;
use crate::lsp::to_proto;
use tower_lsp_server::ls_types::*;

/// The outline: headings nesting the cards under them. Kept until the note or the clock's
/// minute changes (see [`OpenNote::symbols`]).
pub fn document_symbols(
    state: &mut State,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let clock = state.clock();
    let open = state.notes.get_mut(&params.text_document.uri)?;
    let key = (
        open.generation(),
        clock.today,
        clock.now.timestamp().div_euclid(60),
    );
    let mut kept = std::mem::take(&mut open.symbols);
    let symbols = kept.get_or(key, || {
        open.ensure_tree();
        let headings = open.document().segments().headings();
        let items = outline::outline(open.note(), &headings, clock.today, clock.now);
        items.iter().map(|i| symbol(open, i)).collect()
    });
    open.symbols = kept;
    Some(DocumentSymbolResponse::Nested(symbols))
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

/// Folds: a multi-line card's answer, a scheduling comment on its own line. Kept until the
/// note changes (see [`OpenNote::folds`]).
pub fn folding_ranges(state: &mut State, params: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let open = state.notes.get_mut(&params.text_document.uri)?;
    let mut kept = std::mem::take(&mut open.folds);
    let folds = kept.get_or(open.generation(), || fresh_folds(open));
    open.folds = kept;
    Some(folds)
}

fn fresh_folds(open: &OpenNote) -> Vec<FoldingRange> {
    let folds = outline::folds(open.text(), open.note(), &open.vault().settings);
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
        .collect()
}
