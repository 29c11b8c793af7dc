// The signalling client against a fake WebSocket, on mocked timers: reconnection and its backoff, resume, seq
// tracking, request/reply.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { FakeSocket } from './fakesocket.js';
import { SignalClient } from '../../main/resources/static/js/signal.js';

/** Lets the awaited ticket and the other promise callbacks run (mocked timers do not move the event loop). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

let client;

beforeEach(() => {
  FakeSocket.opened = [];
  globalThis.WebSocket = FakeSocket;
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 });
});

afterEach(() => {
  client?.close();
  client = null;
  mock.timers.reset();
  mock.restoreAll();
  delete globalThis.WebSocket;
});

function newClient(options = {}) {
  let tickets = 0;
  client = new SignalClient({ url: 'wss://signal.test/signal', ticket: async () => `t${++tickets}`, ...options });
  return client;
}

const latest = () => FakeSocket.opened.at(-1);

function welcome(overrides = {}) {
  return { type: 'welcome', seq: 1, sessionId: 's1', resumeToken: 'r1', heartbeatSeconds: 20, ...overrides };
}

/** Connects and completes the handshake; returns the socket. */
async function connected(c = newClient(), hello = welcome()) {
  const ready = c.connect();
  await settle();
  latest().accept();
  latest().deliver(hello);
  await ready;
  return latest();
}

/** Advances the clock until the next socket is opened; returns how long that took. */
async function timeToNextSocket(limitMs = 20_000) {
  const before = FakeSocket.opened.length;
  for (let elapsed = 1; elapsed <= limitMs; elapsed++) {
    mock.timers.tick(1);
    await settle();
    if (FakeSocket.opened.length > before) return elapsed;
  }
  return Infinity;
}

/** The delays of `count` reconnections in a row, each attempt failing before it opens. */
async function backoffSeries(c, count) {
  await connected(c);
  latest().lose();
  const delays = [];
  for (let i = 0; i < count; i++) {
    delays.push(await timeToNextSocket());
    latest().lose();
  }
  return delays;
}

test('the socket is opened on the configured url with a fresh ticket, url-encoded', async () => {
  const c = new SignalClient({ url: 'wss://signal.test/signal?v=2', ticket: async () => 'a b&c' });
  client = c;
  c.connect();
  await settle();
  assert.equal(FakeSocket.opened.length, 1);
  assert.equal(latest().url, 'wss://signal.test/signal?v=2&ticket=a%20b%26c');
});

test('connect resolves with the welcome and the client becomes ready with its session', async () => {
  const c = newClient();
  const statuses = [];
  c.on('status', (s) => statuses.push(s));
  const ready = c.connect();
  await settle();
  latest().accept();
  latest().deliver(welcome({ sessionId: 'abc', seq: 3 }));
  const msg = await ready;
  assert.equal(msg.sessionId, 'abc');
  assert.equal(c.ready, true);
  assert.equal(c.status, 'open');
  assert.equal(c.sessionId, 'abc');
  assert.equal(c.lastSeq, 3);
  assert.deepEqual(statuses, ['open']);
});

test('messages sent before the link is ready are queued and flushed in order once welcomed', async () => {
  const c = newClient();
  c.connect();
  c.send({ type: 'presence', n: 1 });
  c.send({ type: 'presence', n: 2 });
  await settle();
  latest().accept();
  assert.deepEqual(latest().sent, []);
  latest().deliver(welcome());
  assert.deepEqual(latest().sent.map((m) => m.n), [1, 2]);
});

test('replies are matched to their requests by id, whatever order they come in', async () => {
  const c = newClient();
  const ws = await connected(c);
  const first = c.request({ type: 'call.start' });
  const second = c.request({ type: 'call.start' });
  const [a, b] = ws.sentOfType('call.start');
  assert.notEqual(a.id, b.id);
  ws.deliver({ type: 'call.started', re: b.id, callId: 'second' });
  ws.deliver({ type: 'call.started', re: a.id, callId: 'first' });
  assert.equal((await first).callId, 'first');
  assert.equal((await second).callId, 'second');
});

test('an error reply rejects its request with the server code and message', async () => {
  const c = newClient();
  const ws = await connected(c);
  const reply = c.request({ type: 'call.start' });
  ws.deliver({ type: 'error', re: ws.sent.at(-1).id, code: 'NO_SPECIALIST', message: 'nobody on duty' });
  await assert.rejects(reply, (err) => err.code === 'NO_SPECIALIST' && err.message === 'nobody on duty');
});

