/**
 * The explain view's HTML (pure). The page has a strict Content-Security-Policy: no
 * network, no scripts but the one inline script carrying the nonce, no remote images.
 * The extension posts `{type: 'update', html, status, state}` messages; the script puts
 * them in #kimi-explanation and #kimi-status, the page posts `{type: 'ready'}` once it listens, and the Stop button posts `{type: 'stop'}`.
 */

export type ViewState = 'streaming' | 'done' | 'cancelled' | 'error';

export interface ExplainPage {
  nonce: string;
  /** webview.cspSource */
  cspSource: string;
  /** e.g. `src/app.py, lines 3–9` */
  heading: string;
  /** Already rendered (and escaped) HTML of the explanation so far. */
  bodyHtml: string;
  state: ViewState;
  /** The error message when state is 'error'. */
  error?: string;
}

export interface UpdateMessage {
  type: 'update';
  heading: string;
  html: string;
  state: ViewState;
  status: string;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The text of #kimi-status. */
export function statusText(state: ViewState, error?: string): string {
  switch (state) {
    case 'streaming':
      return 'streaming…';
    case 'done':
      return 'done';
    case 'cancelled':
      return 'cancelled';
    case 'error':
      return `error: ${error ?? 'unknown error'}`;
  }
}

export function contentSecurityPolicy(nonce: string, cspSource: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    // Only images embedded in the answer itself: a remote image could leak what it was asked.
    'img-src data:',
    "font-src 'none'",
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A 32-character nonce from any random bytes source. */
export function makeNonce(randomBytes: (n: number) => Uint8Array): string {
  return Array.from(randomBytes(16), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function renderPage(page: ExplainPage): string {
  const { nonce } = page;
  const status = statusText(page.state, page.error);
  const finished = page.state !== 'streaming';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(nonce, page.cspSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Kimi: Explain</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; line-height: 1.5; }
  header { position: sticky; top: 0; background: var(--vscode-editor-background); padding: 8px 0; border-bottom: 1px solid var(--vscode-panel-border, transparent); display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; }
  #kimi-heading { font-weight: 600; flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  #kimi-status { opacity: 0.8; }
  #kimi-status[data-state="error"] { color: var(--vscode-errorForeground); opacity: 1; order: 3; flex-basis: 100%; }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 12px; cursor: pointer; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button:disabled { background: var(--vscode-button-secondaryBackground); color: var(--vscode-disabledForeground); opacity: 0.6; cursor: default; }
  pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow-x: auto; }
  code { font-family: var(--vscode-editor-font-family); }
  a { color: var(--vscode-textLink-foreground); }
</style>
</head>
<body>
<header>
  <span id="kimi-heading">${escapeHtml(page.heading)}</span>
  <span id="kimi-status" data-state="${page.state}">${escapeHtml(status)}</span>
  <button id="kimi-stop" type="button"${finished ? ' disabled' : ''}>Stop</button>
</header>
<main id="kimi-explanation">${page.bodyHtml}</main>
<script nonce="${nonce}">
(function () {
  const vscode = acquireVsCodeApi();
  const heading = document.getElementById('kimi-heading');
  const status = document.getElementById('kimi-status');
  const body = document.getElementById('kimi-explanation');
  const stop = document.getElementById('kimi-stop');
  stop.addEventListener('click', function () {
    stop.disabled = true;
    vscode.postMessage({ type: 'stop' });
  });
  window.addEventListener('message', function (event) {
    const m = event.data;
    if (!m || m.type !== 'update') { return; }
    const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 24;
    heading.textContent = m.heading;
    body.innerHTML = m.html;
    status.textContent = m.status;
    status.dataset.state = m.state;
    stop.disabled = m.state !== 'streaming';
    if (atBottom && m.state === 'streaming') { window.scrollTo(0, document.body.scrollHeight); }
  });
  vscode.postMessage({ type: 'ready' });
})();
</script>
</body>
</html>`;
}

/** `app.py, line 4` or `app.py, lines 4–9` (1-based, inclusive). */
export function describeTarget(path: string, startLine: number, endLine: number): string {
  const first = startLine + 1;
  const last = endLine + 1;
  return first === last ? `${path}, line ${first}` : `${path}, lines ${first}–${last}`;
}
