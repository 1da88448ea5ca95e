import { describe, expect, it } from 'vitest';
import { MAX_RECENT, pickEntries, remember, resolvePick, sanitizeRecent } from '../src/instructions';

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

  it('runs the typed text on Enter', () => {
    expect(resolvePick(typed, 'simp')).toEqual({ instruction: 'simp' });
  });

  it('uses the current text when the typed entry lags behind the input', () => {
    expect(resolvePick(typed, 'simplify the loop')).toEqual({ instruction: 'simplify the loop' });
  });

  it('uses the current text when nothing is selected', () => {
    expect(resolvePick(undefined, ' add types ')).toEqual({ instruction: 'add types' });
    expect(resolvePick(undefined, '   ')).toBeUndefined();
  });

  it('honours a recent instruction or a preset chosen with the arrows', () => {
    expect(resolvePick(recent, 'simp')).toEqual({ instruction: 'older' });
    expect(preset?.label).toBe('Simplify');
    expect(resolvePick(preset, 'simp')).toEqual({ preset: 'simplify' });
  });
});
