/**
 * Review of Kimi's proposals in VS Code: follows `kimi/proposal` notifications, draws the
 * inline diff, keeps the context keys the review keybindings depend on, sends
 * kimi.accept / kimi.reject, and routes the rewrite's edits through `EditGroups` so that a
 * whole rewrite is one undo step.
 *
 * Context keys: `kimi.proposalAtCursor` (the cursor of the active editor is on a pending
 * proposal's lines: Ctrl+Enter accepts, Escape rejects) and `kimi.hasProposal` (the active
 * document has one: the editor title shows Accept and Reject).
 */
import * as vscode from 'vscode';
import { DiffView } from './diffView';
import { EditGroups } from './editGroups';
import type { RunResult } from './operations';
import { parseProposal, PENDING_STATES, ProposalStore } from './proposals';
import { chooseTarget, contextKeys } from './reviewTarget';
import { SERVER_COMMANDS } from './protocol';
import { UndoGroups } from './undoGroups';

export const CONTEXT_KEYS = { atCursor: 'kimi.proposalAtCursor', has: 'kimi.hasProposal' } as const;

export type Decision = 'accept' | 'reject';

export interface ReviewDeps {
  /** Runs a server command (status bar, errors shown): Operations.run. */
  run(command: string, args: unknown[]): Promise<RunResult<unknown>>;
  /** How many proposals wait and whether the cursor is in one, for the status bar. */
  reviewChanged(count: number, atCursor: boolean): void;
  /** Nothing to decide here: another review may take it (true: it did). */
  noTarget?(decision: Decision, arg: unknown): Promise<boolean>;
  output: vscode.LogOutputChannel;
}

function documentFor(uri: string): vscode.TextDocument | undefined {
  const key = vscode.Uri.parse(uri).toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

export class Review implements vscode.Disposable {
  readonly store = new ProposalStore();
  readonly groups = new UndoGroups();
  readonly edits: EditGroups;
  private readonly view = new DiffView();
  private readonly disposables: vscode.Disposable[] = [];
  private keys = { atCursor: false, has: false };
  private shown = { count: 0, atCursor: false };

  constructor(private readonly deps: ReviewDeps) {
    this.edits = new EditGroups(this.groups, deps.output);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.atCursor, false);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.has, false);
    this.disposables.push(
      this.view,
      vscode.workspace.onDidChangeTextDocument((event) => {
        // vscode's content changes fit ContentChange as they are: no copy per change.
        const changes = event.contentChanges;
        if (changes.length > 0 && this.store.changed(event.document.uri.toString(), changes, event.document.version)) {
          this.refreshKeys();
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === vscode.window.activeTextEditor) {
          this.refreshKeys();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.refreshKeys()),
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const editor of editors) {
          this.view.render(editor, this.store.pending(editor.document.uri.toString()));
        }
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        const uri = document.uri.toString();
        this.groups.forget(uri);
        if (this.store.forget(uri)) {
          this.changed(uri);
        }
      }),
    );
  }

  /** A `kimi/proposal` notification. */
  notify(params: unknown): void {
    const n = parseProposal(params);
    if (n === undefined) {
      this.deps.output.debug('Ignored a malformed kimi/proposal notification.');
      return;
    }
    const uri = vscode.Uri.parse(n.uri).toString();
    n.uri = uri;
    this.groups.proposal(uri, PENDING_STATES.has(n.state));
    if (this.store.update(n, documentFor(uri)?.version)) {
      this.changed(uri);
    }
  }

  /** Runs a kimi.refactor / kimi.fix request for `uri`: its edits form one undo step. */
  async rewrite<T>(uri: string, run: () => Promise<T>): Promise<T> {
    const key = vscode.Uri.parse(uri).toString();
    this.groups.rewriteStarted(key);
    try {
      return await run();
    } finally {
      this.groups.rewriteEnded(key);
    }
  }

  /** Kimi: Accept Change / Reject Change, the code lens and the code actions. */
  async decide(decision: Decision, arg?: unknown): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const active = editor !== undefined ? { uri: editor.document.uri.toString(), position: editor.selection.active } : undefined;
    const target = chooseTarget(arg instanceof vscode.Uri ? arg.toString() : arg, this.store, active);
    if (target === undefined) {
      if ((await this.deps.noTarget?.(decision, arg)) !== true) {
        void vscode.window.showInformationMessage(`Kimi: there is no change waiting for review here, so there is nothing to ${decision}.`);
      }
      return;
    }
    const command = decision === 'accept' ? SERVER_COMMANDS.accept : SERVER_COMMANDS.reject;
    const argument = target.proposalId !== undefined ? { proposalId: target.proposalId } : { uri: target.uri };
    const uri = target.uri === '' ? undefined : vscode.Uri.parse(target.uri).toString();
    if (uri !== undefined) {
      this.groups.decisionStarted(uri);
    }
    try {
      await this.deps.run(command, [argument]);
    } finally {
      if (uri !== undefined) {
        this.groups.decisionEnded(uri);
      }
    }
  }

  /** The server stopped or restarted: its proposals are gone. */
  reset(): void {
    this.groups.forget();
    for (const uri of this.store.clear()) {
      this.changed(uri);
    }
  }

  private changed(uri: string): void {
    const proposal = this.store.pending(uri);
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === uri) {
        this.view.render(editor, proposal);
      }
    }
    this.refreshKeys();
  }

  private refreshKeys(): void {
    const editor = vscode.window.activeTextEditor;
    const next = contextKeys(this.store, editor !== undefined ? { uri: editor.document.uri.toString(), position: editor.selection.active } : undefined);
    if (next.atCursor !== this.keys.atCursor) {
      void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.atCursor, next.atCursor);
    }
    if (next.has !== this.keys.has) {
      void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.has, next.has);
    }
    this.keys = next;
    // After the context keys: when the status bar says the keys work, they do.
    if (this.store.size !== this.shown.count || next.atCursor !== this.shown.atCursor) {
      this.shown = { count: this.store.size, atCursor: next.atCursor };
      this.deps.reviewChanged(this.shown.count, this.shown.atCursor);
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
