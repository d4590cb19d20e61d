// A broadcast chat with Node's ws, as its README's "Server broadcast" example writes it: each
// message goes to every open client, the sender too. No greeting: 06-loadgen joins with
// --join probe. ws comes from tests/peers/node_modules (scripts/setup lesson06):
//
//   NODE_PATH=tests/peers/node_modules node lessons/06-load/peers/node_ws_chat.cjs --port 0
'use strict';
const { WebSocketServer, WebSocket } = require('ws');
const { parseArgs } = require('node:util');

const { values } = parseArgs({
  options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '8080' } },
});
const wss = new WebSocketServer({ host: values.host, port: Number(values.port) });

wss.on('listening', () => console.log(`listening on ${values.host}:${wss.address().port}`));
wss.on('connection', function connection(ws) {
  ws.on('error', console.error);
  ws.on('message', function message(data, isBinary) {
    wss.clients.forEach(function each(client) {
      if (client.readyState === WebSocket.OPEN) {
        client.send(data, { binary: isBinary });
      }
    });
  });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(0));
