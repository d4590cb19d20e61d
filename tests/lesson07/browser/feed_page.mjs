// Lesson 07's page in headless Chromium (tests/peers/browser.mjs), against a 07-feed-server
// started with --rate 0 (no ticker: every event is one this script publishes).
//
//     node feed_page.mjs http://127.0.0.1:PORT/ [--screenshot PNG] [--timeout SECONDS]
//
// Steps (the page's contract is at the top of lessons/07-pull-push/page.cpp):
//   1. the page loads; all four panels (poll, longpoll, sse, ws) reach "open" and know where
//      "now" is (window.feedPanels[mode].lastId); polling is set to every 0.25 s
//   2. five events are published with POST /publish from this script, one of them "<b>x</b>",
//      and one from the page's own publish box: every panel must receive all six, in order,
//      once (no duplicate, no reset), with a latency that is a number; "<b>x</b>" must show as
//      those eight characters, with no <b> element anywhere in the lists
//   3. every panel is paused; two events are published; a paused panel must not show them;
//      every panel is resumed and must then receive both, once, right after the earlier ones
//   4. the four panels stand in a row on a wide window and one above the other on a narrow one
//   5. the page asked no server but this one for anything (every request and WebSocket went to
//      its origin), and saw no script error, console error (a CSP violation is one), dialog or
//      failed request (but the requests a pause aborts)
// Prints `PASS feed-page: ...` and exits 0, or `FAIL feed-page: why` and exits 1.

import { withBrowser, pass, fail, Failure, pageScriptOptions } from '../../peers/browser.mjs';

const url = process.argv[2];
const { screenshot, timeoutSeconds } = pageScriptOptions();
const origin = new URL(url).origin;                 // http://127.0.0.1:PORT
const wsOrigin = origin.replace(/^http/, 'ws');     // ws://127.0.0.1:PORT
const MODES = ['poll', 'longpoll', 'sse', 'ws'];
const MARKUP = '<b>x</b>';

async function publish(text) {
  const response = await fetch(new URL('/publish', origin), {
    method: 'POST', body: text, headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    signal: AbortSignal.timeout(5000),
  });
  const body = await response.text();
  if (response.status !== 202) throw new Failure(`POST /publish ${JSON.stringify(text)} got ${response.status} ${body}`);
  const { id } = JSON.parse(body);
  if (!Number.isSafeInteger(id)) throw new Failure(`POST /publish answered ${body}: no id`);
  return id;
}

// What each panel has, as plain data (window.feedPanels).
function panels(page) {
  return page.evaluate(() => Object.fromEntries(Object.entries(window.feedPanels).map(([mode, s]) => [mode, {
    connection: s.connection, lastId: s.lastId, received: s.received, duplicates: s.duplicates,
    resets: s.resets, requests: s.requests, ids: [...s.ids], latenciesMs: [...s.latenciesMs],
  }])));
}

async function describe(page) {
  const all = await panels(page);
  const notes = await page.$$eval('section.panel', (s) => Object.fromEntries(s.map((e) => [e.id, e.querySelector('.note').textContent])));
  return MODES.map((m) => `${m}: ${all[m].connection}, last ${all[m].lastId}, ids [${all[m].ids.join(',')}], ` +
                          `${all[m].duplicates} duplicates, ${all[m].resets} resets, note "${notes[m]}"`).join('; ');
}

async function waitUntil(page, what, predicate, arg) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: 20000, polling: 50 });
  } catch {
    throw new Failure(`${what}; ${await describe(page)}`);
  }
}

// Every panel got `ids` exactly once, in order, right after what it had before (`before`:
// the ids each panel had until then), and nothing else.
function checkDelivery(all, before, ids) {
  for (const mode of MODES) {
    const s = all[mode];
    const expected = [...before[mode], ...ids];
    if (JSON.stringify(s.ids) !== JSON.stringify(expected)) {
      throw new Failure(`${mode} received ids [${s.ids}], expected [${expected}]`);
    }
    if (s.duplicates !== 0 || s.resets !== 0) {
      throw new Failure(`${mode} counted ${s.duplicates} duplicates and ${s.resets} resets`);
    }
    if (s.latenciesMs.length !== s.ids.length || !s.latenciesMs.every(Number.isFinite)) {
      throw new Failure(`${mode} latencies are not one number per event: [${s.latenciesMs}]`);
    }
  }
}

async function checkMarkupIsText(page) {
  for (const mode of MODES) {
    const texts = await page.$$eval(`#${mode} .events .text`, (spans) => spans.map((s) => s.textContent));
    if (!texts.includes(MARKUP)) throw new Failure(`${mode} does not show ${MARKUP} as text; it shows ${JSON.stringify(texts)}`);
    const elements = await page.$$eval(`#${mode} .events b, #${mode} .events script, #${mode} .events img`, (e) => e.length);
    if (elements !== 0) throw new Failure(`${mode} turned text from the network into ${elements} element(s)`);
  }
}

