/**
 * VS Code client for srls. It starts the server for markdown, maps the `srls.*` settings to the
 * server's `srls` object, shows today's due count in the status bar, wraps the server's
 * `srls.nextDue` / `srls.dueSummary` commands with editor UI, and drives review sessions
 * (`srls.review.*`) in a webview panel and the statistics (`srls.stats`) in another.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ResponseError,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { notFoundMessage, resolveServerPath } from './serverPath';
import { answerConfiguration, isServerSection, SECTION, ServerSettings, toServerSettings } from './settings';
import { requestFromArgument, type Mode } from './review/protocol';
import { ReviewPanel } from './review/panel';
import { StatsPanel } from './stats/panel';
import {
  deckPicks,
  DueSummary,
  nextRefreshDelay,
  parseDueSummary,
  parseNextDue,
  reviewDeckPicks,
  STATUS_LINK_COMMANDS,
  statusText,
  statusTooltipMarkdown,
  withAllDecks,
} from './summary';
import { parseStats } from './stats/view';

/** Server commands that this extension registers itself, to add UI around their results. */
const WRAPPED_COMMANDS: ReadonlySet<string> = new Set(['srls.nextDue', 'srls.dueSummary']);
const EDIT_DEBOUNCE_MS = 2000;

let client: LanguageClient | undefined;
let extensionContext: vscode.ExtensionContext;
let statusItem: vscode.StatusBarItem;
let output: vscode.OutputChannel;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
/** False after deactivate, so that a refresh still in flight plans no further one. */
let active = false;

function settingsFor(scope?: vscode.Uri): ServerSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  return toServerSettings((key) => cfg.get(key));
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * vscode-languageclient registers a VS Code command for every command the server announces.
 * `srls.nextDue` and `srls.dueSummary` are registered by this extension (with UI), so a second
 * registration would throw "command already exists": drop them from what the client registers.
 * Other server commands (for example ones used by code lenses) are still registered as usual.
 */
function skipWrappedServerCommands(c: LanguageClient): void {
  type CommandRegistration = { id: string; registerOptions: { commands?: string[] } };
  const feature = (c as unknown as { getFeature(method: string): unknown }).getFeature(ExecuteCommandRequest.method) as
    | { register(data: CommandRegistration): void }
    | undefined;
  if (feature === undefined) return;
  const register = feature.register.bind(feature);
  feature.register = (data) =>
    register({
      ...data,
      registerOptions: {
        ...data.registerOptions,
        commands: (data.registerOptions.commands ?? []).filter((cmd) => !WRAPPED_COMMANDS.has(cmd)),
      },
    });
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const resolved = resolveServerPath({
    configured: vscode.workspace.getConfiguration(SECTION).get<string>('server.path'),
    env: process.env,
    extensionPath: context.extensionPath,
    platform: process.platform,
    isFile,
    homedir: os.homedir(),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  if (!resolved.found) {
    const message = notFoundMessage(resolved);
    output.appendLine(message);
    setStatus('$(warning) srls', message, 'srls.restartServer');
    // `@id:` shows exactly this setting; its scope (window) lets it be set in User settings, which
    // also apply in remote windows (Remote-SSH, code-server), and in Remote settings, which win there.
    const choices = vscode.env.remoteName !== undefined ? ['Open Settings', 'Open Remote Settings'] : ['Open Settings'];
    void vscode.window.showErrorMessage(message, ...choices).then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', '@id:srls.server.path');
      if (choice === 'Open Remote Settings') void vscode.commands.executeCommand('workbench.action.openRemoteSettings', '@id:srls.server.path');
    });
    return;
  }
  output.appendLine(`srls: starting ${resolved.command} (from ${resolved.source})`);

  // No `transport`: with TransportKind.stdio the client would append `--stdio` to the arguments.
  const serverOptions: ServerOptions = { command: resolved.command };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'markdown' },
      { scheme: 'untitled', language: 'markdown' },
    ],
    outputChannel: output,
    initializationOptions: () => settingsFor(),
    middleware: {
      // The server's lens on a note with cards ("3 due · 2 new") gets a second one beside it
      // that reviews that note; notes without cards get none.
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        if (lenses === null || lenses === undefined || lenses.length === 0) return lenses;
        return [
          ...lenses,
          new vscode.CodeLens(lenses[0].range, {
            title: "$(play) Review this note's cards",
            command: 'srls.review',
            arguments: [{ scope: { uri: document.uri.toString() } }],
          }),
        ];
      },
      workspace: {
        configuration: async (params, token, next) => {
          let fallback: unknown[] | undefined;
          if (params.items.some((item) => !isServerSection(item.section))) {
            const answer = await next(params, token);
            if (answer instanceof ResponseError) return answer;
            fallback = answer as unknown[];
          }
          return answerConfiguration(
            params.items,
            (scopeUri) => settingsFor(scopeUri !== undefined ? vscode.Uri.parse(scopeUri) : undefined),
            fallback,
          );
        },
      },
    },
  };

  const c = new LanguageClient('srls', 'srls', serverOptions, clientOptions);
  skipWrappedServerCommands(c);
  c.onDidChangeState((e) => {
    if (e.newState === State.Stopped) setStatus('$(debug-disconnect) srls', 'srls: server stopped', 'srls.restartServer');
  });
  client = c;
  try {
    await c.start();
  } catch (err) {
    output.appendLine(`srls: failed to start: ${String(err)}`);
    setStatus('$(warning) srls', `srls: failed to start ${resolved.command}`, 'srls.restartServer');
    return;
  }
  scheduleRefresh(0);
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c === undefined) return;
  try {
    await c.stop();
  } catch (err) {
    output.appendLine(`srls: error while stopping: ${String(err)}`);
  }
}

