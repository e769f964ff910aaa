import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { answerConfiguration, isServerSection, sectionValue, toServerSettings } from '../src/settings';

/** A reader over a flat map of keys below `srls`, like WorkspaceConfiguration.get. */
function reader(values: Record<string, unknown>): (key: string) => unknown {
  return (key) => values[key];
}

/** The defaults that package.json declares, as VS Code returns them when nothing is set. */
const DEFAULTS: Record<string, unknown> = {
  'server.path': '',
  'trace.server': 'off',
  today: '',
  now: '',
  'inlayHints.enabled': true,
  'inlayHints.style': 'full',
  'diagnostics.enabled': true,
  'diagnostics.severity': {},
  plugin: {},
  'index.enabled': true,
  'index.maxFileSize': null,
  maxNoteSize: null,
  'statusBar.enabled': true,
};

describe('toServerSettings', () => {
  it('maps the defaults, leaving out empty and client-only values', () => {
    assert.deepEqual(toServerSettings(reader(DEFAULTS)), {
      inlayHints: { enabled: true, style: 'full' },
      diagnostics: { enabled: true },
      index: { enabled: true },
    });
  });

  it('maps every setting to its place in the srls object', () => {
    const s = toServerSettings(
      reader({
        ...DEFAULTS,
        'server.path': '/opt/srls',
        'trace.server': 'verbose',
        today: '2025-01-03',
        now: '2025-01-03T09:00:00Z',
        'inlayHints.enabled': false,
        'inlayHints.style': 'compact',
        'diagnostics.enabled': false,
        'diagnostics.severity': { 'bad-date': 'warning', 'unknown-card': 'off' },
        plugin: { flashcardTags: ['#cards'], baseEase: 230 },
        'index.enabled': false,
        'index.maxFileSize': 1048576,
        maxNoteSize: 31457280,
      }),
    );
    assert.deepEqual(s, {
      today: '2025-01-03',
      now: '2025-01-03T09:00:00Z',
      inlayHints: { enabled: false, style: 'compact' },
      diagnostics: { enabled: false, severity: { 'bad-date': 'warning', 'unknown-card': 'off' } },
      plugin: { flashcardTags: ['#cards'], baseEase: 230 },
      index: { enabled: false, maxFileSize: 1048576 },
      maxNoteSize: 31457280,
    });
    assert.equal(JSON.stringify(s).includes('/opt/srls'), false, 'server.path stays in the client');
    assert.equal(JSON.stringify(s).includes('verbose'), false, 'trace.server stays in the client');
  });

  it('gives an empty object when nothing is set at all', () => {
    assert.deepEqual(toServerSettings(() => undefined), {});
  });

  it('trims today and drops one that is not YYYY-MM-DD', () => {
    assert.equal(toServerSettings(reader({ today: ' 2025-02-16 ' })).today, '2025-02-16');
    assert.equal(toServerSettings(reader({ today: '2025-2-16' })).today, undefined);
    assert.equal(toServerSettings(reader({ today: 'tomorrow' })).today, undefined);
    assert.equal(toServerSettings(reader({ today: 20250216 })).today, undefined);
  });

  it('drops values of the wrong type and unknown severities', () => {
    const s = toServerSettings(
      reader({
        'inlayHints.enabled': 'yes',
        'inlayHints.style': 'tiny',
        'diagnostics.severity': { a: 'warning', b: 'fatal', c: 3 },
        plugin: ['#cards'],
        'index.maxFileSize': -1,
        maxNoteSize: 'big',
      }),
    );
    assert.deepEqual(s, { diagnostics: { severity: { a: 'warning' } } });
  });

  it('floors a fractional maxFileSize', () => {
    assert.deepEqual(toServerSettings(reader({ 'index.maxFileSize': 1000.7 })).index, { maxFileSize: 1000 });
  });

  it('copies plugin overrides instead of sharing the settings object', () => {
    const plugin = { flashcardTags: ['#cards'] };
    const s = toServerSettings(reader({ plugin }));
    assert.notEqual(s.plugin, plugin);
    assert.deepEqual(s.plugin, plugin);
  });
});

describe('workspace/configuration answers', () => {
  const settings = toServerSettings(reader({ ...DEFAULTS, today: '2025-01-03' }));

  it('recognises the srls section and its parts only', () => {
    assert.equal(isServerSection('srls'), true);
    assert.equal(isServerSection('srls.inlayHints'), true);
    assert.equal(isServerSection('srlsx'), false);
    assert.equal(isServerSection('markdown'), false);
    assert.equal(isServerSection(undefined), false);
  });

  it('returns the whole object for srls and a part for srls.x.y', () => {
    assert.deepEqual(sectionValue(settings, 'srls'), settings);
    assert.deepEqual(sectionValue(settings, 'srls.inlayHints'), { enabled: true, style: 'full' });
    assert.equal(sectionValue(settings, 'srls.inlayHints.style'), 'full');
    assert.equal(sectionValue(settings, 'srls.plugin'), null);
    assert.equal(sectionValue(settings, 'srls.today.year'), null);
  });

  it('answers srls items itself and takes the others from the fallback, in order', () => {
    const scopes: Array<string | undefined> = [];
    const answer = answerConfiguration(
      [{ section: 'srls' }, { section: 'editor' }, { section: 'srls.today', scopeUri: 'file:///v/a.md' }, {}],
      (scope) => {
        scopes.push(scope);
        return settings;
      },
      [null, { tabSize: 4 }, null, { all: true }],
    );
    assert.deepEqual(answer, [settings, { tabSize: 4 }, '2025-01-03', { all: true }]);
    assert.deepEqual(scopes, [undefined, 'file:///v/a.md']);
  });

  it('reads the settings once per scope', () => {
    let calls = 0;
    answerConfiguration(
      [{ section: 'srls' }, { section: 'srls.inlayHints' }, { section: 'srls.index' }],
      () => {
        calls++;
        return settings;
      },
      undefined,
    );
    assert.equal(calls, 1);
  });

  it('answers null for other sections when there is no fallback', () => {
    assert.deepEqual(answerConfiguration([{ section: 'editor' }], () => settings, undefined), [null]);
  });
});
