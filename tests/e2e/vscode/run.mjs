// The checks of scripts/vscode-e2e, in a real VS Code (code-server) in Debian's chromium, driven
// by playwright-core. scripts/vscode-e2e installs the .vsix, starts code-server on a copy of
// tests/e2e/vscode/vault and sets:
//   SRLS_E2E_URL          the workbench URL (with ?folder=<vault>)
//   SRLS_E2E_VAULT        the vault copy (its files are read back from disk)
//   SRLS_E2E_SHOTS        where screenshots go
//   SRLS_E2E_BROWSER      the chromium binary
//   SRLS_E2E_BROWSER_DATA a fresh browser profile folder
// Prints "ok - ..." / "not ok - ..." per check and "vscode-e2e: N passed, N failed"; exits 1 on
// any failure. Webview text is read from the page's child frames.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

const env = process.env;
const URL = env.SRLS_E2E_URL;
const VAULT = env.SRLS_E2E_VAULT;
const SHOTS = env.SRLS_E2E_SHOTS ?? 'target/vscode-e2e';
const TIMEOUT = Number(env.SRLS_E2E_TIMEOUT_MS ?? 30000);
/** full: every check (the .vsix with srls bundled); setting: the plain .vsix finds srls through srls.server.path. */
const MODE = env.SRLS_E2E_MODE ?? 'full';
if (!URL || !VAULT) throw new Error('run by scripts/vscode-e2e (SRLS_E2E_URL and SRLS_E2E_VAULT are needed)');

const TODAY = '2025-01-03';
const ORIGINAL = {
  paris: '<!--SR:!2025-01-01,3,250-->',
  berlin: '<!--SR:!2025-01-02,3,250-->',
  print: '<!--SR:!2025-01-02,3,250-->',
  dot: '<!--SR:!2025-01-03,4,230-->',
};
/** What `srls grade geo.md:5 good --today 2025-01-03` writes for Paris (load balanced over the vault). */
const PARIS_GOOD = '<!--SR:!2025-01-11,8,250-->';

/** Ends a shorter run early, with its checks passed. */
class Done extends Error {}

let passed = 0;
let failed = 0;
let shot = 0;
const started = Date.now();

function log(s) {
  process.stdout.write(`${s}\n`);
}

async function screenshot(page, name) {
  shot += 1;
  const file = path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  try {
    await page.screenshot({ path: file });
  } catch (err) {
    log(`  (no screenshot ${file}: ${err.message})`);
  }
  return file;
}

async function check(page, name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed += 1;
    log(`ok - ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    await screenshot(page, name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60));
  } catch (err) {
    failed += 1;
    log(`not ok - ${name}`);
    for (const line of String(err?.stack ?? err).split('\n').slice(0, 8)) log(`  ${line}`);
    const file = await screenshot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 50)}`);
    log(`  screenshot: ${file}`);
  }
}

/** Polls `probe` until it returns something other than undefined/false, or fails after `ms`. */
async function until(what, probe, ms = TIMEOUT) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false && v !== null) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const read = (name) => fs.readFileSync(path.join(VAULT, name), 'utf8');
/** The scheduling comment on the line after the card that starts with `front`. */
function commentAfter(text, front) {
  const lines = text.split('\n');
  let i = lines.findIndex((l) => l.startsWith(front));
  assert.ok(i >= 0, `no card "${front}"`);
  // A multi-line card: its comment is the first SR comment below it.
  for (i += 1; i < lines.length; i++) if (lines[i].startsWith('<!--SR:')) return lines[i];
  throw new Error(`no scheduling comment below "${front}"`);
}

/** Today plus `days`, as the plugin writes it. */
function plusDays(days) {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Checks a comment written for Good: due after today, the interval of the Good button. */
function assertScheduled(comment, buttonInterval, what) {
  const m = /^<!--SR:!(\d{4}-\d{2}-\d{2}),(\d+),(\d+)-->$/.exec(comment);
  assert.ok(m, `${what}: not a plugin comment: ${comment}`);
  const days = Number(m[2]);
  assert.equal(m[1], plusDays(days), `${what}: due date is today + interval`);
  const shown = /^(\d+)d$/.exec(buttonInterval ?? '');
  if (shown) assert.equal(days, Number(shown[1]), `${what}: the interval the button showed (${buttonInterval})`);
}

// --- VS Code UI helpers -------------------------------------------------------------------------

async function quickInput(page, prefixKey, text) {
  await page.keyboard.press(prefixKey);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: TIMEOUT });
  await input.fill(text);
  return input;
}

