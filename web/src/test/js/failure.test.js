import { test, mock, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { logFailure } from '../../main/resources/static/js/failure.js';

afterEach(() => mock.restoreAll());

test('the handler warns with the context and the error itself', () => {
  const warn = mock.method(console, 'warn', () => {});
  const error = new Error('offline');
  logFailure('saving an outbox item')(error);
  assert.equal(warn.mock.callCount(), 1);
  assert.deepEqual(warn.mock.calls[0].arguments, ['[tabib] saving an outbox item', error]);
});

test('it never logs as an error (the browser tests fail on console errors)', () => {
  mock.method(console, 'warn', () => {});
  const error = mock.method(console, 'error', () => {});
  logFailure('x')(new Error('y'));
  assert.equal(error.mock.callCount(), 0);
});

test('a rejected promise caught with it settles with undefined and is logged', async () => {
  const warn = mock.method(console, 'warn', () => {});
  const result = await Promise.reject(new Error('gone')).catch(logFailure('declining a call'));
  assert.equal(result, undefined);
  assert.equal(warn.mock.calls[0].arguments[0], '[tabib] declining a call');
  assert.equal(warn.mock.calls[0].arguments[1].message, 'gone');
});

test('non-Error rejections are logged as they came', () => {
  const warn = mock.method(console, 'warn', () => {});
  logFailure('ctx')({ code: 'TIMEOUT' });
  assert.deepEqual(warn.mock.calls[0].arguments[1], { code: 'TIMEOUT' });
});

test('each handler keeps its own context', () => {
  const warn = mock.method(console, 'warn', () => {});
  const first = logFailure('first');
  const second = logFailure('second');
  second('b');
  first('a');
  assert.deepEqual(warn.mock.calls.map((c) => c.arguments[0]), ['[tabib] second', '[tabib] first']);
});
