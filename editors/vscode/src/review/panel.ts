/**
 * The review panel in VS Code: a webview beside the notes, driven by a `ReviewController`.
 * Cards are rendered by VS Code's own markdown renderer (`markdown.api.render`, with the
 * markdown preview's style sheets, so code blocks are highlighted as in the preview), and their
 * images are resolved in the vault and loaded through `asWebviewUri`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ReviewController, type ReviewHost } from './controller';
import { REVIEW_CSS, makeNonce, shellHtml } from './html';
import { imageCandidates, localImageSources, replaceImageSources, rewriteEmbeds } from './images';
import type { Item, StartRequest } from './protocol';
import { scopeTitle } from './protocol';
import type { View } from './view';

export const VIEW_TYPE = 'srls.review';

export interface PanelDeps {
  context: vscode.ExtensionContext;
  execute(command: string, arg: unknown): Promise<unknown>;
  /** Refreshes the status bar (after a note was written). */
  changed(): void;
  output: vscode.OutputChannel;
  /** After an answer, save a note that had no unsaved changes before it. */
  saveNotes(): boolean;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** VS Code's markdown extension: its preview style sheets, so cards look as the preview shows notes. */
function markdownMedia(): vscode.Uri | undefined {
  const ext = vscode.extensions.getExtension('vscode.markdown-language-features');
  return ext !== undefined ? vscode.Uri.joinPath(ext.extensionUri, 'media') : undefined;
}

export class ReviewPanel {
  private static current: ReviewPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private controller: ReviewController;
  private disposed = false;

  /** Opens the panel (or reuses the open one, ending its session) and starts a session. */
  static async open(deps: PanelDeps, request: StartRequest): Promise<ReviewPanel> {
    const existing = ReviewPanel.current;
    if (existing !== undefined && !existing.disposed) {
      await existing.restart(request);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, scopeTitle(request), vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: ReviewPanel.roots(deps.context),
    });
    const p = new ReviewPanel(panel, deps, request);
    ReviewPanel.current = p;
    await p.controller.start();
    return p;
  }

  /** The open panel's view, for tests and commands. */
  static view(): View | undefined {
    return ReviewPanel.current?.controller.current();
  }

  private static roots(context: vscode.ExtensionContext): vscode.Uri[] {
    const roots = [vscode.Uri.joinPath(context.extensionUri, 'dist')];
    const media = markdownMedia();
    if (media !== undefined) roots.push(media);
    for (const f of vscode.workspace.workspaceFolders ?? []) roots.push(f.uri);
    return roots;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: PanelDeps,
    request: StartRequest,
  ) {
    panel.webview.html = this.html();
    this.controller = new ReviewController(this.host(), request);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((msg: unknown) => void this.controller.handle(msg)),
      panel.onDidDispose(() => void this.dispose()),
    );
  }

  private html(): string {
    const webview = this.panel.webview;
    const media = markdownMedia();
    const styles = media !== undefined ? ['markdown.css', 'highlight.css'].map((f) => webview.asWebviewUri(vscode.Uri.joinPath(media, f)).toString()) : [];
    return shellHtml({
      title: this.panel.title,
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      script: webview.asWebviewUri(vscode.Uri.joinPath(this.deps.context.extensionUri, 'dist', 'review.js')).toString(),
      styles,
      css: REVIEW_CSS,
      body: '<p class="empty">Loading…</p>',
    });
  }

  private host(): ReviewHost {
    return {
      execute: (command, arg) => this.deps.execute(command, arg),
      render: (markdown, item) => this.render(markdown, item),
      post: (view) => {
        if (!this.disposed) void this.panel.webview.postMessage({ type: 'view', view });
      },
      openCard: (item) => this.openCard(item),
      close: () => this.panel.dispose(),
      beforeWrite: async (uri) => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === vscode.Uri.parse(uri).toString());
        const wasClean = doc !== undefined && !doc.isDirty;
        return async () => {
          // The server edited the open note through a versioned workspace edit; save it when it
          // had no unsaved changes of the user's, so the file on disk has the answer as in Obsidian.
          if (wasClean && doc !== undefined && doc.isDirty && !doc.isClosed && this.deps.saveNotes()) await doc.save();
        };
      },
      changed: () => this.deps.changed(),
      setTimer: (ms, fn) => {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
      },
    };
  }

  private async render(markdown: string, item: Item): Promise<string> {
    let html: string;
    try {
      html = await vscode.commands.executeCommand<string>('markdown.api.render', rewriteEmbeds(markdown));
    } catch (err) {
      this.deps.output.appendLine(`srls: markdown.api.render failed: ${String(err)}`);
      html = `<pre>${markdown.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string)}</pre>`;
    }
    const sources = localImageSources(html);
    if (sources.length === 0) return html;
    const note = vscode.Uri.parse(item.uri);
    const folder = vscode.workspace.getWorkspaceFolder(note)?.uri.fsPath;
    const resolved = new Map<string, string>();
    for (const src of sources) {
      const file = await this.findImage(src, path.dirname(note.fsPath), folder);
      if (file !== undefined) resolved.set(src, this.panel.webview.asWebviewUri(file).toString());
    }
    return replaceImageSources(html, resolved);
  }

  /** A relative image: beside the note, at the vault's root, else anywhere in the vault by file name. */
  private async findImage(src: string, noteDir: string, vaultRoot: string | undefined): Promise<vscode.Uri | undefined> {
    for (const candidate of imageCandidates(src, noteDir, vaultRoot, path.join)) {
      const uri = vscode.Uri.file(candidate);
      if (await exists(uri)) return uri;
    }
    if (vaultRoot === undefined) return undefined;
    const name = path.basename(src.replace(/[?#].*$/, ''));
    const glob = new vscode.RelativePattern(vaultRoot, `**/${name.replace(/[[\]{}*?]/g, '?')}`);
    const found = await vscode.workspace.findFiles(glob, undefined, 1);
    return found[0];
  }

  private async openCard(item: Item): Promise<void> {
    const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    const position = new vscode.Position(item.line, 0);
    await vscode.window.showTextDocument(vscode.Uri.parse(item.uri), {
      viewColumn: column,
      selection: new vscode.Range(position, position),
      preview: false,
    });
  }

  private async restart(request: StartRequest): Promise<void> {
    const old = this.controller;
    this.controller = new ReviewController(this.host(), request);
    this.panel.title = scopeTitle(request);
    this.panel.reveal(undefined, false);
    await old.end();
    await this.controller.start();
  }

  private async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (ReviewPanel.current === this) ReviewPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
    const reviewed = await this.controller.end();
    this.deps.changed();
    if (reviewed !== undefined && reviewed > 0) {
      void vscode.window.showInformationMessage(`srls: review ended, ${reviewed} card${reviewed === 1 ? '' : 's'} reviewed.`);
    }
  }

  /** Closes the open panel (deactivation). */
  static async closeAll(): Promise<void> {
    const p = ReviewPanel.current;
    if (p !== undefined) {
      p.panel.dispose();
      await p.dispose();
    }
  }
}
