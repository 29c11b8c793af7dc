// Boot: offline shell, configuration, language, session, then the screen of the signed-in user's role.
import { h, clear, field, announce, setText } from './dom.js';
import { LANGUAGES, currentLanguage, preferredLanguage, setLanguage, t } from './i18n.js';
import * as session from './session.js';
import * as network from './network.js';
import { claimDevice, wipeDevice, outboxItems } from './device.js';
import { SignalClient } from './signal.js';
import { logFailure } from './failure.js';
import { exposeSignal, exposeCall } from './diagnostics.js';

const ROLE_SCREENS = {
  NURSE: () => import('./nurse.js'),
  SPECIALIST: () => import('./specialist.js'),
  COORDINATOR: () => import('./coordinator.js'),
  ADMIN: () => import('./admin.js'),
};
/**
 * The modules of each screen beyond the boot's own, asked for all at once with the screen: following its imports
 * level by level would cost a round trip per level (300 ms on rural 3G). web/src/test/js/screens.test.js keeps these
 * lists equal to the real imports.
 */
const SCREEN_MODULES = {
  NURSE: ['nurse.js', 'call.js', 'callview.js', 'cases.js', 'jitsi.js', 'outbox.js', 'patient.js', 'patientpicker.js',
    'quality.js', 'specialties.js'],
  SPECIALIST: ['specialist.js', 'calendarfeed.js', 'call.js', 'callview.js', 'cases.js', 'inbox.js', 'jitsi.js',
    'noteeditor.js', 'outbox.js', 'patient.js', 'quality.js', 'ring.js', 'voicenote.js'],
  COORDINATOR: ['coordinator.js', 'board.js', 'directory.js', 'specialties.js'],
  ADMIN: ['admin.js', 'board.js', 'directory.js', 'specialties.js'],
};
const LANGUAGE_NAMES = { ar: 'العربية', fr: 'Français', en: 'English' };
/** The client configuration of this sign-in, kept for a page reloaded while the link is down. */
const CONFIG_KEY = 'tabib.config';
const CONFIG_TIMEOUT_MS = 8000;
/** How long a newer shell may take to take over at start before the page goes on with the current one. */
const TAKE_OVER_TIMEOUT_MS = 3000;

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
let config = {};
let signal = null;
let activeCall = () => false;

async function boot() {
  if (await startOfflineShell()) return;
  await setLanguage(preferredLanguage());
  session.onLogout((reasonKey) => {
    signal?.close();
    signal = null;
    exposeSignal(null);
    exposeCall(null);
    network.stopWatching();
    sessionStorage.removeItem(CONFIG_KEY);
    showLogin(reasonKey);
    // Signing out by hand wipes everything (the nurse was warned of unsent items); a session that ended by itself
    // (inactivity, expiry, elsewhere) keeps unsent work for its owner's next sign-in, like a closed tab.
    forgetDevice(reasonKey ? { keepUnsent: true } : undefined);
  });
  const user = session.restore();
  if (user) {
    await showRole(user);
  } else {
    showLogin();
    // Nobody is signed in on this page: nothing of theirs stays on the tablet, but unsent work waits for its owner.
    forgetDevice({ keepUnsent: true });
  }
}

function forgetDevice(options) {
  return wipeDevice(options).catch(logFailure('wiping the tablet'));
}

/** Signing out wipes the outbox with the rest: with items still unsent, the nurse confirms first. */
async function signOut() {
  const unsent = await outboxItems().catch(() => []);
  if (!unsent.length) {
    session.logout();
    return;
  }
  const dialog = h('dialog', { class: 'confirm', id: 'unsent-warning', 'aria-labelledby': 'unsent-title' },
    h('h2', { id: 'unsent-title', i18n: 'outbox.unsentTitle' }),
    h('p', { i18n: 'outbox.unsentWarning', args: { count: unsent.length } }),
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'primary big', id: 'stay-signed-in', i18n: 'outbox.stay', onclick: () => dialog.close() }),
      h('button', { type: 'button', class: 'danger', id: 'sign-out-anyway', i18n: 'outbox.signOutAnyway', onclick: () => { dialog.close(); session.logout(); } })));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

/**
 * Registers the service worker that keeps the app shell for offline use (sw.js). A newer shell it installed in the
 * background takes over here, at the start of the page and before anything is shown: resolves true when the page is
 * reloading for that, never in the middle of work.
 */
