/**
 * Smoke test of the bundled extension (dist/extension.js) without VS Code: a stand-in `vscode`
 * module (test/fixtures/fake-vscode.cjs) and a stand-in server (test/fixtures/mock-server.cjs)
 * check the wiring that the pure-module tests cannot: the client starts the resolved server, sends
 * the mapped settings as initializationOptions and answers workspace/configuration with them, the
 * extension's own srls.nextDue/srls.dueSummary do not clash with the commands that
 * vscode-languageclient registers for the server, and the status bar shows the due count.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

const here = path.join(__dirname, '..', '..');
const fixtures = path.join(here, 'test', 'fixtures');
const bundle = path.join(here, 'dist', 'extension.js');

interface FakeState {
  settings: Record<string, unknown>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  messages: Array<{ level: string; text: string }>;
  shown: Array<{ uri: string; options: { selection: { start: { line: number; character: number } } } }>;
  statusItems: Array<{ text: string; tooltip: string | { value: string; isTrusted: unknown }; command?: string; visible: boolean }>;
  quickPickChoice: number;
  configListeners: { fire(e: { affectsConfiguration(section: string): boolean }): void };
}

interface Extension {
  activate(context: unknown): Promise<void>;
  deactivate(): Promise<void>;
}

interface Report {
  initializationOptions: unknown;
  configuration: unknown[];
  didChangeConfiguration: Array<{ settings: unknown }>;
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 10000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const skip = process.platform === 'win32' ? 'the stand-in server is started through a sh script' : !fs.existsSync(bundle) ? 'run `npm run build` first' : false;

describe('extension smoke test (stand-in vscode and server)', { skip }, () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fake = require(path.join(fixtures, 'fake-vscode.cjs')) as { __state: FakeState; commands: { executeCommand(id: string, ...a: unknown[]): Promise<unknown> } };
  const state = fake.__state;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'srls-vscode-smoke-'));
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const originalLoad = loader._load;
  let ext: Extension;

  const report = () => fake.commands.executeCommand('srls.mockReport') as Promise<Report>;
  const status = () => state.statusItems[0];

  before(async () => {
    loader._load = function (request, parent, isMain) {
      return request === 'vscode' ? fake : originalLoad.call(this, request, parent, isMain);
    };
    const server = path.join(tmp, 'srls');
    fs.writeFileSync(server, `#!/bin/sh\nexec "${process.execPath}" "${path.join(fixtures, 'mock-server.cjs')}"\n`, { mode: 0o755 });
    process.env.SRLS_PATH = server;
    state.settings = {
      'server.path': '',
      today: '2025-01-03',
      'inlayHints.enabled': true,
      'inlayHints.style': 'compact',
      'diagnostics.enabled': true,
      'diagnostics.severity': {},
      plugin: { flashcardTags: ['#cards'] },
      'index.enabled': true,
      'index.maxFileSize': null,
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ext = require(bundle) as Extension;
    await ext.activate({ subscriptions: [], extensionPath: tmp });
  });

  after(async () => {
    await ext?.deactivate();
    loader._load = originalLoad;
    delete process.env.SRLS_PATH;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const EXPECTED = {
    today: '2025-01-03',
    inlayHints: { enabled: true, style: 'compact' },
    diagnostics: { enabled: true },
    plugin: { flashcardTags: ['#cards'] },
    index: { enabled: true },
  };

  it('shows the due count in the status bar once the server runs', async () => {
    await waitFor('the status bar to show the due count', () => (status()?.text.includes('due') ? true : undefined));
    assert.equal(status().text, '$(mortar-board) 5 due · 2 new');
    assert.equal(status().command, 'srls.review', 'a click starts a review');
    const tooltip = status().tooltip as { value: string; isTrusted: { enabledCommands: string[] } };
    assert.match(tooltip.value, /\[\$\(play\) Review due cards\]\(command:srls\.review\)/);
    assert.match(tooltip.value, /\[Review deck…\]\(command:srls\.reviewDeck\)/);
    assert.ok(tooltip.isTrusted.enabledCommands.includes('srls.reviewDeck'), 'only the linked commands are trusted');
    assert.equal(status().visible, true);
    assert.deepEqual(state.messages, []);
  });

  it('registers its commands and still lets the client register the other server commands', () => {
    for (const id of ['srls.nextDue', 'srls.dueSummary', 'srls.restartServer', 'srls.review', 'srls.reviewDeck', 'srls.cramDeck', 'srls.reviewNote', 'srls.showStats', 'srls.mockReport']) {
      assert.ok(state.commands.has(id), `${id} is registered`);
    }
  });

  it('sends the mapped settings as initializationOptions and in workspace/configuration', async () => {
    const r = await waitFor('the configuration answer', async () => {
      const x = await report();
      return x.configuration !== undefined ? x : undefined;
    });
    assert.deepEqual(r.initializationOptions, EXPECTED);
    assert.deepEqual(r.configuration, [EXPECTED, { enabled: true, style: 'compact' }]);
  });

  it('opens the card that srls.nextDue returns, or says nothing is due', async () => {
    await fake.commands.executeCommand('srls.nextDue');
    assert.equal(state.shown.length, 1);
    assert.equal(state.shown[0].uri, 'file:///vault/cards.md');
    assert.deepEqual({ ...state.shown[0].options.selection.start }, { line: 3, character: 0 });
    await fake.commands.executeCommand('srls.nextDue', { deck: '#empty' });
    assert.equal(state.shown.length, 1);
    assert.deepEqual(state.messages.pop(), { level: 'info', text: 'srls: nothing due in #empty.' });
  });

  it('srls.dueSummary offers the decks and opens the next card of the one picked', async () => {
    state.quickPickChoice = 1; // "All decks" is 0
    await fake.commands.executeCommand('srls.dueSummary');
    assert.equal(state.shown.length, 2);
    assert.deepEqual(state.messages, []);
  });

  it('pushes changed settings to the server under the srls section', async () => {
    state.settings.today = '2025-01-04';
    state.configListeners.fire({ affectsConfiguration: (s: string) => s === 'srls' });
    const change = await waitFor('didChangeConfiguration', async () => (await report()).didChangeConfiguration[0]);
    assert.deepEqual(change, { settings: { srls: { ...EXPECTED, today: '2025-01-04' } } });
  });

  it('restarts the server without clashing commands', async () => {
    await fake.commands.executeCommand('srls.restartServer');
    const r = await waitFor('the restarted server', async () => {
      try {
        return await report();
      } catch {
        return undefined;
      }
    });
    assert.deepEqual(r.initializationOptions, { ...EXPECTED, today: '2025-01-04' });
    assert.deepEqual(state.messages, []);
  });
});
