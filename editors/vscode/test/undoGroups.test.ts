import { describe, expect, it } from 'vitest';
import { singleDocumentEdit, UndoGroups, type EditPlan } from '../src/undoGroups';

const URI = 'file:///w/pricing.py';

/** Plays an edit: plans it at `version` and, like the editor, lands it at version + 1. */
function edit(groups: UndoGroups, version: number, uri = URI): EditPlan {
  const plan = groups.plan(uri, version);
  if (plan.grouped) {
    groups.applied(uri, plan, version + 1);
  }
  return plan;
}

describe('UndoGroups', () => {
  it('leaves edits outside a rewrite to the language client (kimi.undo is its own step)', () => {
    const groups = new UndoGroups();
    expect(groups.plan(URI, 3)).toEqual({ grouped: false, undoStopBefore: true, undoStopAfter: true });
  });

  it('one step for a whole rewrite: a stop before the first edit, none between, one after the accept', () => {
    const groups = new UndoGroups();
    groups.rewriteStarted(URI);
    expect(edit(groups, 10)).toEqual({ grouped: true, undoStopBefore: true, undoStopAfter: false });
    groups.proposal(URI, true);
    expect(edit(groups, 11)).toEqual({ grouped: true, undoStopBefore: false, undoStopAfter: false });
    expect(edit(groups, 12)).toEqual({ grouped: true, undoStopBefore: false, undoStopAfter: false });
    groups.rewriteEnded(URI); // answered "proposed": the proposal waits, the step stays open
    groups.decisionStarted(URI);
    expect(edit(groups, 13)).toEqual({ grouped: true, undoStopBefore: false, undoStopAfter: true });
    groups.proposal(URI, false); // applied
    groups.decisionEnded(URI);
    // The next rewrite is a new step, and so is any edit outside one.
    expect(groups.plan(URI, 14).grouped).toBe(false);
    groups.rewriteStarted(URI);
    expect(edit(groups, 14).undoStopBefore).toBe(true);
  });

  it("starts a new step after anyone else's edit, so the rewrite never joins the user's typing", () => {
    const groups = new UndoGroups();
    groups.rewriteStarted(URI);
    edit(groups, 10); // now at 11
    // The user typed: the server's next edit is computed at version 12.
    expect(edit(groups, 12).undoStopBefore).toBe(true);
    expect(edit(groups, 13).undoStopBefore).toBe(false);
  });

  it('an unversioned edit always starts with a stop (it cannot be known to follow on)', () => {
    const groups = new UndoGroups();
    groups.rewriteStarted(URI);
    const first = groups.plan(URI, null);
    groups.applied(URI, first, 11);
    expect(groups.plan(URI, null).undoStopBefore).toBe(true);
  });

  it('a reject while the model writes ends the step too; a failed rewrite closes the group', () => {
    const groups = new UndoGroups();
    groups.rewriteStarted(URI);
    edit(groups, 1);
    groups.proposal(URI, true);
    groups.decisionStarted(URI);
    expect(edit(groups, 2)).toMatchObject({ undoStopBefore: false, undoStopAfter: true });
    groups.proposal(URI, false);
    groups.decisionEnded(URI);
    groups.rewriteEnded(URI);
    expect(groups.plan(URI, 3).grouped).toBe(false);

    groups.rewriteStarted(URI);
    edit(groups, 3);
    groups.proposal(URI, true);
    expect(edit(groups, 4).undoStopBefore).toBe(false); // the withdrawal joins the step
    groups.proposal(URI, false); // failed
    groups.rewriteEnded(URI);
    expect(groups.plan(URI, 5).grouped).toBe(false);
  });

  it('keeps documents apart, and forgets a closed one or all of them', () => {
    const groups = new UndoGroups();
    const other = 'file:///w/other.py';
    groups.rewriteStarted(URI);
    groups.rewriteStarted(other);
    edit(groups, 1);
    expect(edit(groups, 1, other).undoStopBefore).toBe(true);
    groups.forget(other);
    expect(groups.plan(other, 2).grouped).toBe(false);
    expect(groups.plan(URI, 2).grouped).toBe(true);
    groups.forget();
    expect(groups.plan(URI, 2).grouped).toBe(false);
  });

  it('a second rewrite request while the first runs does not break the first one\'s step', () => {
    const groups = new UndoGroups();
    groups.rewriteStarted(URI);
    edit(groups, 1);
    groups.rewriteStarted(URI); // refused by the server: a proposal is pending
    groups.rewriteEnded(URI);
    expect(edit(groups, 2).undoStopBefore).toBe(false);
  });
});

describe('singleDocumentEdit', () => {
  const r = { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } };

  it('reads the versioned edit the server streams', () => {
    const edit = { documentChanges: [{ textDocument: { uri: URI, version: 12 }, edits: [{ range: r, newText: 'x\n' }] }] };
    expect(singleDocumentEdit(edit)).toEqual({ uri: URI, version: 12, edits: [{ range: r, newText: 'x\n' }] });
  });

  it('reads an unversioned edit (version null, or changes)', () => {
    expect(singleDocumentEdit({ documentChanges: [{ textDocument: { uri: URI, version: null }, edits: [] }] })?.version).toBeNull();
    expect(singleDocumentEdit({ changes: { [URI]: [{ range: r, newText: '' }] } })).toEqual({ uri: URI, version: null, edits: [{ range: r, newText: '' }] });
  });

  it('leaves anything else to the language client', () => {
    const one = { textDocument: { uri: URI, version: 1 }, edits: [{ range: r, newText: 'x' }] };
    expect(singleDocumentEdit({ documentChanges: [one, one] })).toBeUndefined();
    expect(singleDocumentEdit({ documentChanges: [{ kind: 'create', uri: URI }] })).toBeUndefined();
    expect(singleDocumentEdit({ documentChanges: [{ ...one, edits: [{ range: r, newText: 'x', annotationId: 'a' }] }] })).toBeUndefined();
    expect(singleDocumentEdit({ documentChanges: [{ ...one, edits: [{ range: r, snippet: { value: '$1' } }] }] })).toBeUndefined();
    expect(singleDocumentEdit({ documentChanges: [one], changeAnnotations: {} })).toBeUndefined();
    expect(singleDocumentEdit({ changes: { [URI]: [], 'file:///b': [] } })).toBeUndefined();
    expect(singleDocumentEdit({})).toBeUndefined();
    expect(singleDocumentEdit(null)).toBeUndefined();
  });
});
