/** The status bar item: shows StatusModel's view, re-rendered on every change. */
import * as vscode from 'vscode';
import type { UsageResult } from './protocol';
import { StatusModel, type Outcome } from './status';
import type { StreamKind } from './protocol';

export class StatusBar implements vscode.Disposable {
  private readonly model = new StatusModel();
  private readonly item: vscode.StatusBarItem;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('kimi-lsp.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Kimi';
    this.item.command = command;
    this.render();
    this.item.show();
  }

  begin(id: string, kind: StreamKind | 'other'): void {
    this.model.begin(id, kind);
    this.render();
  }

  delta(id: string): void {
    const before = this.model.state(Date.now());
    this.model.delta(id);
    if (this.model.state(Date.now()) !== before) {
      this.render();
    }
  }

  end(id: string, outcome: Outcome): void {
    this.model.end(id, outcome, Date.now());
    this.render();
  }

  setUsage(usage: UsageResult | undefined): void {
    this.model.setUsage(usage);
    this.render();
  }

  setReviews(count: number, atCursor: boolean): void {
    this.model.setReviews(count, atCursor);
    this.render();
  }

  setChanges(count: number): void {
    this.model.setChanges(count);
    this.render();
  }

  setServerProblem(message: string | undefined): void {
    this.model.setServerProblem(message);
    this.render();
  }

  private render(): void {
    const now = Date.now();
    const view = this.model.view(now);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const next = this.model.nextChange(now);
    if (next !== undefined) {
      this.timer = setTimeout(() => this.render(), next - now + 10);
    }
  }

  dispose(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.item.dispose();
  }
}
