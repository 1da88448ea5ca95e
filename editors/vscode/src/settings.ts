/**
 * What the server gets for `workspace/configuration` section `kimi` (pure).
 *
 * VS Code answers with every contributed setting, defaults included. The server layers the
 * editor's settings over its config file and KIMI_LSP_* variables, so sending defaults would
 * silently override those. We send only what the user set, and drop the extension's own
 * keys (kimi.server.*, kimi.trace.*, kimi.editor.*).
 */

export const EDITOR_KEYS: readonly string[] = ['server', 'trace', 'editor'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Settings a workspace may not set until the user trusts it: they pick the program that
 * runs, where requests (with the user's key) go, and what that key may spend. Keep in step with package.json's
 * capabilities.untrustedWorkspaces.restrictedConfigurations.
 */
export const RESTRICTED_KEYS: readonly string[] = [
  'server.command',
  'provider',
  'baseUrl',
  'completion.baseUrl',
  // what the user's key pays for
  'budget.sessionUsd',
  'webSearch',
  'prices',
];

export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** Whether the user set `key` in a place that counts (workspace values of restricted keys only once trusted). */
export function isExplicit(key: string, info: Inspected | undefined, trusted: boolean): boolean {
  if (info === undefined) {
    return false;
  }
  if (info.globalValue !== undefined) {
    return true;
  }
  if (!trusted && RESTRICTED_KEYS.includes(key)) {
    return false;
  }
  return info.workspaceValue !== undefined || info.workspaceFolderValue !== undefined;
}

/**
 * Only keys package.json contributes are sent, each only when the user set it. VS Code
 * loads unregistered keys from a workspace's settings even in Restricted Mode, and the
 * server also reads snake_case names, so copying the section whole would let an untrusted
 * `.vscode/settings.json` set `kimi.base_url` and have the stored key sent to its host.
 *
 * @param whole the section as VS Code resolves it (defaults and user values merged)
 * @param contributed the dotted keys under `kimi` that package.json contributes
 * @param isSet whether the user set that key (in user, workspace or folder settings)
 */
export function explicitSettings(whole: unknown, contributed: readonly string[], isSet: (key: string) => boolean): Json {
  // VS Code hands out read-only proxies, which structuredClone refuses; JSON copies them.
  const source: Json = isObject(whole) ? (JSON.parse(JSON.stringify(whole)) as Json) : {};
  const out: Json = {};
  for (const key of contributed) {
    const path = key.split('.');
    if (EDITOR_KEYS.includes(path[0] ?? '') || !isSet(key)) {
      continue;
    }
    const value = getPath(source, path);
    if (value !== undefined) {
      setPath(out, path, value);
    }
  }
  return out;
}

function getPath(obj: Json, path: readonly string[]): unknown {
  let node: unknown = obj;
  for (const part of path) {
    if (!isObject(node)) {
      return undefined;
    }
    node = node[part];
  }
  return node;
}

function setPath(obj: Json, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) {
    return;
  }
  if (rest.length === 0) {
    obj[head] = value;
    return;
  }
  const child = obj[head];
  const next: Json = isObject(child) ? child : {};
  obj[head] = next;
  setPath(next, rest, value);
}

/** The `kimi.*` keys of package.json's contributes.configuration, without the `kimi.` prefix. */
export function contributedKeys(packageJson: unknown): string[] {
  if (!isObject(packageJson)) {
    return [];
  }
  const contributes = packageJson['contributes'];
  if (!isObject(contributes)) {
    return [];
  }
  const configuration = contributes['configuration'];
  const blocks = Array.isArray(configuration) ? configuration : [configuration];
  const keys: string[] = [];
  for (const block of blocks) {
    if (isObject(block) && isObject(block['properties'])) {
      for (const key of Object.keys(block['properties'])) {
        if (key.startsWith('kimi.')) {
          keys.push(key.slice('kimi.'.length));
        }
      }
    }
  }
  return keys;
}
