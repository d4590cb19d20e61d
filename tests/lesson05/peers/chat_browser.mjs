// Two headless Chromium pages on 05-chat-server's page (playwright-core, Debian's chromium, via
// tests/peers/browser.mjs), talking with a terminal client that the C++ test drives.
//
//     node chat_browser.mjs http://127.0.0.1:PORT/ [--screenshot PNG] [--timeout SECONDS]
//
// Steps, each announced on stdout for the test to follow:
//   1. both pages load, reach #status "open", take the names alice and bob (/nick in #message);
//      prints "READY"
//   2. alice sends "hello from alice", bob sends the XSS payload; both pages must show both,
//      and the terminal's "hello from terminal" (typed by the test once it has seen alice's
//      message); the payload must be text: no <img> in #log, no dialog ever opened
//   3. prints "WAITING restart": the test restarts the server on the same port; both pages
//      must go "reconnecting" and then "open" again, with a fresh hello (#me is guest-N again)
// Prints `PASS chat-browser: ...` and exits 0, or `FAIL chat-browser: why` and exits 1.

import { withBrowser, pass, fail, Failure } from '../../peers/browser.mjs';

const url = process.argv[2];
const arg = (flag, fallback) => {
  const at = process.argv.indexOf(flag);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const screenshot = arg('--screenshot', '');
const timeoutSeconds = Number(arg('--timeout', '60'));
const XSS = '<img src=x onerror=alert(1)>';

async function send(page, text) {
  await page.fill('#message', text);
  await page.click('#send');
}

// Waits until some li.message in #log has exactly this .text and this sender.
async function waitForMessage(page, from, text, who) {
  try {
    await page.waitForFunction(([f, t]) => [...document.querySelectorAll('#log li.message')]
      .some((li) => li.querySelector('.from').textContent === f && li.querySelector('.text').textContent === t),
    [from, text], { timeout: 15000 });
  } catch {
    throw new Failure(`${who} never showed ${from}: ${JSON.stringify(text)}; log: ${await page.textContent('#log')}`);
  }
}

async function waitForStatus(page, status, who) {
  try {
    await page.waitForFunction((s) => document.querySelector('#status').textContent === s, status, { timeout: 15000 });
  } catch {
    throw new Failure(`${who}: #status never became "${status}" (it is "${await page.textContent('#status')}")`);
  }
}

// Records every text #status takes from now on, so a state held only for a moment (the
// "reconnecting" between a server's restart and the page's next attempt) is seen for sure.
async function recordStatuses(page) {
  await page.evaluate(() => {
    window.seenStatuses = [];
    const status = document.querySelector('#status');
    new MutationObserver(() => window.seenStatuses.push(status.textContent))
      .observe(status, { childList: true, characterData: true, subtree: true });
  });
}

async function waitForStatusSeen(page, status, who) {
  try {
    await page.waitForFunction((s) => window.seenStatuses.includes(s), status, { timeout: 15000 });
  } catch {
    const seen = await page.evaluate(() => window.seenStatuses.join(' → '));
    throw new Failure(`${who}: #status never went "${status}" (it went: ${seen || 'nowhere'})`);
  }
}

async function main() {
  await withBrowser(async (browser) => {
    const context = await browser.newContext();
    const alice = await context.newPage();
    const bob = await context.newPage();
    for (const page of [alice, bob]) {
      page.on('dialog', async (d) => { console.log(`FAIL chat-browser: a dialog opened: ${d.message()}`); process.exit(1); });
      await page.goto(url);
      await waitForStatus(page, 'open', 'a page');
    }
    await send(alice, '/nick alice');
    await send(bob, '/nick bob');
    await alice.waitForFunction(() => document.querySelector('#me').textContent === 'alice', null, { timeout: 15000 });
    await bob.waitForFunction(() => document.querySelector('#me').textContent === 'bob', null, { timeout: 15000 });
    console.log('READY');

    await send(alice, 'hello from alice');
    await send(bob, XSS);
    for (const [page, who] of [[alice, 'alice'], [bob, 'bob']]) {
      await waitForMessage(page, 'alice', 'hello from alice', who);
      await waitForMessage(page, 'bob', XSS, who);
      await waitForMessage(page, 'term', 'hello from terminal', who);
      if (await page.$('#log img')) throw new Failure(`${who}: the payload became an <img> element`);
      const names = await page.$$eval('#who li', (items) => items.map((li) => li.textContent));
      for (const n of ['alice', 'bob', 'term']) {
        if (!names.includes(n)) throw new Failure(`${who}: #who lacks ${n}: ${names.join(', ')}`);
      }
    }
    if (screenshot) await alice.screenshot({ path: screenshot });

    for (const page of [alice, bob]) await recordStatuses(page);
    console.log('WAITING restart');
    for (const [page, who] of [[alice, 'alice'], [bob, 'bob']]) await waitForStatusSeen(page, 'reconnecting', who);
    for (const [page, who] of [[alice, 'alice'], [bob, 'bob']]) {
      await waitForStatus(page, 'open', who);
      await page.waitForFunction(() => document.querySelector('#me').textContent.startsWith('guest-'), null, { timeout: 15000 });
    }
    pass('chat-browser', 'two pages and a terminal chatted, the XSS payload stayed text, both pages reconnected');
  }, { timeoutSeconds });
}

main().catch((e) => {
  fail('chat-browser', e instanceof Failure ? e.message : (e && e.stack) || String(e));
  process.exit(1);
});
