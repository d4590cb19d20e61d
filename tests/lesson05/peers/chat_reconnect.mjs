// The page's reconnection, step by step: one headless Chromium page whose timers the script
// controls (playwright's clock: once paused, the page's setTimeout and setInterval fire only
// when the script advances the time), mallory, a Node `ws` client (chat_ws_client.mjs), and the
// C++ test, which stops the server and starts it again on the same port when told.
//
//     node chat_reconnect.mjs http://127.0.0.1:PORT/ [--screenshot PNG] [--timeout SECONDS]
//
// Steps:
//   1. the page takes the name carol; mallory and carol each say a line: only carol's is
//      highlighted (li.message.mine)
//   2. the page's connection drops (its socket is closed under it): it reconnects to the same
//      server, takes carol back, and the history the server replays doubles no line (carol's
//      stays highlighted); the log gets one "connection lost" and one "connection back" line
//   3. the page's clock is paused and the script prints "WAITING stop"; the test stops the
//      server. #status says "reconnecting in N s (attempt 1)", #me and the online list are
//      marked stale, the stale note is shown, the log got one line. The script then lets the
//      page try four times in vain, advancing its clock: #status counts the seconds down and
//      the attempts up, and the log does not grow
//   4. the script prints "WAITING restart"; the test starts the server again on the same port
//      and writes "restarted" to the script's stdin. Mallory connects first and takes the name
//      carol; then the page's next retry connects, its request for carol is refused: one error
//      line says so, and one that the messages it missed are gone (its resume is refused: the
//      restarted server never gave out its last id); #me stays the guest name the server gave,
//      the list is fresh, the log got one
//      "connection back" line; a line from mallory, now carol, is not highlighted as the page's
// Prints `PASS chat-reconnect: ...` and exits 0, or `FAIL chat-reconnect: why` and exits 1.

import { createInterface } from 'node:readline';
import { withBrowser, pass, fail, Failure, pageScriptOptions } from '../../peers/browser.mjs';
import { send, describe, waitUntil, waitForState, waitForName, expectMessage, logEntries } from './chat_page.mjs';
import { chatClient } from './chat_ws_client.mjs';

const url = process.argv[2];
const wsUrl = url.replace(/^http/, 'ws').replace(/\/?$/, '/ws');
const { screenshot, timeoutSeconds } = pageScriptOptions();
const refused = 4;                 // attempts made while the server is down
const beyondAnyRetry = 8000 * 1.25 + 1;  // ms: past the longest delay (8 s) with the most jitter

const stdin = createInterface({ input: process.stdin });
const testLines = stdin[Symbol.asyncIterator]();
async function waitForTest(expected) {
  const { value, done } = await testLines.next();
  if (done || value.trim() !== expected) {
    throw new Failure(`expected "${expected}" from the test, got ${done ? 'the end of stdin' : JSON.stringify(value)}`);
  }
}

const status = (page) => page.evaluate(() => ({
  state: document.querySelector('#status').dataset.state,
  text: document.querySelector('#status').textContent,
}));

// Checks that the page shows what it knew as stale: #me and #people greyed, the note shown.
async function expectStale(page, stale) {
  const seen = await page.evaluate(() => {
    const me = document.querySelector('#me');
    const people = document.querySelector('#people');
    const note = document.querySelector('#stale-note');
    return {
      classes: me.classList.contains('stale') && people.classList.contains('stale'),
      none: !me.classList.contains('stale') && !people.classList.contains('stale'),
      note: !note.hidden && note.getBoundingClientRect().height > 0 ? note.textContent : null,
      greyed: Number(getComputedStyle(me).opacity) < 1 && Number(getComputedStyle(document.querySelector('#who')).opacity) < 1,
    };
  });
  if (stale && !(seen.classes && seen.note && seen.greyed)) {
    throw new Failure(`#me and the online list are not marked stale while disconnected (${JSON.stringify(seen)}); ${await describe(page)}`);
  }
  if (!stale && !(seen.none && seen.note === null && !seen.greyed)) {
    throw new Failure(`#me or the online list is still marked stale (${JSON.stringify(seen)}); ${await describe(page)}`);
  }
  return seen.note;
}

// Waits until #status shows the countdown before attempt `n` and returns its seconds.
async function countdownBefore(page, n) {
  await waitUntil(page, `#status never showed the wait before attempt ${n}`, (k) =>
    new RegExp(`^reconnecting in \\d+ s \\(attempt ${k}\\)$`).test(document.querySelector('#status').textContent), n);
  const { state, text } = await status(page);
  if (state !== 'reconnecting') throw new Failure(`#status says "${text}" with data-state ${state}`);
  return Number(text.match(/in (\d+) s/)[1]);
}