test('a request unanswered in time rejects with TIMEOUT and its late reply is ignored', async () => {
  const c = newClient();
  const ws = await connected(c);
  const reply = c.request({ type: 'ping' }, 3000);
  const id = ws.sent.at(-1).id;
  mock.timers.tick(2999);
  assert.equal(c.pending.has(id), true);
  mock.timers.tick(1);
  await assert.rejects(reply, { code: 'TIMEOUT' });
  assert.equal(c.pending.has(id), false);
  const seen = [];
  c.on('pong', (m) => seen.push(m));
  ws.deliver({ type: 'pong', re: id });
  assert.equal(seen.length, 1, 'the late reply is still an ordinary message');
});

test('a message whose seq was already seen is dropped, one without seq always passes', async () => {
  const c = newClient();
  const ws = await connected(c);
  const seen = [];
  c.on('*', (m) => seen.push(m.type + (m.seq ?? '')));
  ws.deliver({ type: 'call.offer', seq: 2 });
  ws.deliver({ type: 'call.offer', seq: 2 });
  ws.deliver({ type: 'call.offer', seq: 1 });
  ws.deliver({ type: 'pong' });
  assert.deepEqual(seen, ['call.offer2', 'pong']);
  assert.equal(c.lastSeq, 2);
});

test('a gap in the server seq is not an error: the message is taken and lastSeq jumps to it', async () => {
  const c = newClient();
  const ws = await connected(c);
  const seen = [];
  c.on('call.offer', (m) => seen.push(m.seq));
  ws.deliver({ type: 'call.offer', seq: 5 });
  ws.deliver({ type: 'call.offer', seq: 4 });
  assert.deepEqual(seen, [5]);
  assert.equal(c.lastSeq, 5, 'a message older than the newest one seen is taken for a replayed duplicate');
  assert.equal(FakeSocket.opened.length, 1, 'no reconnection');
});

test('unparseable data and frames of a replaced socket are ignored', async () => {
  const c = newClient();
  const old = await connected(c);
  const seen = [];
  c.on('*', (m) => seen.push(m.type));
  old.deliver('not json');
  c.drop();
  await settle();
  await timeToNextSocket();
  old.deliver({ type: 'call.offer', seq: 9 });
  assert.deepEqual(seen, []);
});

test('handlers can subscribe to one type or to all, and unsubscribe', async () => {
  const c = newClient();
  const ws = await connected(c);
  const typed = [];
  const all = [];
  const off = c.on('chat', (m) => typed.push(m.text));
  c.on('*', (m) => all.push(m.type));
  ws.deliver({ type: 'chat', text: 'one' });
  off();
  ws.deliver({ type: 'chat', text: 'two' });
  assert.deepEqual(typed, ['one']);
  assert.deepEqual(all, ['chat', 'chat']);
});

test('the backoff doubles from 500 ms and is capped at 10 s (jitter at its top)', async () => {
  mock.method(Math, 'random', () => 0.9999);
  const delays = await backoffSeries(newClient(), 7);
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('the jitter never waits less than half the backoff', async () => {
  mock.method(Math, 'random', () => 0);
  const delays = await backoffSeries(newClient(), 6);
  assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 5000]);
});

test('the jitter spreads within the bounds for a random value in between', async () => {
  mock.method(Math, 'random', () => 0.5);
  const [first, second] = await backoffSeries(newClient(), 2);
  assert.equal(first, 375);
  assert.equal(second, 750);
});

test('during a call the backoff starts at 250 ms and is capped at 2 s', async () => {
  mock.method(Math, 'random', () => 0.9999);
  const c = newClient();
  c.setInCall(true);
  const delays = await backoffSeries(c, 6);
  assert.deepEqual(delays, [250, 500, 1000, 2000, 2000, 2000]);
});

test('the backoff starts over once a connection is ready again', async () => {
  mock.method(Math, 'random', () => 0.9999);
  const c = newClient();
  const delays = await backoffSeries(c, 3);
  assert.deepEqual(delays, [500, 1000, 2000]);
  assert.equal(await timeToNextSocket(), 4000);
  latest().accept();
  latest().deliver({ type: 'session.resumed', re: latest().sent[0].id });
  assert.equal(c.attempt, 0);
  latest().lose();
  assert.equal(await timeToNextSocket(), 500);
});

