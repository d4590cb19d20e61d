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
//      must go "reconnecting" and then "open" again, with a fresh hello (#me is guest-N again)
// Prints `PASS chat-browser: ...` and exits 0, or `FAIL chat-browser: why` and exits 1.

import { withBrowser, pass, fail, Failure } from '../../peers/browser.mjs';
import { send, waitUntil, waitForState, waitForName, expectMessage } from './chat_page.mjs';

const url = process.argv[2];
const arg = (flag, fallback) => {
  const at = process.argv.indexOf(flag);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const screenshot = arg('--screenshot', '');
const timeoutSeconds = Number(arg('--timeout', '60'));
const XSS = '<img src=x onerror=alert(1)>';

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

    for (const [page] of pages) await recordStatuses(page);
    console.log('WAITING restart');
    for (const [page, who] of pages) {
      await waitUntil(page, `${who}: #status never went "reconnecting"`, () => window.seenStatuses.includes('reconnecting'));
    }
    for (const [page, who] of pages) {
      await waitForState(page, who, 'open');
      await waitUntil(page, `${who}: no fresh hello`, () => document.querySelector('#me').textContent.startsWith('guest-'));
    }
    pass('chat-browser', 'two pages and a terminal chatted, the XSS payload stayed text, own messages highlighted, ' +
                         'both pages reconnected');
  }, { timeoutSeconds });
}

main().catch((e) => {
  fail('chat-browser', e instanceof Failure ? e.message : (e && e.stack) || String(e));
  process.exit(1);
});
