/**
 * How to start kimi-lsp (pure): `kimi.server.command` if set, else `kimi-lsp` on PATH, else
 * an error that says how to install it. The API key from secret storage goes into the
 * server's environment as KIMI_LSP_API_KEY, never into settings or arguments.
 */

export const SERVER_NAME = 'kimi-lsp';
export const INSTALL_HINT = 'Install it with `pipx install kimi-lsp` (or `pip install kimi-lsp`), or set "kimi.server.command".';

export interface ServerLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export type Resolution = { ok: true; launch: ServerLaunch } | { ok: false; message: string; reason: 'invalid-setting' | 'not-found' };

export interface ResolveInput {
  /** The raw `kimi.server.command` setting (anything the user wrote). */
  configuredCommand: unknown;
  /** The extension host's environment, passed through to the server. */
  env: Readonly<Record<string, string | undefined>>;
  /** The key from secret storage, if any; it wins over a KIMI_LSP_API_KEY already in env. */
  apiKey: string | undefined;
  /** Finds an executable on PATH (see findOnPath). */
  which: (name: string) => string | undefined;
}

export function resolveServer(input: ResolveInput): Resolution {
  const env = serverEnv(input.env, input.apiKey);
  const configured = input.configuredCommand;
  const isUnset = configured === undefined || configured === null || (Array.isArray(configured) && configured.length === 0);
  if (!isUnset) {
    if (!Array.isArray(configured) || !configured.every((part): part is string => typeof part === 'string')) {
      return {
        ok: false,
        reason: 'invalid-setting',
        message: 'Kimi: "kimi.server.command" must be a list of strings, e.g. ["/path/.venv/bin/kimi-lsp"] or ["python3", "-m", "kimi_lsp"].',
      };
    }
    const [command, ...args] = configured;
    if (command === undefined || command.trim() === '') {
      return { ok: false, reason: 'invalid-setting', message: 'Kimi: the first item of "kimi.server.command" must name a program.' };
    }
    return { ok: true, launch: { command, args, env } };
  }
  const found = input.which(SERVER_NAME);
  if (found === undefined) {
    return { ok: false, reason: 'not-found', message: `Kimi: the kimi-lsp server was not found on PATH. ${INSTALL_HINT}` };
  }
  return { ok: true, launch: { command: found, args: [], env } };
}

/** The server's environment: the extension host's, plus the stored key as KIMI_LSP_API_KEY. */
export function serverEnv(env: Readonly<Record<string, string | undefined>>, apiKey: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) {
      out[key] = value;
    }
  }
  if (apiKey !== undefined && apiKey !== '') {
    out['KIMI_LSP_API_KEY'] = apiKey;
  }
  return out;
}

export interface PathLookup {
  /** The PATH value. */
  path: string | undefined;
  /** ':' on POSIX, ';' on Windows. */
  delimiter: string;
  /** '/' or '\\'. */
  separator: string;
  /** On Windows, PATHEXT's extensions (".EXE;.CMD;..."); undefined elsewhere. */
  pathExt: string | undefined;
  isExecutable: (file: string) => boolean;
}

/** The first executable named `name` in PATH, like `which`. */
export function findOnPath(name: string, lookup: PathLookup): string | undefined {
  const dirs = (lookup.path ?? '').split(lookup.delimiter).filter((dir) => dir !== '');
  const extensions = lookup.pathExt === undefined ? [''] : ['', ...lookup.pathExt.split(';').filter((ext) => ext !== '')];
  for (const dir of dirs) {
    const base = dir.endsWith(lookup.separator) ? dir : dir + lookup.separator;
    for (const ext of extensions) {
      const candidate = base + name + ext;
      if (lookup.isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** Whether a change to these settings needs a new server process. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects('kimi.server');
}
