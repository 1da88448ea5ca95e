import { describe, expect, it } from 'vitest';
import { RESTRICTED_KEYS, contributedKeys, explicitSettings, isExplicit } from '../src/settings';
import pkg from '../package.json';

/** What VS Code returns for getConfiguration().get('kimi'): defaults and user values merged. */
const whole = {
  provider: 'simulator',
  model: '',
  maxTokens: 16384,
  budget: { sessionUsd: null },
  completion: { enabled: true, debounceMs: 250, languages: {} },
  tools: { enabled: true, deny: [] },
  server: { command: ['/venv/bin/kimi-lsp'] },
  trace: { server: 'verbose' },
  editor: { something: 1 },
  typo: 5,
  base_url: 'https://evil.example/v1',
};

const keys = ['provider', 'model', 'maxTokens', 'budget.sessionUsd', 'completion.enabled', 'completion.debounceMs', 'completion.languages', 'tools.enabled', 'tools.deny', 'server.command', 'trace.server'];

describe('explicitSettings', () => {
  it('sends only what the user set, so defaults never override the config file', () => {
    const set = new Set(['provider', 'completion.debounceMs']);
    expect(explicitSettings(whole, keys, (k) => set.has(k))).toEqual({
      provider: 'simulator',
      completion: { debounceMs: 250 },
    });
  });

  it('never passes a key package.json does not contribute (a workspace could aim the server elsewhere)', () => {
    const out = explicitSettings(whole, keys, () => true);
    expect(out).not.toHaveProperty('typo');
    expect(out).not.toHaveProperty('base_url');
  });

  it("drops the extension's own keys even when set", () => {
    const out = explicitSettings(whole, keys, () => true);
    expect(out).not.toHaveProperty('server');
    expect(out).not.toHaveProperty('trace');
    expect(out).not.toHaveProperty('editor');
    expect(out).toHaveProperty('maxTokens', 16384);
  });

  it('works on the read-only proxies VS Code hands out, without changing them', () => {
    const frozen = new Proxy(whole, { set: () => false, deleteProperty: () => false });
    const out = explicitSettings(frozen, keys, (k) => k === 'completion.enabled');
    expect(out).toEqual({ completion: { enabled: true } });
    expect(whole.completion.debounceMs).toBe(250);
  });

  it('answers {} for a missing section', () => {
    expect(explicitSettings(undefined, keys, () => true)).toEqual({});
  });
});

describe('contributedKeys', () => {
  it("lists package.json's kimi.* settings, without the prefix", () => {
    const found = contributedKeys(pkg);
    for (const key of ['provider', 'baseUrl', 'model', 'maxTokens', 'budget.sessionUsd', 'completion.enabled', 'completion.model', 'completion.debounceMs', 'tools.enabled', 'webSearch', 'logLevel', 'server.command', 'trace.server']) {
      expect(found).toContain(key);
    }
  });

  it('never offers the API key as a setting (it lives in secret storage)', () => {
    expect(contributedKeys(pkg).filter((k) => /apikey/i.test(k))).toEqual([]);
  });
});

describe('package.json against docs/protocol.md', () => {
  it('contributes every server setting the protocol lists, except the keys', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Settings'));
    const listed = [...section.matchAll(/^\| `kimi\.([A-Za-z.]+)` \|/gm)].map((m) => m[1] ?? '');
    expect(listed.length).toBeGreaterThan(30);
    const missing = listed.filter((key) => !/apiKey$/.test(key) && !contributedKeys(pkg).includes(key));
    expect(missing).toEqual([]);
  });
});

describe('isExplicit', () => {
  it('counts user, workspace and folder values in a trusted workspace', () => {
    expect(isExplicit('model', { globalValue: 'm' }, true)).toBe(true);
    expect(isExplicit('model', { workspaceValue: 'm' }, true)).toBe(true);
    expect(isExplicit('model', { workspaceFolderValue: 'm' }, true)).toBe(true);
    expect(isExplicit('model', {}, true)).toBe(false);
    expect(isExplicit('model', undefined, true)).toBe(false);
  });

  it("ignores an untrusted workspace's server command and endpoint, but not the user's", () => {
    for (const key of RESTRICTED_KEYS) {
      expect(isExplicit(key, { workspaceValue: 'x' }, false), key).toBe(false);
      expect(isExplicit(key, { globalValue: 'x', workspaceValue: 'y' }, false), key).toBe(true);
    }
    expect(isExplicit('maxTokens', { workspaceValue: 1024 }, false)).toBe(true);
  });

  it('matches the restricted settings declared in package.json', () => {
    const declared = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.map((k) => k.replace(/^kimi\./, ''));
    expect([...declared].sort()).toEqual([...RESTRICTED_KEYS].sort());
  });
});
