/**
 * Maps the extension's VS Code settings (`srls.*`) to the `srls` configuration object that the
 * server reads from `initializationOptions` and from `workspace/configuration` (section `srls`).
 *
 * Pure: no `vscode` import, so it is unit-tested without an editor. The caller passes a reader
 * that returns the value of a key below `srls` (for example `inlayHints.style`).
 */

export type Severity = 'error' | 'warning' | 'information' | 'hint' | 'off';
export type HintStyle = 'full' | 'compact';

/** The object the server reads. Keys that are absent keep the server's own defaults. */
export interface ServerSettings {
  today?: string;
  now?: string;
  inlayHints?: { enabled?: boolean; style?: HintStyle };
  diagnostics?: { enabled?: boolean; severity?: Record<string, Severity> };
  plugin?: Record<string, unknown>;
  index?: { enabled?: boolean; maxFileSize?: number };
  maxNoteSize?: number;
}

/** Reads one setting below `srls` (`undefined` when unset and without a default). */
export type SettingReader = (key: string) => unknown;

/** The configuration section that the server asks for. */
export const SECTION = 'srls';

/** Settings that only the client uses; they are never sent to the server. */
export const CLIENT_ONLY_KEYS = ['server.path', 'trace.server', 'statusBar.enabled'] as const;

const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'information', 'hint', 'off']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyString(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/** A byte count: a finite number from 0 on, floored; anything else is left out. */
function byteCount(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}

/** Drops keys whose value is `undefined`, and returns `undefined` for an object left empty. */
function compact<T extends object>(o: T): T | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length === 0 ? undefined : (out as T);
}

/**
 * Builds the server's `srls` object from the VS Code settings.
 *
 * - An empty `today`/`now` means "use the real clock" and is left out. `today` must be
 *   `YYYY-MM-DD`; anything else is left out so the server never sees a half-typed date.
 * - Values of the wrong type (from a hand-edited settings.json) are left out, and the server's
 *   default applies; unknown severities are dropped one by one.
 * - `srls.plugin` is passed through as it is: its keys are the plugin's own data.json keys.
 */
export function toServerSettings(read: SettingReader): ServerSettings {
  const today = nonEmptyString(read('today'));
  const now = nonEmptyString(read('now'));

  const hintsEnabled = read('inlayHints.enabled');
  const hintsStyle = read('inlayHints.style');

  const diagEnabled = read('diagnostics.enabled');
  const rawSeverity = read('diagnostics.severity');
  let severity: Record<string, Severity> | undefined;
  if (isPlainObject(rawSeverity)) {
    severity = {};
    for (const [code, level] of Object.entries(rawSeverity)) {
      if (typeof level === 'string' && SEVERITIES.has(level)) severity[code] = level as Severity;
    }
    if (Object.keys(severity).length === 0) severity = undefined;
  }

  const rawPlugin = read('plugin');
  const plugin = isPlainObject(rawPlugin) && Object.keys(rawPlugin).length > 0 ? { ...rawPlugin } : undefined;

  const indexEnabled = read('index.enabled');
  const maxFileSize = read('index.maxFileSize');

  const settings: ServerSettings = {
    today: today !== undefined && DATE.test(today) ? today : undefined,
    now,
    inlayHints: compact({
      enabled: typeof hintsEnabled === 'boolean' ? hintsEnabled : undefined,
      style: hintsStyle === 'full' || hintsStyle === 'compact' ? hintsStyle : undefined,
    }),
    diagnostics: compact({
      enabled: typeof diagEnabled === 'boolean' ? diagEnabled : undefined,
      severity,
    }),
    plugin,
    index: compact({
      enabled: typeof indexEnabled === 'boolean' ? indexEnabled : undefined,
      maxFileSize: byteCount(maxFileSize),
    }),
    maxNoteSize: byteCount(read('maxNoteSize')),
  };
  return compact(settings) ?? {};
}

/** True when `section` is `srls` or a part of it (`srls.inlayHints`). */
export function isServerSection(section: string | undefined): section is string {
  return section === SECTION || (section !== undefined && section.startsWith(SECTION + '.'));
}

/**
 * The value for one `workspace/configuration` item whose section is `srls` or below it:
 * `srls` gives the whole object, `srls.inlayHints` its `inlayHints` part (or `null`).
 */
export function sectionValue(settings: ServerSettings, section: string): unknown {
  let value: unknown = settings;
  for (const part of section.split('.').slice(1)) {
    if (!isPlainObject(value) || !(part in value)) return null;
    value = value[part];
  }
  return value;
}

/**
 * Answers a `workspace/configuration` request: items for `srls` come from `settingsFor`
 * (called once per distinct scope), the others from `fallback` (the client's default answer).
 */
export function answerConfiguration(
  items: ReadonlyArray<{ section?: string; scopeUri?: string }>,
  settingsFor: (scopeUri: string | undefined) => ServerSettings,
  fallback: ReadonlyArray<unknown> | undefined,
): unknown[] {
  const cache = new Map<string | undefined, ServerSettings>();
  return items.map((item, i) => {
    if (!isServerSection(item.section)) return fallback?.[i] ?? null;
    let s = cache.get(item.scopeUri);
    if (s === undefined) {
      s = settingsFor(item.scopeUri);
      cache.set(item.scopeUri, s);
    }
    return sectionValue(s, item.section);
  });
}
