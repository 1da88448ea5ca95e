import { describe, expect, it } from 'vitest';
import type { StreamNotification } from '../src/protocol';
import { StreamRouter, parseStream } from '../src/streams';

describe('StreamRouter', () => {
  it('delivers notifications to the stream that listens, in order, and forgets it after done', () => {
    const router = new StreamRouter();
    const got: StreamNotification[] = [];
    router.listen('s1', (n) => got.push(n));
    expect(router.dispatch({ id: 's1', kind: 'explain', delta: 'Hel', done: false })).toBe(true);
    expect(router.dispatch({ id: 's1', kind: 'explain', delta: 'lo', done: false })).toBe(true);
    expect(router.dispatch({ id: 's1', kind: 'explain', delta: '', done: true })).toBe(true);
    expect(got.map((n) => n.delta).join('')).toBe('Hello');
    expect(got.at(-1)?.done).toBe(true);
    expect(router.size).toBe(0);
    expect(router.dispatch({ id: 's1', kind: 'explain', delta: 'late', done: false })).toBe(false);
  });

  it('ignores other streams and malformed notifications', () => {
    const router = new StreamRouter();
    let calls = 0;
    router.listen('mine', () => calls++);
    expect(router.dispatch({ id: 'theirs', kind: 'refactor', delta: 'x', done: false })).toBe(false);
    expect(router.dispatch({ id: 'mine', kind: 'chat', delta: 'x', done: false })).toBe(false);
    expect(router.dispatch({ id: 'theirs', kind: 'edit', delta: 'x', done: false })).toBe(false);
    expect(router.dispatch(null)).toBe(false);
    expect(calls).toBe(0);
  });

  it('stops delivering after dispose', () => {
    const router = new StreamRouter();
    let calls = 0;
    const sub = router.listen('a', () => calls++);
    sub.dispose();
    router.dispatch({ id: 'a', kind: 'fix', delta: 'x', done: false });
    expect(calls).toBe(0);
  });
});

describe('parseStream', () => {
  it('keeps the error of a failed stream', () => {
    expect(parseStream({ id: 'a', kind: 'explain', delta: '', done: true, error: 'cancelled' })).toEqual({
      id: 'a',
      kind: 'explain',
      delta: '',
      done: true,
      error: 'cancelled',
    });
  });
});

describe('parseStream', () => {
  it('reads the stream of a change across files (kind "edit")', () => {
    expect(parseStream({ id: 'e1', kind: 'edit', delta: 'Reading pricing.py.', done: false })).toEqual({
      id: 'e1',
      kind: 'edit',
      delta: 'Reading pricing.py.',
      done: false,
    });
  });
});
