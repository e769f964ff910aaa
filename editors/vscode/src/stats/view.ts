/**
 * The statistics panel's page for a `srls.stats` result: the plugin's four charts (forecast,
 * intervals, eases, card types) as SVG bar charts with their summaries, and a period and deck
 * picker. Pure: tested in Node; the extension puts it in the webview shell.
 */
import { escapeHtml } from '../review/view';

export interface Chart {
  labels: string[];
  counts: number[];
  summary: string;
}

export interface Stats {
  vault: string | null;
  today: string;
  period: string;
  deck: string | null;
  forecast: Chart;
  intervals: Chart;
  eases: Chart;
  cardTypes: Chart;
  decks: string[];
  message: string | null;
}

export const PERIODS = ['month', 'quarter', 'year', 'lifetime'] as const;
export type Period = (typeof PERIODS)[number];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseChart(v: unknown): Chart | undefined {
  if (!isObject(v) || !Array.isArray(v.labels) || !Array.isArray(v.counts)) return undefined;
  const labels = v.labels.map((l) => String(l));
  const counts = v.counts.map((c) => (typeof c === 'number' && Number.isFinite(c) ? c : 0));
  if (labels.length !== counts.length) return undefined;
  return { labels, counts, summary: typeof v.summary === 'string' ? v.summary : '' };
}

/** Checks a `srls.stats` result; undefined when a chart is missing or malformed. */
export function parseStats(v: unknown): Stats | undefined {
  if (!isObject(v)) return undefined;
  const forecast = parseChart(v.forecast);
  const intervals = parseChart(v.intervals);
  const eases = parseChart(v.eases);
  const cardTypes = parseChart(v.card_types);
  if (forecast === undefined || intervals === undefined || eases === undefined || cardTypes === undefined) return undefined;
  const decks = Array.isArray(v.decks)
    ? v.decks.flatMap((d) => (isObject(d) && typeof d.deck === 'string' ? [d.deck] : typeof d === 'string' ? [d] : []))
    : [];
  return {
    vault: typeof v.vault === 'string' ? v.vault : null,
    today: typeof v.today === 'string' ? v.today : '',
    period: typeof v.period === 'string' ? v.period : 'month',
    deck: typeof v.deck === 'string' ? v.deck : null,
    forecast,
    intervals,
    eases,
    cardTypes,
    decks,
    message: typeof v.message === 'string' ? v.message : null,
  };
}

/** At most this many bars are drawn; longer charts sum neighbouring bars. */
export const MAX_BARS = 92;

/** Sums neighbouring bars so that at most `max` are left; labels become `first–last`. */
export function squeeze(chart: Chart, max = MAX_BARS): { chart: Chart; per: number } {
  const n = chart.counts.length;
  if (n <= max) return { chart, per: 1 };
  const per = Math.ceil(n / max);
  const labels: string[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i += per) {
    const j = Math.min(n, i + per) - 1;
    labels.push(i === j ? chart.labels[i] : `${chart.labels[i]}–${chart.labels[j]}`);
    counts.push(chart.counts.slice(i, j + 1).reduce((a, b) => a + b, 0));
  }
  return { chart: { ...chart, labels, counts }, per };
}

/** An SVG bar chart: bars scaled to the largest count, a few x labels, the largest count on the y axis. */
export function barChartSvg(input: Chart, title: string): string {
  const { chart, per } = squeeze(input);
  const n = chart.counts.length;
  const W = 600;
  const H = 180;
  const left = 36;
  const bottom = 28;
  const plotW = W - left - 8;
  const plotH = H - bottom - 10;
  const max = Math.max(0, ...chart.counts);
  const slot = n > 0 ? plotW / n : plotW;
  const bars: string[] = [];
  chart.counts.forEach((c, i) => {
    const h = max > 0 ? (c / max) * plotH : 0;
    const x = left + i * slot + slot * 0.1;
    const y = 10 + plotH - h;
    bars.push(
      `<rect class="bar" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, slot * 0.8).toFixed(1)}" height="${h.toFixed(1)}">` +
        `<title>${escapeHtml(chart.labels[i])}: ${c}</title></rect>`,
    );
  });
  const every = Math.max(1, Math.ceil(n / 8));
  const ticks: string[] = [];
  for (let i = 0; i < n; i += every) {
    const x = left + i * slot + slot / 2;
    ticks.push(`<text class="tick" x="${x.toFixed(1)}" y="${H - 10}" text-anchor="middle">${escapeHtml(chart.labels[i])}</text>`);
  }
  const axis =
    `<line class="axis" x1="${left}" y1="${10 + plotH}" x2="${W - 8}" y2="${10 + plotH}"/>` +
    `<text class="tick" x="${left - 4}" y="16" text-anchor="end">${max}</text>` +
    `<text class="tick" x="${left - 4}" y="${10 + plotH}" text-anchor="end">0</text>`;
  const note = per > 1 ? `<p class="note">Each bar sums ${per} days.</p>` : '';
  const empty = n === 0 ? `<p class="note">No data.</p>` : '';
  return (
    `<section class="chart" data-chart="${escapeHtml(title)}"><h2>${escapeHtml(title)}</h2>` +
    `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}">${axis}${bars.join('')}${ticks.join('')}</svg>` +
    `${empty}${note}<p class="summary">${escapeHtml(chart.summary)}</p></section>`
  );
}

function option(value: string, label: string, selected: boolean): string {
  return `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
}

/** The page body for a result. */
export function statsHtml(s: Stats, decks: readonly string[] = s.decks): string {
  const periods = PERIODS.map((p) => option(p, p[0].toUpperCase() + p.slice(1), p === s.period)).join('');
  const deckOptions = [option('', 'All decks', s.deck === null), ...decks.map((d) => option(d, `#${d.replace(/^#/, '')}`, d.replace(/^#/, '') === (s.deck ?? '').replace(/^#/, '')))].join('');
  const head =
    `<header class="top"><h1>Statistics${s.vault !== null ? ` — ${escapeHtml(s.vault)}` : ''}</h1>` +
    `<span class="today">${escapeHtml(s.today)}</span>` +
    `<label>Period <select data-role="period">${periods}</select></label>` +
    `<label>Deck <select data-role="deck">${deckOptions}</select></label></header>`;
  const message = s.message !== null ? `<p class="message">${escapeHtml(s.message)}</p>` : '';
  return (
    head +
    message +
    barChartSvg(s.forecast, 'Forecast') +
    barChartSvg(s.intervals, 'Intervals') +
    barChartSvg(s.eases, 'Eases') +
    barChartSvg(s.cardTypes, 'Card types')
  );
}

export const STATS_CSS = `
body { padding: 0 1.5em 2em; color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
#root { max-width: 60em; margin: 0 auto; outline: none; }
header.top { display: flex; flex-wrap: wrap; gap: .5em 1.5em; align-items: baseline; padding: .5em 0;
  border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent)); }
h1 { font-size: 1.3em; margin: .3em 0; } h2 { font-size: 1.1em; margin: 1.2em 0 .3em; }
.today, .note, .summary { color: var(--vscode-descriptionForeground); }
select { font: inherit; color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background);
  border: 1px solid var(--vscode-dropdown-border, transparent); }
svg { width: 100%; height: auto; max-height: 200px; }
.bar { fill: var(--vscode-charts-blue, var(--vscode-button-background)); }
body.vscode-high-contrast .bar, body.vscode-high-contrast-light .bar { stroke: var(--vscode-contrastBorder); }
.axis { stroke: var(--vscode-descriptionForeground); stroke-width: 1; }
.tick { fill: var(--vscode-descriptionForeground); font-size: 11px; }
`;
