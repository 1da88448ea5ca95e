/** Builds the argument objects of the kimi.* commands (pure; see docs/protocol.md). */
import type { Diagnostic, Preset, Range } from './protocol';
import { PRESETS } from './protocol';

export interface ExplainArguments {
  uri: string;
  range: Range;
  streamId: string;
}

/** What the user chose for a refactor: free text, or one of the server's presets. */
export type RefactorChoice = { instruction: string } | { preset: Preset };

export interface RefactorArguments {
  uri: string;
  range: Range;
  instruction?: string;
  preset?: Preset;
  streamId: string;
}

export interface FixArguments {
  uri: string;
  range: Range;
  diagnostics: Diagnostic[];
  streamId: string;
}

export function explainArguments(uri: string, range: Range, streamId: string): ExplainArguments {
  return { uri, range, streamId };
}

export function refactorArguments(
  uri: string,
  range: Range,
  choice: RefactorChoice,
  streamId: string,
): RefactorArguments {
  if ('preset' in choice) {
    return { uri, range, preset: choice.preset, streamId };
  }
  const instruction = choice.instruction.trim();
  if (instruction === '') {
    throw new Error('The refactor instruction is empty.');
  }
  return { uri, range, instruction, streamId };
}

export function fixArguments(
  uri: string,
  range: Range,
  diagnostics: readonly Diagnostic[],
  streamId: string,
): FixArguments {
  if (diagnostics.length === 0) {
    throw new Error('kimi.fix needs at least one diagnostic.');
  }
  return { uri, range, diagnostics: [...diagnostics], streamId };
}

export function isPreset(value: unknown): value is Preset {
  return typeof value === 'string' && (PRESETS as readonly string[]).includes(value);
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/**
 * Whether a diagnostic's range touches the selection. An empty selection stands for its
 * whole line (as the server reads an empty range), so a cursor on a line with a problem
 * finds that problem.
 */
export function intersects(diagnostic: Range, selection: Range): boolean {
  const sel = isEmpty(selection)
    ? {
        start: { line: selection.start.line, character: 0 },
        end: { line: selection.start.line, character: Number.MAX_SAFE_INTEGER },
      }
    : selection;
  return !before(diagnostic.end, sel.start) && !before(sel.end, diagnostic.start);
}

export function isEmpty(range: Range): boolean {
  return range.start.line === range.end.line && range.start.character === range.end.character;
}

/** The diagnostics that touch the selection, in their original order. */
export function diagnosticsInSelection<T extends { range: Range }>(
  diagnostics: readonly T[],
  selection: Range,
): T[] {
  return diagnostics.filter((d) => intersects(d.range, selection));
}

/**
 * The arguments the server's own code actions carry, read back defensively: a command run
 * from a code action arrives as `[{uri, range, ...}]`.
 */
export function targetOf(args: readonly unknown[]): { uri: string; range: Range } | undefined {
  const first = args[0];
  if (typeof first !== 'object' || first === null) {
    return undefined;
  }
  const record = first as Record<string, unknown>;
  const doc = record['textDocument'];
  const uri =
    typeof record['uri'] === 'string'
      ? record['uri']
      : typeof doc === 'object' && doc !== null && typeof (doc as Record<string, unknown>)['uri'] === 'string'
        ? ((doc as Record<string, unknown>)['uri'] as string)
        : undefined;
  const range = record['range'];
  if (uri === undefined || !isRange(range)) {
    return undefined;
  }
  return { uri, range };
}

function isPosition(value: unknown): value is { line: number; character: number } {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const record = value as Record<string, unknown>;
  return typeof record['line'] === 'number' && typeof record['character'] === 'number';
}

export function isRange(value: unknown): value is Range {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const record = value as Record<string, unknown>;
  return isPosition(record['start']) && isPosition(record['end']);
}

/** The most diagnostics `kimi.edit` is sent (the server uses at most 50). */
export const MAX_EDIT_DIAGNOSTICS = 50;
/** The longest diagnostic message sent; longer ones are cut. */
export const MAX_DIAGNOSTIC_MESSAGE = 500;

/** A document's diagnostics, as VS Code shows them (converted to LSP). */
export interface DocumentDiagnostics {
  uri: string;
  diagnostics: readonly Diagnostic[];
}

/** A diagnostic as `kimi.edit` takes it: with the document it is in. */
export interface EditDiagnostic {
  uri: string;
  range: Range;
  message: string;
  severity?: number;
  source?: string;
  code?: number | string;
}

export interface EditArguments {
  instruction: string;
  uri?: string;
  range?: Range;
  streamId: string;
  diagnostics?: EditDiagnostic[];
}

function editDiagnostic(uri: string, d: Diagnostic): EditDiagnostic {
  const text = typeof d.message === 'string' ? d.message : d.message.value;
  const out: EditDiagnostic = {
    uri,
    range: d.range,
    message: text.length > MAX_DIAGNOSTIC_MESSAGE ? `${text.slice(0, MAX_DIAGNOSTIC_MESSAGE - 1)}…` : text,
  };
  if (d.severity !== undefined) {
    out.severity = d.severity;
  }
  if (d.source !== undefined && d.source !== '') {
    out.source = d.source;
  }
  const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  if (code !== undefined && code !== '') {
    out.code = code;
  }
  return out;
}

/**
 * The problems sent with `kimi.edit`: the open documents' diagnostics (the user's document
 * first in `documents`), errors before warnings before the rest, then in document order
 * and top down; at most `limit`, each message bounded.
 */
export function editDiagnostics(documents: readonly DocumentDiagnostics[], limit = MAX_EDIT_DIAGNOSTICS): EditDiagnostic[] {
  const all = documents.flatMap((doc, docIndex) => doc.diagnostics.map((d) => ({ d, uri: doc.uri, docIndex })));
  // LSP severities: 1 error, 2 warning, 3 information, 4 hint; none counts as an error (the spec lets the client decide).
  const severity = (d: Diagnostic): number => d.severity ?? 1;
  all.sort(
    (a, b) =>
      severity(a.d) - severity(b.d) ||
      a.docIndex - b.docIndex ||
      a.d.range.start.line - b.d.range.start.line ||
      a.d.range.start.character - b.d.range.start.character,
  );
  return all.slice(0, Math.max(0, limit)).map(({ uri, d }) => editDiagnostic(uri, d));
}

/**
 * `kimi.edit`'s argument: the instruction, where the user is (the active document, and
 * the selection when there is one: an empty one is left out), and the problems the editor
 * shows (left out when there are none).
 */
export function editArguments(
  instruction: string,
  where: { uri: string; range?: Range } | undefined,
  documents: readonly DocumentDiagnostics[],
  streamId: string,
): EditArguments {
  const text = instruction.trim();
  if (text === '') {
    throw new Error('The instruction is empty.');
  }
  const out: EditArguments = { instruction: text, streamId };
  if (where !== undefined) {
    out.uri = where.uri;
    if (where.range !== undefined && !isEmpty(where.range)) {
      out.range = where.range;
    }
  }
  const diagnostics = editDiagnostics(documents);
  if (diagnostics.length > 0) {
    out.diagnostics = diagnostics;
  }
  return out;
}
