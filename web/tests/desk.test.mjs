// The web desk end to end in a real browser: Debian's chromium driven by playwright-core
// (no browser download) against a `loket serve` started here on a free loopback port with
// the built bundle. Each test leaves a screenshot in build/web-test-screenshots/ and the
// pages pass an axe-core check (no serious or critical violations).
//
//   node web/tests/desk.test.mjs        (ctest: web.desk; exit 77 = skipped)
// Environment: LOKET_BIN (build/bin/loket), LOKET_WEB (build/web), CHROMIUM
// (/usr/bin/chromium), LOKET_SCREENSHOTS (build/web-test-screenshots), and
// LOKET_DESK_PNG=path to also save the desk screenshot there (docs/desk.png for the README).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const LOKET = process.env.LOKET_BIN || join(root, 'build/bin/loket');
const WEB = process.env.LOKET_WEB || join(root, 'build/web');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.LOKET_SCREENSHOTS || join(root, 'build/web-test-screenshots');

const missing = [[CHROMIUM, 'chromium'], [join(WEB, 'index.html'), 'the web bundle (node web/build.mjs build/web)'],
  [LOKET, 'the loket binary']].filter(([path]) => !existsSync(path)).map(([path, what]) => `${what} at ${path}`);
if (missing.length) {
  console.log(`SKIP web desk tests: missing ${missing.join(', ')}`);
  process.exit(77);
}

const require = createRequire(import.meta.url);
let chromium;
let AXE;
try {
  ({ chromium } = require('playwright-core'));
  AXE = require.resolve('axe-core/axe.min.js');
} catch (error) {
  console.error(`web desk tests: playwright-core and axe-core are not installed (run \`npm ci\` in web/, as scripts/build.sh does): ${error.message}`);
  process.exit(1);
}

let server;
let serverLog = '';
let base;
let context;
let profile;

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

// Starts `loket serve rules/` and resolves with its address once it says it listens.
function startServer(port) {
  return new Promise((resolveStart, reject) => {
    server = spawn(LOKET, ['serve', 'rules/', '--listen', `127.0.0.1:${port}`, '--web', WEB, '--threads', '2'],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr.setEncoding('utf8');
    server.stderr.on('data', (chunk) => {
      serverLog += chunk;
      const match = serverLog.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolveStart(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`loket serve exited (${code}) before listening:\n${serverLog}`)));
    server.once('error', reject);
  });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  base = await startServer(await freePort());
  profile = mkdtempSync(join(tmpdir(), 'loket-web-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'nl-NL',
    acceptDownloads: true,
    bypassCSP: true,  // to inject axe-core; the page itself keeps its CSP
  });
});

