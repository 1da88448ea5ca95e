/**
 * Kimi: Edit Workspace...: a change across files described in words (`kimi.edit`).
 *
 * The instruction goes to the server with where the user is (the active document and its
 * selection) and the problems the open documents show. While the model works, a
 * notification shows its latest words and a Cancel button (which cancels the request: the
 * server stops the model, and nothing is changed). The answer: a proposed change opens
 * its review (`changeReview.ts`); an unchanged one shows the model's message; a failure
 * its reason.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { editArguments, MAX_EDIT_DIAGNOSTICS, type DocumentDiagnostics } from './arguments';
import type { ChangeReview } from './changeReview';
import { describeFiles, parseEditResult, sentence, streamSummary } from './changes';
import type { ErrorAction } from './errors';
import type { RunOptions, RunResult } from './operations';
import type { EditResult } from './protocol';
import { SERVER_COMMANDS } from './protocol';
import { editOutcome } from './status';

export interface EditWorkspaceDeps {
  /** The running client, or undefined (the user was told why). */
  ready(): Promise<LanguageClient | undefined>;
  /** Runs a server command (status bar, errors shown): Operations.run. */
  run<T>(command: string, args: unknown[], options: RunOptions<T>): Promise<RunResult<T>>;
  showError(message: string, actions: readonly ErrorAction[]): Promise<void>;
  review: ChangeReview;
  output: vscode.LogOutputChannel;
}

function isFileEditor(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return editor !== undefined && (editor.document.uri.scheme === 'file' || editor.document.uri.scheme === 'untitled');
}

export class EditWorkspace {
  private lastInstruction = '';

  constructor(private readonly deps: EditWorkspaceDeps) {}

  /** Kimi: Edit Workspace... */
  async run(): Promise<void> {
    const instruction = await vscode.window.showInputBox({
      title: 'Kimi: Edit Workspace',
      prompt: 'Describe the change. Kimi reads the workspace and proposes edits across files for you to review; nothing is written until you accept.',
      placeHolder: 'e.g. rename line_total to price_line and update its callers',
      value: this.lastInstruction,
      ignoreFocusOut: true,
    });
    if (instruction === undefined || instruction.trim() === '') {
      return;
    }
    this.lastInstruction = instruction.trim();
    const client = await this.deps.ready();
    if (client === undefined) {
      return;
    }
    const converter = client.code2ProtocolConverter;
    const editor = vscode.window.activeTextEditor;
    const where = isFileEditor(editor) ? { uri: editor.document.uri.toString(), range: converter.asRange(editor.selection) } : undefined;
    const documents = await this.openDiagnostics(client, where?.uri);
    const streamId = randomUUID();
    const args = editArguments(instruction, where, documents, streamId);
    const run = (progress: vscode.Progress<{ message?: string }>, token: vscode.CancellationToken): Promise<RunResult<unknown>> => {
      let text = '';
      return this.deps.run<unknown>(SERVER_COMMANDS.edit, [args], {
        kind: 'edit',
        streamId,
        token,
        onStream: (n) => {
          text += n.delta;
          const line = streamSummary(text);
          if (line !== '') {
            progress.report({ message: line });
          }
        },
        outcome: (result) => editOutcome(parseEditResult(result)),
      });
    };
    const outcome = await this.deps.review.whileEditing(() =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Kimi: editing the workspace', cancellable: true }, run),
    );
    if (!outcome.ok) {
      return; // shown by Operations (a cancel stays silent)
    }
    const result = parseEditResult(outcome.result);
    if (result === undefined) {
      this.deps.output.warn(`kimi.edit answered something unexpected: ${JSON.stringify(outcome.result).slice(0, 500)}`);
      void this.deps.showError('Kimi: the server answered Edit Workspace in a way this extension does not understand; nothing was changed.', ['showLog']);
      return;
    }
    await this.answered(this.lastInstruction, result);
  }

  /** The open documents' problems, the user's document first (each bounded before converting). */
  private async openDiagnostics(client: LanguageClient, active: string | undefined): Promise<DocumentDiagnostics[]> {
    const open = new Set(
      vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file' || d.uri.scheme === 'untitled').map((d) => d.uri.toString()),
    );
    const out: DocumentDiagnostics[] = [];
    for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
      const key = uri.toString();
      if (!open.has(key) || diagnostics.length === 0) {
        continue;
      }
      const worst = [...diagnostics].sort((a, b) => a.severity - b.severity).slice(0, MAX_EDIT_DIAGNOSTICS);
      out.push({ uri: key, diagnostics: await client.code2ProtocolConverter.asDiagnostics(worst) });
    }
    return out.sort((a, b) => Number(b.uri === active) - Number(a.uri === active));
  }

  private async answered(instruction: string, result: EditResult): Promise<void> {
    const message = result.message;
    switch (result.status) {
      case 'proposed':
        if (result.proposalId === undefined || result.files.length === 0) {
          void vscode.window.showInformationMessage(sentence(`Kimi proposed no change: ${message ?? 'no file was edited'}`));
          return;
        }
        await this.deps.review.open(instruction, result.proposalId, result.files, message);
        return;
      case 'applied':
        void vscode.window.showInformationMessage(
          `${sentence(`Kimi changed ${describeFiles(result.files)}${message !== undefined ? `: ${message}` : ''}`)} Kimi: Undo Last Kimi Edit puts them back.`,
        );
        return;
      case 'unchanged':
        void vscode.window.showInformationMessage(sentence(`Kimi proposed no change: ${message ?? 'the model found nothing to change'}`));
        return;
      case 'failed': {
        const text = sentence(message ?? 'Kimi edit failed');
        void this.deps.showError(/^kimi\b/i.test(text) ? text : `Kimi: ${text}`, /API key/i.test(text) ? ['setApiKey'] : ['showLog']);
        return;
      }
      case 'cancelled':
        vscode.window.setStatusBarMessage('Kimi: the edit was cancelled; nothing was changed.', 5000);
        return;
    }
  }
}
