/**
 * Finds the srls executable. Order: the `srls.server.path` setting, the `SRLS_PATH` environment
 * variable, a binary bundled in the extension (`server/srls` or `server/srls.exe`, used only if
 * it exists), then `srls` on `PATH`.
 *
 * Pure: the file system and environment come in as arguments, so every branch is unit-tested.
 */
import * as path from 'node:path';

export type ServerSource = 'setting' | 'env' | 'bundled' | 'path';

export interface ResolveInput {
  /** Value of `srls.server.path` (empty or undefined when unset). */
  configured?: string;
  /** The process environment (reads `SRLS_PATH`, `PATH`/`Path`, `PATHEXT`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Root folder of the installed extension. */
  extensionPath: string;
  platform: NodeJS.Platform;
  /** True when `p` is an existing file. */
  isFile: (p: string) => boolean;
  /** Home folder, for a leading `~` in the setting or variable. */
  homedir?: string;
  /** First workspace folder: `${workspaceFolder}` and relative setting paths resolve against it. */
  workspaceFolder?: string;
}

export interface ResolvedServer {
  /** What to spawn: an absolute path when one was found, else the name as given. */
  command: string;
  source: ServerSource;
  /** False when the chosen candidate does not exist; the caller reports it instead of spawning. */
  found: boolean;
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Names to try for a bare command on this platform (`srls`, or `srls.exe`, `srls.cmd`... on Windows). */
function executableNames(name: string, platform: NodeJS.Platform, env: ResolveInput['env']): string[] {
  if (platform !== 'win32') return [name];
  if (path.win32.extname(name) !== '') return [name];
  const exts = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .filter((e) => e !== '')
    .map((e) => e.toLowerCase());
  return exts.map((e) => name + e);
}

/** Looks a bare command name up in `PATH`; returns the full path or undefined. */
export function findOnPath(name: string, input: Pick<ResolveInput, 'env' | 'platform' | 'isFile'>): string | undefined {
  const p = pathApi(input.platform);
  const raw = input.env.PATH ?? input.env.Path ?? '';
  const dirs = raw.split(p.delimiter).filter((d) => d !== '');
  for (const dir of dirs) {
    for (const candidate of executableNames(name, input.platform, input.env)) {
      const full = p.join(dir, candidate);
      if (input.isFile(full)) return full;
    }
  }
  return undefined;
}

/** Expands `~` and `${workspaceFolder}`, and makes a relative path absolute. */
function expand(value: string, input: ResolveInput): string {
  const p = pathApi(input.platform);
  let v = value.trim();
  if (input.workspaceFolder !== undefined) v = v.split('${workspaceFolder}').join(input.workspaceFolder);
  if (input.homedir !== undefined && (v === '~' || v.startsWith('~/') || v.startsWith('~\\'))) {
    v = p.join(input.homedir, v.slice(1));
  }
  if (!p.isAbsolute(v) && input.workspaceFolder !== undefined) v = p.join(input.workspaceFolder, v);
  return v;
}

/** True for a bare command name such as `srls` (no directory part). */
function isBareName(value: string, platform: NodeJS.Platform): boolean {
  return platform === 'win32' ? !/[\\/]/.test(value) : !value.includes('/');
}

/** Resolves a user-given value (setting or variable): a bare name is looked up on PATH. */
function fromUser(value: string, source: ServerSource, input: ResolveInput): ResolvedServer {
  const v = value.trim();
  if (isBareName(v, input.platform) && v !== '~') {
    const full = findOnPath(v, input);
    return full !== undefined ? { command: full, source, found: true } : { command: v, source, found: false };
  }
  const full = expand(v, input);
  return { command: full, source, found: input.isFile(full) };
}

export function resolveServerPath(input: ResolveInput): ResolvedServer {
  if (input.configured !== undefined && input.configured.trim() !== '') {
    return fromUser(input.configured, 'setting', input);
  }
  const fromEnv = input.env.SRLS_PATH;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return fromUser(fromEnv, 'env', input);
  }
  const p = pathApi(input.platform);
  const bundled = p.join(input.extensionPath, 'server', input.platform === 'win32' ? 'srls.exe' : 'srls');
  if (input.isFile(bundled)) return { command: bundled, source: 'bundled', found: true };
  const onPath = findOnPath('srls', input);
  return onPath !== undefined
    ? { command: onPath, source: 'path', found: true }
    : { command: 'srls', source: 'path', found: false };
}

/** A message for the user when no server was found, naming where we looked. */
export function notFoundMessage(r: ResolvedServer): string {
  switch (r.source) {
    case 'setting':
      return `srls: the server set in "srls.server.path" was not found: ${r.command}`;
    case 'env':
      return `srls: the server named by SRLS_PATH was not found: ${r.command}`;
    default:
      return (
        'srls: no server found. Install the linux-x64 build of the extension (it carries srls), ' +
        'install srls (cargo install --path . in the srls repository) so that "srls" is on PATH, ' +
        'or set "srls.server.path" (in a remote window: the path on the remote machine).'
      );
  }
}
