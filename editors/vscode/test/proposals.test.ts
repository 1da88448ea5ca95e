import { describe, expect, it } from 'vitest';
import { contains, lineSpan, movePosition, parseProposal, ProposalStore, type ProposalNotification } from '../src/proposals';

const pos = (line: number, character: number) => ({ line, character });
const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: pos(l1, c1), end: pos(l2, c2) });
const URI = 'file:///w/pricing.py';

/** A notification as the server sends it: 3 proposed lines (20-22) above the 5 original ones (23-27). */
const note = (over: Partial<ProposalNotification> = {}): ProposalNotification => ({
  uri: URI,
  proposalId: 'p1',
  kind: 'refactor',
  state: 'streaming',
  version: 7,
  proposed: range(20, 0, 23, 0),
  original: range(23, 0, 28, 0),
  ...over,
});

describe('parseProposal', () => {
  it('reads the notification of docs/protocol.md', () => {
    expect(parseProposal({ ...note(), message: 'why' })).toEqual({ ...note(), message: 'why' });
  });

  it('rejects what is not one, and keeps a notification without ranges (a closed document)', () => {
    expect(parseProposal(null)).toBeUndefined();
    expect(parseProposal({ ...note(), state: 'pending' })).toBeUndefined();
    expect(parseProposal({ ...note(), proposalId: 3 })).toBeUndefined();
    const bare = parseProposal({ uri: URI, proposalId: 'p1', kind: 'fix', state: 'failed' });
    expect(bare).toEqual({ uri: URI, proposalId: 'p1', kind: 'fix', state: 'failed' });
    // A backwards or malformed range is dropped, not trusted.
    expect(parseProposal({ ...note(), proposed: range(5, 0, 4, 0) })?.proposed).toBeUndefined();
    expect(parseProposal({ ...note(), original: { start: pos(1, 0) } })?.original).toBeUndefined();
  });
});

describe('lineSpan and contains', () => {
  it('a range ending at the start of a line does not cover that line', () => {
    expect(lineSpan(range(20, 0, 23, 0))).toEqual({ first: 20, last: 22 });
    expect(lineSpan(range(20, 4, 20, 9))).toEqual({ first: 20, last: 20 });
    expect(lineSpan(range(20, 0, 20, 0))).toBeUndefined();
  });

  it('the cursor is in a proposal on its proposed lines and on the original, not around them', () => {
    const store = new ProposalStore();
    store.update(note(), 7);
    const p = store.pending(URI)!;
    expect(contains(p, pos(19, 3))).toBe(false);
    expect(contains(p, pos(20, 0))).toBe(true);
    expect(contains(p, pos(22, 40))).toBe(true);
    expect(contains(p, pos(27, 2))).toBe(true);
    expect(contains(p, pos(28, 0))).toBe(false);
  });

  it('before the first line is written, the proposal is the line where it will go', () => {
    const store = new ProposalStore();
    store.update(note({ proposed: range(20, 0, 20, 0), original: range(20, 0, 20, 0) }), 7);
    expect(store.at(URI, pos(20, 0))).toBeDefined();
    expect(store.at(URI, pos(21, 0))).toBeUndefined();
  });
});

describe('movePosition', () => {
  const change = (l1: number, c1: number, l2: number, c2: number, text: string) => ({ range: range(l1, c1, l2, c2), text });

  it('leaves positions before a change alone and shifts the ones after it', () => {
    expect(movePosition(pos(3, 4), change(5, 0, 5, 0, 'x\ny\n'))).toEqual(pos(3, 4));
    expect(movePosition(pos(9, 4), change(5, 0, 5, 0, 'x\ny\n'))).toEqual(pos(11, 4));
    expect(movePosition(pos(9, 4), change(5, 0, 7, 0, ''))).toEqual(pos(7, 4));
    // Same line, after the change: the column follows the new text's end.
    expect(movePosition(pos(5, 10), change(5, 2, 5, 4, 'abcdef'))).toEqual(pos(5, 14));
    expect(movePosition(pos(5, 10), change(5, 2, 5, 4, 'a\nbc'))).toEqual(pos(6, 8));
  });

  it('text inserted exactly at a position goes before it; a replaced position goes to the start', () => {
    expect(movePosition(pos(5, 0), change(5, 0, 5, 0, 'new line\n'))).toEqual(pos(6, 0));
    expect(movePosition(pos(5, 3), change(5, 1, 6, 0, 'zz'))).toEqual(pos(5, 1));
  });

  it('counts every LSP line break and UTF-16 code units', () => {
    expect(movePosition(pos(9, 0), change(5, 0, 5, 0, 'a\r\nb\rc\n'))).toEqual(pos(12, 0));
    expect(movePosition(pos(5, 3), change(5, 0, 5, 1, '😋é'))).toEqual(pos(5, 5));
  });
});

