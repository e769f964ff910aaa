/**
 * One review session behind the panel: it asks the server (`srls.review.*`), keeps what the
 * panel shows (so a panel that was hidden and shown again, and so rebuilt, gets the same view),
 * and turns the webview's messages into requests, one at a time: a key pressed twice while an
 * answer is being written grades one card, not two.
 *
 * Pure: VS Code comes in through `ReviewHost`, so the whole flow is unit-tested in Node.
 */
import { type Action, parseAction } from './keys';
import {
  type Item,
  type Progress,
  type Response,
  type StartRequest,
  parseEnded,
  parseProgress,
  parseStarted,
  startArgument,
} from './protocol';
import { emptyView, type View } from './view';

export const COMMANDS = {
  start: 'srls.review.start',
  answer: 'srls.review.answer',
  skip: 'srls.review.skip',
  undo: 'srls.review.undo',
  current: 'srls.review.current',
  end: 'srls.review.end',
} as const;

export interface ReviewHost {
  /** Runs a server command (`workspace/executeCommand`) with one argument. */
  execute(command: string, arg: unknown): Promise<unknown>;
  /** Renders markdown of a card to HTML (VS Code's renderer, images resolved). */
  render(markdown: string, item: Item): Promise<string>;
  /** Sends the view to the webview. */
  post(view: View): void;
  /** Opens the card's note at the card. */
  openCard(item: Item): Promise<void>;
  /** Closes the panel (which ends the session). */
  close(): void;
  /**
   * Called before an answer or undo that writes the note at `uri`; the function it returns is
   * called once the server has written it (the panel saves a note that had no unsaved changes).
   */
  beforeWrite(uri: string): Promise<() => Promise<void>>;
  /** A note was written: the status bar and the like are refreshed. */
  changed(): void;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The most a waiting session sleeps before asking again (the server's clock decides). */
export const MAX_WAIT_MS = 60_000;

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^Error:\s*/, '');
}

/** The markdown shown after *Show answer*: the server's `back`, else the question, a rule and the answer. */
export function answerMarkdown(item: Item): string {
  if (item.back !== null && item.back.trim() !== '') return item.back;
  return `${item.question}\n\n---\n\n${item.answer}`;
}

/** Milliseconds from `now` until an ISO instant, clamped to [1 s, MAX_WAIT_MS]. */
export function waitMs(until: string, now: number): number {
  const t = Date.parse(until);
  if (Number.isNaN(t)) return MAX_WAIT_MS;
  return Math.min(MAX_WAIT_MS, Math.max(1000, t - now));
}

