// Service worker: the app shell (the page, its style, its modules, the message bundles, the manifest and icons)
// opens without a network, so a nurse reloading on a dead link still sees her screen.
//
// What it stores: the files of SHELL, fetched at install into one cache named after SHELL_VERSION, and nothing else,
// ever. The API (/api/), health and metrics (/actuator/), the sockets (/signal, /board), any URL with a query string
// (the pre-call check's measurements) and every other request go to the network untouched: no response carrying
// patient data can end up in Cache Storage.
//
// How it updates (version bump, not per-file revalidation, so a page never runs a new nurse.js against an old dom.js):
// shell files are answered from the cache. SHELL_VERSION is a digest of the shell's files, checked by
// ServiceWorkerShellTest, which fails with the value to put here whenever a shell file changes or is added. The
// browser then finds this script changed, installs the new shell in the background, and the page hands over to it at
// its next start (app.js: one reload before anything is shown); activation deletes every older cache.
const SHELL_VERSION = 'b2cca1d14026';
const SHELL_CACHE = `tabib-shell-${SHELL_VERSION}`;
const SHELL = [
  '/index.html',
  '/manifest.webmanifest',
  '/css/app.css',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/i18n/ar.json',
  '/i18n/en.json',
  '/i18n/fr.json',
  '/js/admin.js',
  '/js/app.js',
  '/js/board.js',
  '/js/calendarfeed.js',
  '/js/call.js',
  '/js/callview.js',
  '/js/cases.js',
  '/js/coordinator.js',
  '/js/device.js',
  '/js/diagnostics.js',
  '/js/directory.js',
  '/js/dom.js',
  '/js/failure.js',
  '/js/i18n.js',
  '/js/inbox.js',
  '/js/jitsi.js',
  '/js/network.js',
  '/js/noteeditor.js',
  '/js/nurse.js',
  '/js/outbox.js',
  '/js/patient.js',
  '/js/patientpicker.js',
  '/js/precheck.js',
  '/js/prejoin.js',
  '/js/quality.js',
  '/js/ring.js',
  '/js/session.js',
  '/js/signal.js',
  '/js/specialist.js',
  '/js/specialties.js',
  '/js/voicenote.js',
];
const SHELL_PATHS = new Set(SHELL);
/** Navigations that open the application (the page itself); any other page is left to the network. */
const APP_PAGES = new Set(['/', '/index.html']);

self.addEventListener('install', (event) => {
  // All or nothing: a shell missing one module would break offline; a failed install is retried by the browser.
  event.waitUntil(caches.open(SHELL_CACHE)
    .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== SHELL_CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'take-over') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    if (APP_PAGES.has(url.pathname)) event.respondWith(fromShell('/index.html', request));
  } else if (!url.search && SHELL_PATHS.has(url.pathname)) {
    event.respondWith(fromShell(url.pathname, request));
  }
});

/** Cache first; a shell file somehow missing from the cache is fetched, and not stored. */
async function fromShell(path, request) {
  const cached = await caches.match(path, { cacheName: SHELL_CACHE });
  return cached || fetch(request);
}
