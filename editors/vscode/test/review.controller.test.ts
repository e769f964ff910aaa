import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { answerMarkdown, cardLocation, MAX_WAIT_MS, ReviewController, waitMs, type ReviewHost } from '../src/review/controller';
import { parseItem, type Item } from '../src/review/protocol';
import type { View } from '../src/review/view';
import { ITEM } from './fixtures/review-item';

const COUNTS = { due: 2, new: 0, reviewed: 0, waiting: 0 };
const item = (id: string, question: string) => ({ ...ITEM, id, question, back: null, answer: `A-${question}` });

/** A host that answers server commands from a script and records everything the controller does. */
function fakeHost(answers: Record<string, (arg: Record<string, unknown>) => unknown>) {
  const log: string[] = [];
  const views: View[] = [];
  const timers: Array<{ ms: number; fn: () => void; cancelled: boolean }> = [];
  let closed = 0;
  const host: ReviewHost = {
    async execute(command, arg) {
      log.push(`${command} ${JSON.stringify(arg)}`);
      const answer = answers[command];
      if (answer === undefined) throw new Error(`unexpected ${command}`);
      return answer(arg as Record<string, unknown>);
    },
    async render(markdown) {
      return `<p>${markdown}</p>`;
    },
    post(view) {
      views.push(view);
    },
    async openCard(i: Item) {
      log.push(`open ${i.uri}:${i.line}`);
    },
    close() {
      closed++;
    },
    async beforeWrite(uri) {
      log.push(`before ${uri}`);
      return async () => {
        log.push(`after ${uri}`);
      };
    },
    changed() {
      log.push('changed');
    },
    setTimer(ms, fn) {
      const t = { ms, fn, cancelled: false };
      timers.push(t);
      return () => (t.cancelled = true);
    },
  };
  return { host, log, views, timers, closed: () => closed, last: () => views[views.length - 1] };
}