async function runCommand(page, title) {
  await quickInput(page, 'F1', `>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.keyboard.press('Enter');
}

async function openFile(page, name) {
  await quickInput(page, 'Control+P', name);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label*="${name}"]`).first().waitFor({ timeout: TIMEOUT });
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: TIMEOUT });
}

/** The text of the visible editor's lines (inlay hints are part of it). */
async function editorText(page) {
  const t = await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText();
  return t.replace(/\u00a0/g, ' ');
}

/** Puts the cursor on a 1-based line through Go to Line. */
async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: TIMEOUT });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: TIMEOUT });
}

async function statusBarText(page) {
  return page.locator('#workbench\\.parts\\.statusbar').innerText();
}

/** The review panel's frame: the webview frame that holds #root with a view drawn in it. */
async function reviewFrame(page) {
  return until('the review panel', async () => {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      try {
        if ((await f.locator('#root header.top').count()) > 0) return f;
      } catch {
        // A frame that went away while we looked.
      }
    }
    return undefined;
  });
}

async function panelState(frame) {
  return frame.evaluate(() => {
    const root = document.getElementById('root');
    const text = (sel) => root.querySelector(sel)?.textContent ?? null;
    return {
      phase: root.dataset.phase ?? null,
      deck: text('.deck'),
      counts: text('[data-role="counts"]'),
      question: text('[data-role="question"]'),
      answer: text('[data-role="answer"]'),
      notice: text('.notice'),
      done: text('[data-role="done"]'),
      buttons: [...root.querySelectorAll('button.grade')].map((b) => b.textContent),
      busy: [...root.querySelectorAll('button.grade, button.reveal')].some((b) => b.disabled),
    };
  });
}

async function waitPanel(frame, what, pred) {
  return until(what, async () => {
    const s = await panelState(frame);
    return pred(s) && !s.busy ? s : undefined;
  });
}

/** The interval on a grade button (`Good` `8 day(s)` → `8 day(s)`). */
async function buttonInterval(frame, response) {
  return frame.locator(`button[data-response="${response}"] .interval`).textContent();
}

// --- the run -------------------------------------------------------------------------------------