describe('ProposalStore', () => {
  it('follows a proposal from streaming to proposed, then forgets it once accepted', () => {
    const store = new ProposalStore();
    expect(store.update(note(), 7)).toBe(true);
    expect(store.pending(URI)?.state).toBe('streaming');
    expect(store.update(note({ state: 'proposed', version: 9, proposed: range(20, 0, 24, 0), original: range(24, 0, 29, 0) }), 9)).toBe(true);
    expect(store.pending(URI)).toMatchObject({ state: 'proposed', proposed: range(20, 0, 24, 0), version: 9 });
    expect(store.byId('p1')?.uri).toBe(URI);
    expect(store.size).toBe(1);
    // After acceptance the server sends the new text and an empty original: nothing is pending.
    expect(store.update(note({ state: 'applied', version: 10, proposed: range(20, 0, 24, 0), original: range(24, 0, 24, 0) }), 10)).toBe(true);
    expect(store.pending(URI)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it.each(['rejected', 'failed', 'cancelled', 'undone'] as const)('a %s proposal is no longer shown', (state) => {
    const store = new ProposalStore();
    store.update(note(), 7);
    expect(store.update(note({ state }), 8)).toBe(true);
    expect(store.pending(URI)).toBeUndefined();
  });

  it('a stopped proposal stays (only rejecting it remains)', () => {
    const store = new ProposalStore();
    store.update(note(), 7);
    store.update(note({ state: 'stopped', message: 'you edited the proposed text' }), 7);
    expect(store.pending(URI)).toMatchObject({ state: 'stopped', message: 'you edited the proposed text' });
  });

  it("ignores the end of another proposal, and a later proposal replaces the document's", () => {
    const store = new ProposalStore();
    store.update(note(), 7);
    expect(store.update(note({ proposalId: 'old', state: 'rejected' }), 7)).toBe(false);
    expect(store.pending(URI)?.id).toBe('p1');
    store.update(note({ proposalId: 'p2' }), 7);
    expect(store.pending(URI)?.id).toBe('p2');
    expect(store.byId('p1')).toBeUndefined();
  });

  it('keeps its moved ranges over ranges computed at an older version, but takes the state', () => {
    const store = new ProposalStore();
    store.update(note(), 7);
    // The user typed two lines at the top of the file: version 8.
    store.changed(URI, [{ range: range(0, 0, 0, 0), text: '#\n#\n' }], 8);
    expect(store.pending(URI)).toMatchObject({ proposed: range(22, 0, 25, 0), original: range(25, 0, 30, 0), version: 8 });
    store.update(note({ state: 'proposed', version: 7 }), 8);
    expect(store.pending(URI)).toMatchObject({ state: 'proposed', proposed: range(22, 0, 25, 0), version: 8 });
    // The notification at the current version wins.
    store.update(note({ state: 'proposed', version: 8, proposed: range(22, 0, 26, 0), original: range(26, 0, 31, 0) }), 8);
    expect(store.pending(URI)?.proposed).toEqual(range(22, 0, 26, 0));
  });

  it('takes the ranges of a proposal seen for the first time even when they are a little old', () => {
    const store = new ProposalStore();
    expect(store.update(note({ version: 6 }), 8)).toBe(true);
    expect(store.pending(URI)?.proposed).toEqual(range(20, 0, 23, 0));
    expect(new ProposalStore().update(note({ proposed: undefined, original: undefined }), 7)).toBe(false);
  });

  it('moves the ranges with an edit inside the original, and the cursor test follows', () => {
    const store = new ProposalStore();
    store.update(note(), 7);
    store.changed(URI, [{ range: range(24, 0, 24, 0), text: 'x = 1\n' }], 8);
    expect(store.pending(URI)?.original).toEqual(range(23, 0, 29, 0));
    expect(store.at(URI, pos(28, 0))).toBeDefined();
    expect(store.changed('file:///other.py', [{ range: range(0, 0, 0, 0), text: 'x' }], 3)).toBe(false);
  });

  it('forgets a closed document, and everything when the server goes away', () => {
    const store = new ProposalStore();
    store.update(note(), 7);
    store.update(note({ uri: 'file:///w/b.py', proposalId: 'p2' }), 1);
    expect(store.forget(URI)).toBe(true);
    expect(store.forget(URI)).toBe(false);
    expect(store.clear()).toEqual(['file:///w/b.py']);
    expect(store.size).toBe(0);
  });
});
