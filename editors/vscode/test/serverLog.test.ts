import { describe, expect, it } from 'vitest';
import { stderrLevel } from '../src/serverLog';

describe('stderrLevel', () => {
  it("moves kimi-lsp's own records to debug: they arrive as window/logMessage too", () => {
    expect(stderrLevel('2026-11-22 03:54:14,373 INFO kimi_lsp.features.lifecycle: kimi-lsp initialized')).toBe('debug');
    expect(stderrLevel('2026-11-22 03:54:14,373 ERROR kimi_lsp.model.client: upstream failed')).toBe('debug');
    expect(stderrLevel('2026-11-22 03:54:14,373 WARNING kimi_lsp: x')).toBe('debug');
  });

  it("keeps other libraries' records at their level", () => {
    expect(stderrLevel('2026-11-22 03:50:40,602 WARNING pygls.protocol.json_rpc: Cancel notification for unknown message id "12"')).toBe('warn');
    expect(stderrLevel('2026-11-22 03:50:40,602 ERROR pygls.server: broken pipe')).toBe('error');
    expect(stderrLevel('2026-11-22 03:50:40,602 INFO httpx: HTTP Request: POST')).toBe('info');
    expect(stderrLevel('2026-11-22 03:50:40,602 DEBUG kimi_lsp.x: detail')).toBe('debug');
  });

  it('shows anything else, such as a traceback or an argument error, as an error', () => {
    expect(stderrLevel('Traceback (most recent call last):')).toBe('error');
    expect(stderrLevel('kimi-lsp: error: unrecognized arguments: --stdio')).toBe('error');
    expect(stderrLevel('  ')).toBe('debug');
  });
});
