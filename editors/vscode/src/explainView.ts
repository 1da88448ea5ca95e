/**
 * The "Kimi: Explain" panel beside the editor. One panel is reused; each explain replaces
 * its content. Text is rendered with markdown-it (raw HTML escaped) and posted to the page.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { makeNonce, renderPage, statusText, type UpdateMessage, type ViewState } from './explainHtml';
import { renderMarkdown } from './markdown';

const UPDATE_MS = 50;

interface Session {
  streamId: string;
  heading: string;
  text: string;
  state: ViewState;
  error?: string;
  stop: () => void;
}

export class ExplainView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private session: Session | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Opens (or reuses) the panel for a new explanation; `stop` is called by the Stop button. */
  begin(streamId: string, heading: string, stop: () => void): void {
    const previous = this.session;
    if (previous !== undefined && previous.state === 'streaming') {
      previous.stop();
    }
    this.session = { streamId, heading, text: '', state: 'streaming', stop };
    const panel = this.ensurePanel();
    panel.webview.html = renderPage({
      nonce: makeNonce((n) => randomBytes(n)),
      cspSource: panel.webview.cspSource,
      heading,
      bodyHtml: '',
      state: 'streaming',
    });
    panel.reveal(vscode.ViewColumn.Beside, true);
  }

  append(streamId: string, delta: string): void {
    const session = this.session;
    if (session?.streamId !== streamId || session.state !== 'streaming') {
      return;
    }
    session.text += delta;
    this.schedule();
  }

  /** The final state; `markdown` (the whole answer) replaces the streamed text when given. */
  finish(streamId: string, state: Exclude<ViewState, 'streaming'>, markdown?: string, error?: string): void {
    const session = this.session;
    if (session?.streamId !== streamId) {
      return;
    }
    if (markdown !== undefined) {
      session.text = markdown;
    }
    session.state = state;
    if (error !== undefined) {
      session.error = error;
    }
    this.flush();
  }

  private ensurePanel(): vscode.WebviewPanel {
    if (this.panel !== undefined) {
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      'kimi-lsp.explain',
      'Kimi: Explain',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, enableCommandUris: false, localResourceRoots: [], retainContextWhenHidden: true },
    );
    panel.webview.onDidReceiveMessage((message: unknown) => {
      const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
      if (type === 'ready') {
        // Messages posted before the page listened are lost; send the whole state again.
        this.flush();
      } else if (type === 'stop') {
        const session = this.session;
        if (session?.state === 'streaming') {
          session.stop();
        }
      }
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      const session = this.session;
      if (session?.state === 'streaming') {
        session.stop();
      }
      this.session = undefined;
    });
    this.panel = panel;
    return panel;
  }

  private schedule(): void {
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), UPDATE_MS);
    }
  }

  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const session = this.session;
    if (session === undefined || this.panel === undefined) {
      return;
    }
    const message: UpdateMessage = {
      type: 'update',
      heading: session.heading,
      html: renderMarkdown(session.text),
      state: session.state,
      status: statusText(session.state, session.error),
    };
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.panel?.dispose();
  }
}
