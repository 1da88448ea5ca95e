import { describe, expect, it } from 'vitest';
import { findOnPath, needsRestart, resolveServer, serverEnv } from '../src/server';

const nowhere = (): undefined => undefined;

describe('resolveServer', () => {
  it('uses kimi.server.command when set, split into program and arguments', () => {
    const r = resolveServer({ configuredCommand: ['python3', '-m', 'kimi_lsp'], env: {}, apiKey: undefined, which: () => '/bin/kimi-lsp' });
    expect(r).toEqual({ ok: true, launch: { command: 'python3', args: ['-m', 'kimi_lsp'], env: {} } });
  });

  it('falls back to kimi-lsp on PATH, with no extra arguments (no --stdio)', () => {
    const r = resolveServer({ configuredCommand: [], env: {}, apiKey: undefined, which: (n) => (n === 'kimi-lsp' ? '/usr/bin/kimi-lsp' : undefined) });
    expect(r).toEqual({ ok: true, launch: { command: '/usr/bin/kimi-lsp', args: [], env: {} } });
  });

  it('says how to install the server when it is nowhere', () => {
    const r = resolveServer({ configuredCommand: undefined, env: {}, apiKey: undefined, which: nowhere });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('not-found');
      expect(r.message).toContain('pipx install kimi-lsp');
      expect(r.message).toContain('kimi.server.command');
    }
  });

  it('rejects a command that is a string or has non-strings', () => {
    for (const bad of ['kimi-lsp --stdio', [1, 2], ['']]) {
      const r = resolveServer({ configuredCommand: bad, env: {}, apiKey: undefined, which: () => '/bin/kimi-lsp' });
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe('invalid-setting');
      }
    }
  });

  it('hands the stored key to the server only through its environment', () => {
    const r = resolveServer({ configuredCommand: ['kimi-lsp'], env: { PATH: '/bin' }, apiKey: 'sk-secret', which: nowhere });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.launch.env['KIMI_LSP_API_KEY']).toBe('sk-secret');
      expect(r.launch.env['PATH']).toBe('/bin');
      expect(r.launch.args).not.toContain('sk-secret');
    }
  });
});

describe('serverEnv', () => {
  it('passes the environment through, including a KIMI_LSP_API_KEY already there', () => {
    expect(serverEnv({ KIMI_LSP_API_KEY: 'from-env', EMPIRIOLABS_API_KEY: 'e', UNSET: undefined }, undefined)).toEqual({
      KIMI_LSP_API_KEY: 'from-env',
      EMPIRIOLABS_API_KEY: 'e',
    });
  });

  it('lets the stored key win over the environment', () => {
    expect(serverEnv({ KIMI_LSP_API_KEY: 'from-env' }, 'stored')['KIMI_LSP_API_KEY']).toBe('stored');
  });

  it('ignores an empty stored key', () => {
    expect(serverEnv({ KIMI_LSP_API_KEY: 'from-env' }, '')['KIMI_LSP_API_KEY']).toBe('from-env');
  });
});

describe('findOnPath', () => {
  const posix = (files: string[], path: string) => ({
    path,
    delimiter: ':',
    separator: '/',
    pathExt: undefined,
    isExecutable: (f: string) => files.includes(f),
  });

  it('returns the first match in PATH order', () => {
    expect(findOnPath('kimi-lsp', posix(['/b/kimi-lsp', '/c/kimi-lsp'], '/a:/b:/c'))).toBe('/b/kimi-lsp');
  });

  it('skips empty PATH entries and handles a trailing slash', () => {
    expect(findOnPath('kimi-lsp', posix(['/opt/bin/kimi-lsp'], '::/opt/bin/:'))).toBe('/opt/bin/kimi-lsp');
  });

  it('returns undefined with no PATH', () => {
    expect(findOnPath('kimi-lsp', posix(['/a/kimi-lsp'], ''))).toBeUndefined();
    expect(findOnPath('kimi-lsp', { ...posix(['/a/kimi-lsp'], ''), path: undefined })).toBeUndefined();
  });

  it('tries PATHEXT extensions on Windows', () => {
    const lookup = {
      path: 'C:\\Python\\Scripts;C:\\bin',
      delimiter: ';',
      separator: '\\',
      pathExt: '.COM;.EXE;.BAT',
      isExecutable: (f: string) => f === 'C:\\Python\\Scripts\\kimi-lsp.EXE',
    };
    expect(findOnPath('kimi-lsp', lookup)).toBe('C:\\Python\\Scripts\\kimi-lsp.EXE');
  });
});

describe('needsRestart', () => {
  it('restarts for kimi.server.* only', () => {
    expect(needsRestart((s) => s === 'kimi.server')).toBe(true);
    expect(needsRestart((s) => s === 'kimi.model')).toBe(false);
  });
});
