// Two headless Chromium pages on 05-chat-server's page (playwright-core, Debian's chromium, via
// tests/peers/browser.mjs), talking with a terminal client that the C++ test drives.
//
//     node chat_browser.mjs http://127.0.0.1:PORT/ [--screenshot PNG] [--timeout SECONDS]
//
// Steps, each announced on stdout for the test to follow:
//   1. both pages load and reach #status "open" as guest-N; alice's page says a line as a guest:
//      it is highlighted as its own (li.message.mine) there, and not on bob's page; the pages
//      take the names alice and bob (/nick in #message); prints "READY"
//   2. alice sends "hello from alice", bob sends the XSS payload; both pages must show both,
//      and the terminal's "hello from terminal" (typed by the test once it has seen alice's
//      message), each highlighted on its sender's page only (after the rename, too); the payload
//      must be text: no <img> in #log, no dialog ever opened
//   3. prints "WAITING restart": the test restarts the server on the same port; both pages
//      must go "reconnecting" with #me and the online list marked stale, and the log one line
//      longer whatever the number of retries; then "open" again with the names they chose
//      (alice and bob: the page asks for its name again), the list fresh, one line more in the
//      log, and one error line: the page resumed, and the restarted server no longer has what it
//      missed; and alice's next message is highlighted on her page only
// Prints `PASS chat-browser: ...` and exits 0, or `FAIL chat-browser: why` and exits 1.

import { withBrowser, pass, fail, Failure, pageScriptOptions } from '../../peers/browser.mjs';
import { send, describe, waitUntil, waitForState, waitForName, expectMessage, logEntries } from './chat_page.mjs';

const url = process.argv[2];
const { screenshot, timeoutSeconds } = pageScriptOptions();
const XSS = '<img src=x onerror=alert(1)>';

// Records every change of #status from now on, with what the page shows at that moment, so
// that a state held only for a moment (a retry between the server's restart and the page's
// next attempt) is seen for sure.
async function recordStatuses(page) {
  await page.evaluate(() => {
    window.seenStatuses = [];
    const $ = (id) => document.getElementById(id);
    new MutationObserver(() => window.seenStatuses.push({
      state: $('status').dataset.state,
      text: $('status').textContent,
      stale: $('me').classList.contains('stale') && $('people').classList.contains('stale') && !$('stale-note').hidden,
      entries: $('log').children.length,
    })).observe($('status'), { childList: true, characterData: true, subtree: true, attributes: true });
  });
}

// Checks what the page went through while the server was away; returns the status texts seen.
async function checkOutage(page, who, entriesBefore) {
  const seen = await page.evaluate(() => window.seenStatuses);
  const away = seen.filter((s) => s.state === 'reconnecting');
  const texts = seen.map((s) => s.text).join(' → ');
  if (away.length === 0) throw new Failure(`${who}: #status never went "reconnecting" (it went: ${texts || 'nowhere'})`);
  for (const s of away) {
    if (!/^reconnecting (in \d+ s|now) \(attempt \d+\)$/.test(s.text)) throw new Failure(`${who}: #status said "${s.text}" while reconnecting`);
    if (!s.stale) throw new Failure(`${who}: #me and the online list were not marked stale at "${s.text}"`);
    if (s.entries !== entriesBefore + 1) {
      throw new Failure(`${who}: the log had ${s.entries - entriesBefore} new lines at "${s.text}", expected 1 (${texts}); ` +
                        `${await describe(page)}`);
    }
  }
  const since = (await logEntries(page)).slice(entriesBefore);
  const lost = since.filter((e) => e.kind === 'connection lost');
  const back = since.filter((e) => e.kind === 'connection back');
  // The page resumed after its last message id, which the restarted server never gave out: one
  // error line says the messages sent meanwhile cannot be fetched, and no other error.
  const errors = since.filter((e) => e.kind === 'error');
  if (lost.length !== 1 || back.length !== 1 || errors.length !== 1 ||
      !errors[0].text.startsWith('could not fetch the messages sent while you were away')) {
    throw new Failure(`${who}: expected one "connection lost" line, one "connection back" line and one error (the ` +
                      `missed messages are gone) since the restart; ${await describe(page)}`);
  }
  return texts;
}

