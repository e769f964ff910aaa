/**
 * The review panel's keyboard, as in the plugin's review screen: `space`/`enter` show the
 * answer, `1`–`4` grade (Again, Hard, Good, Easy) once it is shown, `s` skips, `u` undoes,
 * `e` opens the card in the editor, `esc` closes. Pure, shared by the webview script and tests.
 */
import type { Response } from './protocol';

export type Phase = 'loading' | 'question' | 'answer' | 'waiting' | 'done' | 'error';

/** What the webview asks the extension to do. */
export type Action =
  | { type: 'reveal' }
  | { type: 'answer'; response: Response }
  | { type: 'skip' }
  | { type: 'undo' }
  | { type: 'edit' }
  | { type: 'close' };

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** True while a key is held down: a held `3` grades one card, not every card. */
  repeat?: boolean;
}

const GRADE_KEYS: Readonly<Record<string, Response>> = { '1': 'again', '2': 'hard', '3': 'good', '4': 'easy' };

/**
 * The action for a key press in a phase, or undefined (the key is left to VS Code: with Ctrl,
 * Cmd or Alt held, in a phase where it means nothing, or held down).
 */
export function keyAction(input: KeyInput, phase: Phase, canUndo: boolean): Action | undefined {
  if (input.ctrlKey === true || input.metaKey === true || input.altKey === true) return undefined;
  if (input.key === 'Escape' || input.key === 'Esc') return { type: 'close' };
  if (input.repeat === true) return undefined;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const hasCard = phase === 'question' || phase === 'answer';
  if (key === 'u') return canUndo ? { type: 'undo' } : undefined;
  if (!hasCard) return undefined;
  if (key === ' ' || key === 'Spacebar' || key === 'Enter') return phase === 'question' ? { type: 'reveal' } : undefined;
  if (key === 'e') return { type: 'edit' };
  if (key === 's') return { type: 'skip' };
  const response = GRADE_KEYS[key];
  if (response !== undefined && phase === 'answer') return { type: 'answer', response };
  return undefined;
}

/** The key shown on a grade button (`1` for Again…), or undefined for Reset. */
export function gradeKey(response: Response): string | undefined {
  for (const [key, r] of Object.entries(GRADE_KEYS)) if (r === response) return key;
  return undefined;
}

/** Checks a message from the webview: only the actions above, nothing else gets through. */
export function parseAction(msg: unknown): Action | { type: 'ready' } | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'reveal':
    case 'skip':
    case 'undo':
    case 'edit':
    case 'close':
      return { type: m.type };
    case 'answer':
      return typeof m.response === 'string' && ['again', 'hard', 'good', 'easy', 'reset'].includes(m.response)
        ? { type: 'answer', response: m.response as Response }
        : undefined;
    default:
      return undefined;
  }
}
