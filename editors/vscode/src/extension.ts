/** Activation: wires the output channel, secrets, status bar, language client and commands. */
import * as vscode from 'vscode';
import { KimiServer } from './client';
import { COMMANDS, Commands } from './commands';
import { ExplainView } from './explainView';
import { Operations } from './operations';
import { InstructionPicker } from './picker';
import { KimiSecrets } from './secrets';
import { Review } from './review';
import { needsRestart } from './server';
import { StatusBar } from './statusBar';

let server: KimiServer | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Kimi', { log: true });
  const secrets = new KimiSecrets(context.secrets);
  const status = new StatusBar(COMMANDS.usage);
  const view = new ExplainView();
  // The client's middleware hands code-action commands to Commands, which needs the server.
  const late: { commands?: Commands; operations?: Operations; review?: Review } = {};
  // Ghost text costs too: refresh the cost once suggestions have settled for a moment.
  let usageTimer: ReturnType<typeof setTimeout> | undefined;
  const usageSoon = (): void => {
    clearTimeout(usageTimer);
    usageTimer = setTimeout(() => void late.operations?.refreshUsage(), 1500);
  };
  server = new KimiServer(
    context.extension.packageJSON,
    output,
    secrets,
    {
      problem: (message) => status.setServerProblem(message),
      ghostText: usageSoon,
      proposal: (params) => late.review?.notify(params),
      applyEdit: (params, next) => (late.review !== undefined ? late.review.edits.handle(params, next) : next(params)),
      reset: () => late.review?.reset(),
    },
    (command, args) => late.commands?.fromCodeAction(command, args),
  );
  const operations = new Operations(server, status, output);
  late.operations = operations;
  const review = new Review({
    run: (command, args) => operations.run(command, args, { kind: 'other' }),
    reviewChanged: (count, atCursor) => status.setReviews(count, atCursor),
    output,
  });
  late.review = review;
  const commands = new Commands({ server, operations, view, picker: new InstructionPicker(context.globalState), review, secrets, output });
  late.commands = commands;
  const current = server;
  context.subscriptions.push(
    output,
    status,
    view,
    review,
    { dispose: () => clearTimeout(usageTimer) },
    ...commands.register(),
    secrets.onDidChange(() => void current.restartIfKeyChanged()),
    // Trust lets the workspace's kimi.server.command and endpoint settings count.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void current.restart()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (needsRestart((section) => event.affectsConfiguration(section))) {
        void current.restart();
      }
    }),
  );
  // Not awaited: activation stays quick; commands wait for the start themselves.
  void current.start().then(() => operations.refreshUsage());
}

export async function deactivate(): Promise<void> {
  await server?.dispose();
  server = undefined;
}
