// Headless Chromium for the course's tests: Debian's /usr/bin/chromium driven by playwright-core
// (installed by scripts/setup lesson04). No browser is ever downloaded.
//
//     import { withBrowser } from './browser.mjs';
//     await withBrowser(async (browser) => { const page = await browser.newPage(); ... },
//                       { timeoutSeconds: 30 });
//
// withBrowser launches one browser, runs the body, and closes the browser whatever happens.
// A hard overall timeout bounds everything, the launch included: when it fires, the process
// prints a FAIL line and exits 1, and playwright's exit hook kills the browser it started.
//
// Each launch gets a fresh, empty profile: playwright-core creates a temporary --user-data-dir
// for every chromium.launch() and deletes it on close (it refuses a --user-data-dir in `args`).

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';  // Debian's package "chromium"

// Without the networking switches Chromium keeps trying to reach Google's services and stalls
// on this closed network; the sandbox needs user namespaces a root container does not have.
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class Failure extends Error {}

// Prints the one result line a test reads, `PASS what: detail` or `FAIL what: why`.
export function pass(what, detail) { console.log(`PASS ${what}: ${detail}`); }
export function fail(what, why) { console.log(`FAIL ${what}: ${why}`); }

// The options a page script takes after its URLs: --screenshot PNG (none by default) and
// --timeout SECONDS (60 by default), from process.argv.
export function pageScriptOptions(argv = process.argv) {
  const arg = (flag, fallback) => {
    const at = argv.indexOf(flag);
    return at > 0 ? argv[at + 1] : fallback;
  };
  return { screenshot: arg('--screenshot', ''), timeoutSeconds: Number(arg('--timeout', '60')) };
}

// `args`: more Chromium switches for this launch (lesson 09: --ignore-certificate-errors-spki-list).
export async function withBrowser(body, { timeoutSeconds = 30, args = [] } = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Failure(`${CHROMIUM} not found: run scripts/setup lesson04`);
  }
  const timer = setTimeout(() => {
    fail('browser', `did not finish within ${timeoutSeconds} s`);
    process.exit(1);  // playwright's exit hook kills the browser and removes its profile
  }, timeoutSeconds * 1000);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...args],
      timeout: timeoutSeconds * 1000,
    });
    return await body(browser);
  } finally {
    if (browser) await browser.close();
    clearTimeout(timer);
  }
}
