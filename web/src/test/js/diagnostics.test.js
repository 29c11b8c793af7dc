// The diagnostics surface over a live signalling client and a call, both stood in for by plain objects.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { exposeSignal, exposeCall } from '../../main/resources/static/js/diagnostics.js';

const diagnostics = globalThis.tabibDiagnostics;

function fakeSignal() {
  const listeners = new Set();
  return {
    ready: true, status: 'open', readyCount: 2, dropped: 0, ws: { secret: true },
    on(type, fn) { assert.equal(type, '*'); listeners.add(fn); return () => listeners.delete(fn); },
    drop() { this.dropped += 1; },
    deliver(msg) { listeners.forEach((fn) => fn(msg)); },
    listenerCount() { return listeners.size; },
  };
}

function fakeCall() {
  return {
    audioOnly: false,
    quality: { level: 'good', inbound: { mos: 4.2 } },
    timeline: { startedAt: 1, connectedAt: 2 },
    recent: [{ at: 1, level: 'good' }],
    videoTransceiver: { currentDirection: 'sendrecv' },
    pc: {
      connectionState: 'connected',
      getConfiguration: () => ({ iceServers: [{ urls: 'stun:x' }, { urls: 'turn:y', username: 'u1', credential: 'secret' }] }),
      getStats: async () => new Map([['a', { type: 'inbound-rtp' }]]),
    },
  };
}

beforeEach(() => {
  exposeSignal(null);
  exposeCall(null);
});

test('the surface is frozen and set on the global object', () => {
  assert.ok(Object.isFrozen(diagnostics));
  assert.ok(Object.isFrozen(diagnostics.signal));
  assert.ok(Object.isFrozen(diagnostics.call));
  assert.throws(() => { 'use strict'; diagnostics.signal = null; }, TypeError);
});

test('before sign-in it answers without a client or a call', async () => {
  assert.equal(diagnostics.signal.ready, false);
  assert.equal(diagnostics.signal.status, 'none');
  assert.equal(diagnostics.signal.connections, 0);
  assert.deepEqual(diagnostics.signal.received, []);
  assert.equal(diagnostics.call.active, false);
  assert.equal(diagnostics.call.state, null);
  assert.deepEqual(diagnostics.call.recent, []);
  assert.deepEqual(diagnostics.call.iceServers, []);
  assert.equal(await diagnostics.call.stats(), null);
  diagnostics.signal.drop(); // nothing to drop: no error
});

test('it reads the signalling state live and drops the link on request', () => {
  const signal = fakeSignal();
  exposeSignal(signal);
  assert.equal(diagnostics.signal.ready, true);
  assert.equal(diagnostics.signal.connections, 2);
  signal.ready = false;
  signal.status = 'reconnecting';
  assert.equal(diagnostics.signal.ready, false);
  assert.equal(diagnostics.signal.status, 'reconnecting');
  diagnostics.signal.drop();
  assert.equal(signal.dropped, 1);
  assert.equal('ws' in diagnostics.signal, false, 'the socket itself is not reachable');
});

test('it keeps the types of the last 100 messages received, and no more than their types', () => {
  const signal = fakeSignal();
  exposeSignal(signal);
  for (let i = 0; i < 105; i++) signal.deliver({ type: `m${i}`, patient: 'private' });
  const received = diagnostics.signal.received;
  assert.equal(received.length, 100);
  assert.equal(received[0].type, 'm5');
  assert.equal(received.at(-1).type, 'm104');
  assert.deepEqual(Object.keys(received[0]).sort(), ['at', 'type']);
});

test('a new client replaces the old one: its listener goes and the history starts over', () => {
  const first = fakeSignal();
  exposeSignal(first);
  first.deliver({ type: 'welcome' });
  const second = fakeSignal();
  exposeSignal(second);
  assert.equal(first.listenerCount(), 0);
  assert.deepEqual(diagnostics.signal.received, []);
  exposeSignal(null);
  assert.equal(second.listenerCount(), 0);
});

test('the call is shown through copies: changing them changes nothing in the call', () => {
  const call = fakeCall();
  exposeCall(call);
  assert.equal(diagnostics.call.active, true);
  assert.equal(diagnostics.call.state, 'connected');
  assert.equal(diagnostics.call.videoDirection, 'sendrecv');
  assert.equal(diagnostics.call.audioOnly, false);
  diagnostics.call.recent[0].level = 'bad';
  diagnostics.call.quality.inbound.mos = 1;
  diagnostics.call.timeline.connectedAt = 99;
  assert.equal(call.recent[0].level, 'good');
  assert.equal(call.quality.inbound.mos, 4.2);
  assert.equal(call.timeline.connectedAt, 2);
});

test('the ICE servers are shown without their credentials', () => {
  exposeCall(fakeCall());
  assert.deepEqual(diagnostics.call.iceServers, [{ urls: 'stun:x', username: null }, { urls: 'turn:y', username: 'u1' }]);
});

test('stats come from the peer connection, and the call is gone once ended', async () => {
  exposeCall(fakeCall());
  const report = await diagnostics.call.stats();
  assert.equal(report.get('a').type, 'inbound-rtp');
  exposeCall(null);
  assert.equal(diagnostics.call.active, false);
  assert.equal(diagnostics.call.audioOnly, null);
});
