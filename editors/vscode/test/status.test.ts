import { describe, expect, it } from 'vitest';
import type { UsageResult } from '../src/protocol';
import { ERROR_MS, StatusModel, describeUsage, editOutcome, formatTokens, formatUsd, parseUsage, rewriteOutcome, usageReport } from '../src/status';

const usage = (over: Partial<UsageResult> = {}): UsageResult => ({
  requests: 3,
  promptTokens: 2510,
  completionTokens: 1800,
  reasoningTokens: 900,
  webSearchCalls: 0,
  costUsd: 0.009585,
  budgetUsd: null,
  ...over,
});

describe('StatusModel', () => {
  it('starts idle, with "Kimi" and no cost before any request', () => {
    const m = new StatusModel();
    expect(m.view(0)).toMatchObject({ state: 'idle', text: '$(sparkle) Kimi' });
  });

  it('goes thinking, then writing on the first delta, then idle with the cost', () => {
    const m = new StatusModel();
    m.begin('s1', 'explain');
    expect(m.view(0)).toMatchObject({ state: 'thinking', text: '$(loading~spin) Kimi thinking…' });
    m.delta('s1');
    expect(m.view(0)).toMatchObject({ state: 'writing', text: '$(loading~spin) Kimi writing…' });
    m.end('s1', { kind: 'done' }, 0);
    m.setUsage(usage());
    expect(m.view(0)).toMatchObject({ state: 'idle', text: '$(sparkle) Kimi $0.0096' });
  });

  it('is writing while any of several commands writes, and idle only when all ended', () => {
    const m = new StatusModel();
    m.begin('a', 'explain');
    m.begin('b', 'refactor');
    m.delta('b');
    expect(m.state(0)).toBe('writing');
    m.end('b', { kind: 'done' }, 0);
    expect(m.state(0)).toBe('thinking');
    m.end('a', { kind: 'done' }, 0);
    expect(m.state(0)).toBe('idle');
  });

  it('ignores a delta for a stream it does not follow', () => {
    const m = new StatusModel();
    m.begin('a', 'fix');
    m.delta('other');
    expect(m.state(0)).toBe('thinking');
  });

  it('shows an error for a while, with the message in the tooltip, then goes idle', () => {
    const m = new StatusModel();
    m.begin('a', 'explain');
    m.end('a', { kind: 'error', message: 'Kimi: The API key was refused' }, 1000);
    const view = m.view(1000);
    expect(view.state).toBe('error');
    expect(view.text).toMatch(/Kimi/);
    expect(view.tooltip).toContain('The API key was refused');
    expect(m.nextChange(1000)).toBe(1000 + ERROR_MS);
    expect(m.state(1000 + ERROR_MS)).toBe('idle');
    expect(m.nextChange(1000 + ERROR_MS)).toBeUndefined();
  });

  it('clears an error when the next command succeeds, but not when one is cancelled', () => {
    const m = new StatusModel();
    m.end('a', { kind: 'error', message: 'boom' }, 0);
    m.end('b', { kind: 'cancelled' }, 1);
    expect(m.state(2)).toBe('error');
    m.end('c', { kind: 'done' }, 2);
    expect(m.state(3)).toBe('idle');
  });

  it('keeps a server problem until it is cleared, and busy wins over it', () => {
    const m = new StatusModel();
    m.setServerProblem('Kimi: the kimi-lsp server was not found on PATH.');
    expect(m.view(10 ** 12)).toMatchObject({ state: 'error' });
    expect(m.view(0).tooltip).toContain('not found on PATH');
    m.begin('x', 'other');
    expect(m.state(0)).toBe('thinking');
    m.end('x', { kind: 'done' }, 0);
    m.setServerProblem(undefined);
    expect(m.state(0)).toBe('idle');
  });

  it('shows tokens instead of a cost when the cost is unknown', () => {
    const m = new StatusModel();
    m.setUsage(usage({ costUsd: null, promptTokens: 9000, completionTokens: 3400 }));
    const view = m.view(0);
    expect(view.text).toBe('$(sparkle) Kimi 12k tok');
    expect(view.tooltip).toContain('cost unknown');
  });
});

describe('formatting', () => {
  it('formats dollars with four decimals below a dollar and two above', () => {
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(0)).toBe('$0.0000');
    expect(formatUsd(0.00004)).toBe('<$0.0001');
    expect(formatUsd(2.5)).toBe('$2.50');
  });

  it('formats token counts compactly', () => {
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(4310)).toBe('4.3k');
    expect(formatTokens(123_456)).toBe('123k');
    expect(formatTokens(2_500_000)).toBe('2.5M');
  });

  it('describes the session with the budget', () => {
    expect(describeUsage(usage({ budgetUsd: 2 }))).toBe('Session: $0.0096 of a $2.00 budget, 3 requests.');
    expect(describeUsage(undefined)).toMatch(/No Kimi requests/);
  });

  it('reports usage with tokens, reasoning and cost', () => {
    const text = usageReport(usage({ webSearchCalls: 1 }));
    expect(text).toContain('$0.0096');
    expect(text).toContain('3 requests');
    expect(text).toContain('2,510 prompt tokens');
    expect(text).toContain('1,800 completion tokens (900 reasoning)');
    expect(text).toContain('1 web search');
    expect(usageReport(usage({ costUsd: null }))).toContain('cost unknown');
  });
});

