/**
 * The refactor instruction picker's list (pure): what the user typed first, then recent
 * instructions (most recent first), then the server's presets.
 */
import type { RefactorChoice } from './arguments';
import type { Preset } from './protocol';

export const MAX_RECENT = 10;

export const PRESET_LABELS: Readonly<Record<Preset, string>> = {
  docstring: 'Add docstring',
  types: 'Add type hints',
  simplify: 'Simplify',
};

export type PickKind = 'typed' | 'recent' | 'preset';

export interface PickEntry {
  label: string;
  description: string;
  kind: PickKind;
  choice: RefactorChoice;
}

/** The recent list after using `instruction`: it moves to the front, once, at most MAX_RECENT kept. */
export function remember(recent: readonly string[], instruction: string, max = MAX_RECENT): string[] {
  const text = instruction.trim();
  if (text === '') {
    return recent.slice(0, max);
  }
  return [text, ...recent.filter((item) => item !== text)].slice(0, max);
}

/** A stored value read back from globalState: only strings survive. */
export function sanitizeRecent(value: unknown, max = MAX_RECENT): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const out: string[] = [];
  for (const item of value) {
    if (typeof item === 'string' && item.trim() !== '' && !out.includes(item.trim())) {
      out.push(item.trim());
    }
  }
  return out.slice(0, max);
}

/** The picker's entries for the text typed so far. */
export function pickEntries(typed: string, recent: readonly string[]): PickEntry[] {
  const text = typed.trim();
  const entries: PickEntry[] = [];
  if (text !== '') {
    entries.push({ label: text, description: 'refactor with this instruction', kind: 'typed', choice: { instruction: text } });
  }
  for (const item of recent) {
    if (item !== text) {
      entries.push({ label: item, description: 'recent', kind: 'recent', choice: { instruction: item } });
    }
  }
  for (const [preset, label] of Object.entries(PRESET_LABELS) as [Preset, string][]) {
    entries.push({ label, description: 'preset', kind: 'preset', choice: { preset } });
  }
  return entries;
}

/** How long after the list was updated for the current text it may still be unseen. */
export const SETTLE_MS = 150;

/** What the picker knew when Enter was pressed. */
export interface AcceptContext {
  /** The input's text. */
  value: string;
  /** The text the list (with its "typed" entry first) was last built for. */
  shownFor: string;
  /** Milliseconds since that list was set. */
  shownAgoMs: number;
}

/**
 * What Enter means.
 *
 * The typed text wins unless the user deliberately chose a recent instruction or a preset.
 * Typing "simp" and pressing Enter at once must refactor with "simp": the workbench filters
 * the old list itself, so "Simplify" can be highlighted before the list with the typed entry
 * on top has arrived. A selection is only taken as chosen once that list was built for the
 * current text and has had time to show. The "typed" entry always stands for the current
 * text (it may lag a keystroke behind). With nothing selected, the text is the instruction.
 */
export function resolvePick(selected: PickEntry | undefined, context: AcceptContext): RefactorChoice | undefined {
  const text = context.value.trim();
  const typed: RefactorChoice | undefined = text === '' ? undefined : { instruction: text };
  if (selected === undefined || selected.kind === 'typed') {
    return typed;
  }
  const settled = context.shownFor.trim() === text && context.shownAgoMs >= SETTLE_MS;
  return typed !== undefined && !settled ? typed : selected.choice;
}
