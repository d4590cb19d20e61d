#!/usr/bin/env node
// A real third-party WebSocket client: Node's `ws` library (pinned in package-lock.json,
// installed into tests/peers/node_modules by scripts/setup lesson04).
//
//     node ws_client.mjs ws://127.0.0.1:PORT/ws SCENARIO [--timeout SECONDS]
//
// Connects to an echo server and runs one scenario against it:
//     text        several text messages, non-ASCII UTF-8 included, echoed in order
//     binary      one binary message holding all 256 byte values, echoed exactly
//     large       a 1 MiB binary and a 1 MiB text message, echoed exactly
//     fragmented  a text and a binary message sent as several frames (send(..., {fin: false})),
//                 each echoed as one message, and one with a ping between its fragments
//     ping        a ping with a payload; the pong carries the same payload
//     close       a clean close 1000 with a reason; the server's close code is observed
// Prints `PASS SCENARIO: what was checked` and exits 0, or `FAIL SCENARIO: why` and exits 1.
// The whole scenario is bounded by --timeout (default 10 s).

import { WebSocket } from 'ws';

const MIB = 1024 * 1024;  // the size of the "large" messages
const MAX_MESSAGE = 16 * MIB;  // what we accept from the server

const TEXTS = [
  'hello',
  'second message',
  'grüße aus Köln',  // 2-byte UTF-8
  '日本語のテキスト',  // 3-byte UTF-8
  'emoji 🎉🚀',  // 4-byte UTF-8
  '',  // an empty message is a message too
  '<img src=x onerror=alert(1)>',
];

class Failure extends Error {}

function describe(message) {
  if (message.binary) return `binary of ${message.data.length} bytes starting ${message.data.subarray(0, 16).toString('hex')}`;
  return `text of ${Buffer.byteLength(message.data)} bytes starting ${JSON.stringify(message.data.slice(0, 40))}`;
}

// Says where two messages first differ.
function difference(sent, got) {
  let text = `sent ${describe(sent)} but received ${describe(got)}`;
  if (sent.binary !== got.binary) return text;
  const a = Buffer.from(sent.data);
  const b = Buffer.from(got.data);
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) ++index;
  return `${text}; first difference at byte ${index}`;
}

// Turns the socket's events into awaitable queues: next() resolves with the next message,
// in order, or rejects when the connection closes or errors first.
class Peer {
  constructor(ws) {
    this.ws = ws;
    this.messages = [];
    this.waiters = [];
    this.pongs = [];
    this.closed = null;
    ws.on('message', (data, isBinary) => {
      this.push({ binary: isBinary, data: isBinary ? Buffer.from(data) : data.toString('utf8') });
    });
    ws.on('pong', (data) => this.pongs.push(Buffer.from(data)));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString('utf8') };
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Failure(`connection closed (${code})`));
    });
  }

  push(message) {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(message);
    else this.messages.push(message);
  }

  next() {
    if (this.messages.length > 0) return Promise.resolve(this.messages.shift());
    if (this.closed) return Promise.reject(new Failure(`connection closed (${this.closed.code})`));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async expectEcho(sent) {
    const got = await this.next();
    const same = got.binary === sent.binary &&
      (sent.binary ? Buffer.compare(got.data, sent.data) === 0 : got.data === sent.data);
    if (!same) throw new Failure(difference(sent, got));
  }

  send(message, options = {}) {
    return new Promise((resolve, reject) => {
      this.ws.send(message.data, { binary: message.binary, ...options }, (error) => (error ? reject(error) : resolve()));
    });
  }

  waitFor(event) {
    return new Promise((resolve) => this.ws.once(event, (...args) => resolve(args)));
  }
}

const text = (data) => ({ binary: false, data });
const binary = (data) => ({ binary: true, data: Buffer.from(data) });

function largeText() {
  const unit = 'aé€🎉';  // 1 + 2 + 3 + 4 = 10 bytes of UTF-8
  let result = unit.repeat(Math.floor(MIB / 10));
  result += 'x'.repeat(MIB - Buffer.byteLength(result));
  return result;
}