describe('review controller', () => {
  it('starts, reveals, grades two cards and ends', async () => {
    let n = 0;
    const f = fakeHost({
      'srls.review.start': () => ({ session: 's1', counts: COUNTS, item: item('1', 'Q1') }),
      'srls.review.answer': () => {
        n++;
        return n === 1
          ? { counts: { due: 1, new: 0, reviewed: 1 }, item: item('2', 'Q2'), waiting: null }
          : { counts: { due: 0, new: 0, reviewed: 2 }, item: null, waiting: null };
      },
      'srls.review.end': () => ({ reviewed: 2 }),
    });
    const c = new ReviewController(f.host, { scope: { deck: '#flashcards/geo' }, mode: 'review', seed: 7 });
    await c.start();
    assert.equal(f.log[0], 'srls.review.start {"scope":{"deck":"#flashcards/geo"},"mode":"review","seed":7}');
    assert.equal(f.last().phase, 'question');
    assert.equal(f.last().question, '<p>Q1</p>');
    assert.equal(f.last().answer, '<p>Q1\n\n---\n\nA-Q1</p>', 'no back from the server: question, rule, answer');
    assert.equal(f.last().where, 'geo.md:3');
    assert.equal(f.last().busy, false);

    await c.handle({ type: 'answer', response: 'good' });
    assert.equal(f.log.length, 1, 'no grading before the answer is shown');

    await c.handle({ type: 'reveal' });
    assert.equal(f.last().phase, 'answer');
    await c.handle({ type: 'answer', response: 'good' });
    assert.deepEqual(f.log.slice(1), [
      'before file:///vault/geo.md',
      'srls.review.answer {"session":"s1","item":"1","response":"good"}',
      'after file:///vault/geo.md',
      'changed',
    ]);
    assert.equal(f.last().phase, 'question');
    assert.equal(f.last().question, '<p>Q2</p>');
    assert.deepEqual(f.last().counts, { due: 1, new: 0, reviewed: 1, waiting: 0 });
    assert.equal(f.last().canUndo, true);

    await c.handle({ type: 'reveal' });
    await c.handle({ type: 'answer', response: 'hard' });
    assert.equal(f.last().phase, 'done');
    assert.equal(f.last().counts.reviewed, 2);
    assert.equal(await c.end(), 2);
    assert.equal(await c.end(), undefined, 'ends once');
    assert.equal(f.log.filter((l) => l.startsWith('srls.review.end')).length, 1);
  });

  it('grades one card when a key is pressed twice while the answer is written', async () => {
    let release: () => void = () => {};
    const f = fakeHost({
      'srls.review.start': () => ({ session: 's', counts: COUNTS, item: item('1', 'Q1') }),
      'srls.review.answer': () => new Promise((r) => (release = () => r({ counts: COUNTS, item: item('2', 'Q2'), waiting: null }))),
    });
    const c = new ReviewController(f.host, { scope: 'workspace', mode: 'review' });
    await c.start();
    await c.handle({ type: 'reveal' });
    const first = c.handle({ type: 'answer', response: 'good' });
    await new Promise((r) => setImmediate(r));
    assert.equal(f.last().busy, true);
    await c.handle({ type: 'answer', response: 'good' });
    await c.handle({ type: 'skip' });
    release();
    await first;
    assert.equal(f.log.filter((l) => l.startsWith('srls.review.')).length, 2, 'start and one answer');
    assert.equal(f.last().busy, false);
  });

  it('shows a refused answer and the card afresh (srls.review.current)', async () => {
    const f = fakeHost({
      'srls.review.start': () => ({ session: 's', counts: COUNTS, item: item('1', 'Q1') }),
      'srls.review.answer': () => {
        throw new Error('srls: /vault/geo.md changed in the editor; the answer was not recorded');
      },
      'srls.review.current': () => ({ counts: COUNTS, item: item('5', 'Q1 edited'), waiting: null }),
    });
    const c = new ReviewController(f.host, { scope: 'workspace', mode: 'review' });
    await c.start();
    await c.handle({ type: 'reveal' });
    await c.handle({ type: 'answer', response: 'easy' });
    const v = f.last();
    assert.equal(v.phase, 'question');
    assert.equal(v.question, '<p>Q1 edited</p>');
    assert.deepEqual(v.notice, { kind: 'error', text: 'Not graded: srls: /vault/geo.md changed in the editor; the answer was not recorded' });
    assert.equal(v.canUndo, false, 'nothing was recorded');
    assert.ok(!f.log.includes('changed'));
  });

  it('undoes the last answer, writing its note, and skips', async () => {
    const f = fakeHost({
      'srls.review.start': () => ({ session: 's', counts: COUNTS, item: item('1', 'Q1') }),
      'srls.review.answer': () => ({ counts: { ...COUNTS, reviewed: 1 }, item: { ...item('2', 'Q2'), uri: 'file:///vault/b.md' }, waiting: null }),
      'srls.review.undo': () => ({ counts: COUNTS, item: item('1', 'Q1'), waiting: null }),
      'srls.review.skip': (arg) => ({ counts: COUNTS, item: item(String(Number(arg.item) + 10), 'Q3'), waiting: null }),
    });
    const c = new ReviewController(f.host, { scope: 'workspace', mode: 'review' });
    await c.start();
    await c.handle({ type: 'undo' });
    assert.equal(f.log.length, 1, 'nothing to undo yet');
    await c.handle({ type: 'reveal' });
    await c.handle({ type: 'answer', response: 'again' });
    await c.handle({ type: 'undo' });
    assert.deepEqual(f.log.slice(-4), ['before file:///vault/geo.md', 'srls.review.undo {"session":"s"}', 'after file:///vault/geo.md', 'changed']);
    assert.equal(f.last().question, '<p>Q1</p>');
    assert.equal(f.last().phase, 'question', 'the undone card is asked again');
    assert.equal(f.last().canUndo, false);
    await c.handle({ type: 'skip' });
    assert.equal(f.log[f.log.length - 1], 'srls.review.skip {"session":"s","item":"1"}');
    assert.equal(f.last().question, '<p>Q3</p>');
  });

  it('waits for learning cards, asking again when the next one is due', async () => {
    let calls = 0;
    const f = fakeHost({
      'srls.review.start': () => ({ session: 's', counts: { due: 0, new: 0, reviewed: 1, waiting: 1 }, item: null, waiting: { until: '2025-01-03T10:04:00Z', label: 'next card in 4 min' } }),
      'srls.review.current': () => {
        calls++;
        return { counts: COUNTS, item: item('9', 'Q9'), waiting: null };
      },
    });
    const now = Date.parse('2025-01-03T10:00:00Z');
    const c = new ReviewController(f.host, { scope: 'workspace', mode: 'review' }, () => now);
    await c.start();
    assert.equal(f.last().phase, 'waiting');
    assert.equal(f.last().waiting, 'next card in 4 min');
    assert.equal(f.timers.length, 1);
    assert.equal(f.timers[0].ms, MAX_WAIT_MS, 'four minutes away: ask again within a minute');
    f.timers[0].fn();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(calls, 1);
    assert.equal(f.last().phase, 'question');
  });

  it('shows a start error (an unknown deck lists the decks) and re-sends the view when the webview is rebuilt', async () => {
    const f = fakeHost({
      'srls.review.start': () => {
        throw new Error('srls: no deck #nope; decks: #flashcards/geo, #flashcards/bio');
      },
    });
    const c = new ReviewController(f.host, { scope: { deck: '#nope' }, mode: 'review' });
    await c.start();
    assert.equal(f.last().phase, 'error');
    assert.match(f.last().notice?.text ?? '', /decks: #flashcards\/geo/);
    const before = f.views.length;
    await c.handle({ type: 'ready' });
    assert.equal(f.views.length, before + 1);
    assert.deepEqual(f.last(), c.current());
    assert.equal(await c.end(), undefined, 'no session to end');
  });

  it('opens the card, closes the panel, ignores unknown messages', async () => {
    const f = fakeHost({ 'srls.review.start': () => ({ session: 's', counts: COUNTS, item: item('1', 'Q1') }) });
    const c = new ReviewController(f.host, { scope: 'workspace', mode: 'review' });
    await c.start();
    await c.handle({ type: 'edit' });
    assert.equal(f.log[f.log.length - 1], 'open file:///vault/geo.md:2');
    await c.handle({ type: 'nonsense' });
    await c.handle({ type: 'close' });
    assert.equal(f.closed(), 1);
  });

  it('helpers: the answer shown, wait times, locations', () => {
    const i = parseItem(ITEM);
    assert.ok(i);
    assert.equal(answerMarkdown(i), 'Paris\n\n---\n\nFrance');
    assert.equal(answerMarkdown({ ...i, back: null }), 'Paris\n\n---\n\nFrance');
    assert.equal(waitMs('2025-01-03T10:00:30Z', Date.parse('2025-01-03T10:00:00Z')), 30_000);
    assert.equal(waitMs('2025-01-03T09:00:00Z', Date.parse('2025-01-03T10:00:00Z')), 1000);
    assert.equal(waitMs('soon', 0), MAX_WAIT_MS);
    assert.equal(cardLocation({ ...i, uri: 'file:///v/My%20Note.md', line: 0 }), 'My Note.md:1');
  });
});
