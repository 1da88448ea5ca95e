import { describe, expect, it } from 'vitest';
import { MAX_RECENT, SETTLE_MS, pickEntries, remember, resolvePick, sanitizeRecent } from '../src/instructions';

describe('remember', () => {
  it('puts the newest first and keeps each instruction once', () => {
    expect(remember(['a', 'b', 'c'], 'b')).toEqual(['b', 'a', 'c']);
  });

  it('keeps at most ten', () => {
    const many = Array.from({ length: 12 }, (_, i) => `i${i}`);
    const out = remember(many, 'new');
    expect(out).toHaveLength(MAX_RECENT);
    expect(out[0]).toBe('new');
    expect(out).not.toContain('i9');
  });

  it('trims and ignores blank instructions', () => {
    expect(remember(['a'], '  use pathlib  ')).toEqual(['use pathlib', 'a']);
    expect(remember(['a'], '   ')).toEqual(['a']);
  });
});

describe('sanitizeRecent', () => {
  it('keeps only non-empty strings from whatever globalState held', () => {
    expect(sanitizeRecent(['a', 3, '', null, 'b', 'a'])).toEqual(['a', 'b']);
    expect(sanitizeRecent('not a list')).toEqual([]);
    expect(sanitizeRecent(undefined)).toEqual([]);
  });
});

describe('pickEntries', () => {
  it('offers the typed text first, then recent, then the three presets', () => {
    const entries = pickEntries('use a dataclass', ['add logging', 'rename x']);
    expect(entries.map((e) => [e.kind, e.label])).toEqual([
      ['typed', 'use a dataclass'],
      ['recent', 'add logging'],
      ['recent', 'rename x'],
      ['preset', 'Add docstring'],
      ['preset', 'Add type hints'],
      ['preset', 'Simplify'],
    ]);
    expect(entries[0]?.choice).toEqual({ instruction: 'use a dataclass' });
    expect(entries[3]?.choice).toEqual({ preset: 'docstring' });
    expect(entries[4]?.choice).toEqual({ preset: 'types' });
  });

  it('has no typed entry for empty input, and does not repeat a recent one equal to the input', () => {
    expect(pickEntries('', ['a']).map((e) => e.kind)).toEqual(['recent', 'preset', 'preset', 'preset']);
    expect(pickEntries('a', ['a', 'b']).map((e) => e.label)).toEqual(['a', 'b', 'Add docstring', 'Add type hints', 'Simplify']);
  });
});

describe('resolvePick', () => {
  const [typed, recent, , , preset] = pickEntries('simp', ['older']);
  const settled = { value: 'simp', shownFor: 'simp', shownAgoMs: 1000 };

  it('runs the typed text on Enter', () => {
    expect(resolvePick(typed, settled)).toEqual({ instruction: 'simp' });
  });

  it('uses the current text when the typed entry lags behind the input', () => {
    expect(resolvePick(typed, { ...settled, value: 'simplify the loop' })).toEqual({ instruction: 'simplify the loop' });
  });

  it('uses the current text when nothing is selected', () => {
    expect(resolvePick(undefined, { ...settled, value: ' add types ' })).toEqual({ instruction: 'add types' });
    expect(resolvePick(undefined, { ...settled, value: '   ' })).toBeUndefined();
  });

  it('honours a recent instruction or a preset chosen from a list the user could see', () => {
    expect(resolvePick(recent, settled)).toEqual({ instruction: 'older' });
    expect(preset?.label).toBe('Simplify');
    expect(resolvePick(preset, settled)).toEqual({ preset: 'simplify' });
  });

  it('runs the typed text when Enter comes before the list for that text was shown', () => {
    // the workbench filtered the old list and highlighted "Simplify" for "simp"
    expect(resolvePick(preset, { value: 'simp', shownFor: '', shownAgoMs: 5000 })).toEqual({ instruction: 'simp' });
    expect(resolvePick(preset, { value: 'simp', shownFor: 'simp', shownAgoMs: SETTLE_MS - 1 })).toEqual({ instruction: 'simp' });
    expect(resolvePick(preset, { value: 'simp', shownFor: 'sim', shownAgoMs: 5000 })).toEqual({ instruction: 'simp' });
  });

  it('takes a preset picked from the untouched list (nothing typed)', () => {
    const [first] = pickEntries('', []);
    expect(resolvePick(first, { value: '', shownFor: '', shownAgoMs: 0 })).toEqual({ preset: 'docstring' });
  });
});
