/** The "Refactor Selection..." input: type an instruction, or pick a recent one or a preset. */
import * as vscode from 'vscode';
import type { RefactorChoice } from './arguments';
import { pickEntries, remember, resolvePick, sanitizeRecent, type PickEntry } from './instructions';

const RECENT_KEY = 'kimi-lsp.recentInstructions';

interface Item extends vscode.QuickPickItem {
  entry: PickEntry;
}

function toItems(entries: readonly PickEntry[]): Item[] {
  return entries.map((entry) => ({
    label: entry.label,
    description: entry.description,
    alwaysShow: entry.kind === 'typed',
    entry,
  }));
}

export class InstructionPicker {
  constructor(private readonly state: vscode.Memento) {}

  recent(): string[] {
    return sanitizeRecent(this.state.get<unknown>(RECENT_KEY));
  }

  async remember(instruction: string): Promise<void> {
    await this.state.update(RECENT_KEY, remember(this.recent(), instruction));
  }

  /** Asks for the instruction; undefined when dismissed. */
  pick(): Promise<RefactorChoice | undefined> {
    const recent = this.recent();
    const quickPick = vscode.window.createQuickPick<Item>();
    quickPick.title = 'Kimi: Refactor Selection';
    quickPick.placeholder = 'Describe the change (e.g. "use a dataclass"), or pick a recent instruction or a preset';
    quickPick.ignoreFocusOut = true;
    quickPick.matchOnDescription = false;
    quickPick.items = toItems(pickEntries('', recent));
    let shownFor = '';
    let shownAt = Date.now();
    return new Promise((resolve) => {
      let settled = false;
      const finish = (choice: RefactorChoice | undefined): void => {
        if (!settled) {
          settled = true;
          resolve(choice);
          quickPick.hide();
        }
      };
      quickPick.onDidChangeValue((value) => {
        const items = toItems(pickEntries(value, recent));
        quickPick.items = items;
        shownFor = value;
        shownAt = Date.now();
        const typed = items[0];
        if (typed !== undefined && typed.entry.kind === 'typed') {
          quickPick.activeItems = [typed];
        }
      });
      quickPick.onDidAccept(() => {
        const selected = quickPick.selectedItems[0]?.entry ?? quickPick.activeItems[0]?.entry;
        finish(resolvePick(selected, { value: quickPick.value, shownFor, shownAgoMs: Date.now() - shownAt }));
      });
      quickPick.onDidHide(() => {
        finish(undefined);
        quickPick.dispose();
      });
      quickPick.show();
    });
  }
}