function running(): LanguageClient | undefined {
  return client !== undefined && client.state === State.Running ? client : undefined;
}

async function executeServerCommand(command: string, args: unknown[]): Promise<unknown> {
  const c = running();
  if (c === undefined) throw new Error('the srls server is not running');
  return c.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

function setStatus(text: string, tooltip: string | vscode.MarkdownString, command: string): void {
  statusItem.text = text;
  statusItem.tooltip = tooltip;
  statusItem.command = command;
  if (vscode.workspace.getConfiguration(SECTION).get<boolean>('statusBar.enabled', true)) statusItem.show();
  else statusItem.hide();
}

async function refreshStatus(): Promise<DueSummary | undefined> {
  if (running() === undefined) return undefined;
  try {
    const summary = parseDueSummary(await executeServerCommand('srls.dueSummary', []));
    const { text } = statusText(summary);
    const tooltip = new vscode.MarkdownString(statusTooltipMarkdown(summary), true);
    tooltip.isTrusted = { enabledCommands: [...STATUS_LINK_COMMANDS] };
    setStatus(text, tooltip, 'srls.review');
    return summary;
  } catch (err) {
    setStatus('$(warning) srls', `srls: could not get the due summary: ${String(err)}`, 'srls.dueSummary');
    return undefined;
  }
}

/** Refreshes the status bar after `delay` ms, replacing any refresh already planned; then every few minutes. */
function scheduleRefresh(delay: number): void {
  if (refreshTimer !== undefined) clearTimeout(refreshTimer);
  refreshTimer = undefined;
  if (!active) return;
  refreshTimer = setTimeout(() => {
    void refreshStatus().then((summary) => scheduleRefresh(nextRefreshDelay(summary)));
  }, delay);
}

/** The deck argument of `srls.nextDue`: `{deck}` (from a code lens or keybinding) or a plain string. */
function deckArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg !== '') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { deck?: unknown }).deck === 'string') {
    return (arg as { deck: string }).deck;
  }
  return undefined;
}

async function nextDue(arg?: unknown): Promise<void> {
  const deck = deckArgument(arg);
  try {
    const raw = await executeServerCommand('srls.nextDue', deck !== undefined ? [{ deck }] : []);
    const next = parseNextDue(raw);
    if (next === null) {
      void vscode.window.showInformationMessage(deck !== undefined ? `srls: nothing due in ${deck}.` : 'srls: nothing due today.');
    } else if (next === undefined) {
      void vscode.window.showErrorMessage('srls: the server answered srls.nextDue with an unexpected result.');
    } else {
      const { start, end } = next.range;
      const selection = new vscode.Range(start.line, start.character, end.line, end.character);
      await vscode.window.showTextDocument(vscode.Uri.parse(next.uri), { selection });
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`srls: ${String(err)}`);
  }
  scheduleRefresh(0);
}

async function dueSummary(): Promise<void> {
  const summary = await refreshStatus();
  if (summary === undefined) {
    void vscode.window.showErrorMessage('srls: the due summary is not available (is the server running?).');
    return;
  }
  const picked = await vscode.window.showQuickPick(deckPicks(summary), {
    title: `srls — ${summary.today}`,
    placeHolder: 'Pick a deck to open its next due card',
  });
  if (picked !== undefined) await nextDue(picked.deck !== undefined ? { deck: picked.deck } : undefined);
}

