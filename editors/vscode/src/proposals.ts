/**
 * Kimi's proposals as the `kimi/proposal` notifications describe them (pure; see
 * docs/protocol.md): which documents have a change waiting for review, where its proposed
 * lines and the original below them are, and whether the cursor is inside one.
 *
 * The server sends the two ranges after every edit of a proposal, at a document version.
 * Between notifications the ranges are moved along with the user's edits, so that the
 * cursor test and a newly opened editor see where the text is now; the next notification
 * at the current version replaces them.
 */
import type { Position, Range } from './protocol';

export const PROPOSAL_STATES = ['streaming', 'proposed', 'stopped', 'applied', 'undone', 'rejected', 'failed', 'cancelled'] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

/** The states in which a proposal is shown and waits (for the model, or for the user). */
export const PENDING_STATES: ReadonlySet<ProposalState> = new Set<ProposalState>(['streaming', 'proposed', 'stopped']);

/** `kimi/proposal` notification parameters. */
export interface ProposalNotification {
  uri: string;
  proposalId: string;
  kind: string;
  state: ProposalState;
  version?: number;
  proposed?: Range;
  original?: Range;
  message?: string;
}

/** A pending proposal, with its ranges as they are now. */
export interface Proposal {
  id: string;
  uri: string;
  kind: string;
  state: ProposalState;
  /** The text Kimi proposes. */
  proposed: Range;
  /** The user's original text, directly below it. */
  original: Range;
  /** The document version the ranges hold at. */
  version: number | undefined;
  message?: string;
}

/** One change of a document: `range` (in the text before the change) becomes `text`. */
export interface ContentChange {
  range: Range;
  text: string;
}

function isPosition(value: unknown): value is Position {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const r = value as Record<string, unknown>;
  return Number.isInteger(r['line']) && Number.isInteger(r['character']) && (r['line'] as number) >= 0 && (r['character'] as number) >= 0;
}

function isRange(value: unknown): value is Range {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const r = value as Record<string, unknown>;
  return isPosition(r['start']) && isPosition(r['end']) && !before(r['end'], r['start']);
}

/** Reads a `kimi/proposal` notification defensively; undefined when it is not one. */
export function parseProposal(params: unknown): ProposalNotification | undefined {
  if (typeof params !== 'object' || params === null) {
    return undefined;
  }
  const r = params as Record<string, unknown>;
  const state = r['state'];
  if (typeof r['uri'] !== 'string' || typeof r['proposalId'] !== 'string' || !(PROPOSAL_STATES as readonly unknown[]).includes(state)) {
    return undefined;
  }
  const out: ProposalNotification = {
    uri: r['uri'],
    proposalId: r['proposalId'],
    kind: typeof r['kind'] === 'string' ? r['kind'] : 'refactor',
    state: state as ProposalState,
  };
  if (Number.isInteger(r['version'])) {
    out.version = r['version'] as number;
  }
  if (isRange(r['proposed']) && isRange(r['original'])) {
    out.proposed = r['proposed'];
    out.original = r['original'];
  }
  if (typeof r['message'] === 'string' && r['message'] !== '') {
    out.message = r['message'];
  }
  return out;
}

export function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/**
 * The whole lines a range covers, for line decorations: a range that ends at the start
 * of a line (the proposed text ends with a line break) does not cover that line.
 * Undefined for an empty range.
 */
export function lineSpan(range: Range): { first: number; last: number } | undefined {
  const { start, end } = range;
  if (start.line === end.line && start.character === end.character) {
    return undefined;
  }
  const last = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
  return { first: start.line, last };
}

/** Whether the cursor is on one of the proposal's lines (the proposed ones or the original). */
export function contains(proposal: Proposal, position: Position): boolean {
  const spans = [lineSpan(proposal.proposed), lineSpan(proposal.original)].filter((s) => s !== undefined);
  if (spans.length === 0) {
    return position.line === proposal.proposed.start.line; // nothing written yet: where it will be
  }
  return spans.some((s) => position.line >= s.first && position.line <= s.last);
}

