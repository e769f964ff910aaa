//! The `LanguageServer` implementation: each method forwards to its handler in one call.
//! Handlers lock the shared state briefly, never across an `.await` or heavy work.

use super::handlers::{
    code_actions, code_lens, commands, completion, diagnostics, documents, hover, inlay_hints,
    lifecycle, outline, references, rename, semantic_tokens, symbols, workspace,
};
use super::state::{Shared, State, lock};
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// The server: the client handle and the shared state.
pub struct Backend {
    client: Client,
    state: Shared,
}

impl Backend {
    /// A server talking to `client`.
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Waits while `uri` is being opened (its parse runs off the lock).
    async fn ready(&self, uri: &Uri) -> &Self {
        documents::wait_opened(&self.state, uri).await;
        self
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        Ok(lifecycle::initialize(&self.state, &self.client, params).await)
    }

    async fn initialized(&self, _: InitializedParams) {
        lifecycle::initialized(&self.state, &self.client).await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        documents::did_open(&self.state, &self.client, params).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        documents::did_change(&self.state, &self.client, params).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        documents::did_save(&self.state, params);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        documents::did_close(&self.state, &self.client, params).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        workspace::did_change_configuration(&self.state, &self.client, params).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        workspace::did_change_watched_files(&self.state, &self.client, params).await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let me = self.ready(&params.text_document.uri).await;
        Ok(diagnostics::pull(&mut me.lock(), params))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = &params.text_document_position_params.text_document.uri;
        let me = self.ready(uri).await;
        Ok(hover::hover(&mut me.lock(), params))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let me = self.ready(&params.text_document.uri).await;
        Ok(inlay_hints::inlay_hints(&me.lock(), params))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let me = self.ready(&params.text_document.uri).await;
        Ok(code_actions::code_actions(&mut me.lock(), params))
    }

    async fn code_action_resolve(&self, action: CodeAction) -> Result<CodeAction> {
        code_actions::resolve(&self.lock(), action)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let me = self.ready(&params.text_document.uri).await;
        Ok(outline::document_symbols(&mut me.lock(), params))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let me = self.ready(&params.text_document.uri).await;
        Ok(outline::folding_ranges(&mut me.lock(), params))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let me = self.ready(&params.text_document.uri).await;
        Ok(code_lens::code_lens(&mut me.lock(), params))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let me = self.ready(&params.text_document.uri).await;
        Ok(semantic_tokens::full(&me.lock(), params))
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let me = self.ready(&params.text_document.uri).await;
        Ok(semantic_tokens::range(&me.lock(), params))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        documents::wait_all_opened(&self.state).await;
        Ok(Some(symbols::workspace_symbols(&self.lock(), params)))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let me = self
            .ready(&params.text_document_position.text_document.uri)
            .await;
        Ok(completion::completion(&mut me.lock(), params))
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        Ok(completion::resolve(&self.lock(), item))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let me = self.ready(&params.text_document.uri).await;
        rename::prepare(&me.lock(), params)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        // Every open note is edited by the rename: none may still be opening.
        documents::wait_all_opened(&self.state).await;
        rename::rename(&self.state, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        documents::wait_all_opened(&self.state).await;
        references::references(&mut self.lock(), params)
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        documents::wait_all_opened(&self.state).await;
        commands::execute(&self.state, &self.client, params).await
    }
}
