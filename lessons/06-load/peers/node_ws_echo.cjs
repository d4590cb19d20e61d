// Echo over WebSocket with Node's ws, as its README writes a server: one WebSocketServer, a
// 'message' listener per connection that sends the data back as it came (text or binary).
// ws comes from tests/peers/node_modules (scripts/setup lesson06): run it with
//
//   NODE_PATH=tests/peers/node_modules node lessons/06-load/peers/node_ws_echo.cjs --port 0
//
// and then 06-loadgen echo ws://127.0.0.1:PORT/ws (ws serves any path).
'use strict';
const { WebSocketServer } = require('ws');
const { parseArgs } = require('node:util');

const { values } = parseArgs({
  options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '8080' } },
});
const wss = new WebSocketServer({ host: values.host, port: Number(values.port) });

wss.on('listening', () => console.log(`listening on ${values.host}:${wss.address().port}`));
wss.on('connection', function connection(ws) {
  ws.on('error', console.error);
  ws.on('message', function message(data, isBinary) {
    ws.send(data, { binary: isBinary });
  });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(0));
