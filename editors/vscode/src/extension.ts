/** Activation: wires the output channel, secrets, status bar, language client and commands. */
import * as vscode from 'vscode';
import { ChangeReview } from './changeReview';
import { KimiServer } from './client';
import { COMMANDS, Commands } from './commands';
import { EditWorkspace } from './editWorkspace';
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
  const late: { commands?: Commands; operations?: Operations; review?: Review; changes?: ChangeReview } = {};
  // Ghost text costs too: refresh the cost once suggestions have settled for a moment.
  let usageTimer: ReturnType<typeof setTimeout> | undefined;
  const usageSoon = (): void => {
    clearTimeout(usageTimer);
    usageTimer = setTimeout(() => void late.operations?.refreshUsage(), 1500);
  };
  const current = new KimiServer(
    context.extension.packageJSON,
    output,
    secrets,
    {
      problem: (message) => status.setServerProblem(message),
      ghostText: usageSoon,
      // A change across files is the change review's; a rewrite's goes on to the rewrite review.
      proposal: (params) => {
        if (late.changes?.notify(params) !== true) {
          late.review?.notify(params);
        }
      },
      applyEdit: (params, next) => {
        const edit = late.changes?.markRefactoring(params) ?? params;
        return late.review !== undefined ? late.review.edits.handle(edit, next) : next(edit);
      },
      reset: () => {
        late.review?.reset();
        late.changes?.reset();
      },
    },
    (command, args) => late.commands?.fromCodeAction(command, args),
  );
  server = current;
  const operations = new Operations(current, status, output);
  late.operations = operations;
  const changes = new ChangeReview({
    run: (command, args, options) => operations.run(command, args, options),
    changesChanged: (count) => status.setChanges(count),
    output,
  });
  late.changes = changes;
  const editWorkspace = new EditWorkspace({
    ready: () => current.ready(),
    run: (command, args, options) => operations.run(command, args, options),
    showError: (message, actions) => operations.showError(message, actions),
    review: changes,
    output,
  });
  const review = new Review({
    run: (command, args) => operations.run(command, args, { kind: 'other' }),
    reviewChanged: (count, atCursor) => status.setReviews(count, atCursor),
    // Accept Change / Reject Change with no rewrite to decide: the change across files waiting.
    noTarget: (decision, arg) => changes.decide(decision === 'accept' ? 'acceptAll' : 'rejectAll', arg),
    output,
  });
  late.review = review;
  const commands = new Commands({ server: current, operations, view, picker: new InstructionPicker(context.globalState), review, changes, editWorkspace, secrets, output });
  late.commands = commands;
  context.subscriptions.push(
    output,
    status,
    view,
    review,
    changes,
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
