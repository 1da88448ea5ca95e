/**
 * Which proposal a review command acts on, and the context keys of the review keybindings
 * (pure: the editor's state is passed in).
 */
import type { Proposal, ProposalStore } from './proposals';
import type { Position } from './protocol';

/** What Kimi: Accept Change / Reject Change names: a proposal and its document. */
export interface Target {
  proposalId?: string;
  /** The document; empty when only the proposal's id is known. */
  uri: string;
}

/** The active editor: its document and its cursor. */
export interface ActiveEditor {
  uri: string;
  position: Position;
}

/**
 * The proposal a command acts on: an explicit `{proposalId}` and/or `{uri}` argument
 * (code lens, code action), a document URI string (editor title), else the one under the
 * cursor, else the active document's.
 */
export function chooseTarget(arg: unknown, store: ProposalStore, active: ActiveEditor | undefined): Target | undefined {
  const pick = (p: Proposal | undefined): Target | undefined => (p !== undefined ? { proposalId: p.id, uri: p.uri } : undefined);
  if (typeof arg === 'string' && arg !== '') {
    return pick(store.pending(arg));
  }
  if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) {
    const r = arg as Record<string, unknown>;
    const id = typeof r['proposalId'] === 'string' && r['proposalId'] !== '' ? r['proposalId'] : undefined;
    const uri = typeof r['uri'] === 'string' && r['uri'] !== '' ? r['uri'] : undefined;
    if (id !== undefined) {
      return { proposalId: id, uri: uri ?? store.byId(id)?.uri ?? '' };
    }
    if (uri !== undefined) {
      const pending = store.pending(uri);
      return pending !== undefined ? { proposalId: pending.id, uri } : { uri };
    }
  }
  if (active === undefined) {
    return undefined;
  }
  return pick(store.at(active.uri, active.position) ?? store.pending(active.uri));
}

/**
 * `kimi.proposalAtCursor`: the cursor is on a pending proposal's lines (Ctrl+Enter
 * accepts, Escape rejects). `kimi.hasProposal`: the active document has one.
 */
export function contextKeys(store: ProposalStore, active: ActiveEditor | undefined): { atCursor: boolean; has: boolean } {
  if (active === undefined) {
    return { atCursor: false, has: false };
  }
  return {
    atCursor: store.at(active.uri, active.position) !== undefined,
    has: store.pending(active.uri) !== undefined,
  };
}
