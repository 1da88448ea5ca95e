/**
 * The status bar's state (pure): which Kimi commands are in flight, whether text is
 * arriving, the last error, and the session's usage. `view(now)` gives the text and tooltip.
 */
import { shortMessage } from './errors';
import type { EditResult, RewriteResult, StreamKind, UsageResult } from './protocol';

export type State = 'idle' | 'review' | 'thinking' | 'writing' | 'error';

/** The review keybindings, as the status bar names them. */
const REVIEW_KEYS = process.platform === 'darwin' ? 'Cmd+Enter accepts, Escape rejects' : 'Ctrl+Enter accepts, Escape rejects';

/** How long an error stays in the status bar. */
export const ERROR_MS = 15_000;

export type Outcome = { kind: 'done' } | { kind: 'cancelled' } | { kind: 'error'; message: string };

export interface StatusView {
  state: State;
  text: string;
  tooltip: string;
}

interface Operation {
  kind: StreamKind | 'other';
  writing: boolean;
}

export class StatusModel {
  private readonly operations = new Map<string, Operation>();
  private error: { message: string; until: number } | undefined;
  private serverProblem: string | undefined;
  private usage: UsageResult | undefined;
  private reviews = 0;
  private reviewAtCursor = false;
  private changes = 0;

  /** A command was sent; no text has arrived yet. */
  begin(id: string, kind: StreamKind | 'other'): void {
    this.operations.set(id, { kind, writing: false });
  }

  /** A `kimi/stream` delta arrived for `id`. */
  delta(id: string): void {
    const op = this.operations.get(id);
    if (op !== undefined) {
      op.writing = true;
    }
  }

  end(id: string, outcome: Outcome, now: number): void {
    this.operations.delete(id);
    if (outcome.kind === 'error') {
      this.error = { message: outcome.message, until: now + ERROR_MS };
    } else if (outcome.kind === 'done') {
      this.error = undefined;
    }
  }

  /** The server could not be started (or stopped for good); undefined clears it. */
  setServerProblem(message: string | undefined): void {
    this.serverProblem = message;
  }

  setUsage(usage: UsageResult | undefined): void {
    this.usage = usage;
  }

  /**
   * How many Kimi changes wait for review, and whether the cursor is in one (then the
   * review keys work, and the item says so).
   */
  setReviews(count: number, atCursor: boolean): void {
    this.reviews = count;
    this.reviewAtCursor = count > 0 && atCursor;
  }

  /** How many changes across files (Edit Workspace) wait for review. */
  setChanges(count: number): void {
    this.changes = count;
  }

  get busy(): boolean {
    return this.operations.size > 0;
  }

  /** When the view next changes by itself (an error expiring), if ever. */
  nextChange(now: number): number | undefined {
    return this.error !== undefined && this.error.until > now ? this.error.until : undefined;
  }

  state(now: number): State {
    if (this.operations.size > 0) {
      return [...this.operations.values()].some((op) => op.writing) ? 'writing' : 'thinking';
    }
    if (this.serverProblem !== undefined) {
      return 'error';
    }
    if (this.error !== undefined && this.error.until > now) {
      return 'error';
    }
    return this.reviews > 0 || this.changes > 0 ? 'review' : 'idle';
  }

  view(now: number): StatusView {
    const state = this.state(now);
    const usageLine = describeUsage(this.usage);
    switch (state) {
      case 'thinking':
        return { state, text: '$(loading~spin) Kimi thinking…', tooltip: `Kimi is thinking. ${usageLine}` };
      case 'writing':
        return { state, text: '$(loading~spin) Kimi writing…', tooltip: `Kimi is writing. ${usageLine}` };
      case 'error': {
        const message = this.serverProblem ?? this.error?.message ?? 'error';
        return { state, text: '$(error) Kimi', tooltip: `${shortMessage(message)}\n\n${usageLine}` };
      }
      case 'review': {
        const lines: string[] = [];
        const n = this.reviews;
        if (n > 0) {
          const what = n === 1 ? 'A Kimi change waits' : `${n} Kimi changes wait`;
          lines.push(`${what} for review: with the cursor in it, ${REVIEW_KEYS}; or use Accept | Reject above it.`);
        }
        const c = this.changes;
        if (c > 0) {
          const what = c === 1 ? 'A Kimi change across files waits' : `${c} Kimi changes across files wait`;
          lines.push(`${what} for review: Accept All, Accept Files... or Reject All in its changes view's title bar or the palette.`);
        }
        return {
          state,
          text: this.reviewAtCursor ? `$(diff) Kimi: ${REVIEW_KEYS}` : `$(diff) Kimi review${costSuffix(this.usage)}`,
          tooltip: `${lines.join('\n')}\n${usageLine}`,
        };
      }
      case 'idle':
        return { state, text: `$(sparkle) Kimi${costSuffix(this.usage)}`, tooltip: `${usageLine}\nClick for usage and cost.` };
    }
  }
}

