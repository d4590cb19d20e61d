// Two headless Chromium pages chat through 09-tls-chat-server's page over https:// and wss://
// (playwright-core, Debian's chromium, via tests/peers/browser.mjs).
//
//     node tls_browser.mjs https://localhost:PORT/ SPKI [--screenshot PNG] [--timeout SECONDS]
//
// SPKI is the base64 SHA-256 hash of the server certificate's public key (make_certs.sh writes
// it to server.spki): Chromium trusts that one key through --ignore-certificate-errors-spki-list,
// and nothing else (the profile is fresh and empty), so the page is a secure context served
// over TLS and the page's own script picks wss:// from location.protocol.
// Steps: both pages load over https and reach #status "open"; the page's WebSocket URL is
// wss://; alice sends a line and bob's page shows it, and bob's reply reaches alice.
// Prints `PASS tls-browser: ...` and exits 0, or `FAIL tls-browser: why` and exits 1.

import { withBrowser, pass, fail, Failure, pageScriptOptions } from '../../peers/browser.mjs';
import { send, waitForState, expectMessage } from '../../lesson05/peers/chat_page.mjs';

const url = process.argv[2];
const spki = process.argv[3];
const { screenshot, timeoutSeconds } = pageScriptOptions();

try {
  if (!url?.startsWith('https://') || !spki) throw new Failure('usage: tls_browser.mjs https://HOST:PORT/ SPKI');
  const detail = await withBrowser(async (browser) => {
    const sockets = [];
    const open = async (who) => {
      const page = await browser.newPage();
      page.on('websocket', (ws) => sockets.push(ws.url()));
      const response = await page.goto(url);
      if (!response || response.status() !== 200) throw new Failure(`${who}: GET ${url} gave ${response?.status()}`);
      const security = await response.securityDetails();
      if (!security) throw new Failure(`${who}: the page did not come over TLS`);
      await waitForState(page, who, 'open');
      return { page, security };
    };
    const alice = await open('alice');
    const bob = await open('bob');
    if (!sockets.every((s) => s.startsWith('wss://'))) throw new Failure(`WebSockets not over wss: ${sockets.join(' ')}`);
    await send(alice.page, '/nick alice');
    await send(bob.page, '/nick bob');
    await send(alice.page, 'hello over TLS');
    await expectMessage(bob.page, 'bob', { from: 'alice', text: 'hello over TLS', mine: false });
    await send(bob.page, 'hi alice');
    await expectMessage(alice.page, 'alice', { from: 'bob', text: 'hi alice', mine: false });
    if (screenshot) await alice.page.screenshot({ path: screenshot });
    return `${alice.security.protocol}, ${sockets.length} wss:// sockets, messages both ways`;
  }, { timeoutSeconds, args: [`--ignore-certificate-errors-spki-list=${spki}`] });
  pass('tls-browser', detail);
  process.exit(0);
} catch (error) {
  fail('tls-browser', error instanceof Failure ? error.message : `${error.name}: ${error.message}`);
  process.exit(1);
}
