import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  INDEXING_REFRESH_MS,
  STATUS_REFRESH_MS,
  deckPicks,
  nextRefreshDelay,
  parseDueSummary,
  parseNextDue,
  reviewDeckPicks,
  STATUS_LINK_COMMANDS,
  statusText,
  statusTooltipMarkdown,
  withAllDecks,
} from '../src/summary';

const SUMMARY = {
  today: '2025-01-03',
  ready: true,
  total: { due: 5, new: 2 },
  decks: [
    { deck: '#flashcards/b', due: 1, new: 2 },
    { deck: '#flashcards/a', due: 4, new: 0 },
    { deck: '#flashcards/empty', due: 0, new: 0 },
  ],
};

describe('dueSummary', () => {
  it('accepts the agreed shape and rejects others', () => {
    assert.deepEqual(parseDueSummary(SUMMARY), SUMMARY);
    assert.equal(parseDueSummary(null), undefined);
    assert.equal(parseDueSummary({ today: '2025-01-03', total: { due: 1 }, decks: [] }), undefined);
    assert.equal(parseDueSummary({ ...SUMMARY, decks: [{ deck: 'x', due: '1', new: 0 }] }), undefined);
  });

  it('asks again every second while the server indexes, then every few minutes', () => {
    const indexing = parseDueSummary({ ...SUMMARY, ready: false });
    assert.equal(nextRefreshDelay(indexing), INDEXING_REFRESH_MS);
    assert.ok(statusText(indexing).tooltip.startsWith('srls — 2025-01-03: 5 due, 2 new (indexing…)'));
    assert.equal(nextRefreshDelay(parseDueSummary(SUMMARY)), STATUS_REFRESH_MS);
    assert.equal(nextRefreshDelay(undefined), STATUS_REFRESH_MS);
    const older: Record<string, unknown> = { ...SUMMARY };
    delete older.ready;
    assert.equal(parseDueSummary(older)?.ready, true);
  });

  it('shows due and new in the status bar, decks in the tooltip with most due first', () => {
    const { text, tooltip } = statusText(parseDueSummary(SUMMARY));
    assert.equal(text, '$(mortar-board) 5 due · 2 new');
    const lines = tooltip.split('\n');
    assert.equal(lines[0], 'srls — 2025-01-03: 5 due, 2 new');
    assert.equal(lines[1], '#flashcards/a: 4 due, 0 new');
    assert.equal(lines[2], '#flashcards/b: 1 due, 2 new');
    assert.equal(tooltip.includes('empty'), false);
  });

  it('leaves out new when there is none', () => {
    assert.equal(statusText({ today: 'x', ready: true, total: { due: 0, new: 0 }, decks: [] }).text, '$(mortar-board) 0 due');
    assert.equal(statusText(undefined).text, '$(mortar-board) srls');
  });

  it('offers all decks first, then each deck to study', () => {
    assert.deepEqual(deckPicks(SUMMARY), [
      { label: 'All decks', description: '5 due, 2 new' },
      { label: '#flashcards/a', description: '4 due, 0 new', deck: '#flashcards/a' },
      { label: '#flashcards/b', description: '1 due, 2 new', deck: '#flashcards/b' },
    ]);
  });
});

describe('nextDue', () => {
  const range = { start: { line: 4, character: 0 }, end: { line: 4, character: 10 } };

  it('keeps null (nothing due) apart from a malformed answer', () => {
    assert.equal(parseNextDue(null), null);
    assert.equal(parseNextDue({ uri: 'file:///a.md' }), undefined);
    assert.equal(parseNextDue('file:///a.md'), undefined);
  });

  it('reads the location and fills missing text fields', () => {
    assert.deepEqual(parseNextDue({ uri: 'file:///a.md', range, question: 'Q?', deck: '#d', due: '2025-01-03' }), {
      uri: 'file:///a.md',
      range,
      question: 'Q?',
      deck: '#d',
      due: '2025-01-03',
    });
    assert.deepEqual(parseNextDue({ uri: 'file:///a.md', range }), { uri: 'file:///a.md', range, question: '', deck: '', due: '' });
  });
});

describe('review decks and the status tooltip', () => {
  const s = parseDueSummary(SUMMARY);
  it('offers decks with cards to review, most due first; every deck to cram', () => {
    assert.ok(s);
    assert.deepEqual(reviewDeckPicks(s, 'review'), [
      { label: '#flashcards/a', description: '4 due, 0 new', deck: '#flashcards/a' },
      { label: '#flashcards/b', description: '1 due, 2 new', deck: '#flashcards/b' },
    ]);
    assert.deepEqual(
      reviewDeckPicks(s, 'cram').map((p) => p.deck),
      ['#flashcards/a', '#flashcards/b', '#flashcards/empty'],
    );
  });

  it('adds the decks with nothing due for cramming, once each', () => {
    assert.ok(s);
    const all = withAllDecks(s, ['flashcards/a', 'flashcards/quiet', '#flashcards/quiet', 'flashcards']);
    assert.deepEqual(
      reviewDeckPicks(all, 'cram').map((p) => `${p.label} ${p.description}`),
      ['#flashcards 0 due, 0 new', '#flashcards/a 4 due, 0 new', '#flashcards/b 1 due, 2 new', '#flashcards/empty 0 due, 0 new', '#flashcards/quiet 0 due, 0 new'],
    );
  });

  it('links every review command from the tooltip, and trusts only those', () => {
    assert.ok(s);
    const md = statusTooltipMarkdown(s);
    assert.match(md, /^\*\*srls — 2025\\-01\\-03: 5 due, 2 new\*\* {2}\n\\#flashcards\/a: 4 due, 0 new/);
    for (const cmd of STATUS_LINK_COMMANDS) assert.match(md, new RegExp(`\\(command:${cmd.replace('.', '\\.')}\\)`), cmd);
    const linked = [...md.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
    assert.deepEqual(linked.sort(), [...STATUS_LINK_COMMANDS].sort());
  });
});
