// A stand-in for the browser's WebSocket, installed on globalThis: the test plays the server side by hand.
export class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static opened = [];

  constructor(url) {
    this.url = url;
    this.readyState = FakeSocket.CONNECTING;
    this.sent = [];
    this.closedWith = null;
    FakeSocket.opened.push(this);
  }

  send(data) {
    if (this.readyState !== FakeSocket.OPEN) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data));
  }

  /** Like a browser, the close event comes later (here: on the next microtask) with the code asked for. */
  close(code = 1005, reason = '') {
    if (this.closedWith) return;
    this.closedWith = { code, reason };
    this.readyState = FakeSocket.CLOSED;
    queueMicrotask(() => this.onclose?.({ code }));
  }

  // The server's side.
  accept() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }

  deliver(msg) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }

  /** The link drops (or the server closes) with this code. */
  lose(code = 1006) {
    this.readyState = FakeSocket.CLOSED;
    this.closedWith = { code, reason: '' };
    this.onclose?.({ code });
  }

  sentOfType(type) {
    return this.sent.filter((msg) => msg.type === type);
  }
}
