// Access token + refresh token, REST calls, automatic logoff after inactivity.
import { checkNow as checkNetwork } from './network.js';
import { logFailure } from './failure.js';

const STORE = 'tabib.session';
/** A refresh that cannot reach the server is tried again this soon: a dead link is no reason to sign out. */
const REFRESH_RETRY_MS = 10000;
const REFRESH_TIMEOUT_MS = 15000;
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel'];

let state = JSON.parse(sessionStorage.getItem(STORE) || 'null');
let refreshTimer = null;
let inactivityTimer = null;
let lastActivity = Date.now();
let keepAlive = () => false;
const logoutListeners = new Set();

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

export function user() {
  return state?.user || null;
}

export function accessToken() {
  return state?.accessToken || null;
}

function save() {
  if (state) sessionStorage.setItem(STORE, JSON.stringify(state));
  else sessionStorage.removeItem(STORE);
}

function store(body) {
  state = {
    accessToken: body.accessToken,
    refreshToken: body.refreshToken || state?.refreshToken,
    expiresAt: Date.now() + (body.expiresIn || 900) * 1000,
    user: body.user || state?.user,
  };
  save();
  scheduleRefresh();
}

/**
 * The signalling server pushes a fresh access token during long calls. The refresh-token exchange stays on its own
 * schedule: it is what keeps the sign-in session from timing out.
 */
export function acceptPushedToken(accessToken) {
  if (!state) return;
  state.accessToken = accessToken;
  save();
}

/** A single-use ticket (valid 30 s) to open one socket, 'signal' or 'board': access tokens never go in URLs. */
export async function socketTicket(socket) {
  const body = await api('POST', '/api/v1/auth/ticket', { socket });
  return body.ticket;
}

export async function login(username, password) {
  const body = await request('POST', '/api/v1/auth/login', { username, password }, { anonymous: true });
  store(body);
  return body.user;
}

let refreshing = null;

/** Exchanges the refresh token (single use) for new tokens; concurrent callers share one exchange. */
export function refresh() {
  if (!state?.refreshToken) return Promise.reject(new ApiError(401, 'AUTH_REQUIRED'));
  if (!refreshing) {
    refreshing = request('POST', '/api/v1/auth/refresh', { refreshToken: state.refreshToken },
      { anonymous: true, timeoutMs: REFRESH_TIMEOUT_MS })
      .then(store)
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

function scheduleRefresh(delay = Math.max(5000, (state?.expiresAt ?? 0) - Date.now() - 60000)) {
  clearTimeout(refreshTimer);
  if (!state) return;
  refreshTimer = setTimeout(() => refresh().catch((error) => {
    // Unreachable server: the sign-in session (30 minutes idle) outlives the token; refused: it is over.
    if (error.status === 0) scheduleRefresh(REFRESH_RETRY_MS);
    else logout('session.expired');
  }), delay);
}

let loggingOut = null;

/**
 * Ends the session on the server with the refresh token (which works even when the access token has expired; bounded
 * wait, so a dead link cannot keep the screen open), then forgets it. While it runs, later calls (the sockets closing
 * because of this very sign-out) join it: the first reason is the one shown.
 */
export function logout(reasonKey) {
  if (!loggingOut) loggingOut = endSession(reasonKey).finally(() => { loggingOut = null; });
  return loggingOut;
}

async function endSession(reasonKey) {
  if (!state) return; // already signed out: a socket closing late must not change the reason shown
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 3000);
  await fetch('/api/v1/auth/logout', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refreshToken: state.refreshToken }),
    signal: abort.signal,
  }).catch(logFailure('signing out on the server (the refresh token expires by itself)'));
  clearTimeout(timer);
  state = null;
  save();
  clearTimeout(refreshTimer);
  clearInterval(inactivityTimer);
  logoutListeners.forEach((fn) => fn(reasonKey));
}

export function onLogout(fn) {
  logoutListeners.add(fn);
}

/** Unique per attempt, reused on retries of the same attempt (works outside secure contexts too). */
export function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * JSON request to the REST API; refreshes the access token once on 401. options.timeoutMs bounds the wait (a dead
 * mobile link otherwise leaves a request pending for minutes): past it the request fails like an unreachable server.
 */
export async function api(method, path, body, headers, options = {}) {
  try {
    return await request(method, path, body, { headers, ...options });
  } catch (error) {
    if (error.status === 401 && state?.refreshToken) {
      try {
        await refresh();
      } catch (refreshError) {
        if (refreshError.status !== 0) logout('session.expired');
        throw refreshError;
      }
      return request(method, path, body, { headers, ...options });
    }
    if (error.status === 401) logout('session.expired');
    throw error;
  }
}

/**
 * options.raw: body is a Blob sent as application/octet-stream (attachment chunks); options.blob: the answer is read
 * as a Blob (a case's photo, shown through a blob: URL); options.signal: an AbortSignal that gives the request up.
 */
async function request(method, path, body, { anonymous, headers: extra, timeoutMs, raw, blob, signal }) {
  const headers = { Accept: blob ? '*/*' : 'application/json', ...extra };
  if (body !== undefined) headers['Content-Type'] = raw ? 'application/octet-stream' : 'application/json';
  if (!anonymous && state) headers.Authorization = `Bearer ${state.accessToken}`;
  const abort = new AbortController();
  const timer = timeoutMs ? setTimeout(() => abort.abort(), timeoutMs) : null;
  signal?.addEventListener('abort', () => abort.abort(), { once: true });
  let response;
  let text;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined || raw ? body : JSON.stringify(body), signal: abort.signal,
    });
    if (blob && response.ok) return await response.blob();
    text = await response.text();
  } catch (networkError) {
    checkNetwork();
    throw new ApiError(0, 'NETWORK', networkError.message);
  } finally {
    clearTimeout(timer);
  }
  const data = text ? safeJson(text) : null;
  if (!response.ok) {
    throw Object.assign(new ApiError(response.status, data?.code || `HTTP_${response.status}`, data?.message), { details: data?.details });
  }
  return data;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** Logs off after `seconds` without user input; `busy()` returning true (a call in progress) counts as activity. */
export function watchInactivity(seconds, busy) {
  keepAlive = busy;
  lastActivity = Date.now();
  ACTIVITY_EVENTS.forEach((name) => window.addEventListener(name, markActive, { passive: true }));
  clearInterval(inactivityTimer);
  inactivityTimer = setInterval(() => {
    if (keepAlive()) markActive();
    else if (Date.now() - lastActivity > seconds * 1000) logout('session.inactive');
  }, 5000);
}

function markActive() {
  lastActivity = Date.now();
}

export function restore() {
  if (state) scheduleRefresh();
  return user();
}
