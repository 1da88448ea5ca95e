/**
 * The review of a change across files (`kimi.edit`, started by Kimi: Edit Workspace...:
 * `editWorkspace.ts`).
 *
 * A `proposed` answer opens the change as a multi-file diff (`changeView.ts`) and a
 * notification with the model's summary; nothing is written until the user decides:
 * Accept All, Accept Files... (a checklist: the files left out are rejected) or Reject
 * All, from the diff's title bar, the notification or the palette. The server applies an
 * accepted change as one `workspace/applyEdit`, which this extension marks as a
 * refactoring, so VS Code saves its files as it saves a rename's
 * (`files.refactoring.autoSave`); VS Code's own refactor preview is not shown on top of
 * this review (the client declines change annotations: `client.ts`). Kimi: Undo Last Kimi
 * Edit takes the change back when it is the last Kimi change accepted.
 *
 * Context key: `kimi.hasChange` (a change across files waits: the diff's title bar shows
 * the review buttons).
 */
import * as vscode from 'vscode';
import type { ApplyWorkspaceEditParams } from 'vscode-languageclient/node';
import {
  acceptArgument,
  ChangeStore,
  describeFile,
  describeFiles,
  editUris,
  parseChangeNotification,
  parseEditResult,
  sentence,
  type PendingChange,
  type ReviewFile,
} from './changes';
import { ChangeView } from './changeView';
import type { RunOptions, RunResult } from './operations';
import type { ChangeFile } from './protocol';
import { SERVER_COMMANDS } from './protocol';
import { applyTextEdits } from './textEdits';

export const CHANGE_CONTEXT_KEY = 'kimi.hasChange';

export type ChangeDecision = 'acceptAll' | 'chooseFiles' | 'rejectAll';

const BUTTONS: Readonly<Record<ChangeDecision, string>> = {
  acceptAll: 'Accept All',
  chooseFiles: 'Accept Files...',
  rejectAll: 'Reject All',
};

export interface ChangeReviewDeps {
  /** Runs a server command (status bar, errors shown): Operations.run. */
  run<T>(command: string, args: unknown[], options: RunOptions<T>): Promise<RunResult<T>>;
  /** How many changes across files wait for review, for the status bar. */
  changesChanged(count: number): void;
  output: vscode.LogOutputChannel;
}

function normal(uri: string): string {
  try {
    return vscode.Uri.parse(uri).toString();
  } catch {
    return uri;
  }
}

export class ChangeReview implements vscode.Disposable {
  readonly store = new ChangeStore();
  private readonly view = new ChangeView();
  /** The files of each accept and undo in flight: their applyEdit is a refactoring. */
  private readonly applying = new Map<string, readonly string[]>();
  /** kimi.edit requests in flight (with `kimi.edits.review: false` the server applies at once). */
  private editing = 0;
  private hasKey = false;

  constructor(private readonly deps: ChangeReviewDeps) {
    void vscode.commands.executeCommand('setContext', CHANGE_CONTEXT_KEY, false);
  }

  /** Runs a kimi.edit request: an edit applied at once meanwhile is a refactoring too. */
  async whileEditing<T>(run: () => Thenable<T>): Promise<T> {
    this.editing++;
    try {
      return await run();
    } finally {
      this.editing--;
    }
  }

  /** kimi.edit proposed a change: open its review (the diff, the notification with the buttons). */
  async open(instruction: string, id: string, files: readonly ChangeFile[], message: string | undefined): Promise<void> {
    const reviewed = await Promise.all(files.map((f) => this.reviewFile(f)));
    const short = instruction.length > 60 ? `${instruction.slice(0, 59)}…` : instruction;
    const change: PendingChange = { id, title: this.store.uniqueTitle(`Kimi: ${short}`), instruction, files: reviewed };
    if (message !== undefined) {
      change.message = message;
    }
    this.store.add(change);
    this.refresh();
    await this.view.show(change);
    void this.offer(change);
  }

  private async reviewFile(file: ChangeFile): Promise<ReviewFile> {
    const original = file.kind === 'create' ? '' : await this.currentText(file.uri);
    try {
      return { ...file, original, proposed: applyTextEdits(original, file.edits) };
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      this.deps.output.warn(`The proposed text of ${file.uri} could not be built: ${problem}.`);
      return { ...file, original, proposed: original, problem };
    }
  }