/** `note.md:12` for a card (1-based line). */
export function cardLocation(item: Item): string {
  const name = decodeURIComponent(item.uri.replace(/[?#].*$/, '').replace(/^.*\//, ''));
  return `${name}:${item.line + 1}`;
}

export class ReviewController {
  private session: string | undefined;
  private item: Item | null = null;
  private view: View;
  private busy = false;
  private ended = false;
  /** Notes of the answers that can be undone, last on top. */
  private answered: string[] = [];
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly host: ReviewHost,
    readonly request: StartRequest,
    private readonly now: () => number = Date.now,
  ) {
    this.view = emptyView(request.mode);
  }

  /** What the panel shows now. */
  current(): View {
    return this.view;
  }

  get sessionId(): string | undefined {
    return this.session;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private show(patch: Partial<View>): void {
    this.view = { ...this.view, ...patch, canUndo: this.answered.length > 0 };
    this.host.post(this.view);
  }

  /** Starts the session; an error (unknown deck, no workspace) is shown in the panel. */
  async start(): Promise<void> {
    await this.run(async () => {
      const started = parseStarted(await this.host.execute(COMMANDS.start, startArgument(this.request)));
      if (started === undefined) throw new Error('the server answered srls.review.start with an unexpected result');
      this.session = started.session;
      await this.apply(started, null);
    }, 'error');
  }

  /** A message from the webview. */
  async handle(msg: unknown): Promise<void> {
    const action = parseAction(msg);
    if (action === undefined) return;
    if (action.type === 'ready') {
      this.host.post(this.view);
      return;
    }
    await this.act(action);
  }

  async act(action: Action): Promise<void> {
    if (this.ended) return;
    switch (action.type) {
      case 'close':
        this.host.close();
        return;
      case 'edit':
        if (this.item !== null) await this.host.openCard(this.item);
        return;
      case 'reveal':
        if (this.view.phase === 'question' && !this.busy) this.show({ phase: 'answer', notice: null });
        return;
      case 'answer':
        if (this.view.phase === 'answer') await this.answer(action.response);
        return;
      case 'skip':
        if (this.item !== null) await this.skip();
        return;
      case 'undo':
        if (this.answered.length > 0) await this.undo();
        return;
    }
  }

  private async answer(response: Response): Promise<void> {
    const item = this.item;
    if (item === null || this.session === undefined) return;
    await this.run(async () => {
      const after = await this.host.beforeWrite(item.uri);
      let raw: unknown;
      try {
        raw = await this.host.execute(COMMANDS.answer, { session: this.session, item: item.id, response });
      } catch (err) {
        // The note changed since the card was shown (or could not be written): the session has
        // read it again; show the card as it is now.
        await this.refresh(`Not graded: ${message(err)}`);
        return;
      }
      this.answered.push(item.uri);
      await after();
      this.host.changed();
      await this.applyRaw(raw, COMMANDS.answer);
    });
  }

  private async skip(): Promise<void> {
    const item = this.item;
    if (item === null) return;
    await this.run(async () => {
      await this.applyRaw(await this.host.execute(COMMANDS.skip, { session: this.session, item: item.id }), COMMANDS.skip);
    });
  }

  private async undo(): Promise<void> {
    const uri = this.answered[this.answered.length - 1];
    await this.run(async () => {
      const after = await this.host.beforeWrite(uri);
      const raw = await this.host.execute(COMMANDS.undo, { session: this.session });
      this.answered.pop();
      await after();
      this.host.changed();
      await this.applyRaw(raw, COMMANDS.undo);
    });
  }

  /** Asks `srls.review.current` and shows it, with a notice. */
  private async refresh(notice: string | null): Promise<void> {
    try {
      await this.applyRaw(await this.host.execute(COMMANDS.current, { session: this.session }), COMMANDS.current, notice);
    } catch (err) {
      this.show({ notice: { kind: 'error', text: notice ?? message(err) } });
    }
  }

  /** Runs one request at a time; an error is shown in the panel. */
  private async run(task: () => Promise<void>, onError: 'notice' | 'error' = 'notice'): Promise<void> {
    if (this.busy || this.ended) return;
    this.busy = true;
    this.show({ busy: true });
    try {
      await task();
    } catch (err) {
      const patch: Partial<View> = { notice: { kind: 'error', text: message(err) } };
      if (onError === 'error') patch.phase = 'error';
      this.view = { ...this.view, ...patch };
    } finally {
      this.busy = false;
      if (!this.ended) this.show({ busy: false });
    }
  }

  private async applyRaw(raw: unknown, command: string, notice: string | null = null): Promise<void> {
    const progress = parseProgress(raw);
    if (progress === undefined) throw new Error(`the server answered ${command} with an unexpected result`);
    await this.apply(progress, notice);
  }

  private async apply(p: Progress, notice: string | null): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const n = notice !== null ? ({ kind: 'error', text: notice } as const) : null;
    const item = p.item;
    if (item !== null) {
      const [question, answer] = await Promise.all([this.host.render(item.question, item), this.host.render(answerMarkdown(item), item)]);
      this.item = item;
      this.view = {
        ...this.view,
        phase: 'question',
        deck: item.deck,
        context: item.context,
        counts: p.counts,
        question,
        answer,
        buttons: item.buttons,
        where: cardLocation(item),
        notice: n,
        waiting: null,
      };
      return;
    }
    this.item = null;
    const common = { deck: '', context: null, counts: p.counts, question: '', answer: '', buttons: [], where: '', notice: n };
    if (p.waiting !== null) {
      this.view = { ...this.view, ...common, phase: 'waiting', waiting: p.waiting.label };
      this.cancelTimer = this.host.setTimer(waitMs(p.waiting.until, this.now()), () => {
        this.cancelTimer = undefined;
        void this.run(() => this.refresh(null));
      });
    } else {
      this.view = { ...this.view, ...common, phase: 'done', waiting: null };
    }
  }

  /** Ends the session on the server (once); returns how many cards were reviewed. */
  async end(): Promise<number | undefined> {
    if (this.ended) return undefined;
    this.ended = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.session === undefined) return undefined;
    try {
      return parseEnded(await this.host.execute(COMMANDS.end, { session: this.session })) ?? this.view.counts.reviewed;
    } catch {
      return this.view.counts.reviewed;
    }
  }
}
