// Signalling WebSocket client: request/reply by id, seq tracking, heartbeat,
// reconnect with backoff and session.resume so a call survives a dropped link.
const MAX_BACKOFF_MS = 10000;
/** During a call every second without signalling counts: retry quickly (with jitter) until the link is back. */
const MAX_BACKOFF_IN_CALL_MS = 2000;
/**
 * A connection attempt still not open after this long is abandoned for a fresh one: an attempt started during an
 * outage is left waiting for TCP's ever longer SYN retransmissions (1, 3, 7, 15 s) after the link has returned.
 */
const CONNECT_TIMEOUT_MS = 5000;
const REQUEST_TIMEOUT_MS = 15000;

export class SignalClient {
  // ticket: async () => a single-use ticket for the next connection (asked for before every open, resumes included).
  constructor({ url, ticket, onTokenPushed, onAuthFailure }) {
    this.url = url;
    this.ticket = ticket;
    this.onTokenPushed = onTokenPushed;
    this.onAuthFailure = onAuthFailure;
    this.handlers = new Map();
    this.pending = new Map();
    this.lasting = new Map();
    this.outbox = [];
    this.nextId = 1;
    this.lastSeq = 0;
    this.resumeToken = null;
    this.attempt = 0;
    this.ready = false;
    this.readyCount = 0;
    this.stopped = false;
    this.status = 'connecting';
    this.inCall = false;
  }

  /** A call in progress makes reconnection after a drop urgent. */
  setInCall(inCall) {
    this.inCall = inCall;
  }

