/**
 * LSP text edits applied to a string (pure): how the review of a change across files
 * builds each file's proposed text from the original and the server's `edits`.
 *
 * Positions are in UTF-16 code units (what VS Code negotiates, and what JavaScript strings
 * count). Lines end at `\n`, `\r\n` or `\r`, as the LSP specification says. A character
 * past the end of its line means the end of that line; a line past the end of the text is
 * an error (the edits were not made for this text).
 */
import type { Position, TextEdit } from './protocol';

/** The edits do not fit the text: a bad range, or two edits that overlap. */
export class EditsDoNotFit extends Error {}

/** Where each line starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) {
        i++;
      }
      starts.push(i + 1);
    } else if (c === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The offset of a position in `text` (whose line starts are `starts`). */
export function offsetAt(text: string, starts: readonly number[], position: Position): number {
  const { line, character } = position;
  if (!Number.isInteger(line) || !Number.isInteger(character) || line < 0 || character < 0) {
    throw new EditsDoNotFit(`a position is not valid: line ${line}, character ${character}`);
  }
  const start = starts[line];
  if (start === undefined) {
    // The end of the text, written as the line after it, is allowed (an edit appending).
    if (line === starts.length && character === 0) {
      return text.length;
    }
    throw new EditsDoNotFit(`line ${line + 1} is past the end of the text (${starts.length} lines)`);
  }
  const next = starts[line + 1];
  let end = text.length;
  if (next !== undefined) {
    end = next - (text.charCodeAt(next - 1) === 10 && text.charCodeAt(next - 2) === 13 ? 2 : 1);
  }
  return start + Math.min(character, end - start);
}

/**
 * `text` with `edits` applied. The edits are ranges of `text` (not of each other's
 * result); they may come in any order but must not overlap. Insertions at the same place
 * go in the order given.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const spans = edits.map((edit, index) => {
    const start = offsetAt(text, starts, edit.range.start);
    const end = offsetAt(text, starts, edit.range.end);
    if (end < start) {
      throw new EditsDoNotFit(`an edit ends before it starts (line ${edit.range.start.line + 1})`);
    }
    return { start, end, text: edit.newText, index };
  });
  spans.sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);
  const parts: string[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at) {
      throw new EditsDoNotFit('two edits overlap');
    }
    parts.push(text.slice(at, span.start), span.text);
    at = span.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** How many lines a text has (a final line break ends the last line, it does not start one). */
export function countLines(text: string): number {
  if (text === '') {
    return 0;
  }
  const starts = lineStarts(text);
  return starts[starts.length - 1] === text.length ? starts.length - 1 : starts.length;
}

/** Lines added and removed between two texts: what differs after their common first and last lines. */
export function lineDelta(before: string, after: string): { added: number; removed: number } {
  const a = before.split(/\r\n|\r|\n/);
  const b = after.split(/\r\n|\r|\n/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    head++;
  }
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
    tail++;
  }
  return { added: b.length - head - tail, removed: a.length - head - tail };
}

/**
 * The lines `edits` add to and remove from `text`, as a line diff counts them: each edit
 * is compared on the whole lines it touches (a word renamed is one line removed and one
 * added; a line inserted is one added).
 */
export function changedLines(text: string, edits: readonly TextEdit[]): { added: number; removed: number } {
  const starts = lineStarts(text);
  let added = 0;
  let removed = 0;
  for (const edit of edits) {
    const start = offsetAt(text, starts, edit.range.start);
    const end = offsetAt(text, starts, edit.range.end);
    const from = starts[edit.range.start.line] ?? text.length;
    const to = starts[edit.range.end.line + 1] ?? text.length;
    const delta = lineDelta(text.slice(from, to), text.slice(from, start) + edit.newText + text.slice(end, to));
    added += delta.added;
    removed += delta.removed;
  }
  return { added, removed };
}
