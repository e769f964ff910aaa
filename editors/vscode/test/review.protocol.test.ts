import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  normalizeDeck,
  parseEnded,
  parseItem,
  parseProgress,
  parseStarted,
  requestFromArgument,
  scopeTitle,
  startArgument,
} from '../src/review/protocol';
import { ITEM } from './fixtures/review-item';


describe('review protocol: results', () => {
  it('reads an item, with numbers or strings for ids', () => {
    const item = parseItem(ITEM);
    assert.ok(item);
    assert.equal(item.id, '3');
    assert.equal(item.isNew, false);
    assert.equal(item.buttons[2].interval, '44d');
    assert.equal(parseItem({ ...ITEM, id: 7 })?.id, '7');
    assert.equal(parseItem(null), null);
  });

  it('rejects a malformed item rather than showing half a card', () => {
    assert.equal(parseItem({ ...ITEM, id: undefined }), undefined);
    assert.equal(parseItem({ ...ITEM, line: -1 }), undefined);
    assert.equal(parseItem({ ...ITEM, question: 3 }), undefined);
    assert.equal(parseItem({ ...ITEM, buttons: [{ response: 'perfect', label: 'x' }] }), undefined);
    assert.equal(parseItem('card'), undefined);
  });

  it('keeps what the server leaves out at safe defaults', () => {
    const item = parseItem({ id: '1', uri: 'file:///a.md', line: 0, question: 'Q' });
    assert.deepEqual(item, {
      id: '1', uri: 'file:///a.md', line: 0, sibling: 0, siblings: 1, deck: '', type: '', isNew: false,
      question: 'Q', answer: '', back: null, context: null, buttons: [],
    });
    assert.equal(parseItem({ ...ITEM, buttons: [{ response: 'good', label: 'Good', interval: null }] })?.buttons[0].interval, null);
  });

  it('reads start, progress and end results', () => {
    const started = parseStarted({ session: '1', counts: { due: 2, new: 1, reviewed: 0, waiting: 0 }, item: ITEM });
    assert.equal(started?.session, '1');
    assert.equal(started?.item?.id, '3');
    assert.equal(started?.waiting, null);
    const done = parseProgress({ counts: { due: 0, new: 0, reviewed: 3 }, item: null, waiting: { until: '2025-01-03T10:04:00Z', label: 'next card in 4 min' } });
    assert.deepEqual(done, { counts: { due: 0, new: 0, reviewed: 3, waiting: 0 }, item: null, waiting: { until: '2025-01-03T10:04:00Z', label: 'next card in 4 min' } });
    assert.equal(parseProgress({ counts: { due: 1 }, item: null }), undefined);
    assert.equal(parseStarted({ counts: { due: 0, new: 0 }, item: null }), undefined);
    assert.equal(parseEnded({ reviewed: 4 }), 4);
    assert.equal(parseEnded({}), undefined);
  });
});

describe('review protocol: what to review', () => {
  it('takes a deck, a uri, a Uri object, a full request or nothing', () => {
    assert.deepEqual(requestFromArgument(undefined), { scope: 'workspace', mode: 'review' });
    assert.deepEqual(requestFromArgument('workspace', 'cram'), { scope: 'workspace', mode: 'cram' });
    assert.deepEqual(requestFromArgument('flashcards/lang'), { scope: { deck: '#flashcards/lang' }, mode: 'review' });
    assert.deepEqual(requestFromArgument({ deck: '#flashcards/lang' }, 'cram'), { scope: { deck: '#flashcards/lang' }, mode: 'cram' });
    assert.deepEqual(requestFromArgument({ uri: 'file:///v/a.md' }), { scope: { uri: 'file:///v/a.md' }, mode: 'review' });
    const uriLike = { scheme: 'file', path: '/v/a.md', toString: () => 'file:///v/a.md' };
    assert.deepEqual(requestFromArgument(uriLike), { scope: { uri: 'file:///v/a.md' }, mode: 'review' });
    assert.deepEqual(requestFromArgument({ scope: { uri: 'file:///v/a.md' }, mode: 'cram', seed: 7 }), {
      scope: { uri: 'file:///v/a.md' },
      mode: 'cram',
      seed: 7,
    });
    assert.deepEqual(requestFromArgument({ scope: 'workspace', seed: -1 }), { scope: 'workspace', mode: 'review' });
    assert.deepEqual(requestFromArgument(42), { scope: 'workspace', mode: 'review' });
  });

  it('builds the srls.review.start argument and a title', () => {
    assert.deepEqual(startArgument({ scope: { deck: '#a' }, mode: 'cram', seed: 7 }), { scope: { deck: '#a' }, mode: 'cram', seed: 7 });
    assert.deepEqual(startArgument({ scope: 'workspace', mode: 'review' }), { scope: 'workspace', mode: 'review' });
    assert.equal(scopeTitle({ scope: 'workspace', mode: 'review' }), 'srls: Review');
    assert.equal(scopeTitle({ scope: { deck: '#flashcards/lang' }, mode: 'cram' }), 'srls: Cram #flashcards/lang');
    assert.equal(scopeTitle({ scope: { uri: 'file:///v/My%20Note.md' }, mode: 'review' }), 'srls: Review My Note.md');
    assert.equal(normalizeDeck(' flashcards '), '#flashcards');
  });
});
