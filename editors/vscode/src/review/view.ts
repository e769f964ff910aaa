/**
 * What the review panel shows (a plain object the extension posts to the webview) and the HTML
 * of the panel's body for it. Pure: the webview script calls `viewHtml`, and so do the tests.
 *
 * `question` and `answer` are HTML already rendered from the card's markdown by VS Code's
 * markdown renderer; every other string is text and is escaped here.
 */
import { gradeKey, type Phase } from './keys';
import type { Button, Counts, Mode } from './protocol';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

export interface View {
  phase: Phase;
  mode: Mode;
  /** The card's deck (`#flashcards/lang`), or empty between cards. */
  deck: string;
  /** `Note > Heading` with the plugin's showContextInCards, else null. */
  context: string | null;
  counts: Counts;
  /** Rendered HTML of the question (phases question and answer). */
  question: string;
  /** Rendered HTML of what the plugin shows after *Show answer* (phase answer only). */
  answer: string;
  buttons: Button[];
  /** Where the card is, for the *Open in editor* tooltip: `note.md:12`. */
  where: string;
  notice: Notice | null;
  /** `next card in 4 min` while only learning steps are left (phase waiting). */
  waiting: string | null;
  canUndo: boolean;
  /** A request is in flight: the buttons are disabled until it answers. */
  busy: boolean;
}

export function emptyView(mode: Mode): View {
  return {
    phase: 'loading',
    mode,
    deck: '',
    context: null,
    counts: { due: 0, new: 0, reviewed: 0, waiting: 0 },
    question: '',
    answer: '',
    buttons: [],
    where: '',
    notice: null,
    waiting: null,
    canUndo: false,
    busy: false,
  };
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The count line at the top: what is left (due, new) and what was done. */
export function countsText(c: Counts, mode: Mode): string {
  const left = mode === 'cram' ? [`${c.due + c.new} left`] : [`${c.due} due`, `${c.new} new`];
  const parts = [...left, `${c.reviewed} reviewed`];
  if (c.waiting > 0) parts.push(`${c.waiting} waiting`);
  return parts.join(' · ');
}

/**
 * An interval as the plugin's compact (mobile) buttons write it: `44 day(s)` → `44d`,
 * `1.5 month(s)` → `1.5mo`, `2 year(s)` → `2y`, `3 hour(s)` → `3h`; `10 min` stays.
 */
export function shortInterval(interval: string): string {
  const m = /^([\d.]+)\s*(day|month|year|hour)\(s\)$/.exec(interval.trim());
  if (m === null) return interval.trim();
  const unit = { day: 'd', month: 'mo', year: 'y', hour: 'h' }[m[2] as 'day' | 'month' | 'year' | 'hour'];
  return `${m[1]}${unit}`;
}

/**
 * The response's name on its button: the server's label is the plugin's button text (the
 * `flashcardGoodText`… setting, followed by ` - <interval>` with `showIntervalInReviewButtons`);
 * the interval is shown apart, so it is cut off here.
 */
export function labelBase(b: Button): string {
  if (b.interval !== null && b.interval !== '' && b.label.endsWith(` - ${b.interval}`)) {
    return b.label.slice(0, -(b.interval.length + 3));
  }
  return b.label;
}

/** A grade button's text: `Good 44d` (the plugin's label, then the interval it gives). */
export function buttonText(b: Button): string {
  const base = labelBase(b);
  return b.interval !== null && b.interval !== '' ? `${base} ${shortInterval(b.interval)}` : base;
}

function toolButton(action: string, label: string, title: string, enabled: boolean): string {
  return `<button class="tool" data-action="${action}" title="${escapeHtml(title)}"${enabled ? '' : ' disabled'}>${escapeHtml(label)}</button>`;
}

function gradeButton(b: Button, disabled: boolean): string {
  const key = gradeKey(b.response);
  const full = b.interval !== null && b.interval !== '' && labelBase(b) === b.label ? `${b.label} - ${b.interval}` : b.label;
  const title = key !== undefined ? `${full} (key ${key})` : full;
  const keyHint = key !== undefined ? `<kbd>${key}</kbd>` : '';
  return (
    `<button class="grade grade-${b.response}" data-action="answer" data-response="${b.response}" ` +
    `title="${escapeHtml(title)}"${disabled ? ' disabled' : ''}>${keyHint}` +
    `<span class="label">${escapeHtml(labelBase(b))}</span>` +
    (b.interval !== null && b.interval !== '' ? `<span class="interval">${escapeHtml(shortInterval(b.interval))}</span>` : '') +
    `</button>`
  );
}

/** The body of the panel for a view. */
export function viewHtml(v: View): string {
  const hasCard = v.phase === 'question' || v.phase === 'answer';
  const header =
    `<header class="top">` +
    `<div class="where"><span class="deck">${escapeHtml(v.deck !== '' ? v.deck : v.mode === 'cram' ? 'Cram' : 'Review')}</span>` +
    `<span class="counts" data-role="counts">${escapeHtml(countsText(v.counts, v.mode))}</span></div>` +
    `<div class="tools">` +
    toolButton('edit', 'Open in editor', `Open the card in the editor${v.where !== '' ? ` (${v.where})` : ''} (key e)`, hasCard && !v.busy) +
    toolButton('skip', 'Skip', 'Skip this card for now (key s)', hasCard && !v.busy) +
    toolButton('undo', 'Undo', 'Undo the last answer (key u)', v.canUndo && !v.busy) +
    toolButton('close', 'Close', 'End the session (key Esc)', true) +
    `</div></header>`;

  const notice =
    v.notice !== null
      ? `<div class="notice notice-${v.notice.kind}" role="${v.notice.kind === 'error' ? 'alert' : 'status'}">${escapeHtml(v.notice.text)}</div>`
      : '';

  let main: string;
  switch (v.phase) {
    case 'loading':
      main = `<p class="empty">Loading…</p>`;
      break;
    case 'question':
    case 'answer': {
      const context = v.context !== null && v.context.trim() !== '' ? `<div class="context">${escapeHtml(v.context.trim())}</div>` : '';
      const body =
        v.phase === 'question'
          ? `<article class="card question markdown-body" data-role="question">${v.question}</article>`
          : `<article class="card answer markdown-body" data-role="answer">${v.answer}</article>`;
      const actions =
        v.phase === 'question'
          ? `<button class="reveal" data-action="reveal" title="Show the answer (space or enter)"${v.busy ? ' disabled' : ''}>Show answer</button>`
          : v.buttons.map((b) => gradeButton(b, v.busy)).join('');
      main = `${context}${body}<footer class="actions" data-role="actions">${actions}</footer>`;
      break;
    }
    case 'waiting':
      main = `<p class="empty" data-role="waiting">Only cards in learning are left: ${escapeHtml(v.waiting ?? 'the next one is not due yet')}.</p>`;
      break;
    case 'done':
      main =
        `<p class="empty" data-role="done">${v.counts.reviewed > 0 ? `Done: ${escapeHtml(plural(v.counts.reviewed, 'card', 'cards'))} reviewed.` : 'Nothing to review.'}</p>` +
        `<p class="empty"><button data-action="close">Close</button></p>`;
      break;
    case 'error':
      main = `<p class="empty">The session cannot go on.</p>`;
      break;
  }
  return `${header}${notice}<main>${main}</main>`;
}
