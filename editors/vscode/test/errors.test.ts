import { describe, expect, it } from 'vitest';
import { describeError, shortMessage } from '../src/errors';

describe('describeError', () => {
  it('is silent for RequestCancelled and a VS Code cancellation', () => {
    expect(describeError({ code: -32800, message: 'Request cancelled' })).toEqual({ silent: true });
    expect(describeError({ name: 'Canceled', message: 'Canceled' })).toEqual({ silent: true });
  });

  it("shows RequestFailed with the server's message and offers to set the key for no-api-key", () => {
    const e = describeError({
      code: -32803,
      message: 'Kimi: no API key. Set EMPIRIOLABS_API_KEY or run "Kimi: Set API Key".',
      data: { kind: 'no-api-key' },
    });
    expect(e).toEqual({
      silent: false,
      message: 'Kimi: no API key. Set EMPIRIOLABS_API_KEY or run "Kimi: Set API Key".',
      kind: 'no-api-key',
      actions: ['setApiKey'],
    });
  });

  it('prefixes "Kimi:" once when the server did not', () => {
    const e = describeError({ code: -32803, message: 'the selection is too large', data: { kind: 'too-large', status: null } });
    expect(e).toMatchObject({ silent: false, message: 'Kimi: the selection is too large', kind: 'too-large', actions: [] });
    expect(describeError({ code: -32602, message: 'kimi.fix expects {uri, range, diagnostics}' })).toMatchObject({
      message: 'kimi.fix expects {uri, range, diagnostics}',
    });
  });

  it('offers the log for an internal error and for a server that is not running', () => {
    expect(describeError({ code: -32803, message: 'x', data: { kind: 'internal' } })).toMatchObject({ actions: ['showLog'] });
    const e = describeError({ code: -32096, message: 'Client is not running' });
    expect(e).toMatchObject({ silent: false, actions: ['showLog'] });
    if (!e.silent) {
      expect(e.message).toContain('not running');
    }
  });

  it('handles plain errors and non-objects', () => {
    expect(describeError(new Error('socket closed'))).toMatchObject({ silent: false, message: 'Kimi: socket closed' });
    expect(describeError('boom')).toMatchObject({ silent: false, message: 'Kimi: boom' });
  });
});

describe('shortMessage', () => {
  it('keeps the first line, at most 200 characters', () => {
    expect(shortMessage('first\nsecond')).toBe('first');
    expect(shortMessage('x'.repeat(300))).toHaveLength(200);
  });
});
