/**
 * The review panel's script, in the webview. It draws the view the extension posts (with
 * `viewHtml`), keeps it with `setState` so a panel shown again draws at once, and sends clicks
 * and keys back as actions. Everything it does goes through the extension: it holds no session.
 */
import { keyAction, type Action } from '../review/keys';
import { viewHtml, type View } from '../review/view';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
let view: View | undefined;

function isView(v: unknown): v is View {
  return typeof v === 'object' && v !== null && typeof (v as View).phase === 'string' && Array.isArray((v as View).buttons);
}

function draw(v: View): void {
  const phaseChanged = view === undefined || view.phase !== v.phase || view.question !== v.question;
  view = v;
  root.innerHTML = viewHtml(v);
  root.dataset.phase = v.phase;
  vscode.setState(v);
  // Keys go to the focused element: keep the focus in the panel when its buttons are replaced.
  if (phaseChanged || document.activeElement === null || document.activeElement === document.body || !root.contains(document.activeElement)) {
    root.focus({ preventScroll: true });
  }
  if (phaseChanged) window.scrollTo(0, 0);
}

function send(action: Action): void {
  vscode.postMessage(action);
}

window.addEventListener('message', (event: MessageEvent) => {
  const msg = event.data as { type?: unknown; view?: unknown };
  if (msg !== null && typeof msg === 'object' && msg.type === 'view' && isView(msg.view)) draw(msg.view);
});

root.addEventListener('click', (event) => {
  const target = event.target as Element | null;
  // Links in a card would navigate the webview: they do nothing here (Open in editor shows the note).
  if (target?.closest('a') !== null && target?.closest('a') !== undefined) event.preventDefault();
  const button = target?.closest('button[data-action]') as HTMLButtonElement | null | undefined;
  if (button === null || button === undefined || button.disabled) return;
  const type = button.dataset.action;
  if (type === 'answer') {
    const response = button.dataset.response;
    if (response === 'again' || response === 'hard' || response === 'good' || response === 'easy' || response === 'reset') {
      send({ type: 'answer', response });
    }
  } else if (type === 'reveal' || type === 'skip' || type === 'undo' || type === 'edit' || type === 'close') {
    send({ type });
  }
});

window.addEventListener('keydown', (event: KeyboardEvent) => {
  if (view === undefined) return;
  const action = keyAction(event, view.phase, view.canUndo);
  if (action === undefined) return;
  event.preventDefault();
  event.stopPropagation();
  if (view.busy && action.type !== 'close') return;
  if (action.type === 'answer' && !view.buttons.some((b) => b.response === action.response)) return;
  send(action);
});

const saved = vscode.getState();
if (isView(saved)) draw(saved);
vscode.postMessage({ type: 'ready' });
