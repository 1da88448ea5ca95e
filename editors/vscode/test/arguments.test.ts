import { describe, expect, it } from 'vitest';
import {
  diagnosticsInSelection,
  editArguments,
  editDiagnostics,
  explainArguments,
  MAX_DIAGNOSTIC_MESSAGE,
  MAX_EDIT_DIAGNOSTICS,
  fixArguments,
  intersects,
  isPreset,
  refactorArguments,
  targetOf,
} from '../src/arguments';
import type { Diagnostic, Range } from '../src/protocol';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});
const uri = 'file:///w/app.py';

describe('explainArguments', () => {
  it('carries uri, range and streamId as the server expects', () => {
    expect(explainArguments(uri, r(1, 0, 3, 4), 's1')).toEqual({ uri, range: r(1, 0, 3, 4), streamId: 's1' });
  });
});

describe('refactorArguments', () => {
  it('sends a trimmed instruction and no preset', () => {
    const args = refactorArguments(uri, r(0, 0, 1, 0), { instruction: '  use a dataclass ' }, 's');
    expect(args).toEqual({ uri, range: r(0, 0, 1, 0), instruction: 'use a dataclass', streamId: 's' });
    expect('preset' in args).toBe(false);
  });

  it('sends a preset and no instruction', () => {
    const args = refactorArguments(uri, r(0, 0, 1, 0), { preset: 'types' }, 's');
    expect(args).toEqual({ uri, range: r(0, 0, 1, 0), preset: 'types', streamId: 's' });
    expect('instruction' in args).toBe(false);
  });

  it('refuses an empty instruction rather than letting the server ask for a preset', () => {
    expect(() => refactorArguments(uri, r(0, 0, 1, 0), { instruction: '   ' }, 's')).toThrow(/empty/);
  });
});

describe('fixArguments', () => {
  const d: Diagnostic = { range: r(2, 0, 2, 5), message: "'os' imported but unused", source: 'pyflakes', code: 'F401' };

  it('passes the diagnostics through unchanged', () => {
    expect(fixArguments(uri, r(2, 0, 3, 0), [d], 'f')).toEqual({ uri, range: r(2, 0, 3, 0), diagnostics: [d], streamId: 'f' });
  });

  it('refuses an empty list, which the server would reject', () => {
    expect(() => fixArguments(uri, r(2, 0, 3, 0), [], 'f')).toThrow(/at least one/);
  });
});

describe('diagnostics in the selection', () => {
  const on = (line: number, from: number, to: number, message: string) => ({ range: r(line, from, line, to), message });
  const diags = [on(1, 4, 8, 'a'), on(5, 0, 3, 'b'), on(9, 2, 2, 'c')];

  it('keeps those that overlap the selection, in order', () => {
    expect(diagnosticsInSelection(diags, r(0, 0, 5, 1)).map((x) => x.message)).toEqual(['a', 'b']);
  });

  it('counts a diagnostic that touches the selection edge', () => {
    expect(intersects(r(5, 0, 5, 3), r(2, 0, 5, 0))).toBe(true);
    expect(intersects(r(5, 1, 5, 3), r(2, 0, 5, 0))).toBe(false);
  });

  it('treats an empty selection as its whole line', () => {
    expect(diagnosticsInSelection(diags, r(9, 40, 9, 40)).map((x) => x.message)).toEqual(['c']);
    expect(diagnosticsInSelection(diags, r(8, 0, 8, 0))).toEqual([]);
  });

  it('finds a multi-line diagnostic that spans the selection', () => {
    expect(intersects(r(1, 0, 10, 0), r(4, 2, 4, 6))).toBe(true);
  });
});

describe('targetOf', () => {
  it('reads uri and range from a code action argument', () => {
    expect(targetOf([{ uri, range: r(1, 0, 2, 0), instruction: null }])).toEqual({ uri, range: r(1, 0, 2, 0) });
  });

  it('accepts textDocument.uri as the server does', () => {
    expect(targetOf([{ textDocument: { uri }, range: r(1, 0, 2, 0) }])?.uri).toBe(uri);
  });

  it('gives undefined for the palette\'s empty arguments or a malformed range', () => {
    expect(targetOf([])).toBeUndefined();
    expect(targetOf([{ uri, range: { start: { line: 1 } } }])).toBeUndefined();
  });

  it('knows the presets', () => {
    expect(isPreset('docstring')).toBe(true);
    expect(isPreset('Docstring')).toBe(false);
  });
});

describe('editArguments', () => {
  const other = 'file:///w/other.py';
  const diag = (line: number, severity: number, message = `problem ${line}`): Diagnostic => ({ range: r(line, 0, line, 4), message, severity });

  it('sends the instruction, where the user is and the problems of the open documents, each with its document', () => {
    const args = editArguments(
      '  rename line_total to price_line ',
      { uri, range: r(3, 0, 5, 0) },
      [{ uri, diagnostics: [{ ...diag(3, 1), source: 'pyflakes', code: { value: 'F401', target: 'https://x' } }] }],
      's1',
    );
    expect(args).toEqual({
      instruction: 'rename line_total to price_line',
      uri,
      range: r(3, 0, 5, 0),
      streamId: 's1',
      diagnostics: [{ uri, range: r(3, 0, 3, 4), message: 'problem 3', severity: 1, source: 'pyflakes', code: 'F401' }],
    });
  });

  it('leaves out an empty selection (the cursor), no editor, and no problems', () => {
    expect(editArguments('x', { uri, range: r(3, 2, 3, 2) }, [], 's')).toEqual({ instruction: 'x', uri, streamId: 's' });
    expect(editArguments('x', undefined, [{ uri, diagnostics: [] }], 's')).toEqual({ instruction: 'x', streamId: 's' });
  });

  it('refuses an empty instruction', () => {
    expect(() => editArguments('   ', undefined, [], 's')).toThrow(/empty/);
  });

  it('sends errors before warnings before the rest, the user\'s document first, and no more than the server reads', () => {
    const many = Array.from({ length: 80 }, (_, i) => diag(i, 2));
    const out = editDiagnostics([
      { uri, diagnostics: [diag(9, 3), diag(2, 2)] },
      { uri: other, diagnostics: [diag(5, 1), ...many] },
    ]);
    expect(out).toHaveLength(MAX_EDIT_DIAGNOSTICS);
    expect(out.slice(0, 2).map((d) => [d.uri, d.range.start.line, d.severity])).toEqual([
      [other, 5, 1],
      [uri, 2, 2],
    ]);
    expect(out.some((d) => d.severity === 3)).toBe(false); // the information was cut, not an error
  });

  it('cuts a long message, and reads a Markdown one', () => {
    const [long] = editDiagnostics([{ uri, diagnostics: [diag(1, 1, 'x'.repeat(5000))] }]);
    expect(long?.message).toHaveLength(MAX_DIAGNOSTIC_MESSAGE);
    const [md] = editDiagnostics([{ uri, diagnostics: [{ range: r(0, 0, 0, 1), message: { kind: 'markdown', value: '**bad**' } }] }]);
    expect(md).toEqual({ uri, range: r(0, 0, 0, 1), message: '**bad**' });
  });
});
