#!/usr/bin/env node
// Drives an echo page in headless Chromium the way a person would, through the lesson 04 page
// contract:
//   #status      its text is exactly "open" once the WebSocket is open, "closed" after it closes
//   #message     a text input;  #send  a button that sends the input's value and clears the input
//   #log         every message from the server is appended as an element of class "received"
//                whose textContent is exactly the message
//
//     node browser_echo.mjs URL [--screenshot PATH] [--expect-close] [--timeout SECONDS]
//
// Loads URL, waits for #status == open, then types each message, clicks #send and waits for the
// echo in #log. One message is markup (<img src=x onerror=alert(1)>): it must appear literally as
// text, create no element, and open no dialog. With --screenshot the page is saved as a PNG.
// With --expect-close it then prints `WAITING close` and waits for #status == closed (the test
// stops the server meanwhile).
// Output: one `PASS what: detail` line per check and `PASS browser: ...` at the end, exit 0;
// or `FAIL what: why`, exit 1. Everything is bounded by --timeout (default 30 s).

import { withBrowser, pass, fail, Failure } from './browser.mjs';

const MESSAGES = [
  'hello from Chromium',
  'grüße, 日本語, 🎉',
  '<img src=x onerror=alert(1)>',
  '<script>alert(2)</script> & "quotes" \'too\'',
];
const STEP_MS = 10000;  // the longest any one step may take (generous: CI machines are busy)

function parseArgs(argv) {
  const options = { url: null, screenshot: null, expectClose: false, timeout: 30 };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--screenshot') options.screenshot = argv[++i];
    else if (argv[i] === '--expect-close') options.expectClose = true;
    else if (argv[i] === '--timeout') options.timeout = Number(argv[++i]);
    else if (!options.url && !argv[i].startsWith('--')) options.url = argv[i];
    else options.url = null, i = argv.length;
  }
  if (!options.url || !(options.timeout > 0)) {
    console.error('usage: browser_echo.mjs URL [--screenshot PATH] [--expect-close] [--timeout SECONDS]');
    process.exit(2);
  }
  return options;
}

async function waitUntil(page, what, predicate, arg) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: STEP_MS });
  } catch (error) {
    const status = await page.locator('#status').textContent().catch(() => '<no #status>');
    throw new Failure(`${what} (not within ${STEP_MS} ms; #status is '${status}')`);
  }
}

async function receivedTexts(page) {
  return page.locator('#log .received').evaluateAll((items) => items.map((item) => item.textContent));
}

// `problems` collects what the page did that it must never do.
async function checkPage(browser, options, problems) {
  const page = await browser.newPage();
  page.on('dialog', (dialog) => {
    problems.push(`a dialog opened (${dialog.type()} '${dialog.message()}'): markup ran as code`);
    dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => problems.push(`script error in the page: ${error.message}`));

  const started = Date.now();
  const response = await page.goto(options.url, { timeout: STEP_MS }).catch((error) => {
    throw new Failure(`cannot load ${options.url}: ${error.message.split('\n')[0]}`);
  });
  const type = response.headers()['content-type'] ?? '';
  if (response.status() !== 200 || !type.startsWith('text/html')) {
    throw new Failure(`GET ${options.url} answered ${response.status()} '${type}', expected 200 text/html`);
  }
  pass('page', `${options.url} loaded (200 ${type})`);

  await waitUntil(page, "#status never became 'open'",
    () => document.querySelector('#status')?.textContent === 'open');
  pass('status', `'open' ${Date.now() - started} ms after the page was requested`);

  for (const [index, message] of MESSAGES.entries()) {
    await page.fill('#message', message, { timeout: STEP_MS });
    await page.click('#send', { timeout: STEP_MS });
    await waitUntil(page, `no echo of ${JSON.stringify(message)} appeared in #log`,
      (count) => document.querySelectorAll('#log .received').length >= count, index + 1);
    const received = await receivedTexts(page);
    if (received[index] !== message) {
      throw new Failure(`sent ${JSON.stringify(message)} but #log shows ${JSON.stringify(received[index])}`);
    }
    const left = await page.inputValue('#message');
    if (left !== '') throw new Failure(`#message still holds ${JSON.stringify(left)} after #send`);
    pass('echo', JSON.stringify(message));
  }
  const received = await receivedTexts(page);
  if (JSON.stringify(received) !== JSON.stringify(MESSAGES)) {
    throw new Failure(`#log .received holds ${JSON.stringify(received)}, expected ${JSON.stringify(MESSAGES)}`);
  }

  // The markup must be text: no element was made from it and no handler ran.
  const injected = await page.locator('#log img, #log script').count();
  if (injected > 0) throw new Failure(`#log contains ${injected} img/script element(s) made from a message`);
  if (problems.length > 0) throw new Failure(problems.join('; '));
  pass('xss', 'markup shown literally as text: no element created, no dialog, no script error');

  if (options.screenshot) {
    await page.screenshot({ path: options.screenshot, fullPage: true, timeout: STEP_MS });
    pass('screenshot', options.screenshot);
  }

  if (options.expectClose) {
    console.log('WAITING close');
    await waitUntil(page, "#status never became 'closed' after the server stopped",
      () => document.querySelector('#status')?.textContent === 'closed');
    pass('closed', "#status became 'closed' when the server went away");
  }
  if (problems.length > 0) throw new Failure(problems.join('; '));
  return `${MESSAGES.length} messages echoed in ${Date.now() - started} ms`;
}

// A failed check also reports what the page did wrong meanwhile (a dialog says more than
// an empty echo does).
async function checkPageReportingProblems(browser, options) {
  const problems = [];
  try {
    return await checkPage(browser, options, problems);
  } catch (error) {
    if (error instanceof Failure && problems.length > 0) error.message += `; also: ${problems.join('; ')}`;
    throw error;
  }
}

const options = parseArgs(process.argv.slice(2));
const started = Date.now();
try {
  const detail = await withBrowser((browser) => checkPageReportingProblems(browser, options), { timeoutSeconds: options.timeout });
  pass('browser', `${detail}; ${Date.now() - started} ms in all, browser launch included`);
  process.exitCode = 0;
} catch (error) {
  fail('browser', error instanceof Failure ? error.message : error.stack ?? String(error));
  process.exitCode = 1;
}
