import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { findOnPath, notFoundMessage, ResolveInput, resolveServerPath } from '../src/serverPath';

/** An input whose file system holds exactly `files`. */
function input(files: string[], over: Partial<ResolveInput> = {}): ResolveInput {
  const set = new Set(files);
  return {
    env: { PATH: '/usr/local/bin:/usr/bin' },
    extensionPath: '/ext',
    platform: 'linux',
    isFile: (p) => set.has(p),
    homedir: '/home/me',
    ...over,
  };
}

describe('resolveServerPath on Linux', () => {
  const everything = ['/opt/srls', '/env/srls', '/ext/server/srls', '/usr/bin/srls'];

  it('prefers the setting', () => {
    assert.deepEqual(
      resolveServerPath(input(everything, { configured: '/opt/srls', env: { SRLS_PATH: '/env/srls', PATH: '/usr/bin' } })),
      { command: '/opt/srls', source: 'setting', found: true },
    );
  });

  it('then SRLS_PATH', () => {
    assert.deepEqual(resolveServerPath(input(everything, { configured: '  ', env: { SRLS_PATH: '/env/srls', PATH: '/usr/bin' } })), {
      command: '/env/srls',
      source: 'env',
      found: true,
    });
  });

  it('then the bundled binary, only if it exists', () => {
    assert.deepEqual(resolveServerPath(input(everything)), { command: '/ext/server/srls', source: 'bundled', found: true });
    assert.deepEqual(resolveServerPath(input(['/usr/bin/srls'])), { command: '/usr/bin/srls', source: 'path', found: true });
  });

  it('then srls on PATH, first directory first', () => {
    assert.deepEqual(resolveServerPath(input(['/usr/local/bin/srls', '/usr/bin/srls'])).command, '/usr/local/bin/srls');
  });

  it('reports not found with the bare name when nothing exists', () => {
    const r = resolveServerPath(input([]));
    assert.deepEqual(r, { command: 'srls', source: 'path', found: false });
    assert.match(notFoundMessage(r), /no server found/);
  });

  it('does not fall back when the configured path is missing', () => {
    const r = resolveServerPath(input(['/usr/bin/srls'], { configured: '/nope/srls' }));
    assert.deepEqual(r, { command: '/nope/srls', source: 'setting', found: false });
    assert.match(notFoundMessage(r), /srls\.server\.path.*\/nope\/srls/);
  });

  it('reports a missing SRLS_PATH by name', () => {
    const r = resolveServerPath(input(['/usr/bin/srls'], { env: { SRLS_PATH: '/gone/srls', PATH: '/usr/bin' } }));
    assert.equal(r.found, false);
    assert.match(notFoundMessage(r), /SRLS_PATH/);
  });

  it('expands ~ and ${workspaceFolder}, and resolves relative paths against the workspace', () => {
    const files = ['/home/me/.cargo/bin/srls', '/vault/tools/srls', '/vault/target/debug/srls'];
    assert.equal(resolveServerPath(input(files, { configured: '~/.cargo/bin/srls' })).command, '/home/me/.cargo/bin/srls');
    assert.equal(
      resolveServerPath(input(files, { configured: '${workspaceFolder}/tools/srls', workspaceFolder: '/vault' })).command,
      '/vault/tools/srls',
    );
    assert.deepEqual(resolveServerPath(input(files, { configured: 'target/debug/srls', workspaceFolder: '/vault' })), {
      command: '/vault/target/debug/srls',
      source: 'setting',
      found: true,
    });
  });

  it('looks a bare command name in the setting up on PATH', () => {
    assert.deepEqual(resolveServerPath(input(['/usr/bin/srls-nightly'], { configured: 'srls-nightly' })), {
      command: '/usr/bin/srls-nightly',
      source: 'setting',
      found: true,
    });
    assert.deepEqual(resolveServerPath(input([], { configured: 'srls-nightly' })), {
      command: 'srls-nightly',
      source: 'setting',
      found: false,
    });
  });

  it('ignores empty PATH entries', () => {
    assert.equal(findOnPath('srls', { env: { PATH: ':/bin:' }, platform: 'linux', isFile: (p) => p === 'srls' }), undefined);
  });
});

describe('resolveServerPath on Windows', () => {
  const win = (files: string[], over: Partial<ResolveInput> = {}): ResolveInput =>
    input(files, {
      platform: 'win32',
      extensionPath: 'C:\\ext',
      homedir: 'C:\\Users\\me',
      env: { Path: 'C:\\tools;C:\\Windows', PATHEXT: '.COM;.EXE;.CMD' },
      ...over,
    });

  it('uses server\\srls.exe when bundled', () => {
    assert.deepEqual(resolveServerPath(win(['C:\\ext\\server\\srls.exe'])), {
      command: 'C:\\ext\\server\\srls.exe',
      source: 'bundled',
      found: true,
    });
  });

  it('does not take a Linux binary bundled as server/srls', () => {
    assert.equal(resolveServerPath(win(['C:\\ext\\server\\srls'])).found, false);
  });

  it('finds srls.exe on Path with PATHEXT', () => {
    assert.equal(resolveServerPath(win(['C:\\Windows\\srls.exe'])).command, 'C:\\Windows\\srls.exe');
  });

  it('takes an absolute Windows path from the setting', () => {
    assert.deepEqual(resolveServerPath(win(['D:\\bin\\srls.exe'], { configured: 'D:\\bin\\srls.exe' })), {
      command: 'D:\\bin\\srls.exe',
      source: 'setting',
      found: true,
    });
  });
});