async function startOfflineShell() {
  if (!('serviceWorker' in navigator)) return false; // plain HTTP off localhost: online only
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => null);
  // Not controlled yet (first visit): nothing to hand over, and no reason to wait for the registration.
  if (!navigator.serviceWorker.controller) return false;
  // Not register()'s answer: it waits behind the browser's own update check of sw.js, which a link that died during
  // it leaves hanging (the page would never start). The registration as it stands answers at once.
  const waiting = (await navigator.serviceWorker.getRegistration('/').catch(() => null))?.waiting;
  if (!waiting) return false;
  return new Promise((resolve) => {
    const reload = () => {
      clearTimeout(timer);
      location.reload();
      resolve(true);
    };
    const timer = setTimeout(() => {
      navigator.serviceWorker.removeEventListener('controllerchange', reload);
      resolve(false);
    }, TAKE_OVER_TIMEOUT_MS);
    navigator.serviceWorker.addEventListener('controllerchange', reload, { once: true });
    waiting.postMessage({ type: 'take-over' });
  });
}

/** This sign-in's configuration: the kept copy at once when there is one (refreshed behind), else from the server. */
async function loadConfig() {
  const kept = JSON.parse(sessionStorage.getItem(CONFIG_KEY) || 'null');
  const fresh = session.api('GET', '/api/v1/config', undefined, undefined, { timeoutMs: CONFIG_TIMEOUT_MS })
    .then((loaded) => {
      if (session.user()) sessionStorage.setItem(CONFIG_KEY, JSON.stringify(loaded));
      return loaded;
    });
  if (kept) {
    fresh.then((loaded) => Object.assign(kept, loaded)).catch(logFailure('refreshing the configuration'));
    return kept;
  }
  return fresh.catch(() => ({}));
}

/** The roles whose screen holds a signalling socket (calls), and shows its state in the header. */
const LIVE_ROLES = new Set(['NURSE', 'SPECIALIST']);

function renderTopbar(user) {
  const select = h('select', { id: 'lang', class: 'lang', i18nAttr: { 'aria-label': 'app.language' } },
    LANGUAGES.map((code) => h('option', { value: code, lang: code, text: LANGUAGE_NAMES[code], selected: code === currentLanguage() })));
  select.addEventListener('change', async () => {
    await setLanguage(select.value);
    if (session.user()) session.api('PUT', '/api/v1/me/language', { language: select.value }).catch(logFailure('saving the language'));
  });
  clear(topbar,
    // Signed in, the brand is the screen's one h1 and says which screen it is to those who cannot see the layout;
    // the sign-in form has its own h1.
    user ? h('h1', { class: 'brand' }, h('span', { i18n: 'app.title' }),
      h('span', { class: 'visually-hidden' }, ' – ', h('span', { i18n: `screen.${user.role}` })))
      : h('span', { class: 'brand', i18n: 'app.title' }),
    user ? h('span', { class: 'who' }, h('span', { class: 'who-name', text: user.displayName }),
      h('span', { class: 'who-role' }, ' · ', h('span', { i18n: `role.${user.role}` }))) : null,
    // The link's state has its place from the start, so the header does not grow again when the socket opens.
    user && LIVE_ROLES.has(user.role) ? h('span', { class: 'link-pill', id: 'link-status', role: 'status', i18n: 'link.connecting' }) : null,
    h('span', { class: 'spacer' }),
    select,
    // On a phone the header keeps one row: the sign-out button is its icon, its words kept for screen readers.
    user ? h('button', { type: 'button', class: 'link', id: 'logout', onclick: signOut },
      h('span', { class: 'logout-icon', 'aria-hidden': 'true', text: '⏻' }), h('span', { class: 'logout-text', i18n: 'app.logout' })) : null);
}

