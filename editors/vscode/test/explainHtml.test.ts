import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, describeTarget, escapeHtml, makeNonce, renderPage, statusText } from '../src/explainHtml';
import { renderMarkdown } from '../src/markdown';

const page = (over: Partial<Parameters<typeof renderPage>[0]> = {}): string =>
  renderPage({ nonce: 'abc123', cspSource: 'vscode-webview://x', heading: 'app.py, lines 3–9', bodyHtml: '<p>hi</p>', state: 'streaming', ...over });

describe('renderPage', () => {
  it('has the ids the tests and users rely on', () => {
    const html = page();
    expect(html).toContain('id="kimi-explanation"');
    expect(html).toContain('id="kimi-status"');
    expect(html).toContain('id="kimi-stop"');
    expect(html).toContain('<title>Kimi: Explain</title>');
  });

  it('has a strict CSP: no default sources, scripts only with the nonce', () => {
    const html = page();
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-abc123'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/img-src[^;]*https/);
    // every script tag carries the nonce
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBe(1);
    expect(scripts.every((tag) => tag.includes('nonce="abc123"'))).toBe(true);
  });

  it('escapes the heading (a file name can hold markup)', () => {
    const html = page({ heading: '<img src=x onerror=alert(1)>.py, line 1' });
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.py');
  });

  it('shows the state: streaming with Stop enabled, done with Stop disabled, and errors', () => {
    expect(page()).toMatch(/<span id="kimi-status" data-state="streaming">streaming…<\/span>/);
    expect(page()).toMatch(/<button id="kimi-stop" type="button">Stop<\/button>/);
    expect(page({ state: 'done' })).toMatch(/<button id="kimi-stop" type="button" disabled>/);
    expect(page({ state: 'error', error: 'rate <limit>' })).toContain('error: rate &lt;limit&gt;');
  });
});

describe('statusText', () => {
  it('matches the contract', () => {
    expect(statusText('streaming')).toBe('streaming…');
    expect(statusText('done')).toBe('done');
    expect(statusText('cancelled')).toBe('cancelled');
    expect(statusText('error', 'The API key was refused')).toBe('error: The API key was refused');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('makeNonce and the CSP', () => {
  it('makes a 32-hex-digit nonce from 16 bytes', () => {
    expect(makeNonce((n) => new Uint8Array(n).fill(171))).toBe('ab'.repeat(16));
  });

  it('allows styles from the webview and the nonce only', () => {
    expect(contentSecurityPolicy('n', 'src')).toContain("style-src src 'nonce-n'");
  });
});

describe('renderMarkdown', () => {
  it('renders markdown, code blocks included', () => {
    const html = renderMarkdown('# Title\n\nThis **adds** tax.\n\n```python\nx = 1 < 2\n```\n');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>adds</strong>');
    expect(html).toContain('<code class="language-python">x = 1 &lt; 2\n</code>');
  });

  it('escapes raw HTML from the model', () => {
    const html = renderMarkdown('before <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n<iframe src="https://e"></iframe>');
    expect(html).not.toMatch(/<script|<img|<iframe/);
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses javascript:, data: and command: links but keeps web links', () => {
    expect(renderMarkdown('[a](javascript:alert(1))')).not.toContain('href');
    expect(renderMarkdown('[b](command:workbench.action.quit)')).not.toContain('href');
    expect(renderMarkdown('[c](data:text/html;base64,PHNjcmlwdD4=)')).not.toContain('href');
    expect(renderMarkdown('[d](https://docs.python.org/)')).toContain('href="https://docs.python.org/"');
  });
});

describe('describeTarget', () => {
  it('shows 1-based lines', () => {
    expect(describeTarget('src/app.py', 2, 8)).toBe('src/app.py, lines 3–9');
    expect(describeTarget('app.py', 0, 0)).toBe('app.py, line 1');
  });
});
