import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, makeNonce, REVIEW_CSS, shellHtml } from '../src/review/html';
import { buttonText, countsText, emptyView, escapeHtml, labelBase, shortInterval, viewHtml, type View } from '../src/review/view';

const CSP_SOURCE = 'https://*.vscode-cdn.net';

function view(patch: Partial<View>): View {
  return { ...emptyView('review'), ...patch };
}

describe('webview shell', () => {
  it('makes a fresh nonce each time', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9+/]{24}$/);
    assert.notEqual(a, makeNonce());
  });

  it('has a strict policy: scripts only by nonce, nothing inline, no frames or connections', () => {
    const csp = contentSecurityPolicy(CSP_SOURCE, 'abc');
    const parts = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    assert.equal(parts['default-src'], "'none'");
    assert.equal(parts['script-src'], "'nonce-abc'");
    assert.equal(parts['style-src'], `${CSP_SOURCE} 'nonce-abc'`);
    assert.equal(parts['img-src'], `${CSP_SOURCE} https: data:`);
    for (const d of ['connect-src', 'frame-src', 'object-src', 'form-action', 'base-uri']) assert.equal(parts[d], "'none'", d);
    assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
  });

  it('puts the policy, the nonced script and sheets in the document', () => {
    const html = shellHtml({
      title: 'srls: Review <x>',
      cspSource: CSP_SOURCE,
      nonce: 'N0nce',
      script: 'https://x/dist/review.js',
      styles: ['https://x/media/markdown.css'],
      css: REVIEW_CSS,
    });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
    assert.match(html, /<script nonce="N0nce" src="https:\/\/x\/dist\/review.js"><\/script>/);
    assert.match(html, /<style nonce="N0nce">/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/media\/markdown.css">/);
    assert.match(html, /<title>srls: Review &lt;x&gt;<\/title>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, the nonced one');
  });

  it('styles only with the theme variables (light, dark, high contrast)', () => {
    assert.doesNotMatch(REVIEW_CSS, /#[0-9a-f]{3,6}\b|rgb\(/i, 'no fixed colours');
    assert.match(REVIEW_CSS, /--vscode-contrastBorder/);
    assert.match(REVIEW_CSS, /vscode-high-contrast/);
  });
});

describe('review view', () => {
  const BUTTONS = [
    { response: 'again' as const, label: 'Again - 10 min', interval: '10 min' },
    { response: 'hard' as const, label: 'Hard - 8 day(s)', interval: '8 day(s)' },
    { response: 'good' as const, label: 'Good', interval: '44 day(s)' },
    { response: 'easy' as const, label: 'Easy', interval: null },
  ];

  it('shows deck, counts and the question with a Show answer button', () => {
    const html = viewHtml(view({ phase: 'question', deck: '#flashcards/geo', counts: { due: 3, new: 2, reviewed: 1, waiting: 0 }, question: '<p>Paris</p>', answer: '<p>France</p>', buttons: BUTTONS, context: 'geo > Capitals', where: 'geo.md:3' }));
    assert.match(html, /<span class="deck">#flashcards\/geo<\/span>/);
    assert.match(html, /3 due · 2 new · 1 reviewed/);
    assert.match(html, /<div class="context">geo &gt; Capitals<\/div>/);
    assert.match(html, /data-role="question"><p>Paris<\/p><\/article>/);
    assert.match(html, /data-action="reveal"[^>]*>Show answer</);
    assert.doesNotMatch(html, /France/, 'the answer is not in the page before it is revealed');
    assert.match(html, /title="Open the card in the editor \(geo.md:3\) \(key e\)"/);
    assert.match(html, /data-action="undo"[^>]*disabled/, 'nothing to undo yet');
  });

  it('shows the answer with one button per response and its interval', () => {
    const html = viewHtml(view({ phase: 'answer', question: '<p>Paris</p>', answer: '<p>France</p>', buttons: BUTTONS, canUndo: true }));
    assert.match(html, /data-role="answer"><p>France<\/p>/);
    const grades = [...html.matchAll(/data-response="(\w+)"[^>]*><kbd>(\d)<\/kbd><span class="label">(\w+)<\/span>(?:<span class="interval">([^<]*)<\/span>)?/g)].map((m) => m.slice(1));
    assert.deepEqual(grades, [
      ['again', '1', 'Again', '10 min'],
      ['hard', '2', 'Hard', '8d'],
      ['good', '3', 'Good', '44d'],
      ['easy', '4', 'Easy', undefined],
    ]);
    assert.doesNotMatch(html, /data-action="undo"[^>]*disabled/);
    assert.doesNotMatch(html, /Show answer/);
  });

  it('disables every button but Close while a request is in flight', () => {
    const html = viewHtml(view({ phase: 'answer', buttons: BUTTONS, busy: true, canUndo: true }));
    const buttons = [...html.matchAll(/<button[^>]*>/g)].map((m) => m[0]);
    for (const b of buttons) {
      if (b.includes('data-action="close"')) assert.doesNotMatch(b, /disabled/);
      else assert.match(b, /disabled/, b);
    }
  });

  it('escapes everything that is text (deck, context, notices, labels)', () => {
    const html = viewHtml(view({ phase: 'answer', deck: '#<b>', context: '<img src=x>', notice: { kind: 'error', text: 'a <script>' }, buttons: [{ response: 'good', label: '<i>G</i>', interval: '"1d"' }] }));
    assert.doesNotMatch(html, /<b>|<img|<script|<i>/);
    assert.match(html, /role="alert">a &lt;script&gt;</);
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('says when only learning cards wait, and when the session is done', () => {
    assert.match(viewHtml(view({ phase: 'waiting', waiting: 'next card in 4 min' })), /Only cards in learning are left: next card in 4 min\./);
    assert.match(viewHtml(view({ phase: 'done', counts: { due: 0, new: 0, reviewed: 2, waiting: 0 } })), /Done: 2 cards reviewed\./);
    assert.match(viewHtml(view({ phase: 'done' })), /Nothing to review\./);
  });

  it('counts: due and new left, cram counts what is left', () => {
    assert.equal(countsText({ due: 1, new: 0, reviewed: 4, waiting: 2 }, 'review'), '1 due · 0 new · 4 reviewed · 2 waiting');
    assert.equal(countsText({ due: 3, new: 2, reviewed: 0, waiting: 0 }, 'cram'), '5 left · 0 reviewed');
    assert.equal(buttonText({ response: 'good', label: 'Good - 44 day(s)', interval: '44 day(s)' }), 'Good 44d');
    assert.equal(buttonText({ response: 'good', label: 'Gut', interval: '1.5 month(s)' }), 'Gut 1.5mo');
    assert.equal(buttonText({ response: 'good', label: 'Good', interval: null }), 'Good');
  });

  it('button labels: the plugin\'s text without its interval, which is shown compactly apart', () => {
    assert.equal(labelBase({ response: 'hard', label: 'Schwer - 2 day(s)', interval: '2 day(s)' }), 'Schwer');
    assert.equal(labelBase({ response: 'hard', label: 'Hard - x', interval: '2 day(s)' }), 'Hard - x');
    assert.equal(shortInterval('2 year(s)'), '2y');
    assert.equal(shortInterval('3 hour(s)'), '3h');
    assert.equal(shortInterval('10 min'), '10 min');
    assert.equal(shortInterval('1 day(s)'), '1d');
    const html = viewHtml(view({ phase: 'answer', buttons: [{ response: 'good', label: 'Good', interval: '3 day(s)' }] }));
    assert.match(html, /title="Good - 3 day\(s\) \(key 3\)"/);
  });
});