test('a server announcing it drains is left for a new connection at once', async () => {
  mock.method(Math, 'random', () => 0.9999);
  const c = newClient();
  const ws = await connected(c);
  ws.deliver({ type: 'server.draining' });
  ws.lose(1001);
  assert.ok(await timeToNextSocket() <= 100);
});

test('after a drop the new socket resumes with the resume token and the last seq seen', async () => {
  const c = newClient();
  const ws = await connected(c, welcome({ seq: 1, resumeToken: 'r1' }));
  ws.deliver({ type: 'call.offer', seq: 7 });
  ws.lose();
  assert.equal(c.status, 'reconnecting');
  await timeToNextSocket();
  const fresh = latest();
  fresh.accept();
  const [resume] = fresh.sent;
  assert.equal(resume.type, 'session.resume');
  assert.equal(resume.resumeToken, 'r1');
  assert.equal(resume.lastSeq, 7);
  assert.ok(resume.id);
});

test('a resumed session keeps its identity, takes the new resume token and flushes the queue', async () => {
  const c = newClient();
  const ws = await connected(c);
  const resumed = [];
  c.on('session.resumed', (m) => resumed.push(m));
  ws.lose();
  c.send({ type: 'chat', text: 'while away' });
  await timeToNextSocket();
  const fresh = latest();
  fresh.accept();
  const resumeId = fresh.sent[0].id;
  fresh.deliver(welcome({ sessionId: 'someone-new', resumeToken: 'rX' }));
  assert.equal(c.ready, false, 'the welcome of a resuming socket waits for the resume answer');
  fresh.deliver({ type: 'session.resumed', re: resumeId, resumeToken: 'r2' });
  assert.equal(c.ready, true);
  assert.equal(c.sessionId, 's1');
  assert.equal(c.resumeToken, 'r2');
  assert.equal(resumed.length, 1);
  assert.deepEqual(fresh.sentOfType('chat').map((m) => m.text), ['while away']);
});

test('messages replayed after a resume are delivered once', async () => {
  const c = newClient();
  const ws = await connected(c);
  ws.deliver({ type: 'call.offer', seq: 2 });
  const seen = [];
  c.on('call.offer', (m) => seen.push(m.seq));
  ws.lose();
  await timeToNextSocket();
  const fresh = latest();
  fresh.accept();
  fresh.deliver({ type: 'session.resumed', re: fresh.sent[0].id });
  fresh.deliver({ type: 'call.offer', seq: 2 });
  fresh.deliver({ type: 'call.offer', seq: 3 });
  assert.deepEqual(seen, [3]);
});

test('a refused resume starts a new session from the welcome and says the old one is lost', async () => {
  const c = newClient();
  const ws = await connected(c);
  ws.deliver({ type: 'call.offer', seq: 4 });
  const lost = [];
  c.on('session.lost', (m) => lost.push(m.code));
  ws.lose();
  await timeToNextSocket();
  const fresh = latest();
  fresh.accept();
  fresh.deliver(welcome({ sessionId: 's2', resumeToken: 'r2', seq: 1 }));
  fresh.deliver({ type: 'error', re: fresh.sent[0].id, code: 'RESUME_EXPIRED' });
  assert.deepEqual(lost, ['RESUME_EXPIRED']);
  assert.equal(c.ready, true);
  assert.equal(c.sessionId, 's2');
  assert.equal(c.resumeToken, 'r2');
  assert.equal(c.lastSeq, 1);
});

test('close() stops reconnecting for good', async () => {
  const c = newClient();
  const ws = await connected(c);
  c.close();
  assert.deepEqual(ws.closedWith, { code: 1000, reason: 'logout' });
  await settle();
  assert.equal(c.status, 'closed');
  assert.equal(await timeToNextSocket(30_000), Infinity);
});

test('close() during a backoff cancels the pending reconnection', async () => {
  const c = newClient();
  const ws = await connected(c);
  ws.lose();
  c.close();
  assert.equal(await timeToNextSocket(30_000), Infinity);
});

for (const [code, expected] of [[4403, 'ORIGIN_FORBIDDEN'], [4410, 'SESSION_ENDED']]) {
  test(`a close with ${code} is fatal (${expected}) and not retried`, async () => {
    const c = newClient();
    const fatal = [];
    c.on('fatal', (e) => fatal.push(e.code));
    const ready = c.connect();
    await settle();
    latest().lose(code);
    await assert.rejects(ready, { code: expected });
    assert.deepEqual(fatal, [expected]);
    assert.equal(c.status, 'closed');
    assert.equal(await timeToNextSocket(30_000), Infinity);
  });
}

