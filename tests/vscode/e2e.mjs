// The real VS Code end-to-end test for the kimi-lsp extension.
//
// Drives code-server (VS Code 1.100 in the browser) with Playwright in Debian's chromium,
// like a user: Quick Open, the command palette, the keyboard. The extension runs the real
// kimi-lsp server, which answers from its built-in simulator on 127.0.0.1.
//
// Started by run.sh:  node e2e.mjs --url URL --workspace DIR --out DIR --logs DIR
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
    headed: { type: 'boolean', default: false },
  },
});
for (const k of ['url', 'workspace', 'out']) {
  if (!args[k]) { console.error(`e2e.mjs: --${k} is required`); process.exit(2); }
}

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
    console.error(`\n[e2e] FAILED step "${name}" after ${secs} s:\n  ${e instanceof Failure ? e.message : e.stack}`);
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
// again, so Ctrl+S is pressed again while it stays dirty.
async function saveAndRead() {
  let pressed = 0;
  await until('the editor to be saved', async () => {
    if (pressed && !(await isDirty())) return true;
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
  return fs.readFileSync(FILE_PATH, 'utf8');
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

// ---- the test ----------------------------------------------------------------------------

let logsScanned = false;
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
  console.log(code === 0 ? '[e2e] PASS' : '[e2e] FAIL');
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

const WATCHDOG_S = Number(process.env.KIMI_E2E_TIMEOUT || 300);

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  setTimeout(async () => {
    console.error(`\n[e2e] FAILED: the whole test took longer than ${WATCHDOG_S} s`);
    try { console.error(`[e2e] screenshot: ${await shot('fail-watchdog.png')}`); } catch { /* no page */ }
    await finish(1);
  }, WATCHDOG_S * 1000).unref();
  const consoleLog = fs.createWriteStream(path.join(OUT, 'browser-console.log'));

  await step('launch chromium', async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: !args.headed,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-quic', '--disable-features=Translate,OptimizationHints,MediaRouter',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
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
    page = await context.newPage();
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

  // --- b. explain ---------------------------------------------------------------------
  const EXPLAIN = { first: 15, last: 18 }; // def line_total ... return round(discounted, 2)
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
    const stop = frame.locator('#kimi-stop');
    assert(await stop.count(), 'the explain view has no #kimi-stop button');
    const stopLive = (await stop.isVisible()) && (await stop.isEnabled());
    log(`stop button once done: ${stopLive ? 'still enabled' : 'disabled or hidden'}`);
    assert(!stopLive, 'the explain view still offers Stop after "done"');
    await shot('explain.png');
  });

  // --- c. refactor --------------------------------------------------------------------
  const REFACTOR = { first: 21, last: 25 }; // def order_total ... return round(subtotal, 2)
  await step('refactor selection', async () => {
    // back to the editor (the explain panel may have the focus / sit beside it)
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
    await until('the editor text to change', async () => (await isDirty()) || fs.readFileSync(FILE_PATH, 'utf8') !== ORIGINAL,
      { timeout: T.long });
    const text = await settledText();
    const before = ORIGINAL.split('\n');
    const after = text.split('\n');
    const head = before.slice(0, REFACTOR.first - 1);
    const tail = before.slice(REFACTOR.last);
    assert(after.slice(0, head.length).join('\n') === head.join('\n'),
      `the lines before the selection changed:\n${after.slice(0, head.length).join('\n')}`);
    assert(after.slice(after.length - tail.length).join('\n') === tail.join('\n'),
      `the lines after the selection changed`);
    const region = after.slice(head.length, after.length - tail.length).join('\n');
    const old = before.slice(REFACTOR.first - 1, REFACTOR.last).join('\n');
    log(`refactored region:\n${region}`);
    assert(region !== old, 'the selection did not change');
    assert(region.includes('"""') || region.includes("'''"), `no docstring in the refactored selection:\n${region}`);
    assert(region.startsWith('def order_total('), `the function header is gone:\n${region}`);
    for (const keep of ['subtotal', 'VAT_RATE', 'return round(subtotal, 2)']) {
      assert(region.includes(keep), `the refactor lost "${keep}":\n${region}`);
    }
    await gotoLine(REFACTOR.first);
    await shot('refactor.png');
  });

  // --- d. ghost text ------------------------------------------------------------------
  await step('ghost text', async () => {
    const before = await saveAndRead();
    const lines = before.split('\n');
    // the file ends with blank lines; write a new function on the last one
    const last = lines.length;
    assert(lines[last - 1] === '' && lines[last - 2] === '', 'the sample should end with blank lines');
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
    await until(`"${firstGhostLine}" in the document after Tab`, async () => {
      const t = await saveAndRead();
      added = t.split('\n').slice(last - 1);
      return (added[1] ?? '').trim().startsWith(firstGhostLine);
    }, { timeout: T.short, interval: 300, describe: async () => JSON.stringify(added) });
    const text = fs.readFileSync(FILE_PATH, 'utf8');
    log(`new lines: ${JSON.stringify(added)}`);
    assert(added[0] === header, `the typed header is not on line ${last}: ${JSON.stringify(added[0])}`);
    assert(/^\s+\S/.test(added[1] ?? ''), `the accepted body is not indented: ${JSON.stringify(added[1])}`);
    assert(text.startsWith(before.split('\n').slice(0, last - 1).join('\n')), 'the rest of the file changed');
  });

  // --- undo: puts back what the refactor replaced, keeps the later ghost-text edit ----------
  await step('undo last Kimi edit', async () => {
    const before = await saveAndRead();
    await runCommand('Kimi: Undo Last Kimi Edit');
    const text = await until('the refactored function to be restored', async () => {
      const t = await saveAndRead();
      return t !== before ? t : false;
    }, { timeout: T.medium, interval: 500 });
    const original = ORIGINAL.split('\n').slice(REFACTOR.first - 1, REFACTOR.last).join('\n');
    assert(text.includes(original), `order_total was not restored:\n${text}`);
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

  // --- f. logs ------------------------------------------------------------------------
  await step('logs clean and nothing went online', async () => {
    logsScanned = true;
    const fatal = await scanLogs();
    log(`${requestCount} browser requests, ${offHost.size} off this machine`);
    assert(requestCount > 0, 'no browser request was seen: the offline check would prove nothing');
    assert(offHost.size === 0, `the browser asked for ${offHost.size} address(es) off this machine:\n  ${[...offHost].slice(0, 10).join('\n  ')}`);
    assert(fatal.length === 0, `the logs show ${fatal.length} problem(s):\n  ${fatal.slice(0, 10).join('\n  ')}`);
  });

  await finish(0);
}

main().catch(async (e) => {
  console.error(`[e2e] unexpected error: ${e.stack}`);
  await finish(1);
});
