// Whether the server can be reached, honestly. The browser's own verdict (navigator.onLine, its online and offline
// events) is only half of it: a mobile link often dies while the tablet still shows its bars. So while someone is
// signed in, something small must also come back in time: a ping on the signalling socket when it is open (a few dozen
// bytes), else a HEAD of the manifest. The service worker answers GETs of the shell only, so the HEAD reaches the
// server; /actuator is no use here, the reverse proxy keeps it away from browsers.
const PROBE_URL = '/manifest.webmanifest';
/** An answer later than this counts as none: with PROBE_EVERY_MS, a dead link shows within about 9 s. */
export const PROBE_TIMEOUT_MS = 5000;
const PROBE_EVERY_MS = 4000;

let offline = !navigator.onLine;
let socketCheck = () => null;
let watching = false;
let timer = null;
let running = null;
const listeners = new Set();

document.body.dataset.network = offline ? 'offline' : 'online';
window.addEventListener('offline', () => change(true));
window.addEventListener('online', () => checkNow());
document.addEventListener('visibilitychange', () => { if (!document.hidden) checkNow(); });

export function isOffline() {
  return offline;
}

/** Calls fn(offline) on every change; returns the function that unsubscribes. */
export function onNetworkChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Starts checking the link (signed in). socketCheck returns a promise of the signalling socket's answer to a ping when
 * the socket is open, else null.
 */
export function watchNetwork(check) {
  socketCheck = check || (() => null);
  watching = true;
  checkNow();
}

/** Signed out: no more probes, and the screens' listeners are gone with their screens. */
export function stopWatching() {
  watching = false;
  clearTimeout(timer);
  listeners.clear();
  socketCheck = () => null;
}

/** Checks at once (a request just failed, the socket dropped); resolves with whether the tablet is offline. */
export function checkNow() {
  if (!watching) {
    change(!navigator.onLine);
    return Promise.resolve(offline);
  }
  if (!running) {
    clearTimeout(timer);
    running = reachable().then((answered) => change(!answered)).finally(() => {
      running = null;
      // A hidden page (screen off) stops probing; becoming visible checks again.
      if (watching) timer = setTimeout(() => { if (!document.hidden) checkNow(); }, PROBE_EVERY_MS);
    });
  }
  return running.then(() => offline);
}

async function reachable() {
  if (!navigator.onLine) return false;
  // Offline, a socket that looks open proves nothing: ask the server itself.
  const overSocket = offline ? null : socketCheck();
  return overSocket || serverAnswers();
}

async function serverAnswers() {
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), PROBE_TIMEOUT_MS);
  try {
    const response = await fetch(PROBE_URL, { method: 'HEAD', cache: 'no-store', signal: abort.signal });
    return response.ok;
  } catch {
    return false;
  } finally {
    clearTimeout(timeout);
  }
}

function change(nowOffline) {
  if (nowOffline === offline) return;
  offline = nowOffline;
  document.body.dataset.network = offline ? 'offline' : 'online';
  listeners.forEach((fn) => fn(offline));
}
