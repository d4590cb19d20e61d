#!/usr/bin/env node
// 04-ws-server's page beyond the echo (browser_echo.mjs checks that): the state pill, the legend
// and its markers, the close and reconnect buttons, and how the page reports each kind of close.
// Headless Chromium through tests/peers/browser.mjs; two servers, one browser:
//
//     node page_states.mjs URL_A URL_B [--screenshot PNG] [--timeout SECONDS]
//
// Steps, each with a PASS line:
//   1. page A loads; #status went "connecting", then "open" (every value it takes is recorded
//      from the page's first byte on, so a state held for a moment is seen for sure)
//   2. the legend shows its three kinds of entry; a message sent, its echo and the open event
//      carry the same markers as the legend's entries, and the three markers differ
//   3. #close: "closing", then "closed 1000 (normal closure)": the server answers our close
//      1000 "bye" with a close 1000 of its own, without a reason; now only #connect is enabled
//   4. #connect: "connecting", then "open" again
//   5. page B opens on the second server; prints "WAITING stop", and the test stops server A
//      with SIGTERM and kills server B with SIGKILL
//   6. A shows "closed 1001 server shutting down" (a clean close), B "closed 1006 (no close
//      frame)" (not clean: no close frame came, the TCP connection just ended)
//   7. at no time did either page log a console error (a missing icon or a CSP refusal would),
//      throw a script error, open a dialog or see a request fail
// With --screenshot, page A is saved at the end, and page B beside it (NAME-1006.png).
// Prints `PASS page-states: ...` and exits 0, or `FAIL page-states: why` and exits 1.

import { withBrowser, pass, fail, Failure, pageScriptOptions } from '../../peers/browser.mjs';

const STEP_MS = 10000;  // the longest any one step may take (generous: CI machines are busy)

const [urlA, urlB] = process.argv.slice(2, 4);
const { screenshot, timeoutSeconds } = pageScriptOptions();
if (!urlA?.startsWith('http') || !urlB?.startsWith('http') || !(timeoutSeconds > 0)) {
  console.error('usage: page_states.mjs URL_A URL_B [--screenshot PNG] [--timeout SECONDS]');
  process.exit(2);
}

