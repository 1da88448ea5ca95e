/**
 * A change across files shown as VS Code's multi-file diff (the "changes" editor, the one
 * Source Control uses): one entry per file, the original on the left and the proposed text
 * on the right, a new file against nothing. Both sides are read-only virtual documents
 * (scheme `kimi-change`) served from the review's snapshot, so the diff shows exactly what
 * Kimi proposes whatever happens to the files meanwhile. The changes editor is opened with
 * the `vscode.changes` command (VS Code 1.86+); older versions get one diff per file.
 */
import * as vscode from 'vscode';
import type { PendingChange, ReviewFile } from './changes';

export const CHANGE_SCHEME = 'kimi-change';

type Side = 'original' | 'proposed';

/** The virtual document of one side of a file's diff; its path is the file's, for the language. */
export function contentUri(change: PendingChange, file: ReviewFile, side: Side): vscode.Uri {
  const target = vscode.Uri.parse(file.uri);
  const query = new URLSearchParams({ change: change.id, side, uri: file.uri }).toString();
  return vscode.Uri.from({ scheme: CHANGE_SCHEME, path: target.path, query });
}

function changeOf(uri: vscode.Uri): string | undefined {
  return uri.scheme === CHANGE_SCHEME ? (new URLSearchParams(uri.query).get('change') ?? undefined) : undefined;
}

/**
 * The change a tab shows, by its `kimi-change` documents; undefined for any other tab. A
 * changes editor's tab has a `TabInputTextMultiDiff` (in the API since VS Code 1.92, so
 * read here by its shape: `textDiffs`, a list of text diffs).
 */
function tabChange(tab: vscode.Tab): string | undefined {
  const input: unknown = tab.input;
  if (input instanceof vscode.TabInputTextDiff) {
    return changeOf(input.modified) ?? changeOf(input.original);
  }
  if (input instanceof vscode.TabInputText) {
    return changeOf(input.uri);
  }
  const diffs: unknown = typeof input === 'object' && input !== null ? (input as { textDiffs?: unknown }).textDiffs : undefined;
  if (Array.isArray(diffs)) {
    for (const diff of diffs as unknown[]) {
      const modified: unknown = typeof diff === 'object' && diff !== null ? (diff as { modified?: unknown }).modified : undefined;
      const id = modified instanceof vscode.Uri ? changeOf(modified) : undefined;
      if (id !== undefined) {
        return id;
      }
    }
  }
  return undefined;
}

/** Whether a tab's label is the review's title (VS Code adds the file count: "title (3 files)"). */
function titled(tab: vscode.Tab, title: string): boolean {
  return tab.label.startsWith(title) && /^( \(\d+ files?\))?$/.test(tab.label.slice(title.length));
}

export class ChangeView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly shown = new Map<string, PendingChange>();
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(CHANGE_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const query = new URLSearchParams(uri.query);
    const file = this.shown.get(query.get('change') ?? '')?.files.find((f) => f.uri === query.get('uri'));
    if (file === undefined) {
      return ''; // the change was decided meanwhile
    }
    return query.get('side') === 'original' ? file.original : file.proposed;
  }

  /** Opens (or reopens) the change's diff. */
  async show(change: PendingChange): Promise<void> {
    this.shown.set(change.id, change);
    const resources = change.files.map((f) => [
      vscode.Uri.parse(f.uri),
      f.kind === 'create' ? undefined : contentUri(change, f, 'original'),
      contentUri(change, f, 'proposed'),
    ]);
    try {
      await vscode.commands.executeCommand('vscode.changes', change.title, resources);
    } catch {
      // No changes editor: a diff per file, the first one active.
      for (const [i, f] of [...change.files].reverse().entries()) {
        const name = vscode.workspace.asRelativePath(vscode.Uri.parse(f.uri));
        await vscode.commands.executeCommand('vscode.diff', contentUri(change, f, 'original'), contentUri(change, f, 'proposed'), `${name} (${change.title})`, {
          preview: false,
          preserveFocus: i < change.files.length - 1,
        });
      }
    }
  }

  /** The change whose review is the active tab, if any. */
  activeChange(titles: ReadonlyMap<string, string>): string | undefined {
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    if (tab === undefined) {
      return undefined;
    }
    return tabChange(tab) ?? [...titles].find(([, title]) => titled(tab, title))?.[0];
  }

  /** The change was decided: its tabs close and its documents empty. */
  async close(id: string, title: string): Promise<void> {
    this.shown.delete(id);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => {
      const shows = tabChange(t);
      return shows === id || (shows === undefined && titled(t, title));
    });
    if (tabs.length > 0) {
      await vscode.window.tabGroups.close(tabs, true).then(undefined, () => undefined);
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.shown.clear();
  }
}
