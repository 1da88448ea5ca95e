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
