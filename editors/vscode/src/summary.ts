/**
 * Shapes of the server's `srls.dueSummary` and `srls.nextDue` results, and how the extension
 * shows them. Pure, so the formatting is unit-tested without VS Code.
 */

export interface DeckCount {
  deck: string;
  due: number;
  new: number;
}

export interface DueSummary {
  today: string;
  /** False while the server is still indexing the workspace (the counts will grow). */
  ready: boolean;
  total: { due: number; new: number };
  decks: DeckCount[];
}

export interface LspPosition {
  line: number;
  character: number;
}

export interface NextDue {
  uri: string;
  range: { start: LspPosition; end: LspPosition };
  question: string;
  deck: string;
  due: string;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Checks a `srls.dueSummary` result; returns undefined when it does not have the agreed shape. */
export function parseDueSummary(v: unknown): DueSummary | undefined {
  if (!isObject(v) || typeof v.today !== 'string' || !isObject(v.total)) return undefined;
  if (!isCount(v.total.due) || !isCount(v.total.new) || !Array.isArray(v.decks)) return undefined;
  const decks: DeckCount[] = [];
  for (const d of v.decks as unknown[]) {
    if (!isObject(d) || typeof d.deck !== 'string' || !isCount(d.due) || !isCount(d.new)) return undefined;
    decks.push({ deck: d.deck, due: d.due, new: d.new });
  }
  const ready = v.ready !== false;
  return { today: v.today, ready, total: { due: v.total.due, new: v.total.new }, decks };
}

function isPosition(v: unknown): v is LspPosition {
  return isObject(v) && isCount(v.line) && isCount(v.character);
}

/** Checks a `srls.nextDue` result: `null` (nothing due) stays `null`; a malformed one is undefined. */
export function parseNextDue(v: unknown): NextDue | null | undefined {
  if (v === null) return null;
  if (!isObject(v) || typeof v.uri !== 'string' || !isObject(v.range)) return undefined;
  if (!isPosition(v.range.start) || !isPosition(v.range.end)) return undefined;
  return {
    uri: v.uri,
    range: { start: v.range.start, end: v.range.end },
    question: typeof v.question === 'string' ? v.question : '',
    deck: typeof v.deck === 'string' ? v.deck : '',
    due: typeof v.due === 'string' ? v.due : '',
  };
}

/** How often the status bar is refreshed when nothing else prompts it. */
export const STATUS_REFRESH_MS = 5 * 60 * 1000;
/** While the server indexes, the status bar asks again this often, so it shows the whole
 * vault's counts as soon as indexing ends instead of minutes later. */
export const INDEXING_REFRESH_MS = 1000;

/** When to refresh the status bar next, given the last summary. */
export function nextRefreshDelay(s: DueSummary | undefined): number {
  return s !== undefined && !s.ready ? INDEXING_REFRESH_MS : STATUS_REFRESH_MS;
}

/** Status-bar text and tooltip for a summary (text uses a codicon). */
export function statusText(s: DueSummary | undefined): { text: string; tooltip: string } {
  if (s === undefined) return { text: '$(mortar-board) srls', tooltip: 'srls: due cards not known yet' };
  const text =
    s.total.new > 0
      ? `$(mortar-board) ${s.total.due} due · ${s.total.new} new`
      : `$(mortar-board) ${s.total.due} due`;
  const indexing = s.ready ? '' : ' (indexing…)';
  const lines = [`srls — ${s.today}: ${s.total.due} due, ${s.total.new} new${indexing}`];
  for (const d of sortDecks(s.decks)) lines.push(`${d.deck}: ${d.due} due, ${d.new} new`);
  lines.push('', 'Click to review the due cards.');
  return { text, tooltip: lines.join('\n') };
}

/** The commands the status bar's tooltip links to (they must be allowed in its markdown). */
export const STATUS_LINK_COMMANDS = ['srls.review', 'srls.reviewDeck', 'srls.cramDeck', 'srls.nextDue', 'srls.showStats'] as const;

function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** The status bar's tooltip as markdown: the counts per deck, then links to the review commands. */
export function statusTooltipMarkdown(s: DueSummary | undefined): string {
  const { tooltip } = statusText(s);
  const body = tooltip.split('\n').slice(0, -2);
  const lines = body.map((l, i) => (i === 0 ? `**${escapeMarkdown(l)}**` : escapeMarkdown(l)));
  const links = [
    '[$(play) Review due cards](command:srls.review)',
    '[Review deck…](command:srls.reviewDeck)',
    '[Cram deck…](command:srls.cramDeck)',
    '[Next due card](command:srls.nextDue)',
    '[Statistics](command:srls.showStats)',
  ];
  return `${lines.join('  \n')}\n\n${links.join(' · ')}`;
}

/** A quick-pick entry for reviewing or cramming a deck. */
export interface ReviewPick {
  label: string;
  description: string;
  deck: string;
}

/**
 * The due summary's decks (those with due or new cards) plus every other deck of the vault by
 * name (from `srls.stats`, without their `#`), with nothing due: cramming goes through decks
 * that have nothing due too.
 */
export function withAllDecks(s: DueSummary, names: readonly string[]): DueSummary {
  const known = new Set(s.decks.map((d) => d.deck));
  const extra = names
    .map((n) => (n.startsWith('#') ? n : `#${n}`))
    .filter((n) => !known.has(n) && (known.add(n), true))
    .map((deck) => ({ deck, due: 0, new: 0 }));
  return { ...s, decks: [...s.decks, ...extra] };
}

/**
 * The decks to offer for *Review Deck…* (those with due or new cards, most due first) or
 * *Cram Deck…* (every deck: cramming goes through all cards, due or not), by name.
 */
export function reviewDeckPicks(s: DueSummary, mode: 'review' | 'cram'): ReviewPick[] {
  const decks = mode === 'review' ? sortDecks(s.decks) : [...s.decks].sort((a, b) => a.deck.localeCompare(b.deck));
  return decks.map((d) => ({ label: d.deck, description: `${d.due} due, ${d.new} new`, deck: d.deck }));
}

/** Decks with most due cards first, then by name; decks with nothing due or new are dropped. */
export function sortDecks(decks: readonly DeckCount[]): DeckCount[] {
  return decks
    .filter((d) => d.due > 0 || d.new > 0)
    .sort((a, b) => b.due - a.due || b.new - a.new || a.deck.localeCompare(b.deck));
}

export interface DeckPick {
  label: string;
  description: string;
  /** Deck to pass to `srls.nextDue`; undefined for "all decks". */
  deck?: string;
}

/** Quick-pick entries: one for all decks, then one per deck that has cards to study. */
export function deckPicks(s: DueSummary): DeckPick[] {
  const picks: DeckPick[] = [
    { label: 'All decks', description: `${s.total.due} due, ${s.total.new} new` },
  ];
  for (const d of sortDecks(s.decks)) picks.push({ label: d.deck, description: `${d.due} due, ${d.new} new`, deck: d.deck });
  return picks;
}