function showLogin(reasonKey) {
  renderTopbar(null);
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert', hidden: !reasonKey, i18n: reasonKey || 'login.failed' });
  const submit = h('button', { type: 'submit', class: 'primary big', i18n: 'login.submit' });
  const form = h('form', { class: 'card login', id: 'login-form' },
    h('h1', { i18n: 'login.title' }),
    field('login.username', username),
    field('login.password', password),
    error,
    submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    try {
      const user = await session.login(username.value.trim().toLowerCase(), password.value);
      // Everything the screen needs is asked for at once, the small answers first (a browser opens only six
      // connections to a server over HTTP/1.1): the configuration, her language's words, then the screen's modules.
      const configLoading = loadConfig();
      const languageSetting = user.language && LANGUAGES.includes(user.language) && user.language !== currentLanguage()
        ? setLanguage(user.language) : null;
      if (ROLE_SCREENS[user.role]) loadScreen(user.role).catch(logFailure('loading the screen early'));
      await languageSetting;
      await showRole(user, configLoading);
    } catch (err) {
      error.dataset.i18n = err.status === 401 || err.status === 400 ? 'login.failed'
        : err.status === 429 ? 'login.delayed' : 'error.network';
      error.textContent = t(error.dataset.i18n, { seconds: err.details?.retryAfterSeconds ?? '' });
      error.hidden = false;
      submit.disabled = false;
    }
  });
  clear(main, form);
  username.focus();
}

/** Starts fetching a role's screen and every module it needs; resolves with the screen's module. */
function loadScreen(role) {
  for (const file of SCREEN_MODULES[role] || []) {
    const href = `/js/${file}`;
    if (!document.head.querySelector(`link[rel="modulepreload"][href="${href}"]`)) {
      document.head.append(h('link', { rel: 'modulepreload', href }));
    }
  }
  return ROLE_SCREENS[role]();
}

async function showRole(user, configLoading = null) {
  renderTopbar(user);
  document.body.dataset.role = user.role;
  if (!ROLE_SCREENS[user.role]) {
    session.logout();
    return;
  }
  // The screen's modules load while the device is claimed and the configuration asked for (and, just signed in,
  // since the sign-in answered: see the form).
  const screenLoading = loadScreen(user.role);
  // Whatever another user left on the tablet goes before this one's screen opens.
  await claimDevice(user).catch(logFailure('claiming the tablet'));
  config = await (configLoading || loadConfig());
  if (LIVE_ROLES.has(user.role)) connectSignal();
  network.watchNetwork(() => (signal?.ready ? signal.answers(network.PROBE_TIMEOUT_MS) : null));
  session.watchInactivity(config.idleTimeoutSeconds || 1800, () => activeCall());
  const screen = await screenLoading;
  clear(main);
  screen.mount(main, {
    user,
    config,
    signal,
    setCallActive: (fn) => { activeCall = fn; },
  });
  // Focus for screen readers, without scrolling the header (the link state, sign-out) out of sight on a phone.
  main.focus({ preventScroll: true });
}

function signalUrl() {
  if (config.signalingUrl) return config.signalingUrl;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.hostname}:8081/signal`;
}

function connectSignal() {
  signal = new SignalClient({
    url: signalUrl(),
    ticket: () => session.socketTicket('signal'),
    onTokenPushed: (token) => session.acceptPushedToken(token),
    onAuthFailure: async () => {
      await session.refresh();
      return true;
    },
  });
  const client = signal;
  const pill = document.getElementById('link-status');
  // No network outranks whatever the socket believes.
  const showLink = () => {
    const status = network.isOffline() ? 'offline' : client.status;
    pill.dataset.status = status;
    setText(pill, `link.${status}`);
  };
  showLink();
  client.on('status', (status) => {
    document.body.dataset.signal = status;
    showLink();
    if (status === 'reconnecting') network.checkNow();
  });
  network.onNetworkChange((offline) => {
    showLink();
    if (offline) return;
    // Back: a socket that looks open may have died meanwhile (replaced if it does not answer); a closed one retries now.
    if (client.ready) client.probe(network.PROBE_TIMEOUT_MS);
    else client.retryNow();
  });
  signal.on('fatal', (err) => {
    // signed out elsewhere, account disabled or changed: back to the sign-in screen
    if (err.code === 'SESSION_ENDED') session.logout('session.ended');
    else announce(`error.${err.code}`, null, 'error');
  });
  exposeSignal(signal);
  // A reloaded or closed page cannot resume its calls (the media are gone with it): leave cleanly.
  window.addEventListener('pagehide', () => signal?.close(), { once: true });
  // The screen works while the link comes up; requests made meanwhile are queued by the client.
  signal.connect().catch(() => {}); // a fatal close is announced by the 'fatal' handler above
}

boot();