// Runs in the page before its own script: records each new text of #status in window.states.
function recordStates() {
  window.states = [];
  new MutationObserver(() => {
    const text = document.getElementById('status')?.textContent;
    if (text && text !== window.states[window.states.length - 1]) window.states.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

// What the pill says and which buttons are enabled.
function pillOf(page) {
  return page.evaluate(() => {
    const $ = (id) => document.getElementById(id);
    return {
      status: $('status').textContent,
      text: $('pill').innerText.replace(/\s+/g, ' ').trim(),
      state: $('pill').dataset.state,
      clean: $('pill').dataset.clean,
      enabled: ['send', 'close', 'connect'].filter((id) => !$(id).disabled).join(' '),
      states: window.states.join(' → '),
    };
  });
}

async function waitForStatus(page, status, who) {
  try {
    await page.waitForFunction((s) => document.getElementById('status').textContent === s, status, { timeout: STEP_MS });
  } catch {
    throw new Failure(`${who}: #status never became '${status}' (it went: ${(await pillOf(page)).states})`);
  }
}

function expectPill(pill, expected, who) {
  for (const [key, value] of Object.entries(expected)) {
    if (pill[key] !== value) {
      throw new Failure(`${who}: pill ${key} is ${JSON.stringify(pill[key])}, expected ${JSON.stringify(value)} ` +
                        `(pill: ${JSON.stringify(pill)})`);
    }
  }
}

async function openPage(context, url, who, problems) {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${who}: console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${who}: script error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`${who}: request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${who}: ${r.status()} for ${r.url()}`); });
  page.on('dialog', (d) => {
    problems.push(`${who}: a dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  const response = await page.goto(url, { timeout: STEP_MS });
  if (response.status() !== 200) throw new Failure(`${who}: GET ${url} answered ${response.status()}`);
  await waitForStatus(page, 'open', who);
  return page;
}

async function sendAndWaitForEcho(page, text) {
  const before = await page.locator('#log .received').count();
  await page.fill('#message', text, { timeout: STEP_MS });
  await page.click('#send', { timeout: STEP_MS });
  try {
    await page.waitForFunction((n) => document.querySelectorAll('#log .received').length > n, before, { timeout: STEP_MS });
  } catch {
    throw new Failure(`no echo of ${JSON.stringify(text)}; #log: ${await page.textContent('#log')}`);
  }
}

// The ::before marker of the first element matching each selector, as CSS computes it.
function markers(page, selectors) {
  return page.evaluate((list) => list.map((s) => {
    const element = document.querySelector(s);
    return element ? getComputedStyle(element, '::before').content : `<no ${s}>`;
  }), selectors);
}

async function checkPages(browser, problems) {
  const context = await browser.newContext();
  await context.addInitScript(recordStates);
  const a = await openPage(context, urlA, 'page A', problems);
  expectPill(await pillOf(a), { states: 'connecting → open', text: 'open', state: 'open', enabled: 'send close' }, 'page A');
  pass('pill', "'connecting', then 'open'");

  // 2. The legend, and the same markers in the log.
  await sendAndWaitForEcho(a, 'hello from page A');
  const kinds = ['sent', 'received', 'event'];
  const legendTexts = await a.locator('.legend li').allInnerTexts();
  if (!(await a.locator('.legend').isVisible()) || legendTexts.length !== 3 || legendTexts.some((t) => !t.trim())) {
    throw new Failure(`the legend is not shown with three entries: ${JSON.stringify(legendTexts)}`);
  }
  const inLegend = await markers(a, kinds.map((k) => `.legend .${k}`));
  const inLog = await markers(a, kinds.map((k) => `#log .${k}`));
  for (const [i, kind] of kinds.entries()) {
    if (inLegend[i] !== inLog[i] || ['none', 'normal', '""'].includes(inLog[i])) {
      throw new Failure(`${kind}: marker ${inLog[i]} in the log, ${inLegend[i]} in the legend`);
    }
  }
  if (new Set(inLog).size !== kinds.length) throw new Failure(`the markers are not all different: ${inLog.join(' ')}`);
  pass('legend', `${kinds.map((k, i) => `${k} ${inLog[i]}`).join(', ')}, the same in the log`);

  // 3. Our close.
  await a.click('#close', { timeout: STEP_MS });
  await waitForStatus(a, 'closed', 'page A after #close');
  expectPill(await pillOf(a), {
    states: 'connecting → open → closing → closed', text: 'closed 1000 (normal closure)', clean: 'true', enabled: 'connect',
  }, 'page A after #close');
  pass('close-button', "'closing', then 'closed 1000 (normal closure)'; only #connect enabled");

  // 4. And again.
  await a.click('#connect', { timeout: STEP_MS });
  await waitForStatus(a, 'open', 'page A after #connect');
  expectPill(await pillOf(a), { states: 'connecting → open → closing → closed → connecting → open', enabled: 'send close' },
    'page A after #connect');
  await sendAndWaitForEcho(a, 'hello again');
  pass('reconnect', "'connecting', then 'open' again; echoes again");

  // 5, 6. The servers go away, each in its own way.
  const b = await openPage(context, urlB, 'page B', problems);
  console.log('WAITING stop');
  await waitForStatus(a, 'closed', 'page A after SIGTERM');
  expectPill(await pillOf(a), { text: 'closed 1001 server shutting down', state: 'closed', clean: 'true', enabled: 'connect' },
    'page A after SIGTERM');
  pass('server-close', "'closed 1001 server shutting down', a clean close");
  await waitForStatus(b, 'closed', 'page B after SIGKILL');
  expectPill(await pillOf(b), { text: 'closed 1006 (no close frame)', state: 'closed', clean: 'false', enabled: 'connect' },
    'page B after SIGKILL');
  pass('abnormal-close', "'closed 1006 (no close frame)', not clean");

  if (screenshot) {
    await a.screenshot({ path: screenshot, timeout: STEP_MS });
    await b.screenshot({ path: screenshot.replace(/(\.png)?$/, '-1006.png'), timeout: STEP_MS });
    pass('screenshot', screenshot);
  }
  if (problems.length > 0) throw new Failure(problems.splice(0).join('; '));
  pass('no-errors', 'no console error, script error, dialog or failed request on either page');
  return `${(await pillOf(a)).states}`;
}

const started = Date.now();
const problems = [];
try {
  const states = await withBrowser((browser) => checkPages(browser, problems), { timeoutSeconds });
  pass('page-states', `page A went ${states}; ${Date.now() - started} ms, browser launch included`);
  process.exitCode = 0;
} catch (error) {
  const also = problems.length > 0 ? `; also: ${problems.join('; ')}` : '';
  fail('page-states', (error instanceof Failure ? error.message : error.stack ?? String(error)) + also);
  process.exitCode = 1;
}
