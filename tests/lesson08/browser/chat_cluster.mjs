// Two headless Chromium pages chat through HAProxy in front of three 08-chat-nodes; then the
// node one page is on is killed (-9), and that page comes back through HAProxy on another node,
// resumes, and misses nothing.
//
//     node chat_cluster.mjs http://127.0.0.1:HAPROXY_PORT/ [--screenshot PNG] [--timeout SECONDS]
//
// Steps:
//   1. alice and bob open the page through HAProxy (leastconn: on two different nodes; the test
//      checks it) and take their names; each says a line, the other shows it
//   2. alice's timers are paused (playwright's clock), so that her page, once cut off, retries
//      only when told. The script prints "WAITING kill"; the test kills alice's node with -9 and
//      writes "killed". alice's page goes "reconnecting"; bob says m1..m10 meanwhile
//   3. alice's clock runs: her page reconnects through HAProxy (to a live node), asks for her
//      name back (refused: her old self on the dead node holds "alice" until its TTL ends: one
//      error line says so), resumes, and shows m1..m10 once each, in order, after bob's first
//      line; no other error; then bob's next line arrives live, once
// Prints `PASS chat-cluster: ...` and exits 0, or `FAIL chat-cluster: why` and exits 1.

import { createInterface } from 'node:readline';
import { withBrowser, pass, fail, Failure, pageScriptOptions } from '../../peers/browser.mjs';
import { send, describe, waitUntil, waitForState, waitForName, expectMessage, logEntries } from '../../lesson05/peers/chat_page.mjs';

const url = process.argv[2];
const { screenshot, timeoutSeconds } = pageScriptOptions();
const beyondAnyRetry = 8000 * 1.25 + 1;  // ms: past the longest delay (8 s) with the most jitter
const missed = 10;

const stdin = createInterface({ input: process.stdin });
const testLines = stdin[Symbol.asyncIterator]();
async function waitForTest(expected) {
  const { value, done } = await testLines.next();
  if (done || value.trim() !== expected) {
    throw new Failure(`expected "${expected}" from the test, got ${done ? 'the end of stdin' : JSON.stringify(value)}`);
  }
}

async function open(browser, name) {
  const context = await browser.newContext();
  await context.clock.install();  // the real time until paused
  const page = await context.newPage();
  await page.goto(url);
  await waitForState(page, name, 'open');
  await waitUntil(page, `${name}: no hello`, () => document.querySelector('#me').textContent.startsWith('guest-'));
  await send(page, `/nick ${name}`);
  await waitForName(page, name, name);
  return page;
}

const messages = (page) => page.$$eval('#log li.message', (items) =>
  items.map((li) => `${li.querySelector('.from').textContent}: ${li.querySelector('.text').textContent}`));

async function main() {
  try {
    await withBrowser(async (browser) => {
      // 1.
      const alice = await open(browser, 'alice');
      const bob = await open(browser, 'bob');
      await send(alice, 'hello from alice');
      await expectMessage(bob, 'bob', { from: 'alice', text: 'hello from alice', mine: false });
      await send(bob, 'hello from bob');
      await expectMessage(alice, 'alice', { from: 'bob', text: 'hello from bob', mine: false });

      // 2.
      await alice.clock.pauseAt(await alice.evaluate(() => Date.now()) + 5000);
      const before = (await logEntries(alice)).length;
      console.log('WAITING kill');
      await waitForTest('killed');
      await waitForState(alice, 'alice', 'reconnecting');
      for (let n = 1; n <= missed; n++) await send(bob, `m${n}`);
      await expectMessage(bob, 'bob', { from: 'bob', text: `m${missed}`, mine: true });

      // 3.
      await alice.clock.runFor(beyondAnyRetry);
      await alice.clock.resume();
      await waitForState(alice, 'alice', 'open');
      await expectMessage(alice, 'alice', { from: 'bob', text: `m${missed}`, mine: false });
      await send(bob, 'live after the resume');
      await expectMessage(alice, 'alice', { from: 'bob', text: 'live after the resume', mine: false });
      const seen = await messages(alice);
      const expected = ['alice: hello from alice', 'bob: hello from bob'];
      for (let n = 1; n <= missed; n++) expected.push(`bob: m${n}`);
      expected.push('bob: live after the resume');
      if (JSON.stringify(seen) !== JSON.stringify(expected)) {
        throw new Failure(`alice's messages, in order, should be ${JSON.stringify(expected)}; ${await describe(alice)}`);
      }
      const since = (await logEntries(alice)).slice(before);
      const errors = since.filter((e) => e.kind === 'error');
      if (errors.length !== 1 || !errors[0].text.startsWith('could not take back your name alice (the name alice is taken)')) {
        throw new Failure(`expected one error line, the name alice still held by her old self; ${await describe(alice)}`);
      }
      if (since.filter((e) => e.kind === 'connection lost').length !== 1 || since.filter((e) => e.kind === 'connection back').length !== 1) {
        throw new Failure(`expected one lost and one back line; ${await describe(alice)}`);
      }
      if (screenshot) await alice.screenshot({ path: screenshot });
      pass('chat-cluster', `alice's node killed, she came back through HAProxy as ${await alice.textContent('#me')}, ` +
                           `resumed and showed m1..m${missed} once each, in order ("${errors[0].text}")`);
    }, { timeoutSeconds });
  } finally {
    stdin.close();
  }
}

main().catch((e) => {
  fail('chat-cluster', e instanceof Failure ? e.message : (e && e.stack) || String(e));
  process.exit(1);
});
