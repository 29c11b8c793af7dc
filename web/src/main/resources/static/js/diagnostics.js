// The diagnostics surface: window.tabibDiagnostics, for support staff in the browser's console and for the browser
// tests. A frozen object of getters over the live signalling client and the current call, showing how the link and
// the call are doing and nothing else: no patient data, no tokens, no way to reach the objects behind it.
const RECEIVED_KEPT = 100;

let signal = null;
let call = null;
let stopListening = null;
/** The types of the last messages the server sent (types only: the messages carry patient data). */
const received = [];

/** The signalling client of this sign-in (null at sign-out). */
export function exposeSignal(client) {
  stopListening?.();
  stopListening = null;
  received.length = 0;
  signal = client;
  if (!client) return;
  stopListening = client.on('*', (msg) => {
    received.push({ at: Date.now(), type: msg.type });
    if (received.length > RECEIVED_KEPT) received.shift();
  });
}

/** The call session in progress (null once it ended). */
export function exposeCall(session) {
  call = session;
}

const signalDiagnostics = Object.freeze({
  get ready() { return Boolean(signal?.ready); },
  /** connecting, open, reconnecting or closed; none before sign-in. */
  get status() { return signal ? signal.status : 'none'; },
  /** How many times the link became ready, resumes included: rises with each new connection. */
  get connections() { return signal ? signal.readyCount : 0; },
  get received() { return received.map((entry) => ({ ...entry })); },
  /** Closes the socket as a lost link would: the client reconnects and resumes (to check a tablet's recovery). */
  drop() { signal?.drop(); },
});

const callDiagnostics = Object.freeze({
  get active() { return Boolean(call); },
  /** The peer connection's state (new, connecting, connected, disconnected, failed, closed). */
  get state() { return call?.pc ? call.pc.connectionState : null; },
  get audioOnly() { return call ? call.audioOnly : null; },
  /** The video transceiver's negotiated direction: inactive while audio only has taken video off the connection. */
  get videoDirection() { return call?.videoTransceiver ? call.videoTransceiver.currentDirection : null; },
  get quality() { return call ? JSON.parse(JSON.stringify(call.quality)) : null; },
  get timeline() { return call ? { ...call.timeline } : null; },
  /** The last minutes of what the link looked like, one line a second. */
  get recent() { return call ? call.recent.map((line) => ({ ...line })) : []; },
  /** The STUN/TURN servers in use, without their credentials. */
  get iceServers() {
    if (!call?.pc) return [];
    return call.pc.getConfiguration().iceServers.map(({ urls, username }) => ({ urls, username: username ?? null }));
  },
  /** The peer connection's getStats() report, or null without a call. */
  stats() { return call?.pc ? call.pc.getStats() : Promise.resolve(null); },
});

globalThis.tabibDiagnostics = Object.freeze({ signal: signalDiagnostics, call: callDiagnostics });
