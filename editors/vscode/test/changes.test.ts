import { describe, expect, it } from 'vitest';
import {
  acceptArgument,
  ChangeStore,
  describeFile,
  describeFiles,
  editUris,
  parseChangeNotification,
  parseEditResult,
  sentence,
  streamSummary,
  type PendingChange,
  type ReviewFile,
} from '../src/changes';

const at = (line: number, character: number) => ({ line, character });
const PRICING = 'file:///w/pricing.py';
const CHECKOUT = 'file:///w/checkout.py';
const TEST = 'file:///w/test_checkout.py';

/** kimi.edit's answer as the server sends it (docs/protocol.md). */
const answer = {
  status: 'proposed',
  proposalId: 'c1',
  streamId: 's1',
  files: [
    { uri: PRICING, kind: 'edit', edits: [{ range: { start: at(14, 4), end: at(14, 14) }, newText: 'price_line' }] },
    { uri: CHECKOUT, kind: 'edit', edits: [{ range: { start: at(2, 20), end: at(2, 30) }, newText: 'price_line' }] },
    { uri: TEST, kind: 'create', edits: [{ range: { start: at(0, 0), end: at(0, 0) }, newText: 'def test():\n    pass\n' }] },
  ],
  message: 'Renamed line_total to price_line and added a test.',
  costUsd: 0.0021,
};

const file = (uri: string, kind: 'edit' | 'create', original: string, proposed: string, edits = 1): ReviewFile => ({
  uri,
  kind,
  edits: Array.from({ length: edits }, () => ({ range: { start: at(0, 0), end: at(0, 0) }, newText: '' })),
  original,
  proposed,
});

const change = (id = 'c1'): PendingChange => ({
  id,
  title: 'Kimi: rename',
  instruction: 'rename',
  files: [file(PRICING, 'edit', 'a\n', 'b\n'), file(CHECKOUT, 'edit', 'c\n', 'd\n'), file(TEST, 'create', '', 'x\ny\n')],
});

describe('parseEditResult', () => {
  it('reads the proposed answer of docs/protocol.md', () => {
    const result = parseEditResult(answer);
    expect(result).toEqual(answer);
  });

  it('reads the answers without files: unchanged (with the model\'s message), failed, cancelled', () => {
    expect(parseEditResult({ status: 'unchanged', proposalId: 'c2', files: [], message: ' Nothing to rename. ' })).toEqual({
      status: 'unchanged',
      proposalId: 'c2',
      files: [],
      message: 'Nothing to rename.',
    });
    expect(parseEditResult({ status: 'failed', message: 'Kimi edit failed: the model server is down.' })?.files).toEqual([]);
    expect(parseEditResult({ status: 'cancelled', costUsd: null })).toEqual({ status: 'cancelled', files: [], costUsd: null });
  });

  it('rejects what is not an answer, or a file it cannot trust', () => {
    expect(parseEditResult(null)).toBeUndefined();
    expect(parseEditResult({ status: 'done' })).toBeUndefined();
    expect(parseEditResult({ ...answer, files: [{ uri: PRICING, kind: 'delete', edits: [] }] })).toBeUndefined();
    expect(parseEditResult({ ...answer, files: [{ uri: PRICING, kind: 'edit', edits: [{ newText: 'x' }] }] })).toBeUndefined();
  });
});

describe('parseChangeNotification', () => {
  it('reads a change across files, and leaves a rewrite\'s notification alone', () => {
    const n = { proposalId: 'c1', kind: 'edit', state: 'applied', files: [{ uri: PRICING, kind: 'edit' }, { uri: TEST, kind: 'create' }] };
    expect(parseChangeNotification(n)).toEqual({ proposalId: 'c1', state: 'applied', files: n.files });
    expect(parseChangeNotification({ uri: PRICING, proposalId: 'p1', kind: 'refactor', state: 'applied' })).toBeUndefined();
    expect(parseChangeNotification({ kind: 'edit', state: 'applied' })).toBeUndefined();
  });
});

describe('acceptArgument: accepting some files', () => {
  it('names no files when all are accepted, the chosen ones in the change\'s order otherwise', () => {
    const c = change();
    expect(acceptArgument(c, [TEST, CHECKOUT, PRICING])).toEqual({ proposalId: 'c1' });
    expect(acceptArgument(c, [TEST, PRICING])).toEqual({ proposalId: 'c1', uris: [PRICING, TEST] });
    expect(acceptArgument(c, [CHECKOUT])).toEqual({ proposalId: 'c1', uris: [CHECKOUT] });
  });

  it('accepts nothing when no file of the change is chosen (a stranger is ignored)', () => {
    expect(acceptArgument(change(), [])).toBeUndefined();
    expect(acceptArgument(change(), ['file:///elsewhere.py'])).toBeUndefined();
  });
});