  /** Subscribes to a message type ('*' for all, 'status' for connection status). */
  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(fn);
    return () => this.handlers.get(type).delete(fn);
  }

  emit(type, payload) {
    this.handlers.get(type)?.forEach((fn) => fn(payload));
    if (type !== 'status') this.handlers.get('*')?.forEach((fn) => fn(payload));
  }

  setStatus(status) {
    this.status = status;
    this.emit('status', status);
  }

  connect() {
    this.stopped = false;
    this.open();
    return new Promise((resolve, reject) => {
      const offWelcome = this.on('welcome', (msg) => { offWelcome(); offClosed(); resolve(msg); });
      const offClosed = this.on('fatal', (err) => { offWelcome(); offClosed(); reject(err); });
    });
  }

  async open() {
    let ticket;
    this.opening = true;
    try {
      // A ticket asked for over a link that just died would leave the reconnection waiting on it: bounded as well.
      ticket = await Promise.race([this.ticket(), new Promise((_, reject) => {
        setTimeout(() => reject(new Error('ticket timeout')), CONNECT_TIMEOUT_MS);
      })]);
    } catch {
      this.opening = false;
      if (!this.stopped) this.scheduleReconnect();
      return;
    }
    this.opening = false;
    if (this.stopped) return;
    const resuming = Boolean(this.resumeToken);
    const separator = this.url.includes('?') ? '&' : '?';
    const ws = new WebSocket(`${this.url}${separator}ticket=${encodeURIComponent(ticket)}`);
    this.ws = ws;
    this.ready = false;
    this.resuming = resuming;
    this.pendingWelcome = null;
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => {
      if (ws === this.ws && ws.readyState === WebSocket.CONNECTING) {
        this.ws = null;
        ws.close();
        this.closed(ws, { code: 4000 }, true);
      }
    }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      clearTimeout(this.connectTimer);
      this.lastInbound = Date.now();
      if (resuming) {
        this.resumeId = this.newId();
        ws.send(JSON.stringify({ type: 'session.resume', id: this.resumeId, resumeToken: this.resumeToken, lastSeq: this.lastSeq }));
      }
    };
    ws.onmessage = (event) => this.receive(ws, event.data);
    ws.onclose = (event) => this.closed(ws, event);
  }

  receive(ws, data) {
    if (ws !== this.ws) return;
    this.lastInbound = Date.now();
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (this.resuming && !this.ready) {
      this.receiveWhileResuming(msg);
      return;
    }
    this.dispatch(msg);
  }

  receiveWhileResuming(msg) {
    if (msg.type === 'welcome') {
      this.pendingWelcome = msg;
    } else if (msg.type === 'session.resumed' && msg.re === this.resumeId) {
      if (msg.resumeToken) this.resumeToken = msg.resumeToken;
      this.becomeReady();
      this.emit('session.resumed', msg);
    } else if (msg.type === 'error' && msg.re === this.resumeId) {
      // The window passed: start over as a new session; calls of the old one are gone.
      this.lastSeq = 0;
      this.resumeToken = null;
      this.emit('session.lost', msg);
      if (this.pendingWelcome) this.dispatch(this.pendingWelcome);
    }
  }

  dispatch(msg) {
    if (typeof msg.seq === 'number') {
      if (msg.seq <= this.lastSeq && msg.type !== 'welcome') return;
      this.lastSeq = msg.seq;
    }
    if (msg.type === 'welcome') {
      this.lastSeq = msg.seq || 0;
      this.resumeToken = msg.resumeToken;
      this.heartbeatSeconds = msg.heartbeatSeconds || 20;
      this.session = msg;
      this.sessionId = msg.sessionId;
      this.becomeReady();
    } else if (msg.type === 'token.refresh') {
      this.onTokenPushed?.(msg.accessToken, msg.expiresAt);
    } else if (msg.type === 'server.draining') {
      this.draining = true;
    }
    if (msg.re && this.lasting.has(msg.re)) {
      const entry = this.lasting.get(msg.re);
      this.lasting.delete(msg.re);
      if (msg.type === 'error') entry.reject(Object.assign(new Error(msg.message || msg.code), { code: msg.code }));
      else entry.resolve(msg);
    }
    if (msg.re && this.pending.has(msg.re)) {
      const { resolve, reject, timer } = this.pending.get(msg.re);
      this.pending.delete(msg.re);
      clearTimeout(timer);
      if (msg.type === 'error') reject(Object.assign(new Error(msg.message || msg.code), { code: msg.code }));
      else resolve(msg);
    }
    this.emit(msg.type, msg);
  }

  becomeReady() {
    this.ready = true;
    this.attempt = 0;
    this.setStatus('open');
    this.startHeartbeat();
    const queued = this.outbox.splice(0);
    queued.forEach((msg) => this.ws.send(JSON.stringify(msg)));
    this.readyCount += 1;
    this.sendLastingAgain();
  }

  /**
   * A request that must be neither lost to a drop nor carried out twice (the server takes a request sent again for a
   * new one). It waits for its answer without a deadline: sent as soon as the link is up, and sent again only where
   * the server cannot have had it: the session it went to is gone (its calls ended with it), or that session was
   * resumed and the replay of everything the server had sent it (over once a ping sent after it is answered) did not
   * bring its answer. withdraw() stops it: never sent again; true when it had not left the tablet, else its answer
   * still settles the reply (so that whatever it started can be undone).
   */
  lastingRequest(msg) {
    const entry = { message: { ...msg, id: this.newId() }, sentIn: null, sentOn: 0, withdrawn: false };
    entry.reply = new Promise((resolve, reject) => { entry.resolve = resolve; entry.reject = reject; });
    this.lasting.set(entry.message.id, entry);
    this.sendLasting(entry);
    return {
      reply: entry.reply,
      withdraw: () => {
        entry.withdrawn = true;
        if (entry.sentIn === null) this.lasting.delete(entry.message.id);
        return entry.sentIn === null;
      },
    };
  }

  sendLasting(entry) {
    if (!this.ready || this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(entry.message));
    entry.sentIn = this.sessionId;
    entry.sentOn = this.readyCount;
  }

  /** After a (re)connection: the lasting requests the server cannot have had go (again). */
  sendLastingAgain() {
    const resumedOne = [];
    this.lasting.forEach((entry, id) => {
      if (entry.sentIn === this.sessionId && entry.sentOn < this.readyCount) {
        resumedOne.push(entry);
      } else if (entry.sentIn === null || entry.sentIn !== this.sessionId) {
        // Never sent, or sent to a session that is gone with everything it had queued.
        if (entry.withdrawn) this.lasting.delete(id);
        else this.sendLasting(entry);
      }
    });
    if (!resumedOne.length) return;
    const connection = this.readyCount;
    this.request({ type: 'ping' }, REQUEST_TIMEOUT_MS).then(() => {
      resumedOne.forEach((entry) => {
        const id = entry.message.id;
        if (!this.lasting.has(id) || entry.sentOn >= connection) return;
        // The replay is over without its answer: the server never had it.
        if (entry.withdrawn) this.lasting.delete(id);
        else this.sendLasting(entry);
      });
    }, () => {}); // unanswered: the link dropped again, and its next resume sends them
  }

  closed(ws, event, abandoned = false) {
    if (ws !== this.ws && !abandoned) return;
    this.ready = false;
    clearInterval(this.heartbeat);
    if (this.stopped) {
      this.setStatus('closed');
      return;
    }
    if (event.code === 4403 || event.code === 4410) {
      this.stopped = true;
      this.setStatus('closed');
      this.emit('fatal', { code: event.code === 4410 ? 'SESSION_ENDED' : 'ORIGIN_FORBIDDEN' });
      return;
    }
    if (event.code === 4401) {
      this.setStatus('reconnecting');
      Promise.resolve(this.onAuthFailure?.())
        .then((refreshed) => {
          if (!refreshed) throw new Error('no token');
          this.scheduleReconnect();
        })
        .catch(() => {
          this.stopped = true;
          this.setStatus('closed');
          this.emit('fatal', { code: 'AUTH_INVALID' });
        });
      return;
    }
    this.setStatus('reconnecting');
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    const immediate = this.draining;
    this.draining = false;
    const cap = this.inCall ? MAX_BACKOFF_IN_CALL_MS : MAX_BACKOFF_MS;
    const base = immediate ? 100 : Math.min(cap, (this.inCall ? 250 : 500) * 2 ** this.attempt);
    this.attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => { if (!this.stopped) this.open(); }, delay);
  }

  startHeartbeat() {
    clearInterval(this.heartbeat);
    const periodMs = this.heartbeatSeconds * 1000;
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastInbound > periodMs * 2 + 5000) {
        // Silent link (typical of mobile networks): drop it and resume on a fresh one.
        this.ws.close(4000, 'heartbeat lost');
        this.closed(this.ws, { code: 4000 });
        this.ws = null;
        return;
      }
      this.send({ type: 'ping' });
    }, periodMs);
  }

  newId() {
    return String(this.nextId++);
  }

  /** Sends a message; queued while the link is down and flushed after resume. */
  send(msg) {
    if (this.ready && this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
    else this.outbox.push(msg);
  }

  /** Sends a request and resolves with the reply carrying re == id (rejects on an error reply). */
  request(msg, timeoutMs = REQUEST_TIMEOUT_MS) {
    const id = this.newId();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send({ ...msg, id });
    });
  }

  /**
   * Checks that the connection still answers: a ping that gets no pong within timeoutMs means the link died
   * silently, and the connection is replaced (then resumed) at once instead of after the heartbeat's verdict.
   */
  probe(timeoutMs) {
    const ws = this.ws;
    if (!ws || !this.ready) return;
    this.request({ type: 'ping' }, timeoutMs).catch(() => {
      if (ws !== this.ws || this.stopped) return;
      this.ws = null;
      ws.close(4000, 'probe unanswered');
      this.closed(ws, { code: 4000 }, true);
    });
  }

  /** Whether the connection answers a ping within timeoutMs (false without one); unlike probe, leaves it alone. */
  answers(timeoutMs) {
    if (!this.ready) return Promise.resolve(false);
    return this.request({ type: 'ping' }, timeoutMs).then(() => true, () => false);
  }

  /** The network is back: connect now rather than at the end of the backoff the outage has grown. */
  retryNow() {
    if (this.stopped || this.ready || this.opening || this.ws?.readyState === WebSocket.CONNECTING) return;
    clearTimeout(this.reconnectTimer);
    this.open();
  }

  /** Simulates a lost link: closes the socket without stopping, so the client reconnects and resumes. */
  drop() {
    this.ws?.close(4000, 'dropped');
  }

  close() {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    this.ws?.close(1000, 'logout');
  }
}
