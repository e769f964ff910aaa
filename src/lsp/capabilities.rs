//! Client capabilities in (read once at `initialize`), server capabilities out.

use super::handlers::commands::COMMANDS;
use super::to_proto;
use crate::features::tokens::TokenKind;
use crate::text::position::Encoding;
use tower_lsp_server::ls_types::*;

/// The code action kind of the grade actions. `refactor.rewrite` is a kind VS Code knows: its
/// light bulb lists such actions under their own "Rewrite" heading, where an unknown kind
/// (`refactor.srls.grade`) landed under "More Actions…"; grading rewrites the card's scheduling
/// comment, so "rewrite" says what it does. Clients that filter by `refactor` still get them.
pub const GRADE_KIND: &str = "refactor.rewrite";

/// The code action kind of the card conversions (single-line ⇄ multi-line, basic ⇄ reversed,
/// a deck tag): they rewrite the card, so they sit beside the grade actions under "Rewrite".
pub const CONVERT_KIND: &str = "refactor.rewrite";

/// The semantic token types, indexed by [`TokenKind`] (its order): standard types only, so
/// that Helix, Neovim and VS Code themes colour them without configuration.
///
/// - separator (`::`, `?`) → `operator`: it joins question and answer, and themes give
///   operators a colour of their own;
/// - scheduling comment → `comment`: it is a comment, and themes dim comments;
/// - cloze deletion → `string`: the hidden text stands out as literals do (every theme colours
///   strings, distinctly from comments and operators);
/// - deck tag → `namespace`: a deck is a hierarchical name (`#flashcards/lang/verbs`), as a
///   namespace or module is.
///
/// No modifier applies (`documentation`, `readonly`… would say something false), so the
/// legend has none.
pub const TOKEN_TYPES: [(TokenKind, SemanticTokenType); 4] = [
    (TokenKind::Separator, SemanticTokenType::OPERATOR),
    (TokenKind::Comment, SemanticTokenType::COMMENT),
    (TokenKind::Cloze, SemanticTokenType::STRING),
    (TokenKind::DeckTag, SemanticTokenType::NAMESPACE),
];

/// The semantic tokens legend (see [`TOKEN_TYPES`]).
pub fn token_legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TOKEN_TYPES.iter().map(|(_, t)| t.clone()).collect(),
        token_modifiers: vec![],
    }
}

/// What the client can do, read once at `initialize`.
#[derive(Debug, Default, Clone)]
pub struct ClientCaps {
    pub markdown_hover: bool,
    pub resolve: bool,
    pub pull_diagnostics: bool,
    pub show_document: bool,
    pub progress: bool,
    pub watch_dynamic: bool,
    pub configuration: bool,
    pub hint_refresh: bool,
    pub lens_refresh: bool,
    pub diagnostic_refresh: bool,
    pub document_changes: bool,
    /// `workspace.workspaceEdit.changeAnnotationSupport`: edits can ask the user to confirm.
    pub change_annotations: bool,
}

impl ClientCaps {
    /// Reads the capabilities this server acts on.
    pub fn read(caps: &ClientCapabilities) -> ClientCaps {
        let td = caps.text_document.as_ref();
        let ws = caps.workspace.as_ref();
        let window = caps.window.as_ref();
        ClientCaps {
            markdown_hover: td
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_some_and(|f| f.contains(&MarkupKind::Markdown)),
            resolve: td
                .and_then(|t| t.code_action.as_ref())
                .and_then(|c| c.resolve_support.as_ref())
                .is_some_and(|r| r.properties.iter().any(|p| p == "edit")),
            pull_diagnostics: td.and_then(|t| t.diagnostic.as_ref()).is_some(),
            show_document: window
                .and_then(|w| w.show_document.as_ref())
                .is_some_and(|s| s.support),
            progress: window.and_then(|w| w.work_done_progress) == Some(true),
            watch_dynamic: ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                == Some(true),
            configuration: ws.and_then(|w| w.configuration) == Some(true),
            hint_refresh: ws
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|i| i.refresh_support)
                == Some(true),
            lens_refresh: ws
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|i| i.refresh_support)
                == Some(true),
            diagnostic_refresh: ws
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|i| i.refresh_support)
                == Some(true),
            document_changes: ws
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                == Some(true),
            change_annotations: ws
                .and_then(|w| w.workspace_edit.as_ref())
                .is_some_and(|e| e.change_annotation_support.is_some()),
        }
    }
}

/// Picks the position encoding from the client's offer: UTF-8, then UTF-32, else UTF-16.
pub fn negotiate(caps: &ClientCapabilities) -> Encoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref())
        .unwrap_or(&[]);
    if offered.contains(&PositionEncodingKind::UTF8) {
        Encoding::Utf8
    } else if offered.contains(&PositionEncodingKind::UTF32) {
        Encoding::Utf32
    } else {
        Encoding::Utf16
    }
}

/// What this server offers.
pub fn server_capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(to_proto::encoding_kind(encoding)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::new(GRADE_KIND),
            ]),
            resolve_provider: Some(true),
            ..Default::default()
        })),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("srls".into()),
            inter_file_dependencies: false,
            workspace_diagnostics: false,
            ..Default::default()
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["#".into(), "/".into()]),
            resolve_provider: Some(true),
            ..Default::default()
        }),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        references_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(
            SemanticTokensOptions {
                legend: token_legend(),
                range: Some(true),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..Default::default()
            }
            .into(),
        ),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: COMMANDS.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_is_in_token_kind_order() {
        for (i, (kind, _)) in TOKEN_TYPES.iter().enumerate() {
            assert_eq!(*kind as usize, i);
        }
    }
}