async function main() {
  await withBrowser(async (browser) => {
    const context = await browser.newContext();
    const alice = await context.newPage();
    const bob = await context.newPage();
    const pages = [[alice, 'alice'], [bob, 'bob']];
    for (const [page, who] of pages) {
      page.on('dialog', async (d) => { console.log(`FAIL chat-browser: a dialog opened: ${d.message()}`); process.exit(1); });
      await page.goto(url);
      await waitForState(page, who, 'open');
      await waitUntil(page, `${who}: no hello`, () => document.querySelector('#me').textContent.startsWith('guest-'));
    }
    const aliceGuest = await alice.textContent('#me');
    await send(alice, 'a line as a guest');
    await expectMessage(alice, 'alice', { from: aliceGuest, text: 'a line as a guest', mine: true });
    await expectMessage(bob, 'bob', { from: aliceGuest, text: 'a line as a guest', mine: false });
    await send(alice, '/nick alice');
    await send(bob, '/nick bob');
    await waitForName(alice, 'alice', 'alice');
    await waitForName(bob, 'bob', 'bob');
    console.log('READY');

    await send(alice, 'hello from alice');
    await send(bob, XSS);
    for (const [page, who] of pages) {
      await expectMessage(page, who, { from: 'alice', text: 'hello from alice', mine: who === 'alice' });
      await expectMessage(page, who, { from: 'bob', text: XSS, mine: who === 'bob' });
      await expectMessage(page, who, { from: 'term', text: 'hello from terminal', mine: false });
      if (await page.$('#log img')) throw new Failure(`${who}: the payload became an <img> element`);
      const names = await page.$$eval('#who li', (items) => items.map((li) => li.textContent));
      for (const n of ['alice', 'bob', 'term']) {
        if (!names.includes(n)) throw new Failure(`${who}: #who lacks ${n}: ${names.join(', ')}`);
      }
    }
    if (screenshot) await alice.screenshot({ path: screenshot });

    const entriesBefore = new Map();
    for (const [page, who] of pages) {
      entriesBefore.set(who, await page.$$eval('#log li', (items) => items.length));
      await recordStatuses(page);
    }
    console.log('WAITING restart');
    const statuses = new Map();
    for (const [page, who] of pages) {
      await waitUntil(page, `${who}: #status never went "reconnecting"`,
                      () => window.seenStatuses.some((s) => s.state === 'reconnecting'));
    }
    for (const [page, who] of pages) {
      await waitUntil(page, `${who}: never back and greeted (open, #me no longer stale)`, () =>
        document.querySelector('#status').dataset.state === 'open' && !document.querySelector('#me').classList.contains('stale'));
      await waitForName(page, who, who);  // the hello named it guest-N; the page asked for its name again
      statuses.set(who, await checkOutage(page, who, entriesBefore.get(who)));
      const fresh = await page.evaluate(() => !document.querySelector('#me').classList.contains('stale') &&
        !document.querySelector('#people').classList.contains('stale') && document.querySelector('#stale-note').hidden);
      if (!fresh) throw new Failure(`${who}: still marked stale after the reconnect; ${await describe(page)}`);
      await waitUntil(page, `${who}: #who does not list alice and bob after the reconnect`, () => {
        const names = [...document.querySelectorAll('#who li')].map((li) => li.textContent);
        return names.includes('alice') && names.includes('bob');
      });
    }
    await send(alice, 'alice is back');
    for (const [page, who] of pages) await expectMessage(page, who, { from: 'alice', text: 'alice is back', mine: who === 'alice' });
    pass('chat-browser', 'two pages and a terminal chatted, the XSS payload stayed text, own messages highlighted; both ' +
                         `pages reconnected as alice and bob (alice's status: ${statuses.get('alice')})`);
  }, { timeoutSeconds });
}

main().catch((e) => {
  fail('chat-browser', e instanceof Failure ? e.message : (e && e.stack) || String(e));
  process.exit(1);
});
