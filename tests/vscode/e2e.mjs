// The real VS Code end-to-end test for the kimi-lsp extension.
//
// Drives code-server (VS Code 1.100 in the browser) with Playwright in Debian's chromium,
// like a user: Quick Open, the command palette, the keyboard. The extension runs the real
// kimi-lsp server, which talks to a standalone simulator of the model API on 127.0.0.1
// (started by run.sh) that only accepts this run's API key, typed in "Kimi: Set API Key".
//
// Started by run.sh:
//   KIMI_E2E_API_KEY=KEY node e2e.mjs --url URL --workspace DIR --out DIR --logs DIR \
//     --simulator http://127.0.0.1:P/v1 --code-server-pid PID
//
// Each step asserts; on failure it takes a screenshot (fail-<step>.png), prints why and
// exits 1. Synchronisation is by polling the DOM / the file on disk with generous
// timeouts, never by fixed sleeps.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    workspace: { type: 'string' },
    out: { type: 'string' },
    logs: { type: 'string' },
    simulator: { type: 'string' }, // the standalone simulator's base URL (…/v1)
    'code-server-pid': { type: 'string' }, // its process group holds the extension host and server
    headed: { type: 'boolean', default: false },
  },
});
for (const k of ['url', 'workspace', 'out', 'simulator']) {
  if (!args[k]) { console.error(`e2e.mjs: --${k} is required`); process.exit(2); }
}
// The key the simulator accepts. Taken out of the environment at once, so that chromium
// (started below with this process's environment) never sees it. Never printed.
const API_KEY = process.env.KIMI_E2E_API_KEY || '';
delete process.env.KIMI_E2E_API_KEY;
if (API_KEY.length < 16) { console.error('e2e.mjs: KIMI_E2E_API_KEY (the simulator\'s key) is required'); process.exit(2); }
const SIM_CONTROL = new URL('/_simulator/', args.simulator).toString();

const FILE = 'pricing.py';
const FILE_PATH = path.join(args.workspace, FILE);
const ORIGINAL = fs.readFileSync(FILE_PATH, 'utf8');
const OUT = args.out;
const T = { short: 10_000, medium: 30_000, long: 90_000 }; // the machine is small and shared

const t0 = Date.now();
const timings = [];
const screenshots = [];
let page;
let browser;

function log(msg) {
  console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}

class Failure extends Error {}
function fail(msg) { throw new Failure(msg); }
function assert(cond, msg) { if (!cond) fail(msg); }

async function shot(name) {
  const file = path.join(OUT, name);
  await page.screenshot({ path: file });
  screenshots.push(file);
  return file;
}

