/**
 * The level at which a line of the server's stderr goes to the Kimi output channel (pure).
 *
 * kimi-lsp writes its log records to stderr ("2026-01-02 03:04:05,678 INFO kimi_lsp.x: ...")
 * and mirrors its own records at info and above to the editor as window/logMessage, which
 * the client also writes to the channel. Those mirrored records are shown once, from
 * logMessage: on stderr they go to debug. Other records keep their level. Anything else
 * (a traceback, a crash before LSP starts, an argument error) is an error.
 */

export type ChannelLevel = 'debug' | 'info' | 'warn' | 'error';

const RECORD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) (\S+): /;

const LEVELS: Readonly<Record<string, ChannelLevel>> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'error',
};

export function stderrLevel(line: string): ChannelLevel {
  const match = RECORD.exec(line);
  if (match === null) {
    return line.trim() === '' ? 'debug' : 'error';
  }
  const level = LEVELS[match[1] ?? ''] ?? 'error';
  const logger = match[2] ?? '';
  const mirrored = logger === 'kimi_lsp' || logger.startsWith('kimi_lsp.');
  return mirrored ? 'debug' : level;
}
