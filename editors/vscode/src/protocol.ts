/**
 * The shapes of kimi-lsp's commands, results and notifications, as docs/protocol.md
 * describes them. Types only: no runtime code, no `vscode` import.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** An LSP diagnostic, as produced by the client's code2ProtocolConverter. */
export interface Diagnostic {
  range: Range;
  message: string | { kind: string; value: string };
  severity?: number;
  code?: number | string | { value: number | string; target: string };
  source?: string;
}

export type StreamKind = 'explain' | 'refactor' | 'fix' | 'edit';

/** `kimi/stream` notification parameters. */
export interface StreamNotification {
  id: string;
  kind: StreamKind;
  delta: string;
  done: boolean;
  error?: string;
}

export interface ExplainResult {
  markdown: string;
  streamId: string;
}

/** `proposed`: the whole answer waits for kimi.accept / kimi.reject (`kimi.edits.review`). */
export type RewriteStatus = 'proposed' | 'applied' | 'cancelled' | 'failed' | 'stopped';

export interface RewriteResult {
  status: RewriteStatus;
  proposalId?: string;
  message?: string;
  streamId?: string;
  edits?: number;
}

/** An LSP text edit, in the negotiated position encoding (UTF-16 in VS Code). */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** One file of a change across files (`kimi.edit`): `edits` are in its text when the change started. */
export interface ChangeFile {
  uri: string;
  kind: 'edit' | 'create';
  edits: TextEdit[];
}

/**
 * `kimi.edit`'s answer. `proposed`: waits for kimi.accept / kimi.reject; `applied`:
 * accepted at once (`kimi.edits.review: false`); `unchanged`: the model proposed nothing
 * (`message` says why); `failed` (with the reason) and `cancelled`: nothing changed.
 */
export type EditStatus = 'proposed' | 'applied' | 'unchanged' | 'failed' | 'cancelled';

export interface EditResult {
  status: EditStatus;
  proposalId?: string;
  streamId?: string;
  files: ChangeFile[];
  message?: string;
  costUsd?: number | null;
}

export interface UsageResult {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens?: number;
  webSearchCalls?: number;
  costUsd: number | null;
  budgetUsd: number | null;
  /** Requests stopped before the API reported usage: their tokens are the server's estimate. */
  estimatedRequests?: number;
}

export const PRESETS = ['docstring', 'types', 'simplify'] as const;
export type Preset = (typeof PRESETS)[number];

/** The server's command ids (registered in VS Code by the language client itself). */
export const SERVER_COMMANDS = {
  explain: 'kimi.explain',
  refactor: 'kimi.refactor',
  fix: 'kimi.fix',
  edit: 'kimi.edit',
  accept: 'kimi.accept',
  reject: 'kimi.reject',
  undo: 'kimi.undo',
  cancel: 'kimi.cancel',
  usage: 'kimi.usage',
} as const;