const browser = await chromium.launchPersistentContext(env.SRLS_E2E_BROWSER_DATA, {
  executablePath: env.SRLS_E2E_BROWSER ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
  ],
  viewport: { width: 1400, height: 900 },
});
const page = browser.pages()[0] ?? (await browser.newPage());
page.setDefaultTimeout(TIMEOUT);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
const cspViolations = [];
page.on('console', (m) => {
  // Only the webviews' (the workbench's own CSP refuses the dead extension gallery, as it should).
  const where = m.location()?.url ?? '';
  if (/\/webview\//.test(where) && /Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(`${where}: ${m.text()}`);
});

try {
  await check(page, 'the workbench opens the vault', async () => {
    await page.goto(URL);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60000 });
  });

  await check(page, 'the status bar shows the vault\'s due count', async () => {
    const text = await until('"4 due" in the status bar', async () => {
      const t = await statusBarText(page);
      return /\b4 due\b/.test(t) ? t : undefined;
    }, 60000);
    assert.match(text, /4 due/);
  });

  await check(page, `the server was started ${MODE === 'setting' ? 'from srls.server.path' : 'from the .vsix'}`, async () => {
    const logs = [];
    const walk = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/srls\.log$/.test(e.name)) logs.push(fs.readFileSync(p, 'utf8'));
      }
    };
    await until('the srls output log', async () => {
      logs.length = 0;
      walk(env.SRLS_E2E_LOGS);
      return logs.some((l) => /srls: starting /.test(l));
    });
    const line = logs.join('\n').split('\n').find((l) => l.startsWith('srls: starting '));
    assert.match(line, MODE === 'setting' ? /\(from setting\)$/ : /\/server\/srls \(from bundled\)$/);
  });

  if (MODE === 'setting') throw new Done();

  await check(page, 'inlay hints on screen after each card', async () => {
    await openFile(page, 'geo.md');
    const text = await until('the inlay hints in geo.md', async () => {
      const t = await editorText(page);
      return /overdue 2d/.test(t) && /overdue 1d/.test(t) ? t : undefined;
    });
    assert.match(text, /<!--SR:!2025-01-01,3,250-->\s*overdue 2d/);
    assert.match(text, /<!--SR:!2025-01-02,3,250-->\s*overdue 1d/);
  });

  await check(page, 'code lens: the note\'s counts and "Review this note\'s cards"', async () => {
    const lens = await until('the code lenses', async () => {
      const t = await page.locator('.editor-instance .contentWidgets .codelens-decoration').first().innerText();
      return /Review this note/.test(t) ? t : undefined;
    });
    assert.match(lens, /2 due · 0 new/);
  });

  await check(page, '"Review this note\'s cards" on the lens reviews that note', async () => {
    await page.locator('.editor-instance .contentWidgets .codelens-decoration a', { hasText: 'Review this note' }).first().click();
    const f = await reviewFrame(page);
    const s = await waitPanel(f, "the note's first card", (x) => x.phase === 'question');
    assert.equal(s.deck, '#flashcards/geo');
    assert.equal(s.counts, '2 due · 0 new · 0 reviewed', 'only this note');
    assert.match(s.question, /Paris/);
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'srls: Review geo.md' }).count(), 1);
    await f.locator('button.tool[data-action="close"]').click();
    await until('the panel to close', async () => (await page.locator('.tabs-container .tab', { hasText: 'srls: Review' }).count()) === 0);
    await page.locator('.tabs-container .tab', { hasText: 'geo.md' }).first().click();
  });

  await check(page, 'hover on a card shows its schedule', async () => {
    const card = page.locator('.editor-instance .view-line', { hasText: 'Paris::France' }).first();
    await card.hover({ position: { x: 20, y: 5 } });
    const hover = await until('the hover', async () => {
      const h = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-resizable-hover .monaco-hover-content').first();
      if ((await h.count()) === 0) return undefined;
      const t = await h.innerText();
      return /2025-01-01/.test(t) ? t : undefined;
    });
    assert.match(hover, /interval|ease/i);
    await page.keyboard.press('Escape');
  });

  let goodTitle = '';
  await check(page, 'the light bulb lists the grade actions with their intervals', async () => {
    await goToLine(page, 5);
    await page.keyboard.press('Control+.');
    const items = await until('the code action menu', async () => {
      const rows = page.locator('.action-widget .monaco-list-row');
      const n = await rows.count();
      if (n === 0) return undefined;
      const texts = await rows.allInnerTexts();
      return texts.some((t) => /Grade: Good/.test(t)) ? texts : undefined;
    });
    const grades = items.filter((t) => /^Grade:/.test(t.trim())).map((t) => t.trim().split('\n')[0]);
    // VS Code lists the preferred action (Good) first, then the others in the server's order.
    assert.deepEqual(
      grades.map((t) => t.replace(/ ·.*$/, '')),
      ['Grade: Good', 'Grade: Again', 'Grade: Hard', 'Grade: Easy'],
      `the grade actions: ${JSON.stringify(items)}`,
    );
    for (const g of grades) assert.match(g, /^Grade: \w+ · (today|\d+d)$/, `each names its interval: ${g}`);
    assert.ok(items.some((t) => t.trim() === 'Reset'), 'and Reset');
    goodTitle = grades[0];
  });

  await check(page, 'Grade: Good writes the plugin\'s comment, on disk once saved', async () => {
    const row = page.locator('.action-widget .monaco-list-row', { hasText: 'Grade: Good' }).first();
    await row.click();
    await until('the edited comment in the editor', async () => (await editorText(page)).includes(PARIS_GOOD));
    await page.keyboard.press('Control+S');
    await until('geo.md saved', async () => read('geo.md').includes(PARIS_GOOD));
    assert.equal(commentAfter(read('geo.md'), 'Paris::France'), PARIS_GOOD);
    assert.equal(commentAfter(read('geo.md'), 'Berlin::Germany'), ORIGINAL.berlin, 'the other card is untouched');
    assert.equal(goodTitle, 'Grade: Good · 8d', 'the title named the interval written');
    await until('3 due in the status bar', async () => /\b3 due\b/.test(await statusBarText(page)));
  });

  let frame;
  await check(page, 'Review Due Cards opens the panel on the first due card', async () => {
    await runCommand(page, 'srls: Review Due Cards');
    frame = await reviewFrame(page);
    const s = await waitPanel(frame, 'the first question', (x) => x.phase === 'question');
    assert.equal(s.deck, '#flashcards/code');
    assert.equal(s.counts, '3 due · 0 new · 0 reviewed');
    assert.match(s.question, /What does this print\?/);
    assert.equal(s.answer, null, 'the answer is hidden');
    // The code block is rendered by VS Code's markdown renderer, highlighted.
    const code = frame.locator('[data-role="question"] pre code');
    assert.equal(await code.count(), 1);
    assert.ok((await frame.locator('[data-role="question"] pre code span[class^="hljs-"]').count()) > 0, 'highlighted code');
  });

  await check(page, 'the panel\'s content security policy is in force: no inline script runs', async () => {
    const r = await frame.evaluate(async () => {
      const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
      const refused = new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
        setTimeout(() => resolve(null), 2000);
      });
      const s = document.createElement('script');
      s.textContent = 'window.__srlsInline = 1';
      document.body.appendChild(s);
      s.remove();
      return { csp, ran: window.__srlsInline === 1, refused: await refused };
    });
    assert.match(r.csp, /default-src 'none'/);
    assert.match(r.csp, /script-src 'nonce-[A-Za-z0-9+/]+'/);
    assert.equal(r.ran, false, 'an inline script without the nonce did not run');
    assert.match(String(r.refused), /script-src/);
    cspViolations.length = 0; // that refusal was ours, on purpose
  });

  let interval1 = '';
  await check(page, 'space reveals the answer and its buttons with intervals', async () => {
    await frame.locator('[data-role="question"]').click();
    await page.keyboard.press('Space');
    const s = await waitPanel(frame, 'the answer', (x) => x.phase === 'answer');
    assert.match(s.answer, /What does this print\?[\s\S]*2/);
    assert.equal(s.buttons.length, 4);
    assert.deepEqual(s.buttons.map((b) => b.replace(/^\d/, '').replace(/\d.*$/, '').trim()), ['Again', 'Hard', 'Good', 'Easy']);
    interval1 = await buttonInterval(frame, 'good');
    assert.match(interval1, /^\d+d$/);
    assert.match(s.buttons[2], /^3Good\d+d$/, 'key, label, compact interval');
  });

  await check(page, 'key 3 grades Good: written to the closed note on disk, the next card shown', async () => {
    await page.keyboard.press('3');
    const s = await waitPanel(frame, 'the second question', (x) => x.phase === 'question' && /colour/.test(x.question ?? ''));
    assert.equal(s.counts, '2 due · 0 new · 1 reviewed');
    assertScheduled(commentAfter(read('code.md'), 'What does this print?'), interval1, 'code.md card 1');
    assert.equal(commentAfter(read('code.md'), 'Which colour'), ORIGINAL.dot);
  });

  await check(page, 'an Obsidian image embed is shown from the vault', async () => {
    const img = frame.locator('[data-role="question"] img');
    await img.waitFor();
    const src = await img.getAttribute('src');
    assert.ok(!src.startsWith('dot.png'), `resolved through asWebviewUri: ${src}`);
    await until('the image to load', async () => img.evaluate((el) => el.complete && el.naturalWidth === 16));
  });

  await check(page, 'the panel survives being hidden and shown (code.md opened over it)', async () => {
    await openFile(page, 'code.md');
    await page.locator('.tabs-container .tab', { hasText: 'srls: Review' }).first().click();
    frame = await reviewFrame(page);
    const s = await waitPanel(frame, 'the same card', (x) => x.phase === 'question');
    assert.match(s.question, /colour/);
    assert.equal(s.counts, '2 due · 0 new · 1 reviewed');
  });

  let interval2 = '';
  await check(page, 'Show answer and Good by mouse: an open clean note is edited and saved', async () => {
    await frame.locator('button[data-action="reveal"]').click();
    await waitPanel(frame, 'the answer', (x) => x.phase === 'answer');
    interval2 = await buttonInterval(frame, 'good');
    await frame.locator('button[data-response="good"]').click();
    const s = await waitPanel(frame, 'the third question', (x) => x.phase === 'question' && /Berlin/.test(x.question ?? ''));
    assert.equal(s.counts, '1 due · 0 new · 2 reviewed');
    assert.equal(s.deck, '#flashcards/geo');
    assertScheduled(commentAfter(read('code.md'), 'Which colour'), interval2, 'code.md card 2');
    assert.equal(await page.locator('.tabs-container .tab.dirty').count(), 0, 'code.md was saved after the edit');
  });

  await check(page, 'u undoes the last answer: the note on disk is restored, its card asked again', async () => {
    await frame.locator('[data-role="question"]').click();
    await page.keyboard.press('u');
    const s = await waitPanel(frame, 'the undone card', (x) => x.phase === 'question' && /colour/.test(x.question ?? ''));
    assert.equal(s.counts, '2 due · 0 new · 1 reviewed');
    await until('code.md restored', async () => commentAfter(read('code.md'), 'Which colour') === ORIGINAL.dot);
    await page.keyboard.press('Enter');
    await waitPanel(frame, 'the answer', (x) => x.phase === 'answer');
    await page.keyboard.press('3');
    await waitPanel(frame, 'Berlin again', (x) => x.phase === 'question' && /Berlin/.test(x.question ?? ''));
    assertScheduled(commentAfter(read('code.md'), 'Which colour'), interval2, 'code.md card 2, graded again');
  });

  let berlinInterval = '';
  await check(page, 'a note with unsaved changes is graded through a versioned edit, its changes kept', async () => {
    // Type into geo.md without saving, then grade its Berlin card in the panel.
    await page.locator('.tabs-container .tab', { hasText: 'geo.md' }).first().click();
    await page.locator('.editor-instance .view-line', { hasText: '# Capitals' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.type(' and more');
    await until('geo.md dirty', async () => (await page.locator('.tabs-container .tab.dirty', { hasText: 'geo.md' }).count()) === 1);
    await page.locator('.tabs-container .tab', { hasText: 'srls: Review' }).first().click();
    frame = await reviewFrame(page);
    await waitPanel(frame, 'Berlin', (x) => x.phase === 'question' && /Berlin/.test(x.question ?? ''));
    await frame.locator('button[data-action="reveal"]').click();
    await waitPanel(frame, 'the answer', (x) => x.phase === 'answer');
    berlinInterval = await buttonInterval(frame, 'good');
    // The edit is outside the card (its heading): the card is still there byte for byte, so the
    // answer is graded in the edited text (an edit of the card's own lines is refused: server
    // tests).
    await frame.locator('button[data-response="good"]').click();
    const s = await waitPanel(frame, 'the end', (x) => x.phase === 'done');
    assert.match(s.done, /Done: 3 cards reviewed/);
    assert.equal(s.counts, '0 due · 0 new · 3 reviewed');
    await page.locator('.tabs-container .tab', { hasText: 'geo.md' }).first().click();
    const text = await until('the graded comment in the editor', async () => {
      const t = await editorText(page);
      return /Berlin::Germany\s*\n<!--SR:!2025-01-\d\d,\d+,250-->/.test(t) && !t.includes(ORIGINAL.berlin) ? t : undefined;
    });
    assert.match(text, /# Capitals and more/, 'the unsaved text is still there');
    assert.equal(await page.locator('.tabs-container .tab.dirty', { hasText: 'geo.md' }).count(), 1, 'still unsaved: the user saves');
    assert.equal(commentAfter(read('geo.md'), 'Berlin::Germany'), ORIGINAL.berlin, 'nothing written over the file');
    await page.keyboard.press('Control+S');
    await until('geo.md saved', async () => commentAfter(read('geo.md'), 'Berlin::Germany') !== ORIGINAL.berlin);
    assertScheduled(commentAfter(read('geo.md'), 'Berlin::Germany'), berlinInterval, 'geo.md Berlin');
    assert.match(read('geo.md'), /# Capitals and more/);
    assert.equal(commentAfter(read('geo.md'), 'Paris::France'), PARIS_GOOD);
    await page.locator('.tabs-container .tab', { hasText: 'srls: Review' }).first().click();
    frame = await reviewFrame(page);
  });

  await check(page, 'the panel takes its colours from the VS Code theme', async () => {
    const r = await frame.evaluate(() => {
      const css = getComputedStyle(document.documentElement);
      const button = document.querySelector('button.reveal, button.grade-good, button[data-action="close"]:not(.tool)');
      return {
        themeClass: [...document.body.classList].find((c) => /^vscode-(light|dark|high-contrast)/.test(c)) ?? null,
        buttonVar: css.getPropertyValue('--vscode-button-background').trim(),
        button: getComputedStyle(button).backgroundColor,
        bodyVar: css.getPropertyValue('--vscode-editor-background').trim(),
      };
    });
    assert.ok(r.themeClass, 'VS Code marks the body with its theme kind');
    assert.ok(r.buttonVar !== '' && r.bodyVar !== '', 'the theme variables are there');
    const probe = await frame.evaluate((v) => {
      const d = document.createElement('div');
      d.style.color = v;
      document.body.appendChild(d);
      const c = getComputedStyle(d).color;
      d.remove();
      return c;
    }, r.buttonVar);
    assert.equal(r.button, probe, 'the button is drawn in the theme\'s button colour');
  });

  await check(page, 'the status bar follows the answers; esc closes the panel', async () => {
    await until('0 due in the status bar', async () => /\b0 due\b/.test(await statusBarText(page)));
    await frame.locator('#root').click();
    await page.keyboard.press('Escape');
    await until('the panel to close', async () => (await page.locator('.tabs-container .tab', { hasText: 'srls: Review' }).count()) === 0);
    await until('the summary message', async () => {
      const t = await page.locator('.notifications-toasts').innerText().catch(() => '');
      return /3 cards reviewed/.test(t) ? t : undefined;
    }, 10000);
  });

  await check(page, 'Cram Deck… offers every deck with its counts and crams the one picked', async () => {
    await runCommand(page, 'srls: Cram Deck…');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await until('the decks', async () => (await rows.filter({ hasText: '#flashcards/geo' }).count()) === 1);
    const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ''));
    // Nothing is due any more, and every deck is still offered (from srls.stats).
    for (const d of ['#flashcards/code0due,0new', '#flashcards/geo0due,0new']) assert.ok(texts.includes(d), `${d} in ${JSON.stringify(texts)}`);
    await rows.filter({ hasText: '#flashcards/geo' }).first().click();
    frame = await reviewFrame(page);
    const s = await waitPanel(frame, 'a cram card', (x) => x.phase === 'question');
    assert.equal(s.deck, '#flashcards/geo');
    assert.equal(s.counts, '2 left · 0 reviewed');
    await page.keyboard.press('Space');
    const a = await waitPanel(frame, 'the answer', (x) => x.phase === 'answer');
    assert.ok(a.buttons.every((b) => !/\d+d$/.test(b)), `no intervals in cram: ${a.buttons}`);
    const before = read('geo.md');
    await page.keyboard.press('Escape');
    await until('the panel to close', async () => (await page.locator('.tabs-container .tab', { hasText: 'srls: Cram' }).count()) === 0);
    assert.equal(read('geo.md'), before, 'cramming writes nothing');
  });

  await check(page, 'Show Statistics draws the charts', async () => {
    await runCommand(page, 'srls: Show Statistics');
    const f = await until('the statistics panel', async () => {
      for (const fr of page.frames()) {
        try {
          if ((await fr.locator('section.chart').count()) === 4) return fr;
        } catch {
          // gone
        }
      }
      return undefined;
    });
    const titles = await f.locator('section.chart h2').allInnerTexts();
    assert.deepEqual(titles, ['Forecast', 'Intervals', 'Eases', 'Card types']);
    assert.match(await f.locator('section.chart[data-chart="Card types"] .summary').innerText(), /Total cards: 4/);
  });

  await check(page, 'no page errors and no content security policy violations', async () => {
    const ours = pageErrors.filter((e) => /srls|review\.js|stats\.js/.test(e));
    assert.deepEqual(ours, []);
    assert.deepEqual(cspViolations, []);
  });
} catch (err) {
  if (!(err instanceof Done)) throw err;
} finally {
  await browser.close().catch(() => {});
}

log(`vscode-e2e: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(0)}s in the browser)`);
process.exit(failed > 0 ? 1 : 0);