test('a close with 4401 retries once the token is refreshed, and is fatal when it cannot be', async () => {
  let refreshed = true;
  const c = newClient({ onAuthFailure: async () => refreshed });
  const ws = await connected(c);
  ws.lose(4401);
  assert.ok(await timeToNextSocket() < Infinity);
  refreshed = false;
  const fatal = [];
  c.on('fatal', (e) => fatal.push(e.code));
  latest().lose(4401);
  await settle();
  assert.deepEqual(fatal, ['AUTH_INVALID']);
  assert.equal(c.stopped, true);
});

test('a ticket that cannot be had is retried after the backoff', async () => {
  mock.method(Math, 'random', () => 0.9999);
  let calls = 0;
  const c = newClient({ ticket: async () => { calls += 1; if (calls === 1) throw new Error('offline'); return 'ok'; } });
  c.connect();
  await settle();
  assert.equal(FakeSocket.opened.length, 0);
  assert.equal(await timeToNextSocket(), 500);
  assert.equal(calls, 2);
});

test('an attempt still not open after 5 s is abandoned for a fresh one', async () => {
  mock.method(Math, 'random', () => 0);
  const c = newClient();
  c.connect();
  await settle();
  const stuck = latest();
  const elapsed = await timeToNextSocket();
  assert.equal(elapsed, 5000 + 250, 'connect timeout, then the first backoff');
  assert.equal(stuck.closedWith.code, 1005);
});

test('the heartbeat pings every period and drops a link silent for two periods and 5 s', async () => {
  const c = newClient();
  const ws = await connected(c, welcome({ heartbeatSeconds: 10 }));
  mock.timers.tick(10_000);
  assert.equal(ws.sentOfType('ping').length, 1);
  mock.timers.tick(10_000);
  assert.equal(ws.sentOfType('ping').length, 2);
  mock.timers.tick(10_000);
  assert.equal(ws.closedWith?.code, 4000, '30 s of silence > 2 x 10 s + 5 s');
  assert.equal(c.status, 'reconnecting');
});

test('inbound traffic keeps the heartbeat from dropping the link', async () => {
  const c = newClient();
  const ws = await connected(c, welcome({ heartbeatSeconds: 10 }));
  for (let i = 0; i < 6; i++) {
    mock.timers.tick(10_000);
    ws.deliver({ type: 'pong' });
  }
  assert.equal(ws.closedWith, null);
  assert.equal(ws.sentOfType('ping').length, 6);
});

test('a lasting request goes once the link is up and again only to a new session', async () => {
  const c = newClient();
  const lasting = c.lastingRequest({ type: 'call.request' });
  const ws = await connected(c);
  assert.equal(ws.sentOfType('call.request').length, 1);
  ws.lose();
  await timeToNextSocket();
  const fresh = latest();
  fresh.accept();
  fresh.deliver(welcome({ sessionId: 's2' }));
  fresh.deliver({ type: 'error', re: fresh.sent[0].id, code: 'RESUME_EXPIRED' });
  const again = fresh.sentOfType('call.request');
  assert.equal(again.length, 1);
  assert.equal(again[0].id, ws.sentOfType('call.request')[0].id, 'the same id, for the server to recognise it');
  fresh.deliver({ type: 'call.queued', re: again[0].id });
  assert.equal((await lasting.reply).type, 'call.queued');
});

test('a lasting request withdrawn before it left is never sent', async () => {
  const c = newClient();
  const lasting = c.lastingRequest({ type: 'call.request' });
  assert.equal(lasting.withdraw(), true);
  const ws = await connected(c);
  assert.equal(ws.sentOfType('call.request').length, 0);
});

test('retryNow skips the rest of the backoff, and does nothing while connected', async () => {
  const c = newClient();
  const ws = await connected(c);
  c.retryNow();
  await settle();
  assert.equal(FakeSocket.opened.length, 1);
  ws.lose();
  c.retryNow();
  await settle();
  assert.equal(FakeSocket.opened.length, 2);
});

test('a pushed token reaches onTokenPushed', async () => {
  const pushed = [];
  const c = newClient({ onTokenPushed: (token, expiresAt) => pushed.push([token, expiresAt]) });
  const ws = await connected(c);
  ws.deliver({ type: 'token.refresh', seq: 2, accessToken: 'new', expiresAt: 123 });
  assert.deepEqual(pushed, [['new', 123]]);
});