after(async () => {
  if (context) await context.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function open(hash = '') {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  await page.goto(`${base}/${hash}`);
  await page.waitForSelector('body[data-ready="true"]');
  page.problems = problems;
  return page;
}

async function axeCheck(page, name) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${name}: axe-core found serious violations:\n${JSON.stringify(serious, null, 2)}`);
}

async function shot(page, name, options = {}) {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, ...options });
  return path;
}

// Westland, the Polish greenhouse worker, decided: the desk the README shows.
async function decidedPolishWorker() {
  const page = await open();
  await page.fill('#jurisdiction', 'GM1783');
  await page.press('#jurisdiction', 'Enter');
  await page.locator('#jurisdiction').blur();
  await page.waitForSelector('#fact-expected_days_next_half_year');
  assert.equal(await page.inputValue('#jurisdiction'), 'westland');
  const index = await page.$$eval('#persona option', (options) => options.findIndex((o) => o.textContent.includes('agency worker')));
  assert.ok(index > 0, 'the persona menu lists the Polish greenhouse worker');
  await page.selectOption('#persona', { index });
  await page.click('#load-persona');
  await page.waitForFunction(() => document.querySelector('#fact-expected_days_next_half_year')?.value === '123');
  assert.equal(await page.inputValue('#date'), '2025-06-01');
  await page.click('#decide');
  await page.waitForSelector('#answer-registration .value');
  return page;
}

test('desk: Westland, the Polish greenhouse worker, decided with the BRP answer and its article', async () => {
  const page = await decidedPolishWorker();
  const answer = page.locator('#answer-registration');
  assert.equal((await answer.locator('.value').textContent()).trim(), 'brp_resident');
  assert.match(await answer.textContent(), /Wet BRP, art\. 2\.38 lid 1/);
  assert.match(await page.locator('#answer-desk').textContent(), /municipal_desk/);
  // Every fact has a label the browser associates with its input.
  const unlabelled = await page.$$eval('#case-form input, #case-form select', (els) =>
    els.filter((el) => el.type !== 'checkbox' && !(el.labels && el.labels.length) && !el.getAttribute('aria-labelledby')).map((el) => el.id));
  assert.deepEqual(unlabelled, []);
  await shot(page, 'desk');
  // The README's picture: the answer sheet from its title, as the officer sees it.
  await page.locator('#sheet-title').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  const sheet = await shot(page, 'desk-sheet', { fullPage: false });
  if (process.env.LOKET_DESK_PNG) copyFileSync(sheet, process.env.LOKET_DESK_PNG);
  await axeCheck(page, 'desk');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('desk: an enum fact\'s choice list shows each member with its description', async () => {
  const page = await open();
  await page.fill('#jurisdiction', 'westland');
  await page.press('#jurisdiction', 'Enter');
  await page.waitForSelector('#fact-residence');
  const options = await page.$$eval('#fact-residence option', (els) => els.map((o) => [o.value, o.textContent]));
  // rules/national/schema.loket: `asylum_fixed "asylum permit for a fixed period (Vw art. 8(c))"`.
  assert.deepEqual(options.find(([value]) => value === 'asylum_fixed'),
    ['asylum_fixed', 'asylum_fixed — asylum permit for a fixed period (Vw art. 8(c))']);
  assert.ok(options.filter(([value]) => value).every(([value, text]) => text.startsWith(`${value} — `)),
    JSON.stringify(options));
  await shot(page, 'desk-choice-list');
  await page.close();
});

test('desk: a wrong value is shown at its field with the server\'s message', async () => {
  const page = await decidedPolishWorker();
  await page.fill('#fact-expected_days_next_half_year', '300');
  await page.click('#decide');
  await page.waitForSelector('#fact-expected_days_next_half_year-error:not(:empty)');
  assert.match(await page.textContent('#fact-expected_days_next_half_year-error'),
               /expected_days_next_half_year.*300|300.*expected_days_next_half_year/);
  assert.equal(await page.getAttribute('#fact-expected_days_next_half_year', 'aria-invalid'), 'true');
  await shot(page, 'desk-field-error');
  await page.close();
});

test('desk: "why?" unfolds the explanation down to the facts', async () => {
  const page = await decidedPolishWorker();
  const why = page.locator('#answer-registration details.why').first();
  await why.locator('summary').click();
  assert.equal(await why.evaluate((el) => el.open), true);
  const text = await why.textContent();
  assert.match(text, /expected_days_next_half_year/);
  assert.match(text, /123/);
  await shot(page, 'desk-why');
  await page.close();
});

test('desk: "why not?" on a rule', async () => {
  const page = await decidedPolishWorker();
  await page.selectOption('#why-not-rule', 'national.wi.duty');
  await page.click('#why-not-ask');
  await page.waitForSelector('#why-not-answer .why-not-message');
  const text = await page.textContent('#why-not-answer');
  assert.match(text, /wi\.duty/);
  assert.match(text, /Wet inburgering 2021, art\. 3 lid 1/);
  assert.match(text, /in_wi2021_scope/);
  await shot(page, 'desk-why-not');
  await page.close();
});

test('desk: the print view shows the sheet and its receipt, not the form', async () => {
  const page = await decidedPolishWorker();
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#case-form'), false);
  assert.equal(await page.isVisible('.tabs'), false);
  assert.equal(await page.isVisible('#answer-registration'), true);
  assert.equal(await page.isVisible('.receipt'), true);
  assert.match(await page.textContent('.receipt'), /sha256:[0-9a-f]{64}/);
  await shot(page, 'desk-print');
  await page.close();
});

test('findings: the loaded rules\' findings for the chosen municipality (rules/ checks clean)', async () => {
  const page = await open();
  await page.fill('#jurisdiction', 'westland');
  await page.press('#jurisdiction', 'Enter');
  await page.waitForSelector('#fact-residence');
  await page.click('#tab-findings');
  await page.selectOption('#example', 'served');
  await page.click('#check-example');
  await page.waitForFunction(() => !document.querySelector('#findings .busy') && document.querySelector('#findings').textContent.length > 0);
  assert.match(await page.textContent('#example-story'), /westland/);
  // rules/ checks clean (`loket check rules/`: 0 errors, 0 warnings), so: no findings.
  assert.match(await page.textContent('#findings'), /Geen bevindingen/);
  assert.equal(await page.locator('#findings .finding').count(), 0);
  await shot(page, 'findings-served');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('findings: a finding on the loaded rules, its witness opened in the desk and decided with them', async () => {
  // A second server, serving examples/conflicts/shadowed-rule: one warning (L508) about Amstelveen.
  const port = await freePort();
  const other = spawn(LOKET, ['serve', 'examples/conflicts/shadowed-rule', '--listen', `127.0.0.1:${port}`, '--web', WEB, '--threads', '2'],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let log = '';
    other.stderr.setEncoding('utf8');
    await new Promise((resolveStart, reject) => {
      other.stderr.on('data', (chunk) => { log += chunk; if (/listening on/.test(log)) resolveStart(); });
      other.once('exit', (code) => reject(new Error(`loket serve exited (${code}):\n${log}`)));
    });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#jurisdiction', 'amstelveen');
    await page.press('#jurisdiction', 'Enter');
    await page.waitForSelector('#fact-category');
    await page.click('#tab-findings');
    await page.selectOption('#example', 'served');
    await page.click('#check-example');
    const finding = page.locator('.finding[data-code="L508"]');
    await finding.waitFor();
    assert.match(await finding.locator('pre.case').first().textContent(), /employer_recognised_sponsor: true/);
    await finding.locator('button.open-witness').first().click();
    await page.waitForSelector('#panel-desk:not([hidden]) #answer-welcome_home_visit .value');
    assert.equal((await page.textContent('#answer-welcome_home_visit .value')).trim(), 'nee');  // false, in Dutch
    assert.equal(await page.inputValue('#fact-category'), 'knowledge_migrant');
    assert.match(await page.textContent('#desk-banner'), /L508/);
    await shot(page, 'findings-served-witness');
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    const exited = new Promise((r) => other.once('exit', r));
    other.kill('SIGTERM');
    await exited;
  }
});

test('findings: a conflict example\'s finding, its witness opened in the desk and decided', async () => {
  const page = await open('#findings');
  await page.selectOption('#example', 'pip-deadline-outside-within');
  await page.click('#check-example');
  const finding = page.locator('.finding[data-code="L503"]');
  await finding.waitFor();
  assert.match(await finding.locator('pre.case').first().textContent(), /:/);
  assert.match(await finding.locator('pre.replay').first().textContent(), /pip_deadline_weeks = 12/);
  await shot(page, 'findings');
  await axeCheck(page, 'findings');
  await finding.locator('button.open-witness').first().click();
  await page.waitForSelector('#panel-desk:not([hidden]) #answer-pip_deadline_weeks .value');
  assert.equal((await page.textContent('#answer-pip_deadline_weeks .value')).trim(), '12');
  assert.match(await page.textContent('#desk-banner'), /L503/);
  await shot(page, 'findings-witness');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('rule book: the rules in force by domain, local ones marked', async () => {
  const page = await open('#rules');
  await page.waitForSelector('#panel-rules .decision');
  assert.ok(await page.locator('#panel-rules .rule.is-local').count() > 0);
  assert.match(await page.textContent('#panel-rules'), /Wet BRP, art\. 2\.38 lid 1/);
  assert.match(await page.textContent('#panel-rules .rule.is-local'), /voegt toe|in plaats van landelijk|eigen beslissing|uitzondering/);
  await page.selectOption('#graph-decision', 'registration');
  await page.click('#graph-show');
  await page.waitForFunction(() => document.querySelector('#graph-image')?.complete && document.querySelector('#graph-image').naturalWidth > 0);
  await shot(page, 'rule-book');
  await axeCheck(page, 'rule book');
  await page.close();
});

test('drafting: a misspelt fact name is underlined with its diagnostic at its line', async () => {
  const source = await (await fetch(`${base}/v1/jurisdictions/westland/source`)).json();
  const file = source.files.find((f) => f.path.endsWith('westland.loket'));
  const lines = file.text.split('\n');
  const index = lines.findIndex((l) => l.includes('known(housing_form)'));
  assert.ok(index >= 0, 'westland.loket reads housing_form');
  const page = await open();
  await page.fill('#jurisdiction', 'Westland');
  await page.press('#jurisdiction', 'Enter');
  await page.locator('#jurisdiction').blur();
  await page.waitForFunction(() => document.querySelector('#jurisdiction').value === 'westland');
  await page.click('#tab-draft');
  await page.waitForSelector('#editor .cm-content');
  assert.equal(await page.inputValue('#draft-file'), '0');
  assert.match(await page.textContent('#draft-file'), /westland\/westland\.loket/);
  await page.waitForSelector('#draft-status:not(:empty)');
  assert.match(await page.textContent('#draft-status'), /Geen fouten/);
  await page.click('#editor .cm-content');
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < index; i += 1) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type(lines[index].replace('known(housing_form)', 'known(housing_frm)').trimStart());
  const problem = page.locator(`#draft-problems li.sev-error[data-line="${index + 1}"]`);
  await problem.waitFor();
  assert.match(await problem.textContent(), /housing_frm/);
  await shot(page, 'draft');
  const underlined = await page.$$eval('#editor .cm-lintRange-error', (els) => els.map((el) => el.textContent.trim()));
  assert.ok(underlined.includes('housing_frm'), `underlined: ${JSON.stringify(underlined)}; problems: ${await page.textContent('#draft-problems')}`);
  await axeCheck(page, 'drafting');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// A request as sent, path untouched (fetch would normalise `..` away before sending).
function rawGet(path) {
  const { hostname, port } = new URL(base);
  return new Promise((resolveGet, reject) => {
    const request = httpRequest({ host: hostname, port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolveGet({ status: response.statusCode, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

test('drafting: "try it" decides the desk\'s case against the draft; the desk keeps the served rules', async () => {
  const page = await decidedPolishWorker();
  assert.equal((await page.textContent('#answer-occupancy_norm_exceeded .value')).trim(), 'ja');
  await page.click('#tab-draft');
  await page.waitForSelector('#draft-status:not(:empty)');
  const source = await (await fetch(`${base}/v1/jurisdictions/westland/source`)).json();
  const lines = source.files[0].text.split('\n');
  const index = lines.findIndex((l) => l.includes('occupants * 12'));
  assert.ok(index >= 0, 'westland.loket measures 12 m2 per occupant');
  await page.click('#editor .cm-content');
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < index; i += 1) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type(lines[index].replace('occupants * 12', 'occupants * 8').trimStart());
  await page.click('#draft-try');
  await page.waitForSelector('#try-answer .sheet');
  await shot(page, 'draft-try');
  // 4 occupants on 36 m2: over 12 m2 each, not over 8.
  assert.match(await page.textContent('#try-answer'), /occupancy_norm_exceeded = nee/);
  await page.click('#tab-desk');
  await page.click('#decide');
  await page.waitForSelector('#answer-occupancy_norm_exceeded .value');
  assert.equal((await page.textContent('#answer-occupancy_norm_exceeded .value')).trim(), 'ja');
  await page.close();
});

test('the interface in English, and the views reached with the keyboard', async () => {
  const page = await open();
  await page.selectOption('#language', 'en');
  assert.equal((await page.textContent('#tab-desk')).trim(), 'Desk');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal((await page.textContent('label[for="jurisdiction"]')).trim(), 'Municipality (name or CBS code)');
  await page.focus('#tab-desk');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-rules');
  assert.equal(await page.isVisible('#panel-rules'), true);
  assert.equal(await page.isVisible('#panel-desk'), false);
  await axeCheck(page, 'English');
  await page.close();
});

test('the page says clearly when a file is not in the bundle, and serves no path outside it', async () => {
  const bundle = new Set(['index.html', 'app.js', 'app.css'].map((f) => readFileSync(join(WEB, f), 'utf8')));
  for (const path of ['/web/nosuch.js', '/web/..%2F..%2FCMakeLists.txt', '/web/%2e%2e', '/web/..',
    '/web/../../CMakeLists.txt', '/../CMakeLists.txt', '/web/%2e%2e%2f%2e%2e%2fCMakeLists.txt', '/web/.hidden']) {
    const { status, body } = await rawGet(path);
    assert.ok(status === 404 || (status === 200 && bundle.has(body)), `${path}: ${status}`);
    assert.doesNotMatch(body, /cmake_minimum_required/, path);
  }
  const missing = await rawGet('/web/nosuch.js');
  assert.equal(missing.status, 404);
  assert.equal(JSON.parse(missing.body).error.code, 'not_found');
  const page = await fetch(`${base}/`);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  const js = await fetch(`${base}/web/app.js`);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  assert.equal(await js.text(), readFileSync(join(WEB, 'app.js'), 'utf8'));
});

test('the page\'s API: a layer\'s own files, and trying a draft without serving it', async () => {
  const national = await (await fetch(`${base}/v1/jurisdictions/national/source`)).json();
  const paths = national.files.map((f) => f.path);
  assert.ok(paths.length > 1 && paths.every((p) => /^national\/[a-z_]+\.loket$/.test(p)), JSON.stringify(paths));
  assert.ok(paths.includes('national/registration.loket'));
  const westland = await (await fetch(`${base}/v1/jurisdictions/GM1783/source`)).json();
  assert.deepEqual(westland.files.map((f) => f.path), ['westland/westland.loket']);

  const post = (body) => fetch(`${base}/v1/try?on=2025-06-01`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const broken = await post({ draft: { path: 'westland/westland.loket', text: 'layer westland\nrule x "y" when nosuch then desk = municipal_desk\n' }, jurisdiction: 'westland', case: {} });
  assert.equal(broken.status, 422);
  const error = (await broken.json()).error;
  assert.equal(error.code, 'rule_errors');
  assert.ok(error.diagnostics.some((d) => d.location.path.endsWith('westland/westland.loket')));
  const incomplete = await post({ draft: { path: 'westland/westland.loket', text: westland.files[0].text } });
  assert.equal(incomplete.status, 400);
  const hash = (await (await fetch(`${base}/readyz`)).json()).rule_base_hash;
  assert.equal(hash, westland.rule_base_hash, 'trying a draft changes nothing served');
});

test('without a built page, GET / says so in JSON', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'loket-no-web-'));
  const port = await freePort();
  const other = spawn(LOKET, ['serve', 'rules/', '--listen', `127.0.0.1:${port}`, '--web', empty, '--threads', '2'],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let log = '';
    other.stderr.setEncoding('utf8');
    await new Promise((resolveStart, reject) => {
      other.stderr.on('data', (chunk) => { log += chunk; if (/listening on/.test(log)) resolveStart(); });
      other.once('exit', (code) => reject(new Error(`loket serve exited (${code}):\n${log}`)));
    });
    const response = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(response.status, 404);
    const body = await response.json();
    assert.equal(body.error.code, 'page_not_built');
    assert.match(body.error.message, /not built/);
  } finally {
    const exited = new Promise((r) => other.once('exit', r));
    other.kill('SIGTERM');
    await exited;
    rmSync(empty, { recursive: true, force: true });
  }
});