describe('estimated usage', () => {
  it('marks the cost as approximate and says why in the report', () => {
    const m = new StatusModel();
    m.setUsage(usage({ estimatedRequests: 2 }));
    expect(m.view(0).text).toBe('$(sparkle) Kimi ≈$0.0096');
    expect(usageReport(usage({ estimatedRequests: 2 }))).toContain('2 stopped requests estimated');
    expect(usageReport(usage())).not.toContain('estimated');
    expect(parseUsage({ requests: 1, costUsd: 0.1, budgetUsd: null, estimatedRequests: 1 })?.estimatedRequests).toBe(1);
  });
});

describe('parseUsage', () => {
  it('reads the kimi.usage answer and keeps a null cost null', () => {
    expect(parseUsage({ requests: 1, promptTokens: 10, completionTokens: 5, costUsd: null, budgetUsd: 1 })).toMatchObject({
      requests: 1,
      costUsd: null,
      budgetUsd: 1,
    });
    expect(parseUsage(null)).toBeUndefined();
  });
});

describe('StatusModel review', () => {
  it('says a change waits for review (with the keys) while no command runs, and the cost', () => {
    const m = new StatusModel();
    m.setUsage(usage());
    m.setReviews(1, false);
    const view = m.view(0);
    expect(view).toMatchObject({ state: 'review', text: '$(diff) Kimi review $0.0096' });
    expect(view.tooltip).toMatch(/A Kimi change waits for review/);
    expect(view.tooltip).toMatch(/Escape rejects/);
    m.setReviews(2, false);
    expect(m.view(0).tooltip).toMatch(/2 Kimi changes wait/);
    m.setReviews(0, true);
    expect(m.view(0).state).toBe('idle');
  });

  it('names the review keys while the cursor is in a proposal (they work only there)', () => {
    const m = new StatusModel();
    m.setReviews(1, true);
    expect(m.view(0).text).toMatch(/^\$\(diff\) Kimi: (Ctrl|Cmd)\+Enter accepts, Escape rejects$/);
    m.setReviews(1, false);
    expect(m.view(0).text).toBe('$(diff) Kimi review');
  });

  it('lets a running command and a fresh error show first', () => {
    const m = new StatusModel();
    m.setReviews(1, true);
    m.begin('a', 'refactor');
    expect(m.state(0)).toBe('thinking');
    m.end('a', { kind: 'error', message: 'Kimi: accept refused' }, 0);
    expect(m.state(0)).toBe('error');
    expect(m.state(ERROR_MS + 1)).toBe('review');
  });
});

describe('rewriteOutcome', () => {
  it('maps rewrite results onto the status bar', () => {
    expect(rewriteOutcome({ status: 'applied' })).toEqual({ kind: 'done' });
    // The default since review: a proposal waiting is a success, never an error.
    expect(rewriteOutcome({ status: 'proposed', proposalId: 'p1', edits: 7 })).toEqual({ kind: 'done' });
    expect(rewriteOutcome({ status: 'failed', message: 'dropped' })).toEqual({ kind: 'error', message: 'Kimi: dropped' });
    expect(rewriteOutcome({ status: 'stopped' })).toEqual({ kind: 'cancelled' });
    expect(rewriteOutcome({ status: 'cancelled' })).toEqual({ kind: 'cancelled' });
    expect(rewriteOutcome(null)).toEqual({ kind: 'cancelled' });
  });
});

describe('a change across files in the status bar', () => {
  it('shows the review while a change across files waits, and says how to decide it', () => {
    const m = new StatusModel();
    m.setChanges(1);
    const view = m.view(0);
    expect(view).toMatchObject({ state: 'review', text: '$(diff) Kimi review' });
    expect(view.tooltip).toContain('A Kimi change across files waits for review: Accept All, Accept Files... or Reject All');
    expect(view.tooltip).not.toContain('with the cursor in it');
    m.setReviews(1, false);
    expect(m.view(0).tooltip).toMatch(/A Kimi change waits for review: with the cursor in it.*\nA Kimi change across files waits/);
    m.setReviews(0, false);
    m.setChanges(0);
    expect(m.state(0)).toBe('idle');
  });

  it('reads kimi.edit results: proposed, applied and unchanged are done, failed is an error, cancelled is quiet', () => {
    expect(editOutcome({ status: 'proposed' })).toEqual({ kind: 'done' });
    expect(editOutcome({ status: 'applied' })).toEqual({ kind: 'done' });
    expect(editOutcome({ status: 'unchanged', message: 'Nothing to do.' })).toEqual({ kind: 'done' });
    expect(editOutcome({ status: 'failed', message: 'Kimi edit failed: the model server is down.' })).toEqual({
      kind: 'error',
      message: 'Kimi edit failed: the model server is down.',
    });
    expect(editOutcome({ status: 'cancelled' })).toEqual({ kind: 'cancelled' });
    expect(editOutcome(undefined)).toEqual({ kind: 'cancelled' });
  });
});