/** Starts a review session in the panel. */
async function review(arg: unknown, mode: Mode = 'review'): Promise<void> {
  if (running() === undefined) {
    void vscode.window.showErrorMessage('srls: the server is not running (see the srls output).');
    return;
  }
  await ReviewPanel.open(
    {
      context: extensionContext,
      execute: (command, a) => executeServerCommand(command, [a]),
      changed: () => scheduleRefresh(0),
      output,
      saveNotes: () => vscode.workspace.getConfiguration(SECTION).get<boolean>('review.saveNotes', true),
    },
    requestFromArgument(arg, mode),
  );
}

/** *Review Deck…* and *Cram Deck…*: a quick pick of the decks with their counts. */
async function pickDeck(mode: Mode): Promise<void> {
  const summary = await refreshStatus();
  if (summary === undefined) {
    void vscode.window.showErrorMessage('srls: the decks are not known (is the server running?).');
    return;
  }
  let decks = summary;
  if (mode === 'cram') {
    // The summary lists only decks with something due; the statistics name every deck.
    try {
      const stats = parseStats(await executeServerCommand('srls.stats', [{ period: 'month' }]));
      if (stats !== undefined) decks = withAllDecks(summary, stats.decks);
    } catch (err) {
      output.appendLine(`srls: srls.stats failed, offering the decks with due cards only: ${String(err)}`);
    }
  }
  const picks = reviewDeckPicks(decks, mode);
  if (picks.length === 0) {
    void vscode.window.showInformationMessage(mode === 'cram' ? 'srls: no deck has cards.' : 'srls: nothing due in any deck.');
    return;
  }
  const picked = await vscode.window.showQuickPick(picks, {
    title: mode === 'cram' ? 'srls: Cram Deck' : `srls: Review Deck — ${summary.today}`,
    placeHolder: mode === 'cram' ? 'Pick a deck to go through all its cards' : 'Pick a deck to review',
    matchOnDescription: true,
  });
  if (picked !== undefined) await review({ deck: picked.deck }, mode);
}

/** *Review This Note*: the active markdown editor's note (or the one given). */
async function reviewNote(uri?: unknown): Promise<void> {
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (target === undefined) {
    void vscode.window.showInformationMessage('srls: open a note to review its cards.');
    return;
  }
  await review({ scope: { uri: target.toString() } });
}

async function showStats(): Promise<void> {
  if (running() === undefined) {
    void vscode.window.showErrorMessage('srls: the server is not running (see the srls output).');
    return;
  }
  await StatsPanel.open(extensionContext, (arg) => executeServerCommand('srls.stats', [arg]));
}

async function restartServer(context: vscode.ExtensionContext): Promise<void> {
  await stopClient();
  await startClient(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  active = true;
  extensionContext = context;
  output = vscode.window.createOutputChannel('srls');
  statusItem = vscode.window.createStatusBarItem('srls.status', vscode.StatusBarAlignment.Left, 10);
  statusItem.name = 'srls due cards';
  setStatus('$(mortar-board) srls', 'srls: starting', 'srls.dueSummary');

  context.subscriptions.push(
    output,
    statusItem,
    vscode.commands.registerCommand('srls.nextDue', nextDue),
    vscode.commands.registerCommand('srls.dueSummary', dueSummary),
    vscode.commands.registerCommand('srls.restartServer', () => restartServer(context)),
    vscode.commands.registerCommand('srls.review', (arg?: unknown) => review(arg)),
    vscode.commands.registerCommand('srls.reviewDeck', () => pickDeck('review')),
    vscode.commands.registerCommand('srls.cramDeck', () => pickDeck('cram')),
    vscode.commands.registerCommand('srls.reviewNote', reviewNote),
    vscode.commands.registerCommand('srls.showStats', showStats),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.languageId === 'markdown') scheduleRefresh(0);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // Grading edits the SR comment without saving; refresh once typing pauses.
      if (e.document.languageId === 'markdown' && e.contentChanges.length > 0) scheduleRefresh(EDIT_DEBOUNCE_MS);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('srls.server.path')) {
        void restartServer(context);
      } else if (e.affectsConfiguration(SECTION)) {
        const c = running();
        // Same shape as Neovim and Helix send: the settings under their section name.
        if (c !== undefined) void c.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settingsFor() } });
        scheduleRefresh(500);
      }
    }),
    { dispose: () => refreshTimer !== undefined && clearTimeout(refreshTimer) },
  );

  await startClient(context);
}

export async function deactivate(): Promise<void> {
  active = false;
  if (refreshTimer !== undefined) clearTimeout(refreshTimer);
  await ReviewPanel.closeAll();
  StatsPanel.closeAll();
  await stopClient();
}
