/**
 * The palette actions (category "Kimi"). Each gathers the editor's context and calls a
 * server command; all AI behaviour is in the server. Their ids (kimi-lsp.*) differ from the
 * server's (kimi.*), which the language client registers itself.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  diagnosticsInSelection,
  explainArguments,
  fixArguments,
  isPreset,
  refactorArguments,
  targetOf,
  type RefactorChoice,
} from './arguments';
import type { ChangeDecision, ChangeReview } from './changeReview';
import type { KimiServer } from './client';
import type { EditWorkspace } from './editWorkspace';
import { describeTarget } from './explainHtml';
import type { ExplainView } from './explainView';
import type { Operations, RunResult } from './operations';
import type { InstructionPicker } from './picker';
import type { ExplainResult, Range, RewriteResult, UsageResult } from './protocol';
import { SERVER_COMMANDS } from './protocol';
import type { Review } from './review';
import type { KimiSecrets } from './secrets';
import { parseUsage, rewriteOutcome, usageReport } from './status';

export const COMMANDS = {
  explain: 'kimi-lsp.explainSelection',
  refactor: 'kimi-lsp.refactorSelection',
  fix: 'kimi-lsp.fixSelection',
  edit: 'kimi-lsp.editWorkspace',
  acceptAll: 'kimi-lsp.acceptAllFiles',
  acceptFiles: 'kimi-lsp.acceptFiles',
  rejectAll: 'kimi-lsp.rejectAllFiles',
  showChange: 'kimi-lsp.showChange',
  accept: 'kimi-lsp.acceptChange',
  reject: 'kimi-lsp.rejectChange',
  undo: 'kimi-lsp.undo',
  cancel: 'kimi-lsp.cancel',
  usage: 'kimi-lsp.showUsage',
  toggleInline: 'kimi-lsp.toggleInlineSuggestions',
  setApiKey: 'kimi-lsp.setApiKey',
  restart: 'kimi-lsp.restartServer',
  showLog: 'kimi-lsp.showLog',
} as const;

export interface CommandDeps {
  server: KimiServer;
  operations: Operations;
  view: ExplainView;
  picker: InstructionPicker;
  review: Review;
  changes: ChangeReview;
  editWorkspace: EditWorkspace;
  secrets: KimiSecrets;
  output: vscode.LogOutputChannel;
}

export class Commands {
  /** Cancels the explain in flight, if any. */
  private explainCancel: vscode.CancellationTokenSource | undefined;

  constructor(private readonly deps: CommandDeps) {}

  register(): vscode.Disposable[] {
    const on = (id: string, run: () => Promise<unknown>): vscode.Disposable =>
      vscode.commands.registerCommand(id, () => run());
    return [
      on(COMMANDS.explain, () => this.explainSelection()),
      on(COMMANDS.refactor, () => this.refactorSelection()),
      on(COMMANDS.fix, () => this.fixSelection()),
      // The argument: a keybinding's or the code lens's {proposalId}, or the editor
      // title's document URI; none from the palette (the proposal at the cursor).
      vscode.commands.registerCommand(COMMANDS.accept, (arg?: unknown) => this.deps.review.decide('accept', arg)),
      vscode.commands.registerCommand(COMMANDS.reject, (arg?: unknown) => this.deps.review.decide('reject', arg)),
      on(COMMANDS.edit, () => this.deps.editWorkspace.run()),
      // The argument: a notification button's proposal id; none from the palette or the
      // changes view's title bar (the change shown there, else the newest).
      vscode.commands.registerCommand(COMMANDS.acceptAll, (arg?: unknown) => this.decideChange('acceptAll', arg)),
      vscode.commands.registerCommand(COMMANDS.acceptFiles, (arg?: unknown) => this.decideChange('chooseFiles', arg)),
      vscode.commands.registerCommand(COMMANDS.rejectAll, (arg?: unknown) => this.decideChange('rejectAll', arg)),
      vscode.commands.registerCommand(COMMANDS.showChange, async (arg?: unknown) => {
        if (!(await this.deps.changes.show(arg))) {
          void vscode.window.showInformationMessage('Kimi: no change across files waits for review.');
        }
      }),
      on(COMMANDS.undo, () => this.undo()),
      on(COMMANDS.cancel, () => this.cancel()),
      on(COMMANDS.usage, () => this.showUsage()),
      on(COMMANDS.toggleInline, () => this.toggleInline()),
      on(COMMANDS.setApiKey, () => this.setApiKey()),
      on(COMMANDS.restart, () => this.deps.server.restart()),
      on(COMMANDS.showLog, () => Promise.resolve(this.deps.output.show())),
    ];
  }

  /**
   * Server commands run from the server's code actions, done our way (explain view, the
   * instruction picker, the status bar). Undefined: let the client send it unchanged.
   */
  readonly fromCodeAction = (command: string, args: unknown[]): Promise<unknown> | undefined => {
    if (command === SERVER_COMMANDS.accept || command === SERVER_COMMANDS.reject) {
      // The code lens and the code actions over a proposal: its edit ends the undo step.
      return this.deps.review.decide(command === SERVER_COMMANDS.accept ? 'accept' : 'reject', args[0]);
    }
    const target = targetOf(args);
    const first = args[0] as Record<string, unknown> | undefined;
    if (target === undefined || first === undefined) {
      return undefined;
    }
    switch (command) {
      case SERVER_COMMANDS.explain:
        return this.explain(vscode.Uri.parse(target.uri), target.range);
      case SERVER_COMMANDS.refactor: {
        const preset = first['preset'];
        const instruction = first['instruction'];
        if (isPreset(preset)) {
          return this.refactor(target.uri, target.range, { preset });
        }
        if (typeof instruction === 'string' && instruction.trim() !== '') {
          return this.refactor(target.uri, target.range, { instruction });
        }
        return this.askAndRefactor(target.uri, target.range);
      }
      case SERVER_COMMANDS.fix: {
        const streamId = randomUUID();
        return this.rewrite(target.uri, 'fix', command, [{ ...first, streamId }], streamId);
      }
      default:
        return undefined;
    }
  };

  private editor(action: string): vscode.TextEditor | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) {
      void vscode.window.showInformationMessage(`Kimi: open a file and select the code to ${action}.`);
    }
    return editor;
  }

  private async protocolRange(selection: vscode.Range): Promise<Range | undefined> {
    const client = await this.deps.server.ready();
    return client?.code2ProtocolConverter.asRange(selection);
  }

  async explainSelection(): Promise<void> {
    const editor = this.editor('explain');
    if (editor === undefined) {
      return;
    }
    const range = await this.protocolRange(editor.selection);
    if (range !== undefined) {
      await this.explain(editor.document.uri, range);
    }
  }

  private async explain(uri: vscode.Uri, range: Range): Promise<void> {
    const streamId = randomUUID();
    this.explainCancel?.cancel();
    const cancel = new vscode.CancellationTokenSource();
    this.explainCancel = cancel;
    const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
    const { view } = this.deps;
    view.begin(streamId, describeTarget(vscode.workspace.asRelativePath(uri), range.start.line, endLine), () => cancel.cancel());
    const outcome = await this.deps.operations.run<ExplainResult>(
      SERVER_COMMANDS.explain,
      [explainArguments(uri.toString(), range, streamId)],
      {
        kind: 'explain',
        streamId,
        token: cancel.token,
        onStream: (n) => {
          if (n.delta !== '') {
            view.append(streamId, n.delta);
          }
        },
      },
    );
    if (this.explainCancel === cancel) {
      this.explainCancel = undefined;
    }
    cancel.dispose();
    if (outcome.ok) {
      const markdown = typeof outcome.result?.markdown === 'string' ? outcome.result.markdown : undefined;
      view.finish(streamId, 'done', markdown);
    } else if ('notRunning' in outcome) {
      view.finish(streamId, 'error', undefined, 'the kimi-lsp server is not running');
    } else if (outcome.cancelled) {
      view.finish(streamId, 'cancelled');
    } else {
      view.finish(streamId, 'error', undefined, outcome.message.replace(/^Kimi:\s*/, ''));
    }
  }

  async refactorSelection(): Promise<void> {
    const editor = this.editor('refactor');
    if (editor === undefined) {
      return;
    }
    const range = await this.protocolRange(editor.selection);
    if (range !== undefined) {
      await this.askAndRefactor(editor.document.uri.toString(), range);
    }
  }

  private async askAndRefactor(uri: string, range: Range): Promise<void> {
    const choice = await this.deps.picker.pick();
    if (choice !== undefined) {
      await this.refactor(uri, range, choice);
    }
  }

  private async refactor(uri: string, range: Range, choice: RefactorChoice): Promise<void> {
    if ('instruction' in choice) {
      await this.deps.picker.remember(choice.instruction);
    }
    const streamId = randomUUID();
    await this.rewrite(uri, 'refactor', SERVER_COMMANDS.refactor, [refactorArguments(uri, range, choice, streamId)], streamId);
  }

  /** A kimi.refactor / kimi.fix request for `uri`, its edits one undo step. */
  private rewrite(uri: string, kind: 'refactor' | 'fix', command: string, args: unknown[], streamId: string): Promise<RunResult<RewriteResult>> {
    return this.deps.review.rewrite(uri, () => this.deps.operations.run<RewriteResult>(command, args, { kind, streamId, outcome: rewriteOutcome }));
  }

  async fixSelection(): Promise<void> {
    const editor = this.editor('fix');
    if (editor === undefined) {
      return;
    }
    const client = await this.deps.server.ready();
    if (client === undefined) {
      return;
    }
    const converter = client.code2ProtocolConverter;
    const range = converter.asRange(editor.selection);
    const all = await converter.asDiagnostics(vscode.languages.getDiagnostics(editor.document.uri));
    const diagnostics = diagnosticsInSelection(all, range);
    if (diagnostics.length === 0) {
      void vscode.window.showInformationMessage(
        editor.selection.isEmpty ? 'Kimi: there are no problems on this line.' : 'Kimi: there are no problems in the selection.',
      );
      return;
    }
    const streamId = randomUUID();
    const uri = editor.document.uri.toString();
    await this.rewrite(uri, 'fix', SERVER_COMMANDS.fix, [fixArguments(uri, range, diagnostics, streamId)], streamId);
  }

  private async decideChange(decision: ChangeDecision, arg: unknown): Promise<void> {
    if (!(await this.deps.changes.decide(decision, arg))) {
      void vscode.window.showInformationMessage('Kimi: no change across files waits for review.');
    }
  }

  async undo(): Promise<void> {
    // The last change across files accepted, unless this file's last rewrite came after it.
    if (await this.deps.changes.undoLast(vscode.window.activeTextEditor?.document.uri.toString())) {
      return;
    }
    const editor = this.editor('undo the last Kimi edit in');
    if (editor !== undefined) {
      await this.deps.operations.run(SERVER_COMMANDS.undo, [{ uri: editor.document.uri.toString() }], { kind: 'other' });
    }
  }

  async cancel(): Promise<void> {
    const hadExplain = this.explainCancel !== undefined; // cleared as soon as the explain ends
    this.explainCancel?.cancel();
    const outcome = await this.deps.operations.run<{ cancelled?: number }>(SERVER_COMMANDS.cancel, [], { kind: 'other' });
    if (outcome.ok && !outcome.result?.cancelled && !hadExplain) {
      void vscode.window.showInformationMessage('Kimi: nothing to cancel.');
    }
  }

  async showUsage(): Promise<void> {
    const outcome = await this.deps.operations.run<UsageResult>(SERVER_COMMANDS.usage, [], { kind: 'other', skipUsage: true });
    if (!outcome.ok) {
      return;
    }
    const usage = parseUsage(outcome.result);
    if (usage === undefined) {
      return;
    }
    const choice = await vscode.window.showInformationMessage(usageReport(usage), 'Set Budget');
    if (choice === 'Set Budget') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'kimi.budget.sessionUsd');
    }
  }

  async toggleInline(): Promise<void> {
    const config = vscode.workspace.getConfiguration('kimi');
    const info = config.inspect<boolean>('completion.enabled');
    // Flip the user setting itself: flipping the effective value would write the same
    // user value every time while a workspace value wins.
    const enabled = info?.globalValue ?? info?.defaultValue ?? true;
    await config.update('completion.enabled', !enabled, vscode.ConfigurationTarget.Global);
    const overridden = info?.workspaceValue !== undefined || info?.workspaceFolderValue !== undefined;
    const message = `Kimi: inline suggestions ${enabled ? 'off' : 'on'} (user settings).`;
    if (overridden) {
      void vscode.window.showWarningMessage(`${message} This workspace sets "kimi.completion.enabled" itself, which wins here.`);
    } else {
      void vscode.window.showInformationMessage(message);
    }
  }

  async setApiKey(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Kimi: Set API Key',
      prompt: "The API key of your Kimi provider, kept in VS Code's secret storage. Leave empty to remove the stored key.",
      placeHolder: 'API key',
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) {
      return;
    }
    const removing = value.trim() === '';
    if (removing && (await this.deps.secrets.get()) === undefined) {
      void vscode.window.showInformationMessage('Kimi: no API key is stored.');
      return;
    }
    await this.deps.secrets.set(value);
    void vscode.window.showInformationMessage(
      removing ? 'Kimi: API key removed; restarting the server.' : 'Kimi: API key saved in secret storage; restarting the server.',
    );
    await this.deps.server.restartIfKeyChanged();
  }
}
