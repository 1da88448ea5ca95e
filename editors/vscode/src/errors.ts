/** Turns what a failed kimi.* request threw into what the user is told (pure). */

export const ERROR_CODES = {
  invalidParams: -32602,
  requestCancelled: -32800,
  serverCancelled: -32802,
  requestFailed: -32803,
  pendingResponseRejected: -32097,
  connectionInactive: -32096,
} as const;

export type ErrorAction = 'setApiKey' | 'openSettings' | 'showLog';

export type UserError =
  | { silent: true }
  | { silent: false; message: string; kind?: string; actions: ErrorAction[] };

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function prefixed(message: string): string {
  const text = message.trim() === '' ? 'the request failed' : message.trim();
  return /^kimi\b/i.test(text) ? text : `Kimi: ${text}`;
}

const ACTIONS_BY_KIND: Readonly<Record<string, ErrorAction[]>> = {
  'no-api-key': ['setApiKey'],
  auth: ['setApiKey'],
  'not-configured': ['openSettings'],
  budget: ['openSettings'],
  internal: ['showLog'],
};

/** What to show for an error thrown by client.sendRequest (a ResponseError or anything else). */
export function describeError(error: unknown): UserError {
  const err = record(error);
  if (err === undefined) {
    return { silent: false, message: prefixed(String(error)), actions: [] };
  }
  // vscode.CancellationError and the client's LSPCancellationError.
  if (err['name'] === 'Canceled' || err['name'] === 'CancellationError') {
    return { silent: true };
  }
  const code = err['code'];
  const message = typeof err['message'] === 'string' ? err['message'] : '';
  switch (code) {
    case ERROR_CODES.requestCancelled:
    case ERROR_CODES.serverCancelled:
      return { silent: true };
    case ERROR_CODES.requestFailed: {
      const data = record(err['data']);
      const kind = typeof data?.['kind'] === 'string' ? data['kind'] : undefined;
      const actions = kind !== undefined ? (ACTIONS_BY_KIND[kind] ?? []) : [];
      return kind !== undefined
        ? { silent: false, message: prefixed(message), kind, actions }
        : { silent: false, message: prefixed(message), actions };
    }
    case ERROR_CODES.invalidParams:
      return { silent: false, message: prefixed(message), actions: [] };
    case ERROR_CODES.connectionInactive:
    case ERROR_CODES.pendingResponseRejected:
      return {
        silent: false,
        message: 'Kimi: the kimi-lsp server is not running. Run "Kimi: Show Log" to see why, or "Kimi: Restart Server".',
        actions: ['showLog'],
      };
    default:
      return { silent: false, message: prefixed(message), actions: [] };
  }
}

/** A short form for a status bar tooltip: the first line, at most 200 characters. */
export function shortMessage(message: string): string {
  const line = message.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
