import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { gradeKey, keyAction, parseAction } from '../src/review/keys';

describe('review keys', () => {
  it('space and enter reveal the answer, only while the question is shown', () => {
    assert.deepEqual(keyAction({ key: ' ' }, 'question', false), { type: 'reveal' });
    assert.deepEqual(keyAction({ key: 'Enter' }, 'question', false), { type: 'reveal' });
    assert.equal(keyAction({ key: ' ' }, 'answer', false), undefined);
    assert.equal(keyAction({ key: 'Enter' }, 'done', false), undefined);
  });

  it('1 to 4 grade Again, Hard, Good, Easy once the answer is shown', () => {
    assert.deepEqual(keyAction({ key: '1' }, 'answer', false), { type: 'answer', response: 'again' });
    assert.deepEqual(keyAction({ key: '2' }, 'answer', false), { type: 'answer', response: 'hard' });
    assert.deepEqual(keyAction({ key: '3' }, 'answer', false), { type: 'answer', response: 'good' });
    assert.deepEqual(keyAction({ key: '4' }, 'answer', false), { type: 'answer', response: 'easy' });
    assert.equal(keyAction({ key: '3' }, 'question', false), undefined, 'no grading before the answer is seen');
    assert.equal(keyAction({ key: '5' }, 'answer', false), undefined);
  });

  it('u undoes when there is something to undo, e edits, s skips, esc closes', () => {
    assert.deepEqual(keyAction({ key: 'u' }, 'question', true), { type: 'undo' });
    assert.deepEqual(keyAction({ key: 'U' }, 'done', true), { type: 'undo' }, 'undo also after the last card');
    assert.equal(keyAction({ key: 'u' }, 'question', false), undefined);
    assert.deepEqual(keyAction({ key: 'e' }, 'answer', false), { type: 'edit' });
    assert.equal(keyAction({ key: 'e' }, 'done', false), undefined);
    assert.deepEqual(keyAction({ key: 's' }, 'question', false), { type: 'skip' });
    assert.deepEqual(keyAction({ key: 'Escape' }, 'loading', false), { type: 'close' });
    assert.deepEqual(keyAction({ key: 'Escape' }, 'answer', false, ), { type: 'close' });
  });

  it('leaves keys with modifiers and held keys to VS Code', () => {
    assert.equal(keyAction({ key: '3', ctrlKey: true }, 'answer', false), undefined);
    assert.equal(keyAction({ key: 'e', metaKey: true }, 'answer', false), undefined);
    assert.equal(keyAction({ key: ' ', altKey: true }, 'question', false), undefined);
    assert.equal(keyAction({ key: '3', repeat: true }, 'answer', false), undefined);
    assert.equal(keyAction({ key: 'x' }, 'answer', false), undefined);
  });

  it('names the key of each grade button', () => {
    assert.equal(gradeKey('again'), '1');
    assert.equal(gradeKey('easy'), '4');
    assert.equal(gradeKey('reset'), undefined);
  });

  it('lets only known actions through from the webview', () => {
    assert.deepEqual(parseAction({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseAction({ type: 'answer', response: 'good', extra: 1 }), { type: 'answer', response: 'good' });
    assert.equal(parseAction({ type: 'answer', response: 'perfect' }), undefined);
    assert.equal(parseAction({ type: 'eval', code: '1' }), undefined);
    assert.equal(parseAction('reveal'), undefined);
    assert.equal(parseAction(null), undefined);
  });
});
