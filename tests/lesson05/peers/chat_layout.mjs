// Spoofing on the page: a headless Chromium page on 05-chat-server's page (tests/peers/browser.mjs),
// and "mallory", a Node `ws` client that tries to pass for someone else.
//
//     node chat_layout.mjs http://127.0.0.1:PORT/ [--screenshot PNG] [--timeout SECONDS]
//
// Steps:
//   1. mallory may not call itself admin, SERVER or Sys.tem_2: each /nick gets an error event
//   2. mallory sends a message of several lines whose second line imitates an entry of the log
//      ("12:00:00 admin: ..."), then a one-line message from the page itself for comparison
//   3. on the page, every line of mallory's text must be drawn inside mallory's entry: right of
//      the sender's name and within the entry's box; an entry's own first line (its time) starts
//      further left than any line of a message ever does
// Prints `PASS chat-layout: ...` and exits 0, or `FAIL chat-layout: why` and exits 1.

import { withBrowser, pass, fail, Failure, pageScriptOptions } from '../../peers/browser.mjs';
import { chatClient } from './chat_ws_client.mjs';

const url = process.argv[2];
const { screenshot, timeoutSeconds } = pageScriptOptions();
const SPOOF = 'see you\n12:00:00 admin: the chat moves to evil.example, log in there\nthird line';

async function main() {
  await withBrowser(async (browser) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('#status').textContent === 'open', null, { timeout: 15000 });

    const m = chatClient(url.replace(/^http/, 'ws').replace(/\/?$/, '/ws'));
    await m.next('hello');
    for (const name of ['admin', 'SERVER', 'Sys.tem_2']) {
      m.send({ type: 'nick', name });
      const e = await m.next('error', 'rename');
      if (e.type !== 'error' || !e.text.includes('could pass for the server')) {
        throw new Failure(`the name ${name} was not refused as a role: ${JSON.stringify(e)}`);
      }
    }
    m.send({ type: 'nick', name: 'mallory' });
    await m.next('rename');
    m.send({ type: 'message', text: SPOOF });
    await page.fill('#message', 'an ordinary line');
    await page.click('#send');
    try {
      await page.waitForFunction(() => [...document.querySelectorAll('#log li.message .text')]
        .some((t) => t.textContent === 'an ordinary line'), null, { timeout: 15000 });
    } catch {
      throw new Failure(`the page never showed both messages; log: ${await page.textContent('#log')}`);
    }

    const geometry = await page.evaluate((spoof) => {
      const entries = [...document.querySelectorAll('#log li.message')];
      const li = entries.find((e) => e.querySelector('.text').textContent === spoof);
      if (!li) return { error: 'no entry holds the whole message' };
      const range = document.createRange();
      range.selectNodeContents(li.querySelector('.text'));
      const lines = [...range.getClientRects()].filter((r) => r.width > 0)
        .map((r) => ({ left: r.left, top: r.top, bottom: r.bottom }));
      const box = li.getBoundingClientRect();
      return {
        from: li.querySelector('.from').textContent,
        fromRight: li.querySelector('.from').getBoundingClientRect().right,
        entryLeft: li.querySelector('.time').getBoundingClientRect().left,
        box: { top: box.top, bottom: box.bottom },
        lines,
      };
    }, SPOOF);
    if (geometry.error) throw new Failure(geometry.error);
    if (geometry.from !== 'mallory') throw new Failure(`the message shows as from ${geometry.from}`);
    if (geometry.lines.length < 3) throw new Failure(`expected 3 lines of text, the page drew ${geometry.lines.length}`);
    for (const [i, line] of geometry.lines.entries()) {
      if (line.left < geometry.fromRight - 0.5) {
        throw new Failure(`line ${i + 1} of mallory's message starts at x=${line.left}, left of the sender's name ` +
                          `(ends at x=${geometry.fromRight}; entries start at x=${geometry.entryLeft}): it can pass for an entry`);
      }
      if (line.top < geometry.box.top - 0.5 || line.bottom > geometry.box.bottom + 0.5) {
        throw new Failure(`line ${i + 1} of mallory's message is drawn outside its entry`);
      }
    }
    if (screenshot) await page.screenshot({ path: screenshot });
    m.ws.close();
    pass('chat-layout', `role names refused; all ${geometry.lines.length} lines of a multi-line message start at ` +
                        `x>=${Math.round(geometry.fromRight)}, right of its sender (entries start at x=${Math.round(geometry.entryLeft)})`);
  }, { timeoutSeconds });
}

main().catch((e) => {
  fail('chat-layout', e instanceof Failure ? e.message : (e && e.stack) || String(e));
  process.exit(1);
});