/** Where `start` + `text` ends. */
function endOfText(start: Position, text: string): Position {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length === 1) {
    return { line: start.line, character: start.character + text.length };
  }
  return { line: start.line + lines.length - 1, character: (lines[lines.length - 1] ?? '').length };
}

/**
 * Where a position is after a change: unmoved before it, shifted after it (text inserted
 * exactly at the position goes before it), and at the change's start when the text around
 * it was replaced.
 */
export function movePosition(position: Position, change: ContentChange): Position {
  const { start, end } = change.range;
  if (before(position, start)) {
    return position;
  }
  if (before(position, end)) {
    return start;
  }
  const newEnd = endOfText(start, change.text);
  if (position.line === end.line) {
    return { line: newEnd.line, character: newEnd.character + position.character - end.character };
  }
  return { line: position.line + newEnd.line - end.line, character: position.character };
}

function moveRange(range: Range, change: ContentChange): Range {
  const start = movePosition(range.start, change);
  const end = movePosition(range.end, change);
  return { start, end: before(end, start) ? start : end };
}

/** The pending proposals of the open documents (the server allows one per document). */
export class ProposalStore {
  private readonly byUri = new Map<string, Proposal>();

  /**
   * Applies a notification. `documentVersion` is the document's version as the editor
   * knows it now: ranges computed at an older version are not taken (the ones kept have
   * moved with the edits since), except for a proposal seen for the first time.
   * Returns whether anything shown changed.
   */
  update(n: ProposalNotification, documentVersion: number | undefined): boolean {
    const current = this.byUri.get(n.uri);
    if (!PENDING_STATES.has(n.state)) {
      if (current?.id === n.proposalId) {
        this.byUri.delete(n.uri);
        return true;
      }
      return false;
    }
    const known = current?.id === n.proposalId ? current : undefined;
    const upToDate = documentVersion === undefined || n.version === undefined || n.version === documentVersion;
    let where: Pick<Proposal, 'proposed' | 'original' | 'version'>;
    if (n.proposed !== undefined && n.original !== undefined && (upToDate || known === undefined)) {
      where = { proposed: n.proposed, original: n.original, version: n.version ?? documentVersion };
    } else if (known !== undefined) {
      where = { proposed: known.proposed, original: known.original, version: known.version };
    } else {
      return false; // nothing to show yet
    }
    const next: Proposal = { id: n.proposalId, uri: n.uri, kind: n.kind, state: n.state, ...where };
    if (n.message !== undefined) {
      next.message = n.message;
    }
    this.byUri.set(n.uri, next);
    return true;
  }

  pending(uri: string): Proposal | undefined {
    return this.byUri.get(uri);
  }

  byId(id: string): Proposal | undefined {
    return [...this.byUri.values()].find((p) => p.id === id);
  }

  /** The proposal whose lines hold `position` in document `uri`. */
  at(uri: string, position: Position): Proposal | undefined {
    const proposal = this.byUri.get(uri);
    return proposal !== undefined && contains(proposal, position) ? proposal : undefined;
  }

  /** The document changed: its proposal's ranges move along. Returns whether it had one. */
  changed(uri: string, changes: readonly ContentChange[], version: number): boolean {
    const proposal = this.byUri.get(uri);
    if (proposal === undefined) {
      return false;
    }
    for (const change of changes) {
      proposal.proposed = moveRange(proposal.proposed, change);
      proposal.original = moveRange(proposal.original, change);
    }
    proposal.version = version;
    return true;
  }

  /** The document was closed (the server stops its rewrite); true if it had a proposal. */
  forget(uri: string): boolean {
    return this.byUri.delete(uri);
  }

  /** The server went away: every proposal with it. Returns the documents that had one. */
  clear(): string[] {
    const uris = [...this.byUri.keys()];
    this.byUri.clear();
    return uris;
  }

  get size(): number {
    return this.byUri.size;
  }
}