/** `$0.0123` below a dollar, `$1.23` from a dollar up. */
export function formatUsd(value: number): string {
  if (value > 0 && value < 0.0001) {
    return '<$0.0001';
  }
  return value < 1 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

/** `12.3k` for large token counts. */
export function formatTokens(value: number): string {
  if (value >= 1_000_000) {
    return `${(value / 1_000_000).toFixed(1)}M`;
  }
  if (value >= 10_000) {
    return `${Math.round(value / 1000)}k`;
  }
  if (value >= 1000) {
    return `${(value / 1000).toFixed(1)}k`;
  }
  return String(value);
}

function costSuffix(usage: UsageResult | undefined): string {
  if (usage === undefined || usage.requests === 0) {
    return '';
  }
  if (usage.costUsd === null) {
    return ` ${formatTokens(usage.promptTokens + usage.completionTokens)} tok`;
  }
  return ` ${usage.estimatedRequests ? '≈' : ''}${formatUsd(usage.costUsd)}`;
}

/** One line about the session, for tooltips. */
export function describeUsage(usage: UsageResult | undefined): string {
  if (usage === undefined || usage.requests === 0) {
    return 'No Kimi requests yet this session.';
  }
  const cost = usage.costUsd === null ? 'cost unknown (a model without a known price was used)' : formatUsd(usage.costUsd);
  const budget = usage.budgetUsd === null ? '' : ` of a ${formatUsd(usage.budgetUsd)} budget`;
  return `Session: ${cost}${budget}, ${usage.requests} request${usage.requests === 1 ? '' : 's'}.`;
}

/** The "Show Usage and Cost" message. */
export function usageReport(usage: UsageResult): string {
  const cost = usage.costUsd === null ? 'cost unknown (a model without a known price was used)' : formatUsd(usage.costUsd);
  const parts = [
    `${usage.requests} request${usage.requests === 1 ? '' : 's'}`,
    `${usage.promptTokens.toLocaleString('en-US')} prompt tokens`,
    `${usage.completionTokens.toLocaleString('en-US')} completion tokens` +
      (usage.reasoningTokens ? ` (${usage.reasoningTokens.toLocaleString('en-US')} reasoning)` : ''),
  ];
  if (usage.webSearchCalls) {
    parts.push(`${usage.webSearchCalls} web search${usage.webSearchCalls === 1 ? '' : 'es'}`);
  }
  if (usage.estimatedRequests) {
    const n = usage.estimatedRequests;
    parts.push(`${n} stopped request${n === 1 ? '' : 's'} estimated (the API reports no usage for them)`);
  }
  const budget = usage.budgetUsd === null ? '' : ` (budget ${formatUsd(usage.budgetUsd)})`;
  return `Kimi this session: ${cost}${budget} · ${parts.join(' · ')}`;
}

/** What a refactor or fix result means for the status bar. The server has already told the user why. */
export function rewriteOutcome(result: RewriteResult | null | undefined): Outcome {
  switch (result?.status) {
    case 'proposed': // waits for review: the diff, the code lens and the status bar show it
    case 'applied':
      return { kind: 'done' };
    case 'failed':
      return { kind: 'error', message: `Kimi: ${result.message ?? 'the rewrite failed'}` };
    case 'cancelled':
    case 'stopped':
    case undefined:
      return { kind: 'cancelled' };
  }
}

/** What a kimi.edit result means for the status bar; the review or a message says the rest. */
export function editOutcome(result: Pick<EditResult, 'status' | 'message'> | null | undefined): Outcome {
  switch (result?.status) {
    case 'proposed':
    case 'applied':
    case 'unchanged':
      return { kind: 'done' };
    case 'failed':
      return { kind: 'error', message: result.message ?? 'Kimi: the edit failed.' };
    case 'cancelled':
    case undefined:
      return { kind: 'cancelled' };
  }
}

/** Reads a kimi.usage answer defensively. */
export function parseUsage(value: unknown): UsageResult | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const r = value as Record<string, unknown>;
  const num = (key: string): number => {
    const v = r[key];
    return typeof v === 'number' ? v : 0;
  };
  const maybe = (key: string): number | null => {
    const v = r[key];
    return typeof v === 'number' ? v : null;
  };
  return {
    requests: num('requests'),
    promptTokens: num('promptTokens'),
    completionTokens: num('completionTokens'),
    reasoningTokens: num('reasoningTokens'),
    webSearchCalls: num('webSearchCalls'),
    costUsd: maybe('costUsd'),
    budgetUsd: maybe('budgetUsd'),
    estimatedRequests: num('estimatedRequests'),
  };
}