async function checkLayout(page) {
  const boxes = () => page.$$eval('main > section.panel', (s) => s.map((e) => {
    const r = e.getBoundingClientRect();
    return { id: e.id, left: Math.round(r.left), top: Math.round(r.top) };
  }));
  await page.setViewportSize({ width: 1600, height: 900 });
  const wide = await boxes();
  if (wide.map((b) => b.id).join() !== MODES.join() || new Set(wide.map((b) => b.top)).size !== 1 ||
      !wide.every((b, i) => i === 0 || b.left > wide[i - 1].left)) {
    throw new Failure(`at 1600 px the panels are not one row: ${JSON.stringify(wide)}`);
  }
  await page.setViewportSize({ width: 500, height: 900 });
  const narrow = await boxes();
  if (new Set(narrow.map((b) => b.left)).size !== 1 || !narrow.every((b, i) => i === 0 || b.top > narrow[i - 1].top)) {
    throw new Failure(`at 500 px the panels are not stacked: ${JSON.stringify(narrow)}`);
  }
  await page.setViewportSize({ width: 1600, height: 900 });
}

async function main() {
  await withBrowser(async (browser) => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    const requested = [];
    let pausing = false;  // while true, an aborted request is the page's own doing
    page.on('request', (r) => requested.push(r.url()));
    page.on('websocket', (ws) => requested.push(ws.url()));
    page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('dialog', async (d) => { problems.push(`a dialog opened: ${d.message()}`); await d.dismiss(); });
    page.on('requestfailed', (r) => {
      const error = r.failure()?.errorText ?? '';
      if (!(pausing && error === 'net::ERR_ABORTED')) problems.push(`request failed: ${r.url()} (${error})`);
    });

    // 1. Open, and every panel knows where "now" is.
    await page.goto(url);
    await waitUntil(page, 'the four panels never all became open', (modes) => modes.every((m) =>
      window.feedPanels[m].connection === 'open' && window.feedPanels[m].lastId !== null), MODES);
    await page.selectOption('#poll-interval', '250');

    // 2. Published from here, and from the page's own box.
    const texts = ['first', 'second', MARKUP, 'line one\nline two', 'ünïcødé ✓ 😀'];
    const ids = [];
    for (const text of texts) ids.push(await publish(text));
    await page.fill('#publish-text', 'from the page');
    await page.click('#publish');
    await waitUntil(page, 'the publish box never said "published #N"',
                    () => /^published #\d+$/.test(document.querySelector('#publish-result').textContent));
    const fromPage = Number((await page.textContent('#publish-result')).slice('published #'.length));
    ids.push(fromPage);
    await waitUntil(page, `not every panel received ids ${ids}`, (wanted) => Object.values(window.feedPanels).every(
      (s) => wanted.every((id) => s.ids.includes(id))), ids);
    const empty = Object.fromEntries(MODES.map((m) => [m, []]));
    checkDelivery(await panels(page), empty, ids);
    await checkMarkupIsText(page);
    const multiLine = await page.$$eval('#sse .events .text', (s) => s.map((e) => e.textContent));
    if (!multiLine.includes('line one\nline two')) throw new Failure(`the two-line event lost its newline: ${JSON.stringify(multiLine)}`);

    // 3. Paused panels miss nothing: they resume from their last id.
    pausing = true;
    for (const mode of MODES) await page.click(`#${mode} .toggle`);
    await waitUntil(page, 'the panels did not all pause', (modes) => modes.every((m) =>
      window.feedPanels[m].connection === 'paused' &&
      document.querySelector(`#${m} .pill`).dataset.state === 'paused'), MODES);
    const before = Object.fromEntries(Object.entries(await panels(page)).map(([m, s]) => [m, s.ids]));
    const later = [await publish('while paused 1'), await publish('while paused 2')];
    const meanwhile = await panels(page);
    for (const mode of MODES) {
      if (meanwhile[mode].ids.some((id) => later.includes(id))) throw new Failure(`${mode} received an event while paused`);
    }
    for (const mode of MODES) await page.click(`#${mode} .toggle`);
    await waitUntil(page, `not every panel caught up with ${later} after Resume`, (wanted) =>
      Object.values(window.feedPanels).every((s) => wanted.every((id) => s.ids.includes(id)) && s.connection === 'open'), later);
    pausing = false;
    checkDelivery(await panels(page), before, later);

    // 4. The layout.
    await checkLayout(page);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });

    // 5. Nothing asked of anyone else, nothing went wrong.
    const foreign = requested.filter((u) => !u.startsWith(origin + '/') && !u.startsWith(wsOrigin + '/') && !u.startsWith('data:'));
    if (foreign.length) throw new Failure(`the page asked other servers: ${foreign.join(', ')}`);
    if (problems.length) throw new Failure(problems.join('; '));

    const all = await panels(page);
    const summary = MODES.map((m) => `${m} ${all[m].ids.length} events in ${all[m].requests} requests`).join(', ');
    pass('feed-page', `${summary}; in order, once, "${MARKUP}" as text; paused panels resumed without loss; ` +
                      `${requested.length} requests, all to ${origin}`);
  }, { timeoutSeconds });
}

main().catch((e) => {
  fail('feed-page', e instanceof Failure ? e.message : (e && e.stack) || String(e));
  process.exit(1);
});
