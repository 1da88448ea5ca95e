/**
 * Runs one kimi.* server command: tracks it in the status bar, routes its stream, shows a
 * server error as a notification (a cancel stays silent), then refreshes the session cost.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import type { KimiServer } from './client';
import { describeError, type ErrorAction } from './errors';
import type { StreamKind, StreamNotification } from './protocol';
import { SERVER_COMMANDS } from './protocol';
import { parseUsage, type Outcome } from './status';
import type { StatusBar } from './statusBar';

export interface RunOptions<T> {
  kind: StreamKind | 'other';
  /** The streamId passed in the arguments, so its kimi/stream notifications are followed. */
  streamId?: string;
  token?: vscode.CancellationToken;
  onStream?: (notification: StreamNotification) => void;
  /** What a successful result means for the status bar (default: done). */
  outcome?: (result: T) => Outcome;
  /** Skip the cost refresh (for kimi.usage itself). */
  skipUsage?: boolean;
}

export type RunResult<T> =
  | { ok: true; result: T }
  | { ok: false; cancelled: true }
  | { ok: false; cancelled: false; message: string }
  | { ok: false; notRunning: true };

const ACTION_LABELS: Readonly<Record<ErrorAction, string>> = {
  setApiKey: 'Set API Key',
  openSettings: 'Open Settings',
  showLog: 'Show Log',
};

let counter = 0;

export class Operations {
  constructor(
    private readonly server: KimiServer,
    private readonly status: StatusBar,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  async run<T>(command: string, args: unknown[], options: RunOptions<T>): Promise<RunResult<T>> {
    const client = await this.server.ready();
    if (client === undefined) {
      return { ok: false, notRunning: true };
    }
    const id = options.streamId ?? `op-${++counter}`;
    this.status.begin(id, options.kind);
    const listener =
      options.streamId !== undefined
        ? this.server.streams.listen(options.streamId, (n) => {
            if (n.delta !== '') {
              this.status.delta(id);
            }
            options.onStream?.(n);
          })
        : undefined;
    let outcome: Outcome = { kind: 'done' };
    try {
      const result = (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }, options.token)) as T;
      outcome = options.outcome?.(result) ?? { kind: 'done' };
      return { ok: true, result };
    } catch (error) {
      const shown = describeError(error);
      if (shown.silent) {
        outcome = { kind: 'cancelled' };
        return { ok: false, cancelled: true };
      }
      outcome = { kind: 'error', message: shown.message };
      void this.showError(shown.message, shown.actions);
      return { ok: false, cancelled: false, message: shown.message };
    } finally {
      listener?.dispose();
      this.status.end(id, outcome);
      if (options.skipUsage !== true) {
        void this.refreshUsage();
      }
    }
  }

  /** Asks kimi.usage for the session totals and puts the cost in the status bar. */
  async refreshUsage(): Promise<void> {
    const client = await this.server.running();
    if (client === undefined) {
      return;
    }
    try {
      const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.usage, arguments: [] });
      this.status.setUsage(parseUsage(result));
    } catch (error) {
      this.output.debug(`kimi.usage failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async showError(message: string, actions: readonly ErrorAction[]): Promise<void> {
    const labels = actions.map((action) => ACTION_LABELS[action]);
    const choice = await vscode.window.showErrorMessage(message, ...labels);
    const action = actions.find((a) => ACTION_LABELS[a] === choice);
    switch (action) {
      case 'setApiKey':
        await vscode.commands.executeCommand('kimi-lsp.setApiKey');
        break;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:kimi-lsp.kimi-lsp');
        break;
      case 'showLog':
        this.output.show();
        break;
      case undefined:
        break;
    }
  }
}
