import { describe, expect, it } from 'vitest';
import { ProposalStore } from '../src/proposals';
import { chooseTarget, contextKeys } from '../src/reviewTarget';

const pos = (line: number, character: number) => ({ line, character });
const range = (l1: number, l2: number) => ({ start: pos(l1, 0), end: pos(l2, 0) });
const A = 'file:///w/a.py';
const B = 'file:///w/b.py';

function store(): ProposalStore {
  const s = new ProposalStore();
  s.update({ uri: A, proposalId: 'pa', kind: 'refactor', state: 'proposed', version: 3, proposed: range(10, 12), original: range(12, 15) }, 3);
  s.update({ uri: B, proposalId: 'pb', kind: 'fix', state: 'streaming', version: 1, proposed: range(0, 1), original: range(1, 2) }, 1);
  return s;
}

describe('contextKeys', () => {
  it('kimi.proposalAtCursor only on the proposal lines; kimi.hasProposal anywhere in its document', () => {
    const s = store();
    expect(contextKeys(s, { uri: A, position: pos(11, 4) })).toEqual({ atCursor: true, has: true });
    expect(contextKeys(s, { uri: A, position: pos(14, 0) })).toEqual({ atCursor: true, has: true });
    expect(contextKeys(s, { uri: A, position: pos(15, 0) })).toEqual({ atCursor: false, has: true });
    expect(contextKeys(s, { uri: A, position: pos(9, 99) })).toEqual({ atCursor: false, has: true });
    expect(contextKeys(s, { uri: 'file:///w/c.py', position: pos(11, 0) })).toEqual({ atCursor: false, has: false });
    expect(contextKeys(s, undefined)).toEqual({ atCursor: false, has: false });
  });

  it('turns off once the proposal is decided', () => {
    const s = store();
    s.update({ uri: A, proposalId: 'pa', kind: 'refactor', state: 'rejected' }, 4);
    expect(contextKeys(s, { uri: A, position: pos(11, 0) })).toEqual({ atCursor: false, has: false });
  });
});

describe('chooseTarget', () => {
  it('takes the code lens argument {uri, proposalId} as it is', () => {
    expect(chooseTarget({ uri: A, proposalId: 'pa' }, store(), undefined)).toEqual({ proposalId: 'pa', uri: A });
  });

  it('finds the document of a bare {proposalId}, and the proposal of a bare {uri}', () => {
    expect(chooseTarget({ proposalId: 'pb' }, store(), undefined)).toEqual({ proposalId: 'pb', uri: B });
    expect(chooseTarget({ proposalId: 'unknown' }, store(), undefined)).toEqual({ proposalId: 'unknown', uri: '' });
    expect(chooseTarget({ uri: A }, store(), undefined)).toEqual({ proposalId: 'pa', uri: A });
    // A document the extension knows nothing about: the server decides.
    expect(chooseTarget({ uri: 'file:///w/c.py' }, store(), undefined)).toEqual({ uri: 'file:///w/c.py' });
  });

  it("takes the editor title's document", () => {
    expect(chooseTarget(B, store(), { uri: A, position: pos(11, 0) })).toEqual({ proposalId: 'pb', uri: B });
    expect(chooseTarget('file:///w/c.py', store(), undefined)).toBeUndefined();
  });

  it("from the palette: the proposal at the cursor, else the active document's, else none", () => {
    const s = store();
    expect(chooseTarget(undefined, s, { uri: A, position: pos(11, 0) })).toEqual({ proposalId: 'pa', uri: A });
    expect(chooseTarget(undefined, s, { uri: A, position: pos(40, 0) })).toEqual({ proposalId: 'pa', uri: A });
    expect(chooseTarget([], s, { uri: B, position: pos(40, 0) })).toEqual({ proposalId: 'pb', uri: B });
    expect(chooseTarget(undefined, s, { uri: 'file:///w/c.py', position: pos(0, 0) })).toBeUndefined();
    expect(chooseTarget(undefined, s, undefined)).toBeUndefined();
  });
});
