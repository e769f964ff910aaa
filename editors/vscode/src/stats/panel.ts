/** *srls: Show Statistics*: `srls.stats` drawn in a webview, with a period and deck picker. */
import * as vscode from 'vscode';
import { makeNonce, shellHtml } from '../review/html';
import { escapeHtml } from '../review/view';
import { PERIODS, STATS_CSS, parseStats, statsHtml, type Period } from './view';

export class StatsPanel {
  private static current: StatsPanel | undefined;
  private period: Period = 'month';
  private deck: string | null = null;
  /** Every deck of the vault, from the first (all decks) answer, so the picker keeps them. */
  private decks: string[] = [];

  static async open(context: vscode.ExtensionContext, stats: (arg: unknown) => Promise<unknown>): Promise<void> {
    if (StatsPanel.current !== undefined) {
      StatsPanel.current.panel.reveal();
      await StatsPanel.current.load();
      return;
    }
    const panel = vscode.window.createWebviewPanel('srls.stats', 'srls: Statistics', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
    });
    StatsPanel.current = new StatsPanel(panel, context, stats);
    await StatsPanel.current.load();
  }

  static closeAll(): void {
    StatsPanel.current?.panel.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly stats: (arg: unknown) => Promise<unknown>,
  ) {
    panel.webview.onDidReceiveMessage((msg: { type?: string; value?: string }) => {
      if (msg?.type === 'period' && (PERIODS as readonly string[]).includes(msg.value ?? '')) this.period = msg.value as Period;
      else if (msg?.type === 'deck') this.deck = msg.value !== undefined && msg.value !== '' ? msg.value : null;
      else return;
      void this.load();
    });
    panel.onDidDispose(() => {
      if (StatsPanel.current === this) StatsPanel.current = undefined;
    });
    // Hidden and shown again, a webview is rebuilt from its html: it is the whole page.
  }

  private async load(): Promise<void> {
    let body: string;
    try {
      const arg: Record<string, unknown> = { period: this.period };
      if (this.deck !== null) arg.deck = this.deck;
      const s = parseStats(await this.stats(arg));
      if (s === undefined) throw new Error('the server answered srls.stats with an unexpected result');
      if (this.deck === null) this.decks = s.decks;
      body = statsHtml({ ...s, deck: this.deck }, this.decks);
    } catch (err) {
      body = `<p class="message">srls: ${escapeHtml(err instanceof Error ? err.message : String(err))}</p>`;
    }
    const webview = this.panel.webview;
    webview.html = shellHtml({
      title: 'srls: Statistics',
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      script: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'stats.js')).toString(),
      styles: [],
      css: STATS_CSS,
      body,
    });
  }
}
