import { describe, expect, it } from 'vitest';
import type { TextEdit } from '../src/protocol';
import { applyTextEdits, changedLines, countLines, EditsDoNotFit, lineDelta, lineStarts, offsetAt } from '../src/textEdits';

const edit = (l1: number, c1: number, l2: number, c2: number, newText: string): TextEdit => ({
  range: { start: { line: l1, character: c1 }, end: { line: l2, character: c2 } },
  newText,
});

const PRICING = 'VAT = 0.2\n\n\ndef line_total(p, q):\n    return p * q\n\n\ndef order_total(lines):\n    return sum(line_total(p, q) for p, q in lines)\n';

describe('applyTextEdits', () => {
  it('applies a rename across a file, whatever order the edits come in', () => {
    const edits = [edit(8, 15, 8, 25, 'price_line'), edit(3, 4, 3, 14, 'price_line')];
    const out = applyTextEdits(PRICING, edits);
    expect(out).toBe(PRICING.replaceAll('line_total', 'price_line'));
    expect(applyTextEdits(PRICING, [...edits].reverse())).toBe(out);
  });

  it('builds a new file from one insertion into nothing', () => {
    const content = 'from checkout import receipt\n\n\ndef test_receipt():\n    assert receipt([])\n';
    const end = { line: 0, character: 0 };
    expect(applyTextEdits('', [{ range: { start: end, end }, newText: content }])).toBe(content);
  });

  it('counts in UTF-16 code units, as VS Code negotiates', () => {
    // "é" is one unit, the emoji two: the edit after them lands where VS Code puts it.
    const text = 'x = "é😀" + name\n';
    expect(applyTextEdits(text, [edit(0, 12, 0, 16, 'title')])).toBe('x = "é😀" + title\n');
  });

  it('reads \\r\\n and \\r line breaks as LSP does, and keeps them', () => {
    const text = 'a = 1\r\nb = 2\rc = 3\n';
    expect(applyTextEdits(text, [edit(1, 0, 1, 1, 'bb'), edit(2, 4, 2, 5, '4')])).toBe('a = 1\r\nbb = 2\rc = 4\n');
    expect(lineStarts(text)).toEqual([0, 7, 13, 19]);
  });

  it('takes a character past the end of a line as the end of that line, not the next line', () => {
    const text = 'ab\r\ncd\n';
    expect(offsetAt(text, lineStarts(text), { line: 0, character: 99 })).toBe(2);
    expect(applyTextEdits(text, [edit(0, 1, 0, 99, 'X')])).toBe('aX\r\ncd\n');
  });

  it('applies insertions at the same place in the order given, and one before a replacement there', () => {
    expect(applyTextEdits('abc', [edit(0, 1, 0, 1, '1'), edit(0, 1, 0, 1, '2'), edit(0, 1, 0, 2, 'B')])).toBe('a12Bc');
  });

  it('refuses edits that overlap, run backwards or point past the text', () => {
    expect(() => applyTextEdits('abcdef', [edit(0, 0, 0, 3, 'x'), edit(0, 2, 0, 4, 'y')])).toThrow(EditsDoNotFit);
    expect(() => applyTextEdits('abc', [edit(0, 2, 0, 1, 'x')])).toThrow(/ends before it starts/);
    expect(() => applyTextEdits('one\ntwo', [edit(5, 0, 5, 1, 'x')])).toThrow(/past the end/);
    expect(() => applyTextEdits('abc', [edit(-1, 0, 0, 1, 'x')])).toThrow(/not valid/);
  });
});

describe('countLines', () => {
  it('does not count the empty line after a final line break', () => {
    expect(countLines('')).toBe(0);
    expect(countLines('a')).toBe(1);
    expect(countLines('a\n')).toBe(1);
    expect(countLines('a\nb')).toBe(2);
    expect(countLines('a\r\nb\r\n')).toBe(2);
  });
});

describe('changedLines', () => {
  it('counts a word renamed on a line as one line removed and one added, as a line diff does', () => {
    const edits = [edit(8, 15, 8, 25, 'price_line'), edit(3, 4, 3, 14, 'price_line')];
    expect(changedLines(PRICING, edits)).toEqual({ added: 2, removed: 2 });
  });

  it('counts inserted and deleted whole lines as such', () => {
    expect(changedLines('a\nb\n', [edit(1, 0, 1, 0, 'x\ny\n')])).toEqual({ added: 2, removed: 0 });
    expect(changedLines('a\nb\nc\n', [edit(1, 0, 2, 0, '')])).toEqual({ added: 0, removed: 1 });
    expect(changedLines('a', [edit(0, 1, 0, 1, '\nb')])).toEqual({ added: 1, removed: 0 });
  });
});

describe('lineDelta', () => {
  it('counts the lines that differ between the common head and tail', () => {
    expect(lineDelta('a\nb\nc', 'a\nb\nc')).toEqual({ added: 0, removed: 0 });
    expect(lineDelta('a\nb\nc', 'a\nx\ny\nc')).toEqual({ added: 2, removed: 1 });
    expect(lineDelta('', 'x\n')).toEqual({ added: 1, removed: 0 });
  });
});
