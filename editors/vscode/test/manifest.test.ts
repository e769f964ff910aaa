import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const props = manifest.contributes.configuration.properties;

describe('package.json', () => {
  it('srls.server.path works from User settings in remote windows, and is restricted in untrusted workspaces', () => {
    // machine / machine-overridable settings in User settings are ignored in a remote window
    // (Remote-SSH, code-server) and hidden from its User tab; window scope is read everywhere.
    assert.equal(props['srls.server.path'].scope, 'window');
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ['srls.server.path']);
  });

  it('contributes the review commands, each with the srls category', () => {
    const ids = manifest.contributes.commands.map((c: { command: string }) => c.command);
    for (const id of ['srls.review', 'srls.reviewDeck', 'srls.cramDeck', 'srls.reviewNote', 'srls.showStats', 'srls.nextDue', 'srls.dueSummary', 'srls.restartServer']) {
      assert.ok(ids.includes(id), id);
    }
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'srls', c.command);
  });

  it('starts in a vault before any note is opened', () => {
    assert.ok(manifest.activationEvents.includes('onLanguage:markdown'));
    assert.ok(manifest.activationEvents.some((e: string) => e.startsWith('workspaceContains:.obsidian/')));
  });

  it('packages the webview scripts and a bundled server, nothing else of the sources', () => {
    const ignore = fs.readFileSync(path.join(__dirname, '..', '..', '.vscodeignore'), 'utf8');
    for (const f of ['!dist/extension.js', '!dist/review.js', '!dist/stats.js', '!server/srls']) assert.ok(ignore.includes(f), f);
  });
});