async function main() {
  const clients = [];
  try {
    await withBrowser(async (browser) => {
      const context = await browser.newContext();
      await context.clock.install();  // the page's time: the real one until paused (step 3)
      const page = await context.newPage();
      await page.goto(url);
      await waitForState(page, 'carol', 'open');
      await waitUntil(page, 'no hello', () => document.querySelector('#me').textContent.startsWith('guest-'));
      await send(page, '/nick carol');
      await waitForName(page, 'carol', 'carol');

      // 1. Own messages.
      const mallory = chatClient(wsUrl);
      clients.push(mallory);
      await mallory.next('hello');
      mallory.send({ type: 'nick', name: 'mallory' });
      await mallory.next('rename');
      mallory.send({ type: 'message', text: 'a line from mallory' });
      await expectMessage(page, 'carol', { from: 'mallory', text: 'a line from mallory', mine: false });
      await send(page, 'a line from carol');
      await expectMessage(page, 'carol', { from: 'carol', text: 'a line from carol', mine: true });

      // 2. A dropped connection, the server still up: the page's own socket (a global of its
      // script) is closed under it.
      let before = (await logEntries(page)).length;
      await page.evaluate(() => socket.close());
      await waitUntil(page, 'never back and greeted after the drop', () =>
        document.querySelectorAll('#log li.connection.back').length === 1 &&
        document.querySelector('#status').dataset.state === 'open' && !document.querySelector('#me').classList.contains('stale'));
      await waitForName(page, 'carol', 'carol');
      await expectMessage(page, 'carol', { from: 'mallory', text: 'a line from mallory', mine: false });
      await expectMessage(page, 'carol', { from: 'carol', text: 'a line from carol', mine: true });
      let since = (await logEntries(page)).slice(before);
      const kinds = since.map((e) => e.kind);
      if (kinds.filter((k) => k === 'connection lost').length !== 1 || kinds.filter((k) => k === 'connection back').length !== 1 ||
          kinds.includes('error') || kinds.some((k) => k.startsWith('message'))) {
        throw new Failure(`after the drop the log should get one lost line, one back line, notices, and no message again; ${await describe(page)}`);
      }

      // 3. The server stops; the page's clock is paused, so it retries only when told to.
      const pageNow = await page.evaluate(() => Date.now());
      await page.clock.pauseAt(pageNow + 5000);  // ahead of the page's clock, which runs meanwhile
      before = (await logEntries(page)).length;
      console.log('WAITING stop');
      await waitForState(page, 'carol', 'reconnecting');
      const note = await expectStale(page, true);
      const statuses = [];
      for (let n = 1; n <= refused + 1; n++) {
        let seconds = await countdownBefore(page, n);
        statuses.push((await status(page)).text);
        if (seconds >= 2) {  // one second later the same line says one second less
          await page.clock.runFor(1000);
          const later = (await status(page)).text;
          if (later !== `reconnecting in ${seconds - 1} s (attempt ${n})`) {
            throw new Failure(`one second after "${statuses.at(-1)}" #status says "${later}"`);
          }
          seconds -= 1;
          statuses.push(later);
        }
        const entries = await logEntries(page);
        if (entries.length !== before + 1 || entries.at(-1).kind !== 'connection lost' || !entries.at(-1).text.includes('1001')) {
          throw new Failure(`before attempt ${n} the log should have grown by one "connection lost" line (1001); ${await describe(page)}`);
        }
        if (n <= refused) await page.clock.runFor(beyondAnyRetry);  // attempt n, refused: the server is down
      }
      await expectStale(page, true);
      if (!statuses.some((s) => / in [2-9] s /.test(s))) throw new Failure(`the waits never grew: ${statuses.join(' → ')}`);

      // 4. The server is back, and someone else took the name first.
      console.log('WAITING restart');
      await waitForTest('restarted');
      const thief = chatClient(wsUrl);
      clients.push(thief);
      await thief.next('hello');
      thief.send({ type: 'nick', name: 'carol' });
      const took = await thief.next('rename', 'error');
      if (took.type !== 'rename') throw new Failure(`mallory could not take the name carol: ${JSON.stringify(took)}`);
      await page.clock.runFor(beyondAnyRetry);  // attempt refused + 1: the server is up
      await waitUntil(page, 'no error line about the name carol after the reconnect', () =>
        [...document.querySelectorAll('#log li.error')].some((li) => li.textContent.includes('carol')));
      await waitForState(page, 'carol', 'open');
      await expectStale(page, false);
      const guest = await page.textContent('#me');
      if (!guest.startsWith('guest-')) throw new Failure(`#me is "${guest}", expected the server's guest name`);
      since = (await logEntries(page)).slice(before);
      // The page asked for its name, then for what it missed: the restarted server has neither.
      const errors = since.filter((e) => e.kind === 'error');
      if (errors.length !== 2 || !errors[0].text.includes('carol is taken') || !errors[0].text.includes(guest) ||
          !errors[1].text.startsWith('could not fetch the messages sent while you were away')) {
        throw new Failure(`expected one error line saying carol is taken and naming ${guest}, then one saying the missed ` +
                          `messages are gone; ${await describe(page)}`);
      }
      if (since.filter((e) => e.kind === 'connection lost').length !== 1 || since.filter((e) => e.kind === 'connection back').length !== 1) {
        throw new Failure(`expected one lost and one back line for the whole outage; ${await describe(page)}`);
      }
      await waitUntil(page, '#who does not list carol and the page', (me) => {
        const names = [...document.querySelectorAll('#who li')].map((li) => li.textContent).sort();
        return names.length === 2 && names[0] === 'carol' && names[1] === me;
      }, guest);
      thief.send({ type: 'message', text: 'carol is mine now' });
      await expectMessage(page, 'the page', { from: 'carol', text: 'carol is mine now', mine: false });
      await send(page, 'fine, I am a guest');
      await expectMessage(page, 'the page', { from: guest, text: 'fine, I am a guest', mine: true });
      if (screenshot) await page.screenshot({ path: screenshot });
      pass('chat-reconnect', `own lines highlighted; a drop came back as carol with no line doubled; with the server down ` +
                             `the note said "${note}" and #status went ${statuses.join(' → ')} with one log line; ` +
                             `back after the restart: "${errors[0].text}"`);
    }, { timeoutSeconds });
  } finally {
    for (const c of clients) c.ws.terminate();
    stdin.close();
  }
}

main().catch((e) => {
  fail('chat-reconnect', e instanceof Failure ? e.message : (e && e.stack) || String(e));
  process.exit(1);
});