  /** The file's text as the server saw it: the open document's, else the file on disk. */
  private async currentText(uri: string): Promise<string> {
    const key = normal(uri);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (document !== undefined) {
      return document.getText();
    }
    try {
      // A byte order mark is kept: the server counts it too.
      return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
    } catch (error) {
      this.deps.output.warn(`Could not read ${uri}: ${error instanceof Error ? error.message : String(error)}`);
      return '';
    }
  }

  /** The notification that says what Kimi proposes, with the review's buttons. */
  private async offer(change: PendingChange): Promise<void> {
    const what = `Kimi proposes changes to ${describeFiles(change.files)}`;
    const text = `${sentence(change.message !== undefined ? `${what}: ${change.message}` : what)} Review the diff, then accept or reject.`;
    const choice = await vscode.window.showInformationMessage(text, BUTTONS.acceptAll, BUTTONS.chooseFiles, BUTTONS.rejectAll);
    const decision = (Object.keys(BUTTONS) as ChangeDecision[]).find((d) => BUTTONS[d] === choice);
    if (decision !== undefined && this.store.get(change.id) !== undefined) {
      await this.decide(decision, change.id);
    }
  }

  /** The change a command means: its id (a button), else the one the active tab shows, else the newest. */
  private target(arg: unknown): PendingChange | undefined {
    const id = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? (arg as Record<string, unknown>)['proposalId'] : undefined;
    if (typeof id === 'string') {
      return this.store.get(id);
    }
    const titles = new Map(this.store.all().map((c) => [c.id, c.title]));
    const active = this.view.activeChange(titles);
    return (active !== undefined ? this.store.get(active) : undefined) ?? this.store.newest();
  }

  /** Accept All, Accept Files... or Reject All. Returns false when no change waits. */
  async decide(decision: ChangeDecision, arg?: unknown): Promise<boolean> {
    const change = this.target(arg);
    if (change === undefined) {
      return false;
    }
    let argument: { proposalId: string; uris?: string[] } | undefined = { proposalId: change.id };
    if (decision === 'chooseFiles') {
      const chosen = await this.choose(change);
      if (chosen === undefined) {
        return true;
      }
      argument = acceptArgument(change, chosen);
      if (argument === undefined) {
        void vscode.window.showInformationMessage('Kimi: no file was chosen, so the change still waits for review (Reject All discards it).');
        return true;
      }
    }
    const accepting = decision !== 'rejectAll';
    if (accepting) {
      this.applying.set(change.id, argument.uris ?? change.files.map((f) => f.uri));
    }
    try {
      const outcome = await this.deps.run<unknown>(accepting ? SERVER_COMMANDS.accept : SERVER_COMMANDS.reject, [argument], { kind: 'other' });
      if (!outcome.ok) {
        return true; // the server said why; the change still waits
      }
      this.ended(change);
      if (accepting) {
        const applied = parseEditResult({ status: 'applied', files: (outcome.result as { files?: unknown } | null)?.files })?.files ?? [];
        if (applied.length > 0) {
          this.store.changeAccepted(change.id, applied); // the files accepted, not every file proposed
        }
        const left = change.files.length - applied.length;
        void vscode.window.showInformationMessage(
          `Kimi changed ${describeFiles(applied)}${left > 0 ? `; ${left} file${left === 1 ? ' was' : 's were'} left out` : ''}. Kimi: Undo Last Kimi Edit puts ${applied.length === 1 ? 'it' : 'them'} back.`,
        );
      } else {
        vscode.window.setStatusBarMessage('Kimi: the change was rejected; no file was changed.', 5000);
      }
    } finally {
      this.applying.delete(change.id);
    }
    return true;
  }

