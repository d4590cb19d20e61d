// Playwright helpers for the chat page's DOM contract (written at the top of
// lessons/05-websocket-chat/page.cpp), shared by the browser tests in this folder.
//
// Every wait is bounded (STEP_MS) and fails with a Failure that shows the page's state: the
// status, the name, the online list and the whole log.

import { Failure } from '../../peers/browser.mjs';

export const STEP_MS = 15000;  // the longest any one step may take

// Types `text` into #message and presses #send. The page comes to the front first: a click
// waits for animation frames, which a background tab draws slowly (about 2 s per send in the
// two-page test without it).
export async function send(page, text) {
  await page.bringToFront();
  await page.fill('#message', text);
  await page.click('#send');
}

// What the page shows, in a few lines, for failure messages.
export async function describe(page) {
  return page.evaluate(() => {
    const status = document.querySelector('#status');
    const entries = [...document.querySelectorAll('#log li')]
      .map((li) => `  [${li.className}] ${[...li.children].map((c) => c.textContent).join(' | ')}`);
    return `#status ${status.dataset.state} "${status.textContent}"; #me "${document.querySelector('#me').textContent}"` +
      ` (${document.querySelector('#me').className || 'fresh'}); #who ` +
      `[${[...document.querySelectorAll('#who li')].map((li) => li.textContent).join(', ')}]; log:\n${entries.join('\n')}`;
  }).catch((e) => `(the page cannot be read: ${e.message})`);
}

// Waits until `fn(arg)` is true in the page, else fails saying `what` did not happen.
export async function waitUntil(page, what, fn, arg) {
  try {
    await page.waitForFunction(fn, arg, { timeout: STEP_MS });
  } catch {
    throw new Failure(`${what} (not within ${STEP_MS} ms); ${await describe(page)}`);
  }
}

export async function waitForState(page, who, state) {
  await waitUntil(page, `${who}: #status never became ${state}`,
                  (s) => document.querySelector('#status').dataset.state === s, state);
}

export async function waitForName(page, who, name) {
  await waitUntil(page, `${who}: #me never became ${name}`,
                  (n) => document.querySelector('#me').textContent === n, name);
}

// Waits for the chat message `text` from `from` in #log and checks that it is highlighted as
// the page's own (li.message.mine) exactly when `mine`.
export async function expectMessage(page, who, { from, text, mine }) {
  await waitUntil(page, `${who} never showed ${from}: ${JSON.stringify(text)}`, ([f, t]) =>
    [...document.querySelectorAll('#log li.message')]
      .some((li) => li.querySelector('.from').textContent === f && li.querySelector('.text').textContent === t),
  [from, text]);
  const entries = await page.$$eval('#log li.message', (items, [f, t]) => items
    .filter((li) => li.querySelector('.from').textContent === f && li.querySelector('.text').textContent === t)
    .map((li) => li.classList.contains('mine')), [from, text]);
  if (entries.length !== 1) throw new Failure(`${who} shows ${from}: ${JSON.stringify(text)} ${entries.length} times`);
  if (entries[0] !== mine) {
    throw new Failure(`${who}: ${from}'s ${JSON.stringify(text)} is ${mine ? 'not ' : ''}highlighted as the page's own ` +
                      `message; ${await describe(page)}`);
  }
}

// The log's entries as { kind, text } (kind: the <li>'s classes), oldest first.
export async function logEntries(page) {
  return page.$$eval('#log li', (items) => items.map((li) => ({ kind: li.className, text: li.querySelector('.text').textContent })));
}
