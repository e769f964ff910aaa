/**
 * The server's review-session commands (`srls.review.*`): their arguments and the shapes of
 * their results, checked on the way in. Pure (no `vscode`), so it is unit-tested in Node.
 */

export type Response = 'again' | 'hard' | 'good' | 'easy' | 'reset';
export const RESPONSES: readonly Response[] = ['again', 'hard', 'good', 'easy', 'reset'];
export type Mode = 'review' | 'cram';

/** What a session covers: the workspace's vault, one deck (with its sub-decks) or one note. */
export type Scope = 'workspace' | { deck: string } | { uri: string };

export interface Button {
  response: Response;
  label: string;
  /** "44d", "10 min"; null in cram mode (nothing is scheduled). */
  interval: string | null;
}

export interface Item {
  id: string;
  uri: string;
  /** 0-based first line of the card. */
  line: number;
  /** 0-based side of the card. */
  sibling: number;
  siblings: number;
  deck: string;
  type: string;
  isNew: boolean;
  question: string;
  answer: string;
  /** What the plugin shows after *Show answer* (front, rule, back; for clozes the revealed text). */
  back: string | null;
  context: string | null;
  buttons: Button[];
}

export interface Counts {
  due: number;
  new: number;
  reviewed: number;
  waiting: number;
}

export interface Waiting {
  until: string;
  label: string;
}

export interface Progress {
  counts: Counts;
  item: Item | null;
  waiting: Waiting | null;
}

export interface Started extends Progress {
  session: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function optionalString(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function parseId(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function isResponse(v: unknown): v is Response {
  return typeof v === 'string' && (RESPONSES as readonly string[]).includes(v);
}

function parseButton(v: unknown): Button | undefined {
  if (!isObject(v) || !isResponse(v.response) || typeof v.label !== 'string') return undefined;
  return { response: v.response, label: v.label, interval: optionalString(v.interval) };
}

/** An ITEM: `null` stays `null` (nothing to review); a malformed one is undefined. */
export function parseItem(v: unknown): Item | null | undefined {
  if (v === null) return null;
  if (!isObject(v)) return undefined;
  const id = parseId(v.id);
  if (id === undefined || typeof v.uri !== 'string' || !isCount(v.line) || typeof v.question !== 'string') return undefined;
  const buttons: Button[] = [];
  for (const b of Array.isArray(v.buttons) ? v.buttons : []) {
    const button = parseButton(b);
    if (button === undefined) return undefined;
    buttons.push(button);
  }
  return {
    id,
    uri: v.uri,
    line: v.line,
    sibling: isCount(v.sibling) ? v.sibling : 0,
    siblings: isCount(v.siblings) ? v.siblings : 1,
    deck: typeof v.deck === 'string' ? v.deck : '',
    type: typeof v.type === 'string' ? v.type : '',
    isNew: v.new === true,
    question: v.question,
    answer: typeof v.answer === 'string' ? v.answer : '',
    back: optionalString(v.back),
    context: optionalString(v.context),
    buttons,
  };
}

export function parseCounts(v: unknown): Counts | undefined {
  if (!isObject(v) || !isCount(v.due) || !isCount(v.new)) return undefined;
  return {
    due: v.due,
    new: v.new,
    reviewed: isCount(v.reviewed) ? v.reviewed : 0,
    waiting: isCount(v.waiting) ? v.waiting : 0,
  };
}

function parseWaiting(v: unknown): Waiting | null {
  if (!isObject(v) || typeof v.until !== 'string') return null;
  return { until: v.until, label: typeof v.label === 'string' ? v.label : `next card at ${v.until}` };
}

/** The result of answer, skip, undo and current: `{counts, item, waiting}`. */
export function parseProgress(v: unknown): Progress | undefined {
  if (!isObject(v)) return undefined;
  const counts = parseCounts(v.counts);
  const item = parseItem(v.item === undefined ? null : v.item);
  if (counts === undefined || item === undefined) return undefined;
  return { counts, item, waiting: parseWaiting(v.waiting) };
}

/** The result of `srls.review.start`: `{session, counts, item}`. */
export function parseStarted(v: unknown): Started | undefined {
  if (!isObject(v)) return undefined;
  const session = parseId(v.session);
  const progress = parseProgress(v);
  if (session === undefined || progress === undefined) return undefined;
  return { session, ...progress };
}

/** The result of `srls.review.end`: how many cards were reviewed. */
export function parseEnded(v: unknown): number | undefined {
  return isObject(v) && isCount(v.reviewed) ? v.reviewed : undefined;
}

export interface StartRequest {
  scope: Scope;
  mode: Mode;
  seed?: number;
}

/** The one argument of `srls.review.start`. */
export function startArgument(req: StartRequest): Record<string, unknown> {
  const arg: Record<string, unknown> = { scope: req.scope, mode: req.mode };
  if (req.seed !== undefined) arg.seed = req.seed;
  return arg;
}

/** A deck as the server names it: with its leading `#`. */
export function normalizeDeck(deck: string): string {
  const d = deck.trim();
  return d.startsWith('#') ? d : `#${d}`;
}

/**
 * What a command argument asks to review. Accepted: nothing (the workspace), `"workspace"`,
 * a deck name (`"#flashcards/lang"`), `{deck}`, `{uri}`, a `vscode.Uri` (anything with a `file`
 * or `untitled` scheme and a `toString()`), or `{scope, mode, seed}` as `srls.review.start` takes it.
 */
export function requestFromArgument(arg: unknown, mode: Mode = 'review'): StartRequest {
  if (arg === undefined || arg === null || arg === 'workspace') return { scope: 'workspace', mode };
  if (typeof arg === 'string') return arg.trim() === '' ? { scope: 'workspace', mode } : { scope: { deck: normalizeDeck(arg) }, mode };
  if (!isObject(arg)) return { scope: 'workspace', mode };
  if (typeof arg.scheme === 'string' && typeof arg.toString === 'function' && arg.toString !== Object.prototype.toString) {
    return { scope: { uri: String(arg) }, mode };
  }
  if ('scope' in arg || 'mode' in arg || 'seed' in arg) {
    const inner = requestFromArgument(arg.scope, arg.mode === 'cram' || arg.mode === 'review' ? arg.mode : mode);
    if (typeof arg.seed === 'number' && Number.isInteger(arg.seed) && arg.seed >= 0) inner.seed = arg.seed;
    return inner;
  }
  if (typeof arg.uri === 'string' && arg.uri !== '') return { scope: { uri: arg.uri }, mode };
  if (typeof arg.deck === 'string' && arg.deck.trim() !== '') return { scope: { deck: normalizeDeck(arg.deck) }, mode };
  return { scope: 'workspace', mode };
}

/** A short name for what a session covers, for the panel's title. */
export function scopeTitle(req: StartRequest): string {
  const verb = req.mode === 'cram' ? 'Cram' : 'Review';
  if (req.scope === 'workspace') return `srls: ${verb}`;
  if ('deck' in req.scope) return `srls: ${verb} ${req.scope.deck}`;
  const name = decodeURIComponent(req.scope.uri.replace(/[?#].*$/, '').replace(/^.*\//, ''));
  return `srls: ${verb} ${name}`;
}
