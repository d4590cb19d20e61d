// A scripted chat client on Node's `ws` (tests/peers/node_modules) for the browser tests: it
// plays the other user the page meets (one who tries to spoof, one who takes a name).
//
//     const m = chatClient('ws://127.0.0.1:PORT/ws');
//     const hello = await m.next('hello');
//     m.send({ type: 'nick', name: 'mallory' });
//     const answer = await m.next('rename', 'error');
//
// next(...types) resolves with the oldest event of one of the types not taken yet, and rejects
// with a Failure if the connection closes first; the caller's overall timeout bounds the wait.

import { createRequire } from 'node:module';
import { Failure } from '../../peers/browser.mjs';

const require = createRequire(new URL('../../peers/package.json', import.meta.url));
const WebSocket = require('ws');

export function chatClient(wsUrl) {
  const ws = new WebSocket(wsUrl);
  const events = [];
  let wake = [];             // pending next() calls, woken by each event and by the close
  let closed = null;         // the close code, once closed
  const wakeAll = () => { const w = wake; wake = []; for (const f of w) f(); };
  ws.on('message', (data) => { events.push(JSON.parse(data.toString())); wakeAll(); });
  ws.on('close', (code) => { closed = code; wakeAll(); });
  ws.on('error', () => {});  // a refused connection ends in 'close', which next() reports
  const next = async (...types) => {
    for (;;) {
      const at = events.findIndex((e) => types.includes(e.type));
      if (at >= 0) return events.splice(at, 1)[0];
      if (closed !== null) throw new Failure(`the connection closed (${closed}) while waiting for ${types.join(' or ')}`);
      await new Promise((resolve) => wake.push(resolve));
    }
  };
  const send = (object) => ws.send(JSON.stringify(object));
  return { ws, next, send };
}
