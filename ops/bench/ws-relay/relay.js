// The usual hand-written WebRTC signalling relay, as a baseline for the signalling benchmark:
// clients join a pair with ?pair=<name>; every text message is relayed unchanged to the other member.
'use strict';
const { WebSocketServer } = require('ws');

const host = process.env.RELAY_HOST || '127.0.0.1';
const port = Number(process.env.RELAY_PORT || 8091);
const pairs = new Map();

const wss = new WebSocketServer({ host, port, perMessageDeflate: false, maxPayload: 64 * 1024 });

wss.on('connection', (ws, req) => {
  const pair = new URL(req.url, 'http://relay').searchParams.get('pair');
  if (!pair) {
    ws.close(4400, 'pair query parameter required');
    return;
  }
  const members = pairs.get(pair) || [];
  if (members.length >= 2) {
    ws.close(4409, 'pair already full');
    return;
  }
  members.push(ws);
  pairs.set(pair, members);

  ws.on('message', (data, isBinary) => {
    const peer = members[0] === ws ? members[1] : members[0];
    if (peer && peer.readyState === peer.OPEN) {
      peer.send(data, { binary: isBinary });
    }
  });
  ws.on('close', () => {
    const index = members.indexOf(ws);
    if (index >= 0) members.splice(index, 1);
    if (members.length === 0) pairs.delete(pair);
  });
  ws.on('error', () => ws.terminate());
});

wss.on('listening', () => console.log(`ws-relay listening on ${host}:${port}`));
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