const scenarios = {
  async text(peer) {
    for (const each of TEXTS) await peer.send(text(each));
    for (const each of TEXTS) await peer.expectEcho(text(each));
    return `${TEXTS.length} text messages (UTF-8 of 1 to 4 bytes a character) echoed in order`;
  },

  async binary(peer) {
    const all = binary(Array.from({ length: 256 }, (_, i) => i));
    await peer.send(all);
    await peer.expectEcho(all);
    return '256 bytes 00..ff echoed as one binary message';
  },

  async large(peer) {
    const data = Buffer.alloc(MIB);
    for (let i = 0; i < MIB; ++i) data[i] = (i * 7 + 3) & 0xff;
    await peer.send(binary(data));
    await peer.expectEcho(binary(data));
    const big = largeText();
    await peer.send(text(big));
    await peer.expectEcho(text(big));
    return '1 MiB binary and 1 MiB text (1048576 UTF-8 bytes) echoed exactly';
  },

  async fragmented(peer) {
    // ws sends a message with fin: false as a first frame, and the following sends as
    // continuation frames until one has fin: true.
    const textParts = ['frag', 'mented ', 'grüße ', '🎉'];
    for (const [i, part] of textParts.entries()) {
      await peer.send(text(part), { fin: i === textParts.length - 1 });
    }
    await peer.expectEcho(text(textParts.join('')));
    const binaryParts = [0, 1, 2, 3, 4].map((i) => Buffer.alloc(100, i));
    for (const [i, part] of binaryParts.entries()) {
      await peer.send(binary(part), { fin: i === binaryParts.length - 1 });
    }
    await peer.expectEcho(binary(Buffer.concat(binaryParts)));

    // RFC 6455 5.4: a control frame may come between the fragments of a message.
    const pong = peer.waitFor('pong');
    await peer.send(text('before '), { fin: false });
    peer.ws.ping('mid-message');
    await peer.send(text('after'), { fin: true });
    await peer.expectEcho(text('before after'));
    const [data] = await pong;
    if (data.toString() !== 'mid-message') throw new Failure(`pong carried '${data}', not 'mid-message'`);
    return 'a text message in 4 fragments and a binary one in 5 each echoed as one message; ' +
      'a ping between fragments answered';
  },

  async ping(peer) {
    const payload = Buffer.from('ping-payload-42');
    const pong = peer.waitFor('pong');
    peer.ws.ping(payload);
    const [data] = await pong;
    if (Buffer.compare(Buffer.from(data), payload) !== 0) {
      throw new Failure(`pong payload ${JSON.stringify(data.toString())} is not the ping's ${JSON.stringify(payload.toString())}`);
    }
    await peer.send(text('after ping'));
    await peer.expectEcho(text('after ping'));
    return `pong carried the ping's payload '${payload}'; messages still echoed`;
  },

  async close(peer) {
    await peer.send(text('before close'));
    await peer.expectEcho(text('before close'));
    const closed = peer.waitFor('close');
    peer.ws.close(1000, 'bye');
    const [code, reason] = await closed;
    if (code !== 1000) throw new Failure(`expected the server's close code 1000, got ${code} '${reason}'`);
    return `closing handshake done: sent 1000 'bye', server answered ${code} '${reason}'`;
  },
};

async function run(url, name) {
  const ws = new WebSocket(url, { maxPayload: MAX_MESSAGE, handshakeTimeout: 5000 });
  const peer = new Peer(ws);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.on('error', () => {});  // after the open, failures surface as a close
  const detail = await scenarios[name](peer);
  if (name !== 'close') {
    const closed = peer.waitFor('close');
    ws.close(1000);
    await closed;
  }
  return detail;
}

function parseArgs(argv) {
  const usage = `usage: ws_client.mjs URL {${Object.keys(scenarios).join(',')}} [--timeout SECONDS]`;
  const positional = [];
  let timeout = 10;
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--timeout') timeout = Number(argv[++i]);
    else positional.push(argv[i]);
  }
  if (positional.length !== 2 || !(positional[1] in scenarios) || !(timeout > 0)) {
    console.error(usage);
    process.exit(2);
  }
  return { url: positional[0], name: positional[1], timeout };
}

const { url, name, timeout } = parseArgs(process.argv.slice(2));
let timer;
const deadline = new Promise((_, reject) => {
  timer = setTimeout(() => reject(new Failure(`did not finish within ${timeout} s`)), timeout * 1000);
});
try {
  const detail = await Promise.race([run(url, name), deadline]);
  console.log(`PASS ${name}: ${detail}`);
  process.exitCode = 0;
} catch (error) {
  const reason = error instanceof Failure ? error.message : `${error.code ?? error.name}: ${error.message}`;
  console.log(`FAIL ${name}: ${reason}`);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
}
// Whatever is still open (a socket after a timeout) must not keep the process alive.
setImmediate(() => process.exit());