  private async choose(change: PendingChange): Promise<string[] | undefined> {
    const items = change.files.map((f) => ({
      label: vscode.workspace.asRelativePath(vscode.Uri.parse(f.uri)),
      description: describeFile(f),
      picked: f.problem === undefined,
      uri: f.uri,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: `${change.title}: accept which files?`,
      placeHolder: 'The files you leave unchecked are rejected; Escape keeps the whole change waiting.',
      canPickMany: true,
      ignoreFocusOut: true,
    });
    return picked?.map((p) => p.uri);
  }

  /** Kimi: Show Proposed Change: the diff again. */
  async show(arg?: unknown): Promise<boolean> {
    const change = this.target(arg);
    if (change !== undefined) {
      await this.view.show(change);
    }
    return change !== undefined;
  }

  /**
   * Kimi: Undo Last Kimi Edit, when the last change across files accepted came after the
   * active document's last rewrite: every file restored, the files it created deleted.
   * False when there is no such change (the document's own undo goes on).
   */
  async undoLast(activeUri?: string): Promise<boolean> {
    const target = this.store.undoTarget(activeUri === undefined ? undefined : normal(activeUri));
    if (target.kind !== 'change') {
      return false;
    }
    this.applying.set(target.id, target.files.map((f) => f.uri));
    try {
      const outcome = await this.deps.run<unknown>(SERVER_COMMANDS.undo, [{ proposalId: target.id }], { kind: 'other' });
      if (outcome.ok) {
        this.store.forgetAccepted(target.id);
        vscode.window.setStatusBarMessage(`Kimi: the change to ${describeFiles(target.files)} was undone.`, 5000);
      } else if (!('notRunning' in outcome) && !outcome.cancelled) {
        this.store.forgetAccepted(target.id); // refused (the message says why): the next undo goes on
      }
    } finally {
      this.applying.delete(target.id);
    }
    return true;
  }

  /**
   * A `kimi/proposal` notification: a change across files is handled here (true); a
   * rewrite's is only noted for the order of undos (false: the rewrite review takes it).
   */
  notify(params: unknown): boolean {
    const n = parseChangeNotification(params);
    if (n === undefined) {
      const r = typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {};
      if (typeof r['proposalId'] === 'string') {
        if (r['state'] === 'applied' && typeof r['uri'] === 'string') {
          this.store.rewriteAccepted(r['proposalId'], normal(r['uri']));
        } else if (r['state'] === 'undone') {
          this.store.forgetAccepted(r['proposalId']);
        }
      }
      return false;
    }
    const change = this.store.get(n.proposalId);
    switch (n.state) {
      case 'applied':
        this.store.changeAccepted(n.proposalId, n.files);
        break;
      case 'undone':
        this.store.forgetAccepted(n.proposalId);
        break;
      case 'rejected':
      case 'failed':
      case 'cancelled':
        break;
      default:
        return true; // streaming, proposed: the command's answer opens the review
    }
    if (change !== undefined) {
      this.ended(change);
    }
    return true;
  }

  /**
   * The server's `workspace/applyEdit` of a change across files is marked as a refactoring:
   * VS Code then saves the files it changed, as after a rename, when
   * `files.refactoring.autoSave` is on (and the edit touches more than one file). That is
   * the edit of an accept or undo in flight (its files), or one across several files while
   * kimi.edit runs (applied at once without review). Any other edit passes unchanged.
   */
  markRefactoring(params: ApplyWorkspaceEditParams): ApplyWorkspaceEditParams {
    if (this.applying.size === 0 && this.editing === 0) {
      return params;
    }
    const uris = editUris(params.edit).map(normal);
    const allowed = new Set([...this.applying.values()].flat().map(normal));
    const decided = uris.length > 0 && uris.every((u) => allowed.has(u));
    const appliedAtOnce = this.editing > 0 && new Set(uris).size > 1; // a rewrite's edit is one document's
    if (!decided && !appliedAtOnce) {
      return params;
    }
    return { ...params, metadata: { ...params.metadata, isRefactoring: true } };
  }

  /** The server stopped: its changes are gone. */
  reset(): void {
    const pending = this.store.all();
    this.store.clear();
    for (const change of pending) {
      void this.view.close(change.id, change.title);
    }
    this.refresh();
  }

  private ended(change: PendingChange): void {
    this.store.remove(change.id);
    void this.view.close(change.id, change.title);
    this.refresh();
  }

  private refresh(): void {
    const has = this.store.size > 0;
    if (has !== this.hasKey) {
      this.hasKey = has;
      void vscode.commands.executeCommand('setContext', CHANGE_CONTEXT_KEY, has);
    }
    this.deps.changesChanged(this.store.size);
  }

  dispose(): void {
    this.view.dispose();
  }
}