// Polls fn() until it returns a truthy value; fails with describe() (the last state seen).
async function until(what, fn, { timeout = T.medium, interval = 200, describe } = {}) {
  const end = Date.now() + timeout;
  let last;
  let lastErr;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      if (e instanceof Failure) throw e; // a definite failure, no point waiting
      lastErr = e;
    }
    if (Date.now() > end) {
      const seen = describe ? await describe().catch((e) => `(could not describe: ${e.message})`) : '';
      fail(`timed out after ${timeout / 1000} s waiting for ${what}` +
           (seen ? `\n  last seen: ${seen}` : '') +
           (lastErr ? `\n  last error: ${lastErr.message.split('\n')[0]}` : ''));
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

async function step(name, fn) {
  const s = Date.now();
  log(`--- ${name}`);
  try {
    await fn();
  } catch (e) {
    const secs = ((Date.now() - s) / 1000).toFixed(1);
    const toasts = await page?.locator('.notifications-toasts .notification-toast').allInnerTexts()
      .then((t) => t.map((x) => x.replace(/\s+/g, ' ')).join(' | '), () => '(unreadable)');
    failure = `step "${name}" after ${secs} s: ${e instanceof Failure ? e.message : e.stack}` +
      `\n  notifications shown: ${toasts || '(none)'}`;
    console.error(`\n[e2e] FAILED ${failure}`);
    try {
      const f = await shot(`fail-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
      console.error(`[e2e] screenshot: ${f}`);
    } catch (e2) {
      console.error(`[e2e] (no screenshot: ${e2.message})`);
    }
    await finish(1);
  }
  const secs = (Date.now() - s) / 1000;
  timings.push([name, secs]);
  log(`ok ${name} (${secs.toFixed(1)} s)`);
}

// ---- workbench helpers -------------------------------------------------------------------

const editorSel = '.editor-instance .monaco-editor[data-uri$="/' + FILE + '"]';

async function focusEditor() {
  // Clicking the text would move the cursor; focus Monaco's input instead.
  await page.locator(`${editorSel} textarea.inputarea, ${editorSel} .native-edit-context`).first().focus();
}

async function quickInputVisible() {
  return page.locator('.quick-input-widget').isVisible();
}

// Runs a palette command by its full label ("Kimi: Explain Selection"): opens the palette,
// types the label, waits until the highlighted row is exactly that command, presses Enter.
async function runCommand(label) {
  await focusEditor();
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: T.short });
  await input.fill('>' + label);
  const focused = page.locator('.quick-input-widget .monaco-list-row.focused');
  await until(`the command palette to offer "${label}"`, async () => {
    const aria = (await focused.getAttribute('aria-label', { timeout: 1000 })) || '';
    return aria.startsWith(label);
  }, {
    timeout: T.medium,
    describe: async () => {
      const rows = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
      return rows.length ? rows.map((r) => r.replace(/\s+/g, ' ')).join(' | ') : '(no rows)';
    },
  });
  await page.keyboard.press('Enter');
  // The palette closes (or another quick input of the command's own replaces it).
  await until(`the command palette to close after "${label}"`, async () =>
    !(await input.isVisible()) || !(await input.inputValue()).startsWith('>'), { timeout: T.short });
}

// Go to line N, column 1.
async function gotoLine(n) {
  await focusEditor();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: T.short });
  await input.fill(':' + n);
  await page.keyboard.press('Enter');
  await until(`the cursor on line ${n}`, async () => {
    const text = await page.locator('.statusbar-item[id="status.editor.selection"]').innerText({ timeout: 1000 });
    return /Ln (\d+)/.exec(text)?.[1] === String(n) && !(await quickInputVisible());
  }, { timeout: T.short, describe: () => page.locator('.statusbar-item[id="status.editor.selection"]').innerText() });
}

// Selects whole lines [first, last] (1-based, inclusive): from the start of `first` to the
// start of the line after `last`.
async function selectLines(first, last) {
  await gotoLine(first);
  for (let i = first; i <= last; i++) await page.keyboard.press('Shift+ArrowDown');
  const lines = last - first + 1;
  await until(`a selection of ${lines} lines`, async () => {
    const text = await page.locator('.statusbar-item[id="status.editor.selection"]').innerText({ timeout: 1000 });
    return new RegExp(`\\(${lines} lines? selected\\)|${lines} lines`).test(text) || text.includes('selected');
  }, { timeout: T.short, describe: () => page.locator('.statusbar-item[id="status.editor.selection"]').innerText() });
}

async function isDirty() {
  return (await page.locator(`.tabs-container .tab.dirty[data-resource-name="${FILE}"]`).count()) > 0;
}

// Saves the editor (Ctrl+S) and waits until the tab is clean; returns the file on disk.
// An edit that lands just after a save (a streamed refactor, an undo) leaves the tab dirty
// again, so Ctrl+S is pressed again while it stays dirty. A clean tab is not saved: an
// explicit save rewrites the file even when nothing changed (truncate, then write), and a
// read racing that rewrite could see a partial file.
async function saveAndRead() {
  let pressed = 0;
  await until('the editor to be saved', async () => {
    if (!(await isDirty())) return true;
    await focusEditor();
    await page.keyboard.press('Control+S');
    pressed++;
    await page.locator(`.tabs-container .tab.dirty[data-resource-name="${FILE}"]`)
      .waitFor({ state: 'detached', timeout: 1500 }).catch(() => {});
    return !(await isDirty());
  }, {
    timeout: T.short,
    interval: 0,
    describe: async () => `dirty=${await isDirty()} after ${pressed} Ctrl+S, focus=${await page.evaluate(() => {
      const a = document.activeElement; return a ? `${a.tagName}.${a.className}` : 'none'; })}, ` +
      `notifications=${(await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).join(' | ')}`,
  });
  // The file is never empty in this test: an empty read met a save being written (the
  // tab turned clean before the write ended, or VS Code saved on its own).
  return until('the saved file to be readable (not mid-write)', async () => fs.readFileSync(FILE_PATH, 'utf8') || false,
    { timeout: T.short, interval: 50 });
}

// Waits until the document stops changing: save, then no new edit for `quiet` ms, twice the
// same text on disk. Returns the text.
async function settledText({ timeout = T.long, quiet = 2500 } = {}) {
  let previous = null;
  let text = null;
  await until('the document to stop changing', async () => {
    text = await saveAndRead();
    if (text === previous) return true;
    previous = text;
    await new Promise((r) => setTimeout(r, quiet));
    return false;
  }, { timeout, interval: 0 });
  return text;
}

// All frames whose document contains `selector` (webviews are nested iframes).
async function frameWith(selector) {
  for (const f of page.frames()) {
    try {
      if (await f.locator(selector).count()) return f;
    } catch { /* detached frame */ }
  }
  return null;
}

// The ghost text as shown: the inline part on the cursor line (split into syntax-highlighted
// spans) and the lines Monaco adds below it (a view zone of .ghost-text view lines).
async function ghostTextOf(editor) {
  return editor.evaluate((ed) => {
    const inline = [...ed.querySelectorAll('.ghost-text-decoration')].map((e) => e.textContent).join('');
    const below = [...ed.querySelectorAll('.ghost-text .view-line')]
      .sort((a, b) => parseFloat(a.style.top || 0) - parseFloat(b.style.top || 0))
      .map((e) => e.textContent);
    return [inline, ...below].join('\n');
  });
}

function visible(s) {
  return s.replace(/\u00a0/g, ' ');
}

// ---- the review of a proposal ----------------------------------------------------------

// The links of the code lenses shown in the editor ("Accept (Kimi)", "Reject", ...).
const lensLinks = () => page.locator(`${editorSel} .codelens-decoration a`);
async function lensTexts() {
  return (await lensLinks().allInnerTexts()).map((t) => t.trim()).filter(Boolean);
}

// The lines the extension's diff decorations mark, found by the CSS of their decoration
// types (VS Code names the classes ced-..., with the theme colours resolved): `added` has
// the theme's diffEditor.insertedLineBackground, `removed` its removedLineBackground (whole
// lines, in .view-overlays), `struck` a line-through (inline, in the lines' text). Each is
// the list of those lines' text, top down.
async function diffLines() {
  return page.locator(editorSel).evaluate((ed) => {
    const rules = [];
    for (const sheet of document.styleSheets) {
      let list;
      try { list = sheet.cssRules; } catch { continue; }
      for (const r of list) if (r.style && /\.ced-/.test(r.selectorText || '')) rules.push(r);
    }
    // Colours compared as the browser computes them; the theme's are CSS variables on the workbench.
    const probe = document.createElement('div');
    (document.querySelector('.monaco-workbench') ?? document.body).appendChild(probe);
    const computed = (value) => { probe.style.backgroundColor = ''; probe.style.backgroundColor = value; return getComputedStyle(probe).backgroundColor; };
    const inserted = computed('var(--vscode-diffEditor-insertedLineBackground)');
    const deleted = computed('var(--vscode-diffEditor-removedLineBackground)');
    const classesOf = (pick) => new Set(rules.filter(pick).flatMap((r) => [...r.selectorText.matchAll(/\.(ced-[\w-]+)/g)].map((m) => m[1])));
    const added = classesOf((r) => r.style.backgroundColor !== '' && computed(r.style.backgroundColor) === inserted);
    const removed = classesOf((r) => r.style.backgroundColor !== '' && computed(r.style.backgroundColor) === deleted);
    const struck = classesOf((r) => /line-through/.test(r.style.textDecoration || r.style.textDecorationLine || ''));
    probe.remove();
    const text = (el) => el.textContent.replace(/\u00a0/g, ' ');
    const lines = [...ed.querySelectorAll('.view-lines > .view-line')];
    const textAt = new Map(lines.map((l) => [l.style.top, text(l)]));
    const marked = (el, set) => [el, ...el.querySelectorAll('*')].some((c) => [...c.classList].some((k) => set.has(k)));
    const top = (el) => parseFloat(el.style.top || '0');
    const overlay = (set) => [...ed.querySelectorAll('.view-overlays > div')].filter((d) => marked(d, set))
      .sort((a, b) => top(a) - top(b)).map((d) => textAt.get(d.style.top) ?? '(no line at this height)');
    return {
      rules: rules.map((r) => r.cssText).filter((t) => t.includes('TextEditorDecorationType')),
      colours: { inserted, deleted },
      classes: { added: [...added], removed: [...removed], struck: [...struck] },
      added: overlay(added),
      removed: overlay(removed),
      struck: lines.filter((l) => marked(l, struck)).sort((a, b) => top(a) - top(b)).map(text),
    };
  });
}

// ---- the simulator, the extension's log, processes ------------------------------------

// Every request the standalone simulator received (GET /_simulator/requests), oldest first.
// They carry the Authorization header: never print them whole.
async function simRequests() {
  const r = await fetch(SIM_CONTROL + 'requests', { signal: AbortSignal.timeout(5000) });
  if (!r.ok) fail(`GET ${SIM_CONTROL}requests: HTTP ${r.status}`);
  return (await r.json()).filter((q) => q.path.replace(/\/+$/, '') === '/v1/chat/completions');
}
// An explain request (the ghost-text and refactor ones have no "explain" with a <selection>).
const isExplainReq = (q) => { const m = JSON.stringify(q.body?.messages ?? ''); return m.includes('<selection>') && /explain/i.test(m); };
const sentKey = (q) => (q.headers?.authorization ?? '') === `Bearer ${API_KEY}`;
// What may be said about a recorded request.
const describeReq = (q) => `status=${q.status} completed=${q.completed} disconnected=${q.client_disconnected} ` +
  `chunks=${q.chunk_times.length} key=${q.headers?.authorization ? (sentKey(q) ? 'right' : 'wrong') : 'none'}`;

// The extension's output channel (user-data/logs/<session>/exthost1/kimi-lsp.kimi-lsp/Kimi.log).
function kimiLog() {
  if (!args.logs || !fs.existsSync(args.logs)) return '';
  const texts = [];
  for (const session of fs.readdirSync(args.logs)) {
    const f = path.join(args.logs, session, 'exthost1', 'kimi-lsp.kimi-lsp', 'Kimi.log');
    if (fs.existsSync(f)) texts.push(fs.readFileSync(f, 'utf8'));
  }
  return texts.join('\n');
}

// The processes of code-server's process group (code-server, its extension host, the
// kimi-lsp servers the extension spawned), with their command line and environment.
function codeServerProcesses() {
  const pgid = Number(args['code-server-pid']);
  if (!pgid) return [];
  const procs = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) !== pgid) continue;
      procs.push({
        pid: Number(pid),
        cmd: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean),
        env: fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean),
      });
    } catch { /* gone meanwhile */ }
  }
  return procs;
}
const isKimiServer = (p) => p.cmd.some((a) => /kimi-lsp$/.test(a)) && !p.cmd.includes('simulator');
const procName = (p) => `${p.pid} ${p.cmd.map((a) => path.basename(a)).join(' ').slice(0, 80)}`;

async function clearNotifications() {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  if (!(await toasts.count())) return;
  await runCommand('Notifications: Clear All Notifications');
  await until('the notifications to go away', async () => (await toasts.count()) === 0, {
    timeout: T.short, describe: async () => (await toasts.allInnerTexts()).join(' | '),
  });
}

// ---- the test ----------------------------------------------------------------------------

let logsScanned = false;
let failure = null; // why the test failed, repeated as the last line
let consoleLog;
const offHost = new Set(); // browser requests that did not go to 127.0.0.1
let requestCount = 0;
async function finish(code) {
  if (!logsScanned) {
    try { await scanLogs(); } catch (e) { console.error(`[e2e] log scan failed: ${e.message}`); }
  }
  console.log('\n[e2e] step timings:');
  for (const [n, s] of timings) console.log(`  ${s.toFixed(1).padStart(6)} s  ${n}`);
  console.log(`  ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  total`);
  console.log('[e2e] screenshots:');
  for (const f of screenshots) console.log(`  ${f}`);
  // CI shows only the end of the output: the reason is repeated last.
  console.log(code === 0 ? '[e2e] PASS' : `[e2e] FAIL: ${failure ?? '(see above)'}`);
  try { await browser?.close(); } catch { /* ignore */ }
  process.exit(code);
}

// Reads what the extension host and the extension's output channel wrote (under
// user-data/logs) and the browser console; prints the suspicious lines and returns the
// ones that are definitely wrong.
const FATAL = [
  /Traceback \(most recent call last\)/,
  /\b(ERROR|CRITICAL) kimi_lsp/,
  /workspace\/configuration failed/, // the kimi.* settings never reached the server
  /could not be cloned/,
  /Activating extension '?kimi-lsp\.kimi-lsp'? failed/,
  /Error: .*kimi/i,
];
const SUSPICIOUS = [/\b(ERROR|CRITICAL|WARNING)\b/, /Unhandled/, ...FATAL];

async function scanLogs() {
  if (!args.logs || !fs.existsSync(args.logs)) return [];
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.log')) found.push(p);
    }
  };
  walk(args.logs);
  const files = found.filter((p) => /kimi|exthost/i.test(p));
  const console_ = path.join(OUT, 'browser-console.log');
  if (fs.existsSync(console_)) files.push(console_);
  const fatal = [];
  console.log('[e2e] logs:');
  for (const p of files) {
    const lines = fs.readFileSync(p, 'utf8').split('\n');
    // The output channel logs the server's stderr as [error] whatever its level: look at
    // what the lines say instead. The browser console is only searched for kimi.
    const isConsole = p === console_;
    const bad = lines.filter((l) => SUSPICIOUS.some((re) => re.test(l)) && (!isConsole || /kimi/i.test(l)));
    const worse = bad.filter((l) => FATAL.some((re) => re.test(l)));
    console.log(`  ${path.relative(OUT, p)} (${lines.length} lines, ${bad.length} suspicious, ${worse.length} wrong)`);
    for (const l of bad.slice(0, 10)) console.log(`      ${l.slice(0, 300)}`);
    fatal.push(...worse.map((l) => `${path.basename(p)}: ${l.slice(0, 300)}`));
  }
  return fatal;
}

const WATCHDOG_S = Number(process.env.KIMI_E2E_TIMEOUT || 420);

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  setTimeout(async () => {
    failure = `the whole test took longer than ${WATCHDOG_S} s`;
    console.error(`\n[e2e] FAILED: ${failure}`);
    try { console.error(`[e2e] screenshot: ${await shot('fail-watchdog.png')}`); } catch { /* no page */ }
    await finish(1);
  }, WATCHDOG_S * 1000).unref();
  consoleLog = fs.createWriteStream(path.join(OUT, 'browser-console.log'));

  await step('launch chromium', async () => {
    // A persistent profile inside OUT (not Playwright's temporary one) so that the final key
    // scan also covers what the browser stored: code-server keeps SecretStorage there.
    const context = await chromium.launchPersistentContext(path.join(OUT, 'chromium-profile'), {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: !args.headed,
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-quic', '--disable-features=Translate,OptimizationHints,MediaRouter',
      ],
    });
    browser = context; // what finish() closes
    // Every request the browser makes must stay on this machine.
    context.on('request', (r) => {
      requestCount++;
      const u = r.url();
      if (/^(data|blob|about|chrome-extension|vscode-webview|vscode-resource):/.test(u)) return;
      try {
        const host = new URL(u).hostname;
        if (host !== '127.0.0.1' && host !== 'localhost' && !host.endsWith('.localhost')) offHost.add(u.slice(0, 200));
      } catch { offHost.add(u.slice(0, 200)); }
    });
    page = context.pages()[0] ?? await context.newPage();
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));
  });

  await step('open workspace', async () => {
    const url = new URL(args.url);
    url.searchParams.set('folder', args.workspace);
    await page.goto(url.toString(), { waitUntil: 'domcontentloaded', timeout: T.long });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: T.long });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE })
      .first().waitFor({ state: 'visible', timeout: T.long });
  });

  await step('open file with Quick Open', async () => {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } }).catch(() => {});
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: T.short });
    await input.fill(FILE);
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: FILE })
      .waitFor({ state: 'visible', timeout: T.medium });
    await page.keyboard.press('Enter');
    await page.locator(`${editorSel} .view-lines`).waitFor({ state: 'visible', timeout: T.medium });
    // Hide the side bar: more room for the editor and the explain view in the screenshots.
    await page.keyboard.press('Control+B');
    await page.locator('#workbench\\.parts\\.sidebar').waitFor({ state: 'hidden', timeout: T.short });
    await until('the editor to show the file', async () =>
      visible(await page.locator(`${editorSel} .view-lines`).innerText()).includes('def bulk_discount'),
    { timeout: T.medium });
  });

  await step('extension active: status bar shows Kimi', async () => {
    const item = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'Kimi' });
    await until('a status bar item with "Kimi"', async () => (await item.count()) > 0, {
      timeout: T.long,
      describe: async () => (await page.locator('#workbench\\.parts\\.statusbar .statusbar-item').allInnerTexts())
        .map((t) => t.trim()).filter(Boolean).join(' | '),
    });
    log(`status bar item: "${(await item.first().innerText()).trim()}"`);
  });

  // --- a. the API key ----------------------------------------------------------------
  const EXPLAIN = { first: 15, last: 18 }; // def line_total ... return round(discounted, 2)
  const explainTab = page.locator('.tabs-container .tab', { hasText: 'Kimi: Explain' });
  await step('explain without an API key: a clear error', async () => {
    await selectLines(EXPLAIN.first, EXPLAIN.last);
    await runCommand('Kimi: Explain Selection');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /API key/i });
    await until('a notification about the missing API key', async () => (await toast.count()) > 0, {
      timeout: T.medium,
      describe: async () => (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).join(' | ') || '(none)',
    });
    const message = (await toast.first().locator('.notification-list-item-message').innerText()).trim();
    log(`notification: "${message}"`);
    const button = toast.first().locator('.monaco-button', { hasText: 'Set API Key' });
    assert(await button.count(), `the notification has no "Set API Key" button: "${(await toast.first().innerText()).replace(/\s+/g, ' ')}"`);
    const accepted = (await simRequests()).filter((q) => q.status === 200);
    assert(accepted.length === 0, `the simulator answered ${accepted.length} request(s) without a key: ${accepted.map(describeReq).join('; ')}`);
    await clearNotifications();
    // Close the explain view it opened (in the error state), so the next explain starts afresh.
    if (await explainTab.count()) {
      await explainTab.first().locator('.tab-actions .action-label').click({ force: true });
      await explainTab.first().waitFor({ state: 'detached', timeout: T.short });
      // Away from where the next view's tab will be: its "Close" tooltip would be in explain.png.
      await page.mouse.move(300, 800);
    }
  });

  await step('set API key', async () => {
    await runCommand('Kimi: Set API Key');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await until('the API key input box', async () =>
      (await input.isVisible()) && !(await input.inputValue()).startsWith('>'), { timeout: T.medium });
    const title = (await page.locator('.quick-input-widget .quick-input-title').innerText()).trim();
    assert(title.includes('Set API Key'), `the input box is not the API key's: title "${title}"`);
    assert((await input.getAttribute('type')) === 'password', 'the API key input box does not hide what is typed');
    await input.fill(API_KEY);
    await page.keyboard.press('Enter');
    await until('the "API key saved" notification', async () =>
      (await page.locator('.notifications-toasts .notification-toast', { hasText: 'API key saved in secret storage' }).count()) > 0,
    { timeout: T.medium, describe: async () => (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).join(' | ') || '(none)' });
    // The output channel: the server was restarted, with the key from secret storage.
    await until('Kimi.log to show the server restarted with the key from secret storage', () => {
      const starts = kimiLog().split('\n').filter((l) => /\bStarting \S/.test(l));
      return starts.length >= 2 && starts.at(-1).includes('(API key from secret storage)');
    }, { timeout: T.medium, describe: async () => kimiLog().split('\n').filter((l) => /Starting/.test(l)).join(' / ') });
    // The key travelled in the server's environment, and nowhere else in code-server's group.
    if (args['code-server-pid']) {
      const procs = await until('a kimi-lsp server with KIMI_LSP_API_KEY in its environment', () => {
        const ps = codeServerProcesses();
        return ps.some((p) => isKimiServer(p) && p.env.includes(`KIMI_LSP_API_KEY=${API_KEY}`)) ? ps : false;
      }, { timeout: T.medium, describe: async () => codeServerProcesses().map(procName).join(', ') });
      const others = procs.filter((p) => !isKimiServer(p) && (p.env.some((e) => e.includes(API_KEY)) || p.cmd.some((a) => a.includes(API_KEY))));
      assert(others.length === 0, `the key is in the environment or command line of ${others.map(procName).join(', ')}`);
      const servers = procs.filter(isKimiServer);
      assert(servers.every((p) => !p.cmd.some((a) => a.includes(API_KEY))), 'the key is on the server\'s command line');
      log(`${procs.length} processes in code-server's group; the key is only in the environment of the kimi-lsp server (pid ${servers.filter((p) => p.env.includes(`KIMI_LSP_API_KEY=${API_KEY}`)).map((p) => p.pid).join(', ')})`);
    }
    // code-server's SecretStorage: the browser's localStorage["secrets.provider"], sealed
    // (AES-GCM, with a key half from the server: user-data/serve-web-key-half).
    const sealed = await page.evaluate(() => localStorage.getItem('secrets.provider'));
    assert(sealed && sealed.length > 80, 'code-server\'s secret store (localStorage "secrets.provider") is empty');
    assert(!sealed.includes(API_KEY), 'code-server\'s secret store holds the key in clear');
    log(`secret store: localStorage["secrets.provider"], ${sealed.length} chars, sealed`);
    await clearNotifications();
  });

  // --- b. explain ---------------------------------------------------------------------
  await step('explain selection', async () => {
    await selectLines(EXPLAIN.first, EXPLAIN.last);
    await runCommand('Kimi: Explain Selection');
    await page.locator('.tabs-container .tab', { hasText: 'Kimi: Explain' })
      .first().waitFor({ state: 'visible', timeout: T.medium });
    const frame = await until('the explain webview (#kimi-explanation)', () => frameWith('#kimi-explanation'),
      { timeout: T.medium, describe: async () => `${page.frames().length} frames: ${page.frames().map((f) => f.url().slice(0, 80)).join(', ')}` });
    const status = frame.locator('#kimi-status');
    const expl = frame.locator('#kimi-explanation');
    await until('#kimi-status to say "done"', async () => {
      const st = (await status.innerText({ timeout: 1000 })).trim();
      if (/^(error|cancelled)/i.test(st)) fail(`the explain view says "${st}"`);
      return st === 'done';
    }, {
      timeout: T.long,
      describe: async () => `status="${(await status.innerText()).trim()}", explanation="${(await expl.innerText()).slice(0, 200)}"`,
    });
    const text = (await expl.innerText()).trim();
    log(`explanation (${text.length} chars): ${text.slice(0, 160).replace(/\s+/g, ' ')}…`);
    assert(text.length > 40, `the explanation is (nearly) empty: "${text}"`);
    const mentions = ['line_total', 'bulk_discount', 'unit_price', 'quantity', 'gross', 'discounted', 'round']
      .filter((w) => text.includes(w));
    assert(mentions.length >= 1,
      `the explanation mentions nothing from the selected code (line_total, bulk_discount, unit_price, ...):\n  ${text.slice(0, 500)}`);
    log(`explanation mentions: ${mentions.join(', ')}`);
    // The simulator refuses requests without the key: this answer came with it.
    const answered = (await simRequests()).filter((q) => q.status === 200);
    assert(answered.length > 0 && answered.every(sentKey), `the simulator's answered requests: ${answered.map(describeReq).join('; ')}`);
    const stop = frame.locator('#kimi-stop');
    assert(await stop.count(), 'the explain view has no #kimi-stop button');
    const stopLive = (await stop.isVisible()) && (await stop.isEnabled());
    log(`stop button once done: ${stopLive ? 'still enabled' : 'disabled or hidden'}`);
    assert(!stopLive, 'the explain view still offers Stop after "done"');
    await shot('explain.png');
  });

  // --- c. refactor: a proposal to review ------------------------------------------------
  // Three rewrites of order_total, all answered from the cassette with the same docstring:
  // the first is accepted with Ctrl+Enter and undone with ONE Ctrl+Z (VS Code's own undo),
  // the second rejected with Escape, the third accepted with the code lens (and undone
  // later with Kimi: Undo Last Kimi Edit). Between a refactor and its Ctrl+Z nothing saves
  // the file: a save closes VS Code's open undo step (textFileEditorModel.ts), which would
  // split the rewrite in two undo steps.
  const REFACTOR = { first: 21, last: 25 }; // def order_total ... return round(subtotal, 2)
  const originalLines = ORIGINAL.split('\n').slice(REFACTOR.first - 1, REFACTOR.last);
  const statusItem = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'Kimi' }).first();

  // Selects order_total and asks for a docstring; returns when the instruction is sent.
  async function refactorOrderTotal() {
    await page.locator(`.tabs-container .tab[data-resource-name="${FILE}"]`).first().click();
    await focusEditor();
    await selectLines(REFACTOR.first, REFACTOR.last);
    await runCommand('Kimi: Refactor Selection...');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await until('the refactor instruction input', async () => {
      if (!(await input.isVisible())) return false;
      const v = await input.inputValue();
      return !v.startsWith('>'); // the palette has closed and the extension's own input is up
    }, { timeout: T.medium });
    await input.fill('add a docstring');
    await page.keyboard.press('Enter');
    await until('the instruction input to close', async () => !(await input.isVisible()), { timeout: T.short });
  }

  // Waits for the whole proposal: the server's code lens "Accept (Kimi) | Reject" over it.
  // Returns what was seen on the way while Kimi wrote: the "Kimi is writing… Reject" lens,
  // and the most proposed lines drawn at once meanwhile.
  async function waitForProposal() {
    const streaming = { lens: false, lines: 0 };
    await until('the proposal\'s "Accept (Kimi)" code lens', async () => {
      const lens = await lensTexts();
      if (lens.some((t) => t.startsWith('Kimi is writing'))) {
        streaming.lens = true;
        streaming.lines = Math.max(streaming.lines, (await diffLines()).added.length);
      }
      return lens.includes('Accept (Kimi)') && lens.includes('Reject');
    }, {
      timeout: T.long, interval: 100,
      describe: async () => `code lens ${JSON.stringify(await lensTexts())}, notifications: ` +
        `${(await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).join(' | ') || '(none)'}`,
    });
    return streaming;
  }

  // Puts the cursor on line n of the proposal and waits until the extension says the review
  // keys work there (the status bar names them once kimi.proposalAtCursor is set).
  async function cursorInProposal(n) {
    await gotoLine(n);
    await until('the status bar to name the review keys', async () =>
      /Enter accepts, Escape rejects/.test(await statusItem.innerText({ timeout: 1000 })),
    { timeout: T.short, describe: () => statusItem.innerText() });
  }

  // The proposal is gone: no code lens, no decoration.
  async function proposalGone(why) {
    await until(`the proposal to go away (${why})`, async () => {
      const d = await diffLines();
      return (await lensTexts()).length === 0 && d.added.length === 0 && d.removed.length === 0;
    }, { timeout: T.medium, describe: async () => `code lens ${JSON.stringify(await lensTexts())}, diff ${JSON.stringify(await diffLines())}` });
  }

  // The saved file with the refactor accepted: only the selection changed, it has the
  // docstring, and its code is kept.
  function checkRefactored(text) {
    const before = ORIGINAL.split('\n');
    const after = text.split('\n');
    const head = before.slice(0, REFACTOR.first - 1);
    const tail = before.slice(REFACTOR.last);
    assert(after.slice(0, head.length).join('\n') === head.join('\n'),
      `the lines before the selection changed:\n${after.slice(0, head.length).join('\n')}`);
    assert(after.slice(after.length - tail.length).join('\n') === tail.join('\n'),
      `the lines after the selection changed:\n${text}`);
    const region = after.slice(head.length, after.length - tail.length).join('\n');
    log(`refactored region:\n${region}`);
    assert(region !== originalLines.join('\n'), 'the selection did not change');
    assert(region.includes('"""Order total'), `no docstring in the refactored selection:\n${region}`);
    assert(region.startsWith('def order_total('), `the function header is gone:\n${region}`);
    assert(region.split('\n').filter((l) => l.startsWith('def order_total(')).length === 1,
      `the original is still there next to the new text:\n${region}`);
    for (const keep of ['subtotal', 'VAT_RATE', 'return round(subtotal, 2)']) {
      assert(region.includes(keep), `the refactor lost "${keep}":\n${region}`);
    }
  }

  await step('refactor: the proposal shows as a diff', async () => {
    assert((await saveAndRead()) === ORIGINAL, 'the file is not the original before the refactor');
    // The explanation beside the code is done with: the editor gets the whole width.
    if (await explainTab.count()) {
      await explainTab.first().locator('.tab-actions .action-label').click({ force: true });
      await explainTab.first().waitFor({ state: 'detached', timeout: T.short });
    }
    await refactorOrderTotal();
    const streamed = await waitForProposal();
    // The diff: the proposed lines in the diff editor's "inserted" colour above the
    // original, which has the "removed" colour and is struck through; the code lens sits
    // over the first proposed line. (Read from the DOM: the file is not saved here.)
    let d;
    try {
      await until('the diff decorations of the proposal', async () => {
        d = await diffLines();
        return d.added.length > 0 && d.removed.length === originalLines.length;
      }, { timeout: T.medium, describe: async () => JSON.stringify({ ...d, rules: undefined }) });
    } finally {
      // What was looked at: the editor's lines and the decoration types' CSS.
      fs.writeFileSync(path.join(OUT, 'proposal-dom.html'),
        `<!-- ${(d?.rules ?? []).join('\n')} -->\n` + await page.locator(`${editorSel} .lines-content`).evaluate((e) => e.outerHTML));
    }
    log(`decoration classes: ${JSON.stringify(d.classes)}, theme colours: ${JSON.stringify(d.colours)}`);
    log(`proposed (inserted colour): ${JSON.stringify(d.added)}`);
    log(`original (removed colour): ${JSON.stringify(d.removed)}; struck through: ${d.struck.length} lines`);
    log(`while it streamed: "Kimi is writing… Reject" seen ${streamed.lens}, up to ${streamed.lines} proposed lines drawn`);
    assert(d.added[0].startsWith('def order_total('), `the first proposed line is not the new header: ${JSON.stringify(d.added)}`);
    assert(d.added.some((l) => l.includes('"""Order total')), `the proposed lines have no docstring: ${JSON.stringify(d.added)}`);
    assert(JSON.stringify(d.removed) === JSON.stringify(originalLines),
      `the lines marked removed are not the original:\n  ${JSON.stringify(d.removed)}\n  ${JSON.stringify(originalLines)}`);
    assert(JSON.stringify(d.struck) === JSON.stringify(originalLines), `the original is not struck through: ${JSON.stringify(d.struck)}`);
    const view = visible(await page.locator(`${editorSel} .view-lines`).innerText());
    assert(view.indexOf('"""Order total') < view.indexOf('    subtotal = sum(line_total(price, qty) for price, qty in lines)\n    if with_vat'),
      'the proposal is not above the original');
    // The editor title offers Accept and Reject while the document has a proposal.
    for (const label of ['Accept Change', 'Reject Change']) {
      const button = page.locator(`.editor-actions .action-label[aria-label^="Kimi: ${label}"], .editor-actions .action-label[aria-label^="${label}"]`);
      assert(await button.count(), `no "${label}" button in the editor title`);
    }
    await cursorInProposal(REFACTOR.first + 1);
    await shot('proposal.png');
  });

  await step('accept with Ctrl+Enter, then one Ctrl+Z restores the original', async () => {
    await focusEditor();
    await page.keyboard.press('Control+Enter');
    await proposalGone('accepted');
    checkRefactored(await saveAndRead());
    // VS Code's own undo, pressed once: the whole rewrite (every streamed line and the
    // acceptance) is one undo step.
    await focusEditor();
    await page.keyboard.press('Control+Z');
    let text = '';
    await until('the original file after one Ctrl+Z', async () => {
      text = await saveAndRead();
      return text === ORIGINAL;
    }, {
      timeout: T.short, interval: 300,
      describe: async () => `lines ${REFACTOR.first}-${REFACTOR.last + 8}: ${JSON.stringify(text.split('\n').slice(REFACTOR.first - 1, REFACTOR.last + 8))}`,
    });
    log('one Ctrl+Z: the file is the original again');
  });

  await step('reject with Escape', async () => {
    await clearNotifications(); // Escape would close them first
    await refactorOrderTotal();
    await waitForProposal();
    await cursorInProposal(REFACTOR.first + 3);
    await page.keyboard.press('Escape');
    await proposalGone('rejected');
    let text = '';
    await until('the original file after Reject', async () => (text = await saveAndRead()) === ORIGINAL, {
      timeout: T.short, interval: 300,
      describe: async () => JSON.stringify(text.split('\n').slice(REFACTOR.first - 1, REFACTOR.last + 8)),
    });
  });

  await step('accept with the code lens', async () => {
    await refactorOrderTotal();
    await waitForProposal();
    await lensLinks().filter({ hasText: 'Accept (Kimi)' }).first().click();
    await proposalGone('accepted');
    checkRefactored(await settledText());
    await gotoLine(REFACTOR.first);
    await shot('refactor.png');
  });

  // --- d. ghost text ------------------------------------------------------------------
  await step('ghost text', async () => {
    // the file ends with blank lines; write a new function on the last one (read until the
    // saved file says so: a read can meet a save still being written)
    let before = '';
    let lines = [];
    await until('the saved file to end with blank lines', async () => {
      before = await saveAndRead();
      lines = before.split('\n');
      return lines.length > 2 && lines[lines.length - 1] === '' && lines[lines.length - 2] === '';
    }, { timeout: T.short, interval: 300, describe: async () => `last lines: ${JSON.stringify(lines.slice(-4))}` });
    const last = lines.length;
    await gotoLine(last);
    const header = 'def has_discount(quantity: int) -> bool:';
    await page.keyboard.type(header, { delay: 15 });
    await page.keyboard.press('Enter'); // Python auto-indents the body
    const ghost = page.locator(`${editorSel} .ghost-text-decoration, ${editorSel} .ghost-text`);
    await until('ghost text to appear', async () => {
      const n = await ghost.count();
      if (!n) return false;
      const t = (await ghost.allInnerTexts()).join('').trim();
      return t.length > 0;
    }, { timeout: T.long, describe: async () => `current line: "${visible(await page.locator(`${editorSel} .view-lines`).innerText()).split('\n').slice(-3).join(' / ')}"` });
    fs.writeFileSync(path.join(OUT, 'ghost-dom.html'),
      (await ghost.evaluateAll((els) => els.map((e) => e.outerHTML))).join('\n'));
    const ghostText = visible(await ghostTextOf(page.locator(editorSel))).trim();
    log(`ghost text: "${ghostText}"`);
    await shot('ghost-text.png');
    await page.keyboard.press('Tab');
    // Accepted = the ghost text is in the document (another suggestion may show up at once
    // after it, so its disappearing proves nothing).
    const firstGhostLine = ghostText.split('\n')[0].trim();
    let added = [];
    let text = '';
    await until(`"${firstGhostLine}" in the document after Tab`, async () => {
      text = await saveAndRead();
      added = text.split('\n').slice(last - 1);
      return (added[1] ?? '').trim().startsWith(firstGhostLine);
    }, { timeout: T.short, interval: 300, describe: async () => JSON.stringify(added) });
    log(`new lines: ${JSON.stringify(added)}`);
    assert(added[0] === header, `the typed header is not on line ${last}: ${JSON.stringify(added[0])}`);
    assert(/^\s+\S/.test(added[1] ?? ''), `the accepted body is not indented: ${JSON.stringify(added[1])}`);
    assert(text.startsWith(before.split('\n').slice(0, last - 1).join('\n')), 'the rest of the file changed');
  });

  // --- undo: puts back what the refactor replaced, keeps the later ghost-text edit ----------
  await step('undo last Kimi edit', async () => {
    const before = await saveAndRead();
    const original = ORIGINAL.split('\n').slice(REFACTOR.first - 1, REFACTOR.last).join('\n');
    assert(!before.includes(original), 'order_total is already in its original form before the undo');
    await runCommand('Kimi: Undo Last Kimi Edit');
    // Wait for the restored function (not for the first change: a read may meet a save
    // still being written); fails with what the file and the notifications said.
    let text = before;
    await until('the refactored function to be restored', async () => {
      text = await saveAndRead();
      return text.includes(original);
    }, {
      timeout: T.medium,
      interval: 500,
      describe: async () => `changed=${text !== before}, lines ${REFACTOR.first}-${REFACTOR.last + 6}: ` +
        `${JSON.stringify(text.split('\n').slice(REFACTOR.first - 1, REFACTOR.last + 6))}, notifications: ` +
        `${(await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).join(' | ') || '(none)'}`,
    });
    assert(!text.includes('"""Order total') && text.split('"""').length === ORIGINAL.split('"""').length,
      `a docstring is left after undo:\n${text}`);
    assert(text.startsWith(ORIGINAL.replace(/\n+$/, '')), 'the original part of the file is not back exactly');
    assert(text.includes('def has_discount(quantity: int) -> bool:\n'), 'the undo also removed the later ghost-text edit');
  });

  // --- e. usage -----------------------------------------------------------------------
  await step('usage and cost', async () => {
    await runCommand('Kimi: Show Usage and Cost');
    const where = page.locator('.notifications-toasts .notification-toast');
    const text = await until('a notification (or list) showing the cost', async () => {
      const all = (await where.allInnerTexts()).join('\n');
      return /\$\s?\d|cost/i.test(all) ? all : false;
    }, { timeout: T.medium, describe: async () => (await where.allInnerTexts()).join(' | ') || '(nothing shown)' });
    log(`usage: ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
    // The status bar item shows the same session cost once it has caught up.
    const cost = /\$\s?(\d+(?:\.\d+)?)/.exec(text)?.[1];
    if (cost) {
      const item = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'Kimi' }).first();
      await until(`the status bar to show $${cost}`, async () => (await item.innerText()).includes(cost),
        { timeout: T.short, describe: () => item.innerText() });
    }
    await shot('usage.png');
  });

  // --- stop an explanation while it streams --------------------------------------------
  await step('stop a streaming explanation', async () => {
    await clearNotifications(); // the usage one, out of the screenshot
    await page.locator(`.tabs-container .tab[data-resource-name="${FILE}"]`).first().click();
    await focusEditor();
    const seen = (await simRequests()).length;
    // The whole file: the longest explanation the sample gives.
    await page.keyboard.press('Control+A');
    await runCommand('Kimi: Explain Selection');
    let frame;
    let text = '';
    let sawStreaming = false;
    const describe = async () => {
      const f = await frameWith('#kimi-status');
      return f ? `status="${(await f.locator('#kimi-status').innerText()).trim()}", ${(await f.locator('#kimi-explanation').innerText()).length} chars` : '(no view)';
    };
    // The view is reused: its page is replaced, so look for the frame again at each poll.
    await until('#kimi-status "streaming…" with some text shown', async () => {
      frame = await frameWith('#kimi-status');
      if (!frame) return false;
      const st = (await frame.locator('#kimi-status').innerText({ timeout: 1000 })).trim();
      text = await frame.locator('#kimi-explanation').innerText({ timeout: 1000 });
      // Until the new explanation starts, the reused view still says "done" from the last one.
      if (st.startsWith('streaming')) sawStreaming = true;
      else if (sawStreaming) fail(`the explanation ended ("${st}") before Stop could be pressed (the simulator's --pace is too fast?)`);
      return sawStreaming && text.trim().length > 120;
    }, { timeout: T.long, interval: 100, describe });
    const stop = frame.locator('#kimi-stop');
    assert(await stop.isEnabled(), 'Stop is disabled while streaming');
    const shownAtClick = text.length;
    await stop.click();
    const tClick = Date.now();
    await until('#kimi-status to say "cancelled"', async () => {
      const st = (await frame.locator('#kimi-status').innerText({ timeout: 1000 })).trim();
      if (st === 'done') fail('the explanation ran to the end after Stop');
      return st === 'cancelled';
    }, { timeout: T.short, interval: 100, describe });
    log(`cancelled ${Date.now() - tClick} ms after Stop, ${shownAtClick} chars shown at the click`);
    assert(!(await stop.isEnabled()), 'Stop is still enabled once cancelled');
    // The server dropped the model request: the simulator saw the client go away mid-stream.
    // (An explain may take several model turns, e.g. a read_file tool call first: the one
    // streaming at the click is the one that must be dropped.)
    const req = await until('the simulator to see the explain request disconnected', async () =>
      (await simRequests()).slice(seen).filter(isExplainReq).find((q) => q.client_disconnected),
    { timeout: T.short, describe: async () => (await simRequests()).slice(seen).map((q) => `${isExplainReq(q) ? 'explain' : 'other'}: ${describeReq(q)}`).join('; ') || '(no request)' });
    const streamed = req.chunk_times.map(([, c]) => c).join('');
    log(`simulator: ${describeReq(req)}; it had sent ${streamed.length} chars when the client went away`);
    assert(sentKey(req), 'the stopped request did not carry the key');
    // And the view stays as it was.
    const after1 = await frame.locator('#kimi-explanation').innerText();
    await new Promise((r) => setTimeout(r, 1000)); // a deliberate observation window, not a sync
    const after2 = await frame.locator('#kimi-explanation').innerText();
    assert(after1 === after2, `the explanation kept growing after Stop (${after1.length} → ${after2.length} chars)`);
    assert((await frame.locator('#kimi-status').innerText()).trim() === 'cancelled', 'the status changed after "cancelled"');
    log(`view after Stop: ${after2.length} chars, unchanged over 1 s`);
    await shot('stopped.png');
  });

  // --- g. a change across files: Edit Workspace, review, accept, undo ------------------
  // The cassette's answer to "Rename line_total to price_line ...": the model searches, then
  // renames line_total in pricing.py (open in the editor) and checkout.py (never opened)
  // and creates test_checkout.py. The change is reviewed in VS Code's multi-file diff;
  // nothing is written before Accept. An accepted change is saved as VS Code saves a
  // refactoring (the extension marks its applyEdit so), so the files are read from disk
  // (pricing.py is saved first only if its editor is dirty: saveAndRead).
  const CHECKOUT_PATH = path.join(args.workspace, 'checkout.py');
  const TEST_PATH = path.join(args.workspace, 'test_checkout.py');
  const RENAME = 'Rename line_total to price_line everywhere and add a test of receipt';
  const changesTab = page.locator('.tabs-container .tab', { hasText: 'Kimi: Rename line_total' });
  const multiDiff = page.locator('.editor-instance .multiDiffEditor, .editor-instance .monaco-component.multiDiffEditor').first();
  const toasts = page.locator('.notifications-toasts .notification-toast');
  const readIfThere = (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null);
  let before; // the three files when the edits start

  const renamed = () => ({
    pricing: before.pricing.replace('def line_total(', 'def price_line(').replace('sum(line_total(price, qty)', 'sum(price_line(price, qty)'),
    checkout: before.checkout
      .replace('from pricing import line_total, order_total', 'from pricing import order_total, price_line')
      .replace('{line_total(price, qty):.2f}', '{price_line(price, qty):.2f}'),
  });

  // Runs Kimi: Edit Workspace... with `instruction` from the pricing.py editor (cursor on
  // line_total's definition); returns once the instruction is sent.
  async function editWorkspace(instruction) {
    await page.locator(`.tabs-container .tab[data-resource-name="${FILE}"]`).first().click();
    await gotoLine(15);
    await runCommand('Kimi: Edit Workspace...');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await until('the Edit Workspace instruction input', async () =>
      (await input.isVisible()) && !(await input.inputValue()).startsWith('>'), { timeout: T.medium });
    const title = (await page.locator('.quick-input-widget .quick-input-title').innerText()).trim();
    assert(title.includes('Edit Workspace'), `the input box is not Edit Workspace's: title "${title}"`);
    await input.fill(instruction);
    await page.keyboard.press('Enter');
    await until('the instruction input to close', async () => !(await input.isVisible()), { timeout: T.short });
  }

  // The files on disk are still as they were before the edits.
  async function filesUnchanged(why) {
    let now = {};
    await until(`every file as it was (${why})`, async () => {
      now = { pricing: await saveAndRead(), checkout: readIfThere(CHECKOUT_PATH), test: readIfThere(TEST_PATH) };
      return now.pricing === before.pricing && now.checkout === before.checkout && now.test === null;
    }, { timeout: T.medium, interval: 300, describe: async () => JSON.stringify({ pricingSame: now.pricing === before.pricing, checkout: now.checkout, test: now.test }) });
  }

  // Waits for the review: the multi-file diff titled after the instruction, listing the
  // three files, with the proposed text on its inserted side; returns the diff's text.
  async function waitForChangesView() {
    await until('the changes view of the proposal (a "Kimi: Rename line_total" tab)', async () =>
      (await changesTab.count()) > 0 && (await multiDiff.isVisible()), {
      timeout: T.long,
      describe: async () => `tabs ${JSON.stringify((await page.locator('.tabs-container .tab').allInnerTexts()).map((t) => t.trim()))}, ` +
        `notifications: ${(await toasts.allInnerTexts()).join(' | ') || '(none)'}`,
    });
    // Each file is a diff editor: the original's lines on the left (.editor.original), the
    // proposed ones on the right (.editor.modified).
    let sides = {};
    await until('the changes view to show the three files, line_total on the left and price_line on the right', async () => {
      sides = await multiDiff.evaluate((e) => {
        const text = (sel) => [...e.querySelectorAll(sel)].map((x) => x.textContent.replace(/\u00a0/g, ' ')).join('\n');
        return { all: e.innerText.replace(/\u00a0/g, ' '), original: text('.editor.original .view-lines'), modified: text('.editor.modified .view-lines') };
      });
      return ['pricing.py', 'checkout.py', 'test_checkout.py'].every((f) => sides.all.includes(f)) &&
        sides.original.includes('def line_total(') && sides.modified.includes('def price_line(') &&
        sides.modified.includes('from pricing import order_total, price_line') && sides.modified.includes('def test_receipt_') &&
        !sides.modified.includes('line_total');
    }, { timeout: T.medium, describe: async () => JSON.stringify({ files: sides.all?.match(/\w+\.py/g), original: sides.original?.slice(0, 200), modified: sides.modified?.slice(0, 300) }) });
    return sides.all;
  }

  // Clicks a button of the changes view's title bar ("Accept All Files", ...).
  async function changesButton(label) {
    const button = page.locator(`.editor-actions .action-label[aria-label^="Kimi: ${label}"], .editor-actions .action-label[aria-label^="${label}"]`).first();
    await until(`the "${label}" button in the changes view's title bar`, async () => (await button.count()) > 0 && (await button.isVisible()), {
      timeout: T.short,
      describe: async () => (await page.locator('.editor-actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).join(' | '),
    });
    await button.click();
  }

  await step('edit workspace: the change shows as a multi-file diff, nothing written', async () => {
    await clearNotifications();
    if (await explainTab.count()) {
      await explainTab.first().locator('.tab-actions .action-label').click({ force: true });
      await explainTab.first().waitFor({ state: 'detached', timeout: T.short });
    }
    before = { pricing: await saveAndRead(), checkout: fs.readFileSync(CHECKOUT_PATH, 'utf8') };
    assert(!fs.existsSync(TEST_PATH), 'test_checkout.py exists before the edit');
    assert(before.pricing.includes('def line_total(') && before.checkout.includes('line_total'), 'the files do not use line_total before the edit');
    const seen = (await simRequests()).length;
    await editWorkspace(RENAME);
    // The notification says what Kimi proposes, with the review's buttons (looked at first:
    // an information toast hides after a while).
    const offer = toasts.filter({ hasText: 'Kimi proposes changes to 3 files' });
    await until('the notification of the proposal', async () => (await offer.count()) > 0, {
      timeout: T.long, describe: async () => (await toasts.allInnerTexts()).join(' | ') || '(none)' });
    let shown;
    try {
      shown = await waitForChangesView();
    } finally {
      if (await multiDiff.count()) fs.writeFileSync(path.join(OUT, 'changes-dom.html'), await multiDiff.evaluate((e) => e.outerHTML));
    }
    log(`changes view: ${shown.replace(/\s+/g, ' ').slice(0, 300)}…`);
    const offerText = (await offer.first().innerText()).replace(/\s+/g, ' ');
    log(`notification: "${offerText}"`);
    for (const label of ['Accept All', 'Accept Files...', 'Reject All']) {
      assert(await offer.first().locator('.monaco-button', { hasText: label }).count(), `the notification has no "${label}" button: "${offerText}"`);
    }
    // The model was asked with the user's place: the request carried the instruction and pricing.py.
    const reqs = (await simRequests()).slice(seen);
    const first = JSON.stringify(reqs[0]?.body?.messages ?? '');
    assert(first.includes(`Change requested: ${RENAME}`) && first.includes('pricing.py'), `the first edit request lacks the instruction or the user's file: ${first.slice(0, 300)}`);
    log(`${reqs.length} model requests (read, edit, summary), every one with the key: ${reqs.every(sentKey)}`);
    assert(reqs.length >= 3 && reqs.every(sentKey), `the edit's model requests: ${reqs.map(describeReq).join('; ')}`);
    // The screenshot once the notification has slid in.
    await until('the notification to be in view', async () => {
      const box = await offer.first().boundingBox();
      return box !== null && box.y + box.height <= page.viewportSize().height - 20;
    }, { timeout: T.short });
    await shot('edit-review.png');
    // Nothing is written while the change waits.
    await filesUnchanged('while the change waits for review');
  });

  await step('accept all: every file changed, one new file; undo restores them all', async () => {
    await changesButton('Accept All Files');
    await until('the changes view to close', async () => (await changesTab.count()) === 0, { timeout: T.medium });
    const want = renamed();
    let now = {};
    await until('the renamed files and the new test on disk', async () => {
      now = { pricing: await saveAndRead(), checkout: readIfThere(CHECKOUT_PATH), test: readIfThere(TEST_PATH) };
      return now.pricing === want.pricing && now.checkout === want.checkout && (now.test ?? '').includes('def test_receipt_');
    }, { timeout: T.medium, interval: 300, describe: async () => JSON.stringify({ pricingRenamed: now.pricing === want.pricing, checkout: now.checkout, test: now.test }) });
    log(`accepted: pricing.py and checkout.py renamed, test_checkout.py created (${now.test.length} chars)`);
    const done = toasts.filter({ hasText: 'Kimi changed 3 files' });
    await until('the notification that the change was applied', async () => (await done.count()) > 0, {
      timeout: T.short, describe: async () => (await toasts.allInnerTexts()).join(' | ') || '(none)' });
    // (No refactor preview of VS Code's came on top of the extension's review: it would have
    // held the change until its Apply button was pressed, and nothing here presses it.)
    await clearNotifications();
    await runCommand('Kimi: Undo Last Kimi Edit');
    await filesUnchanged('after Undo Last Kimi Edit');
    log('undone: both files back exactly, test_checkout.py deleted');
  });

  await step('accept files: only the files chosen', async () => {
    await editWorkspace(RENAME);
    await waitForChangesView();
    await changesButton('Accept Files...');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await until('the checklist of the three files', async () => (await rows.count()) === 3, {
      timeout: T.short, describe: async () => (await rows.allInnerTexts()).join(' | ') });
    log(`checklist: ${(await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ')).join(' | ')}`);
    // Uncheck the new test (a click on its row toggles it): only the rename is accepted.
    const count = page.locator('.quick-input-widget .quick-input-count');
    await rows.filter({ hasText: 'test_checkout.py' }).first().click();
    await until('two files checked', async () => /\b2 Selected/i.test(await count.innerText({ timeout: 1000 })), {
      timeout: T.short,
      describe: async () => `${await count.innerText().catch(() => '?')}; ${await page.locator('.quick-input-widget').evaluate((e) => e.outerHTML.slice(0, 3000))}`,
    });
    await page.keyboard.press('Enter');
    await until('the changes view to close', async () => (await changesTab.count()) === 0, { timeout: T.medium });
    const want = renamed();
    let now = {};
    await until('the renamed files on disk, and no test file', async () => {
      now = { pricing: await saveAndRead(), checkout: readIfThere(CHECKOUT_PATH), test: readIfThere(TEST_PATH) };
      return now.pricing === want.pricing && now.checkout === want.checkout;
    }, { timeout: T.medium, interval: 300, describe: async () => JSON.stringify({ pricingRenamed: now.pricing === want.pricing, checkout: now.checkout, test: now.test }) });
    assert(now.test === null, 'test_checkout.py was created although it was left out');
    await clearNotifications();
    await runCommand('Kimi: Undo Last Kimi Edit');
    await filesUnchanged('after undoing the files accepted');
  });

  await step('reject all: nothing changed', async () => {
    await editWorkspace(RENAME);
    await waitForChangesView();
    await changesButton('Reject All Files');
    await until('the changes view to close', async () => (await changesTab.count()) === 0, { timeout: T.medium });
    await filesUnchanged('after Reject All');
  });

  await step('cancel an edit while the model writes: nothing changed', async () => {
    await clearNotifications();
    const seen = (await simRequests()).length;
    await editWorkspace('Add type hints to every function');
    const progress = toasts.filter({ hasText: 'Kimi: editing the workspace' });
    // The model's words show under the title while it writes (the answer is long and slow).
    await until('the progress notification to show what the model writes', async () =>
      (await progress.count()) > 0 && /pricing|checkout|type hints|line_total/.test((await progress.first().innerText()).replace('Kimi: editing the workspace', '')), {
      timeout: T.long, interval: 100, describe: async () => (await toasts.allInnerTexts()).join(' | ') || '(none)' });
    log(`progress: "${(await progress.first().innerText()).replace(/\s+/g, ' ')}"`);
    await progress.first().locator('.monaco-button', { hasText: 'Cancel' }).click();
    await until('the progress notification to go', async () => (await progress.count()) === 0, { timeout: T.short });
    const req = await until('the simulator to see the edit request disconnected', async () =>
      (await simRequests()).slice(seen).find((q) => q.client_disconnected),
    { timeout: T.short, describe: async () => (await simRequests()).slice(seen).map(describeReq).join('; ') || '(no request)' });
    log(`cancelled: the simulator saw the client go after ${req.chunk_times.length} chunks`);
    await filesUnchanged('after Cancel');
  });

  // --- f. logs ------------------------------------------------------------------------
  await step('logs clean and nothing went online', async () => {
    logsScanned = true;
    const fatal = await scanLogs();
    log(`${requestCount} browser requests, ${offHost.size} off this machine`);
    assert(requestCount > 0, 'no browser request was seen: the offline check would prove nothing');
    assert(offHost.size === 0, `the browser asked for ${offHost.size} address(es) off this machine:\n  ${[...offHost].slice(0, 10).join('\n  ')}`);
    assert(fatal.length === 0, `the logs show ${fatal.length} problem(s):\n  ${fatal.slice(0, 10).join('\n  ')}`);
  });

  // --- the key is nowhere on disk ---------------------------------------------------------
  await step('the API key is nowhere on disk', async () => {
    assert(kimiLog().includes('(API key from secret storage)'), 'Kimi.log does not say the key came from secret storage');
    // Close the browser first so that its profile and the console log are complete.
    await browser.close();
    browser = undefined;
    await new Promise((r) => consoleLog.end(r));
    // Everything under OUT: settings.json and the rest of user-data (logs, Kimi.log, exthost
    // logs, globalStorage), code-server.log, browser-console.log, simulator.log, the
    // screenshots' sibling files (ghost-dom.html), home/xdg dirs, and the chromium profile.
    // Nothing is excluded: code-server's SecretStorage is the browser's localStorage
    // ("secrets.provider", in chromium-profile/Default/Local Storage), and it holds the key
    // sealed with AES-GCM (the key half the server keeps is user-data/serve-web-key-half), so
    // the plain key must not be there either. run.sh greps again after code-server stops.
    const needles = [Buffer.from(API_KEY), Buffer.from(API_KEY, 'utf16le')];
    const leaks = [];
    let files = 0;
    let bytes = 0;
    const walk = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) {
          let buf;
          try { buf = fs.readFileSync(p); } catch { continue; }
          files++;
          bytes += buf.length;
          if (needles.some((n) => buf.includes(n))) leaks.push(path.relative(OUT, p));
        }
      }
    };
    walk(OUT);
    log(`scanned ${files} files (${(bytes / 1e6).toFixed(1)} MB) under ${OUT}: the key is in ${leaks.length}`);
    assert(files > 20 && fs.existsSync(path.join(OUT, 'user-data', 'User', 'settings.json')), 'the scan saw too little');
    assert(leaks.length === 0, `the API key was written to:\n  ${leaks.join('\n  ')}`);
  });

  await finish(0);
}

main().catch(async (e) => {
  console.error(`[e2e] unexpected error: ${e.stack}`);
  await finish(1);
});
