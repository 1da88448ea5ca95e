/**
 * The kimi-lsp language client: finds the server, starts it with the stored key in its
 * environment, restarts it when `kimi.server.*` or the key changes, and routes the
 * `kimi/stream` and `kimi/proposal` notifications and the server's `workspace/applyEdit`
 * requests (rewrites are applied as one undo step: `editGroups.ts`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import * as vscode from 'vscode';
import {
  CancellationToken,
  LanguageClient,
  ResponseError,
  State,
  type ApplyWorkspaceEditParams,
  type ApplyWorkspaceEditResult,
  type ConfigurationParams,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
  type StaticFeature,
} from 'vscode-languageclient/node';
import type { KimiSecrets } from './secrets';
import { findOnPath, resolveServer, type Resolution } from './server';
import { stderrLevel } from './serverLog';
import { contributedKeys, explicitSettings, isExplicit } from './settings';
import { StreamRouter } from './streams';
import { TimedOut, withTimeout } from './timeout';

const START_TIMEOUT_MS = 30_000;

/** Runs a server command from a code action our own way; undefined lets the client send it. */
export type CommandHook = (command: string, args: unknown[]) => Promise<unknown> | undefined;

export interface ServerEvents {
  /** undefined when the server is running; otherwise why it is not. */
  problem(message: string | undefined): void;
  /** A ghost-text request was answered (it may have cost a model call). */
  ghostText(): void;
  /** A `kimi/proposal` notification. */
  proposal(params: unknown): void;
  /** A `workspace/applyEdit` request; `next` is the language client's own handling. */
  applyEdit(
    params: ApplyWorkspaceEditParams,
    next: (params: ApplyWorkspaceEditParams) => Promise<ApplyWorkspaceEditResult>,
  ): Promise<ApplyWorkspaceEditResult>;
  /** The server stopped or is replaced: whatever it was proposing is gone. */
  reset(): void;
}

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function which(name: string): string | undefined {
  return findOnPath(name, {
    path: process.env['PATH'],
    delimiter: path.delimiter,
    separator: path.sep,
    pathExt: process.platform === 'win32' ? (process.env['PATHEXT'] ?? '.EXE;.CMD;.BAT') : undefined,
    isExecutable,
  });
}

/**
 * Declines change annotations (`workspace.workspaceEdit.changeAnnotationSupport`, which
 * the language client declares). With them, kimi-lsp marks an accepted change across files
 * `needsConfirmation`, and VS Code would open its refactor preview after the user had
 * already reviewed and accepted the change in this extension's diff (`changeReview.ts`).
 * The server uses annotations for nothing else.
 */
const declineChangeAnnotations: StaticFeature = {
  getState: () => ({ kind: 'static' }),
  fillClientCapabilities: (capabilities) => {
    delete capabilities.workspace?.workspaceEdit?.changeAnnotationSupport;
  },
  initialize: () => undefined,
  clear: () => undefined,
};

function pipeLines(input: Readable, write: (line: string) => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on('line', write);
}

export class KimiServer implements vscode.Disposable {
  readonly streams = new StreamRouter();
  private client: LanguageClient | undefined;
  private lastResolution: Resolution | undefined;
  private startedWithKey: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly keys: string[];
  private disposed = false;

  constructor(
    packageJson: unknown,
    private readonly output: vscode.LogOutputChannel,
    private readonly secrets: KimiSecrets,
    private readonly events: ServerEvents,
    private readonly commandHook: CommandHook,
  ) {
    this.keys = contributedKeys(packageJson);
  }

  /** Starts the server (queued after any start or stop in progress). */
  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  /** Restarts only when the stored key differs from the one the server was started with. */
  restartIfKeyChanged(): Promise<void> {
    return this.enqueue(async () => {
      const key = await this.secrets.get();
      if (key !== this.startedWithKey || this.client === undefined) {
        await this.doStop();
        await this.doStart();
      }
    });
  }

  /** The running client, without telling the user anything when there is none. */
  async running(): Promise<LanguageClient | undefined> {
    await this.queue;
    return this.client?.isRunning() ? this.client : undefined;
  }

  /**
   * The running client, after any start in progress. When there is none, the user is told
   * why (not installed, bad setting, crashed) and undefined is returned.
   */
  async ready(): Promise<LanguageClient | undefined> {
    await this.queue;
    if (this.client?.isRunning()) {
      return this.client;
    }
    const resolution = this.lastResolution;
    if (resolution !== undefined && !resolution.ok) {
      void this.explainResolution(resolution);
    } else {
      void this.offerRestart(); // the command ends now; the choice may come later
    }
    return undefined;
  }

