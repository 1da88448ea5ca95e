/**
 * A proposal drawn as an inline diff: the proposed lines with the diff editor's "inserted"
 * colours, the original below them with its "removed" colours and struck through, both
 * marked in the overview ruler. Decorations move with the text as it is edited; they are
 * redrawn from each `kimi/proposal` notification.
 */
import * as vscode from 'vscode';
import { lineSpan, type Proposal } from './proposals';
import type { Range } from './protocol';

function wholeLines(range: Range, document: vscode.TextDocument): vscode.Range | undefined {
  const span = lineSpan(range);
  if (span === undefined || span.first >= document.lineCount) {
    return undefined;
  }
  const last = Math.min(span.last, document.lineCount - 1);
  return new vscode.Range(span.first, 0, last, document.lineAt(last).range.end.character);
}

export function reviewKeys(): { accept: string; reject: string } {
  return { accept: process.platform === 'darwin' ? 'Cmd+Enter' : 'Ctrl+Enter', reject: 'Escape' };
}

export class DiffView implements vscode.Disposable {
  private readonly added = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly removed = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
    textDecoration: 'line-through',
    opacity: '0.75',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });

  /** Draws `proposal` (or clears the diff, when undefined) in one editor. */
  render(editor: vscode.TextEditor, proposal: Proposal | undefined): void {
    if (proposal === undefined) {
      editor.setDecorations(this.added, []);
      editor.setDecorations(this.removed, []);
      return;
    }
    const keys = reviewKeys();
    const hover = new vscode.MarkdownString(
      proposal.state === 'proposed'
        ? `**Kimi's proposed change.** Accept (${keys.accept}) replaces the struck-through original with it; Reject (${keys.reject}) removes it.`
        : proposal.state === 'streaming'
          ? `**Kimi is writing this change.** Reject (${keys.reject}) stops it and removes what was written.`
          : `**Kimi stopped before this change was complete**${proposal.message ? ` (${proposal.message})` : ''}. Reject (${keys.reject}) removes it.`,
    );
    const added = wholeLines(proposal.proposed, editor.document);
    const removed = wholeLines(proposal.original, editor.document);
    editor.setDecorations(this.added, added !== undefined ? [{ range: added, hoverMessage: hover }] : []);
    editor.setDecorations(this.removed, removed !== undefined ? [{ range: removed }] : []);
  }

  dispose(): void {
    this.added.dispose();
    this.removed.dispose();
  }
}
