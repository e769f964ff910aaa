//! `textDocument/documentSymbol` (headings and cards) and `textDocument/foldingRange`.
//!
//! Both are built from the cards' parts kept card by card across edits
//! ([`crate::lsp::per_card::KeptAnswers`]; a fresh answer is the same machinery started from
//! nothing) and, for the outline, the headings of the trees' headed segments.

use crate::features::outline::{
    self, CARD_LEVEL, Fold, FoldKind, Nestable, OutlineItem, OutlineKind,
};
use crate::lsp::open_note::OpenNote;
use crate::lsp::state::State;
use crate::lsp::to_proto;
use crate::workspace::clock::Clock;
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
        whole_outline(open, &clock)
    });
    open.symbols = kept;
    Some(DocumentSymbolResponse::Nested(symbols))
}

/// The headings (read from the trees, which must be up to date) and the kept card entries,
/// merged by start and nested.
fn whole_outline(open: &mut OpenNote, clock: &Clock) -> Vec<DocumentSymbol> {
    let headings = open.document().segments().headings();
    let mut flat: Vec<(u8, DocumentSymbol)> = outline::top_headings(&headings)
        .map(|(level, h)| (level, symbol(open, &h)))
        .collect();
    open.with_answers(|a, open| {
        let cards = a.card_symbols(open, clock.today, clock.now);
        flat.extend(cards.iter().map(|s| (CARD_LEVEL, s.clone())));
    });
    // Two sorted runs (headings, cards): the stable sort merges them, headings first on ties.
    flat.sort_by_key(|(_, s)| (s.range.start.line, s.range.start.character));
    outline::nest(flat)
}

impl Nestable for DocumentSymbol {
    type At = (u32, u32);
    fn end(&self) -> (u32, u32) {
        (self.range.end.line, self.range.end.character)
    }
    fn stretch_to(&mut self, (line, character): (u32, u32)) {
        self.range.end = Position { line, character };
    }
    fn adopt(&mut self, child: DocumentSymbol) {
        self.children.get_or_insert_with(Vec::new).push(child);
    }
}

/// An outline entry (and its children) in protocol positions.
pub(crate) fn symbol(open: &OpenNote, item: &OutlineItem) -> DocumentSymbol {
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
    let folds = kept.get_or(open.generation(), || {
        open.with_answers(|a, open| a.folds(open).cloned().collect())
    });
    open.folds = kept;
    Some(folds)
}

/// A fold as the protocol has it.
pub(crate) fn folding_range(f: Fold) -> FoldingRange {
    FoldingRange {
        start_line: f.start_line as u32,
        end_line: f.end_line as u32,
        kind: Some(match f.kind {
            FoldKind::Answer => FoldingRangeKind::Region,
            FoldKind::Comment => FoldingRangeKind::Comment,
        }),
        collapsed_text: (f.kind == FoldKind::Answer).then(|| "answer".into()),
        ..Default::default()
    }
}