  private async offerRestart(): Promise<void> {
    const choice = await vscode.window.showErrorMessage('Kimi: the kimi-lsp server is not running.', 'Restart Server', 'Show Log');
    if (choice === 'Restart Server') {
      void this.restart();
    } else if (choice === 'Show Log') {
      this.output.show();
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async doStart(): Promise<void> {
    if (this.disposed) {
      return;
    }
    const apiKey = await this.secrets.get();
    const resolution = resolveServer({
      configuredCommand: vscode.workspace.getConfiguration('kimi').get<unknown>('server.command'),
      env: process.env,
      apiKey,
      which,
    });
    this.lastResolution = resolution;
    this.startedWithKey = apiKey;
    if (!resolution.ok) {
      this.output.error(resolution.message);
      this.events.problem(resolution.message);
      void this.explainResolution(resolution);
      return;
    }
    const { command, args, env } = resolution.launch;
    // Never log env: it holds the key.
    this.output.info(`Starting ${[command, ...args].join(' ')}${apiKey !== undefined ? ' (API key from secret storage)' : ''}`);
    // No `transport`: TransportKind.stdio would append --stdio.
    const serverOptions: ServerOptions = { command, args, options: { env } };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
      synchronize: { configurationSection: 'kimi' },
      outputChannel: this.output,
      stdioOptions: { stdout: (input) => pipeLines(input, (line) => this.output.info(line)), stderr: (input) => pipeLines(input, (line) => this.output[stderrLevel(line)](line)) },
      middleware: this.middleware(),
    };
    const client = new LanguageClient('kimi', 'Kimi', serverOptions, clientOptions);
    client.registerFeature(declineChangeAnnotations);
    client.onNotification('kimi/stream', (params: unknown) => {
      this.streams.dispatch(params);
    });
    client.onNotification('kimi/proposal', (params: unknown) => {
      if (this.client === client) {
        this.events.proposal(params);
      }
    });
    client.onDidChangeState((event) => {
      if (this.client !== client) {
        return;
      }
      if (event.newState === State.Running) {
        this.events.problem(undefined);
      } else if (event.newState === State.Stopped) {
        this.events.reset();
        this.events.problem('Kimi: the kimi-lsp server stopped. Run "Kimi: Show Log" to see why, or "Kimi: Restart Server".');
      }
    });
    this.client = client;
    try {
      // vscode-languageclient waits for initialize for ever: a command that is not the
      // server (["python3"] without "-m kimi_lsp") would hold every Kimi command and restart.
      await withTimeout(client.start(), START_TIMEOUT_MS, `no answer to initialize after ${START_TIMEOUT_MS / 1000} s`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(`The server did not start: ${message}`);
      this.events.problem(`Kimi: the kimi-lsp server did not start (${command}). Run "Kimi: Show Log" to see why.`);
      if (error instanceof TimedOut && this.client === client) {
        this.client = undefined;
        void client.dispose(2000).catch(() => undefined); // not awaited: it may hang too
      }
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      return;
    }
    this.events.reset();
    try {
      if (client.needsStop()) {
        await client.stop(3000);
      }
    } catch (error) {
      this.output.warn(`Stopping the server: ${error instanceof Error ? error.message : String(error)}`);
    }
    await client.dispose().catch(() => undefined);
  }

  private middleware(): Middleware {
    return {
      executeCommand: (command, args, next) => {
        const handled = this.commandHook(command, args);
        const result: unknown = handled !== undefined ? handled : next(command, args);
        return result;
      },
      provideInlineCompletionItems: async (document, position, context, token, next) => {
        const items = await next(document, position, context, token);
        this.events.ghostText();
        return items;
      },
      workspace: {
        handleApplyEdit: (params, next) =>
          this.events.applyEdit(params, async (p) => {
            const answer = await next(p, CancellationToken.None);
            if (answer instanceof ResponseError) {
              throw answer;
            }
            return answer;
          }),
        configuration: async (params: ConfigurationParams, token, next) => {
          const answer: unknown = await next(params, token);
          if (!Array.isArray(answer)) {
            return answer as never;
          }
          const items: unknown[] = answer;
          return params.items.map((item, i): unknown => (item.section === 'kimi' ? this.explicitKimiSettings(item.scopeUri) : items[i]));
        },
      },
    };
  }

  /** Only the `kimi` settings the user set, so defaults never override the server's config file. */
  private explicitKimiSettings(scopeUri: string | undefined | null): Record<string, unknown> {
    const scope = scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
    const config = vscode.workspace.getConfiguration('kimi', scope);
    const whole: unknown = vscode.workspace.getConfiguration(undefined, scope).get('kimi');
    const trusted = vscode.workspace.isTrusted;
    return explicitSettings(whole, this.keys, (key) => isExplicit(key, config.inspect(key), trusted));
  }

  private async explainResolution(resolution: Resolution & { ok: false }): Promise<void> {
    const choice = await vscode.window.showErrorMessage(resolution.message, 'Open Setting', 'Show Log');
    if (choice === 'Open Setting') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'kimi.server.command');
    } else if (choice === 'Show Log') {
      this.output.show();
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.enqueue(() => this.doStop());
  }
}