describe('ChangeStore', () => {
  it('keeps the changes waiting, the newest last, with titles that differ', () => {
    const store = new ChangeStore();
    store.add(change('c1'));
    expect(store.uniqueTitle('Kimi: rename')).toBe('Kimi: rename (2)');
    store.add({ ...change('c2'), title: 'Kimi: rename (2)' });
    expect(store.uniqueTitle('Kimi: rename')).toBe('Kimi: rename (3)');
    expect(store.newest()?.id).toBe('c2');
    expect(store.remove('c2')).toBe(true);
    expect(store.remove('c2')).toBe(false);
    expect(store.newest()?.id).toBe('c1');
    expect(store.size).toBe(1);
  });

  it('undoes the change across files when it is the last Kimi change accepted, else the document\'s', () => {
    const store = new ChangeStore();
    expect(store.undoTarget()).toEqual({ kind: 'document' });
    store.add(change('c1'));
    store.changeAccepted('c1', [{ uri: PRICING, kind: 'edit' }, { uri: TEST, kind: 'create' }]);
    expect(store.size).toBe(0);
    expect(store.undoTarget()).toEqual({ kind: 'change', id: 'c1', files: [{ uri: PRICING, kind: 'edit' }, { uri: TEST, kind: 'create' }] });
    store.rewriteAccepted('r1', PRICING); // a refactor of pricing.py accepted since
    expect(store.undoTarget(PRICING)).toEqual({ kind: 'document' }); // in pricing.py it comes first
    expect(store.undoTarget(CHECKOUT)).toMatchObject({ kind: 'change', id: 'c1' }); // elsewhere the change does
    store.forgetAccepted('r1'); // ... and once it is undone, the change is next in pricing.py too
    expect(store.undoTarget(PRICING)).toMatchObject({ kind: 'change', id: 'c1' });
    store.forgetAccepted('c1');
    expect(store.undoTarget()).toEqual({ kind: 'document' });
  });

  it('narrows an accepted change to the files accepted, and forgets everything when the server goes', () => {
    const store = new ChangeStore();
    store.changeAccepted('c1', [{ uri: PRICING, kind: 'edit' }, { uri: CHECKOUT, kind: 'edit' }, { uri: TEST, kind: 'create' }]);
    store.changeAccepted('c1', [{ uri: PRICING, kind: 'edit' }]);
    expect(store.undoTarget()).toEqual({ kind: 'change', id: 'c1', files: [{ uri: PRICING, kind: 'edit' }] });
    store.add(change('c2'));
    expect(store.clear()).toEqual(['c2']);
    expect(store.undoTarget()).toEqual({ kind: 'document' });
  });
});

describe('what the review shows', () => {
  it('describes each file and the whole change', () => {
    expect(describeFile(file(TEST, 'create', '', 'a\nb\n'))).toBe('new file, 2 lines');
    const renamed: ReviewFile = {
      ...file(PRICING, 'edit', 'a\nb\nc\n', 'a\nB\nB2\nc\n'),
      edits: [{ range: { start: at(1, 0), end: at(1, 1) }, newText: 'B\nB2' }],
    };
    expect(describeFile(renamed)).toBe('1 edit, +2 −1 lines');
    expect(describeFile({ ...file(PRICING, 'edit', 'a', 'a'), problem: 'two edits overlap' })).toBe('cannot be shown: two edits overlap');
    expect(describeFiles(change().files)).toBe('3 files (1 new)');
    expect(describeFiles([{ kind: 'edit' }])).toBe('1 file');
  });

  it('turns the model\'s words into one sentence, and the stream into its last line', () => {
    expect(sentence('Renamed it\n\nand added a test')).toBe('Renamed it and added a test.');
    expect(sentence('Done!')).toBe('Done!');
    expect(sentence('Changes:')).toBe('Changes.');
    expect(sentence('x'.repeat(500), 20)).toBe(`${'x'.repeat(19)}…`);
    expect(streamSummary('I read pricing.py.\nNow renaming line_total\n\n')).toBe('Now renaming line_total');
    expect(streamSummary('')).toBe('');
    expect(streamSummary('y'.repeat(200), 10)).toBe(`…${'y'.repeat(9)}`);
  });
});

describe('editUris', () => {
  it('names every document an applyEdit touches', () => {
    const edit = {
      documentChanges: [
        { textDocument: { uri: PRICING, version: 3 }, edits: [] },
        { kind: 'create', uri: TEST },
        { textDocument: { uri: TEST, version: null }, edits: [] },
        { kind: 'delete', uri: 'file:///w/old.py' },
      ],
    };
    expect(editUris(edit)).toEqual([PRICING, TEST, TEST, 'file:///w/old.py']);
    expect(editUris({ changes: { [CHECKOUT]: [] } })).toEqual([CHECKOUT]);
    expect(editUris(null)).toEqual([]);
  });
});
