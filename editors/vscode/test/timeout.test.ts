import { describe, expect, it, vi } from 'vitest';
import { TimedOut, withTimeout } from '../src/timeout';

describe('withTimeout', () => {
  it('passes a result through', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, 'late')).resolves.toBe(7);
  });

  it('gives up on a promise that never settles', async () => {
    vi.useFakeTimers();
    try {
      const never = new Promise<number>(() => undefined);
      const raced = withTimeout(never, 30_000, 'the server did not answer initialize');
      vi.advanceTimersByTime(30_000);
      await expect(raced).rejects.toBeInstanceOf(TimedOut);
      await expect(raced).rejects.toThrow('did not answer initialize');
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes a failure through', async () => {
    await expect(withTimeout(Promise.reject(new Error('boom')), 1000, 'late')).rejects.toThrow('boom');
  });
});
