// A chat peer on Node's `ws` (from tests/peers/node_modules), for 05-chat-server.
//
//     node chat_peer.mjs ws://127.0.0.1:PORT/ws NAME OTHER COUNT [--timeout SECONDS]
//
// The same steps as chat_peer.py: take NAME, wait for OTHER, send COUNT messages (as JSON
// {"type":"message"} this time), receive all of both senders' in order and verbatim, close 1000.
// Prints `PASS chat: ...` and exits 0, or `FAIL chat: why` and exits 1.

import { createRequire } from 'node:module';

const require = createRequire(new URL('../../peers/package.json', import.meta.url));
const WebSocket = require('ws');

const PAYLOAD = 'grüße 日本 🎉 <img src=x onerror=alert(1)> "q" \\ end';

const [url, name, other, countText] = process.argv.slice(2);
const timeoutAt = process.argv.indexOf('--timeout');
const timeoutSeconds = timeoutAt > 0 ? Number(process.argv[timeoutAt + 1]) : 20;
const count = Number(countText);

function finish(ok, text) {
  console.log(`${ok ? 'PASS' : 'FAIL'} chat: ${text}`);
  process.exit(ok ? 0 : 1);
}

setTimeout(() => finish(false, `not done within ${timeoutSeconds} s`), timeoutSeconds * 1000);

const ws = new WebSocket(url);
const got = { [name]: 0, [other]: 0 };
let present = false, renamed = false, sent = false, first = true;

ws.on('error', (e) => finish(false, `socket error: ${e.message}`));
ws.on('close', (code) => {
  if (got[name] < count || got[other] < count) finish(false, `closed early with ${code}`);
  finish(true, `received ${got[name]} own and ${got[other]} from ${other}, in order; closed with ${code}`);
});
ws.on('message', (data, isBinary) => {
  if (isBinary) return finish(false, 'a binary message from a chat server');
  const e = JSON.parse(data.toString());
  if (first) {
    first = false;
    if (e.type !== 'hello') return finish(false, `first event is not a hello: ${data}`);
    present = e.users.includes(other);
    ws.send(JSON.stringify({ type: 'nick', name }));
    return;
  }
  if (e.type === 'error') return finish(false, `server error: ${e.text}`);
  if (e.type === 'rename' && e.to === name) renamed = true;
  if (e.type === 'rename' && e.to === other) present = true;
  if (e.type === 'message' && e.from in got) {
    const expected = `${e.from} ${got[e.from]} ${PAYLOAD}`;
    if (e.text !== expected) return finish(false, `expected ${JSON.stringify(expected)}, got ${JSON.stringify(e.text)}`);
    got[e.from] += 1;
  }
  if (renamed && present && !sent) {
    sent = true;
    for (let k = 0; k < count; k++) ws.send(JSON.stringify({ type: 'message', text: `${name} ${k} ${PAYLOAD}` }));
  }
  if (got[name] === count && got[other] === count) {
    ws.close(1000, 'done');  // the 'close' event reports success once the server answered
  }
});
