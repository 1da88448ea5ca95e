/**
 * Applies the server's rewrite edits so that a whole rewrite is one step of VS Code's own
 * undo (the decisions are `undoGroups.ts`'s).
 *
 * The language client applies `workspace/applyEdit` with `workspace.applyEdit`, and VS
 * Code's bulk edit service makes every call its own, closed undo element
 * (`bulkTextEdits.ts`: a new `SingleModelEditStackElement`, closed at once). An extension
 * cannot join those, nor pass an undo group (`$tryApplyWorkspaceEdit`'s `undoRedoGroupId`
 * is internal). `TextEditor.edit` can: it runs `pushUndoStop()` only when asked
 * (`undoStopBefore` / `undoStopAfter`, `mainThreadEditor.ts` `applyEdits`), and the
 * model's edit stack appends to the last element while it is open (`editStack.ts`
 * `_getOrCreateEditStackElement`). So edits of a document whose rewrite is under way are
 * taken from the language client (`middleware.workspace.handleApplyEdit`) and applied
 * here in a visible editor of the document; everything else keeps the client's own path.
 *
 * Same answers as the client's: a version that is not the document's is `applied: false`
 * (before anything is touched), otherwise what VS Code did. When no editor shows the
 * document, or the editor refuses for another reason than the version (read-only,
 * closed meanwhile), the client applies the edit its own way (one undo step of its own).
 */
import * as vscode from 'vscode';
import type { ApplyWorkspaceEditParams, ApplyWorkspaceEditResult } from 'vscode-languageclient/node';
import { singleDocumentEdit, type UndoGroups } from './undoGroups';

export type ApplyEditNext = (params: ApplyWorkspaceEditParams) => Promise<ApplyWorkspaceEditResult>;

function editorFor(uri: string): vscode.TextEditor | undefined {
  const key = vscode.Uri.parse(uri).toString();
  const editors = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === key);
  const active = vscode.window.activeTextEditor;
  return editors.find((e) => e === active) ?? editors[0];
}

function toRange(range: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export class EditGroups {
  /** One edit at a time, in the order they came (as the client's own handler does). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly groups: UndoGroups,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  handle(params: ApplyWorkspaceEditParams, next: ApplyEditNext): Promise<ApplyWorkspaceEditResult> {
    const run = this.queue.then(
      () => this.apply(params, next),
      () => this.apply(params, next),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(params: ApplyWorkspaceEditParams, next: ApplyEditNext): Promise<ApplyWorkspaceEditResult> {
    const edit = singleDocumentEdit(params.edit);
    if (edit === undefined) {
      return next(params);
    }
    const plan = this.groups.plan(edit.uri, edit.version);
    const editor = plan.grouped ? editorFor(edit.uri) : undefined;
    if (editor === undefined) {
      return next(params);
    }
    const document = editor.document;
    if (edit.version !== null && document.version !== edit.version) {
      return { applied: false };
    }
    let applied = false;
    try {
      applied = await editor.edit(
        (builder) => {
          for (const e of edit.edits) {
            const range = toRange(e.range);
            // insert() moves a cursor or selection that starts where the text goes, as the
            // client's workspace.applyEdit would (VS Code's replaceMove).
            if (range.isEmpty) {
              builder.insert(range.start, e.newText);
            } else {
              builder.replace(range, e.newText);
            }
          }
        },
        { undoStopBefore: plan.undoStopBefore, undoStopAfter: plan.undoStopAfter },
      );
    } catch (error) {
      this.output.debug(`Grouped edit of ${edit.uri} not applied by the editor: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (applied) {
      this.groups.applied(edit.uri, plan, document.version);
      return { applied: true };
    }
    if (edit.version !== null && document.version !== edit.version) {
      return { applied: false }; // the user typed meanwhile
    }
    return next(params);
  }
}
