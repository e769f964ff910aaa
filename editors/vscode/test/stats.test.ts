import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { barChartSvg, MAX_BARS, parseStats, squeeze, statsHtml } from '../src/stats/view';

const STATS = {
  vault: 'my-vault',
  today: '2024-06-01',
  period: 'month',
  deck: null,
  forecast: { labels: ['0', '1', '2'], counts: [1, 0, 3], summary: 'Average: 1.3 reviews/day', shown_by_default: 3 },
  intervals: { labels: ['0', '1'], counts: [0, 2], summary: 'Average interval: 1 day(s), Longest interval: 1 day(s)' },
  eases: { labels: ['250'], counts: [2], summary: 'Average ease: 250' },
  card_types: { labels: ['New - 33%', 'Young - 67%', 'Mature - 0%'], counts: [1, 2, 0], summary: 'Total cards: 3' },
  decks: [{ deck: 'flashcards' }, { deck: 'flashcards/<geo>' }],
  message: null,
};

describe('statistics panel', () => {
  it('reads the srls.stats result', () => {
    const s = parseStats(STATS);
    assert.ok(s);
    assert.equal(s.vault, 'my-vault');
    assert.deepEqual(s.cardTypes.counts, [1, 2, 0]);
    assert.deepEqual(s.decks, ['flashcards', 'flashcards/<geo>']);
    assert.equal(parseStats({ ...STATS, eases: undefined }), undefined);
    assert.equal(parseStats({ ...STATS, forecast: { labels: ['0'], counts: [] } }), undefined);
  });

  it('draws one bar per count, scaled to the largest', () => {
    const svg = barChartSvg(parseStats(STATS)!.forecast, 'Forecast');
    const heights = [...svg.matchAll(/<rect class="bar"[^>]* height="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.equal(heights.length, 3);
    assert.equal(heights[1], 0);
    assert.ok(Math.abs(heights[0] * 3 - heights[2]) < 0.2, `${heights}`);
    assert.match(svg, /<title>2: 3<\/title>/);
    assert.match(svg, /<p class="summary">Average: 1.3 reviews\/day<\/p>/);
  });

  it('sums neighbouring bars of a long chart', () => {
    const n = 400;
    const chart = { labels: [...Array(n).keys()].map(String), counts: Array(n).fill(1), summary: '' };
    const { chart: c, per } = squeeze(chart);
    assert.ok(c.counts.length <= MAX_BARS);
    assert.equal(per, 5);
    assert.equal(c.counts.reduce((a, b) => a + b, 0), n);
    assert.equal(c.labels[0], '0–4');
    assert.match(barChartSvg(chart, 'Intervals'), /Each bar sums 5 days/);
  });

  it('has the period and deck pickers, escaped', () => {
    const html = statsHtml({ ...parseStats(STATS)!, period: 'year', deck: 'flashcards' });
    assert.match(html, /<option value="year" selected>Year<\/option>/);
    assert.match(html, /<option value="flashcards" selected>#flashcards<\/option>/);
    assert.match(html, /#flashcards\/&lt;geo&gt;/);
    for (const t of ['Forecast', 'Intervals', 'Eases', 'Card types']) assert.match(html, new RegExp(`<h2>${t}</h2>`));
  });
});
