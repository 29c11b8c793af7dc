// The live board of coordinators and administrators: a plain WebSocket that receives a full snapshot on every
// change. Administrators' snapshots also carry the open alerts of emergency (break-glass) accesses. Every specialty
// has its row in the queues (0 when nobody waits); staff and dispensaries are shown by name.
import { h, clear, setText, announce } from './dom.js';
import { duration, formatInstant } from './i18n.js';
import { api, refresh, socketTicket, logout } from './session.js';
import { loadSpecialties } from './specialties.js';
import { loadDirectory, person, place } from './directory.js';
import { logFailure } from './failure.js';

/** @param canHandBack coordinators may hand an overdue claimed case back to its specialty's inbox */
export function liveBoard(target, { onSnapshot, canHandBack = false } = {}) {
  let ws = null;
  let attempt = 0;
  let stopped = false;
  let timer = null;
  let last = null;
  let specialties = [];
  loadDirectory();
  loadSpecialties().then((codes) => {
    specialties = codes;
    if (last) render(last);
  });
  const status = h('p', { class: 'muted', id: 'board-status', role: 'status', i18n: 'board.connecting' });
  const online = h('ul', { id: 'board-online' });
  const queues = h('tbody', { id: 'board-queues' });
  const calls = h('tbody', { id: 'board-calls' });
  const callCount = h('span', { class: 'stat', id: 'board-call-count', text: '0' });
  const bookings = h('tbody', { id: 'board-bookings' });
  const counts = h('ul', { class: 'counts', id: 'board-counts' });
  const alerts = h('section', { class: 'card alerts', id: 'board-alerts', hidden: true, 'aria-live': 'polite' });
  const casesWaiting = h('tbody', { id: 'board-cases-waiting' });
  const overdueCount = h('span', { class: 'stat', id: 'board-overdue-count', text: '0' });
  const overdue = h('tbody', { id: 'board-overdue' });
  clear(target,
    status,
    alerts,
    h('div', { class: 'board' },
      h('section', { class: 'card' }, h('h2', { i18n: 'board.online' }), online),
      h('section', { class: 'card' }, h('h2', { i18n: 'board.queues' }),
        h('table', {}, h('thead', {}, h('tr', {}, th('board.specialty'), th('board.queueLength'), th('board.longestWait'))), queues)),
      h('section', { class: 'card wide' }, h('h2', {}, h('span', { i18n: 'board.calls' }), ' ', callCount),
        h('table', {}, h('thead', {}, h('tr', {}, th('board.specialist'), th('board.specialty'))), calls))),
    h('section', { class: 'card', id: 'board-cases' }, h('h2', { i18n: 'board.cases' }),
      h('table', {}, h('thead', {}, h('tr', {}, th('board.specialty'), th('board.casesWaiting'))), casesWaiting),
      h('h3', {}, h('span', { i18n: 'board.overdueCases' }), ' ', overdueCount),
      h('table', {}, h('thead', {}, h('tr', {}, th('board.due'), th('board.specialty'), th('cases.urgency'),
        th('board.dispensary'), th('board.claimedBy'), th('board.status'), th('board.action'))), overdue)),
    h('section', { class: 'card' }, h('h2', { i18n: 'board.bookings' }), counts,
      h('table', {}, h('thead', {}, h('tr', {}, th('board.time'), th('board.specialty'), th('board.specialist'), th('board.dispensary'), th('board.status'))), bookings)));

  function retry() {
    const delay = Math.min(10000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    timer = setTimeout(connect, delay);
  }

  async function connect() {
    let ticket;
    try {
      ticket = await socketTicket('board');
    } catch {
      if (!stopped) retry();
      return;
    }
    if (stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${scheme}://${location.host}/board?ticket=${encodeURIComponent(ticket)}`);
    ws.onopen = () => {
      attempt = 0;
      status.dataset.live = 'true';
      setText(status, 'board.live');
    };
    ws.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      if (msg.type === 'board.snapshot') render(msg);
    };
    ws.onclose = (event) => {
      status.dataset.live = 'false';
      setText(status, 'board.reconnecting');
      if (stopped || event.code === 4403) return;
      if (event.code === 4410) {
        logout('session.ended');
        return;
      }
      const expired = event.code === 4401 ? refresh().catch(logFailure('refreshing the token for the board')) : Promise.resolve();
      expired.then(retry);
    };
  }

  /** The specialties known to the server and any other the snapshot names, sorted by code. */
  function everySpecialty(named) {
    return [...new Set([...specialties, ...named])].sort();
  }

  function render(snapshot) {
    last = snapshot;
    const specialists = Array.isArray(snapshot.online) ? snapshot.online : [];
    clear(online, specialists.map((u) => h('li', { 'data-user': u.userId, 'data-status': u.status },
      h('strong', { text: u.displayName || u.userId }), ' · ', h('span', { i18n: `presence.${u.status}` }),
      (u.specialties || []).map((code) => [' ', h('span', { class: 'chip', i18n: `specialty.${code}` })]))));
    if (!specialists.length) online.append(h('li', { class: 'muted', i18n: 'board.nobody' }));
    const waiting = new Map((Array.isArray(snapshot.queues) ? snapshot.queues : []).map((q) => [q.specialty, q]));
    clear(queues, everySpecialty(waiting.keys()).map((code) => {
      const q = waiting.get(code) || {};
      return h('tr', { 'data-specialty': code, class: q.length ? 'waiting' : 'empty' },
        h('td', { i18n: `specialty.${code}` }), h('td', { class: 'stat', text: String(q.length ?? 0) }),
        h('td', { text: q.longestWaitSeconds ? duration(q.longestWaitSeconds) : '—' }));
    }));
    const inCall = snapshot.calls?.specialistsInCall || [];
    callCount.textContent = String(snapshot.calls?.inProgress ?? 0);
    clear(calls, inCall.map((c) => h('tr', { 'data-call-id': c.callId },
      h('td', { text: c.displayName || c.userId }),
      h('td', {}, (c.specialties || []).map((code) => h('span', { class: 'chip', i18n: `specialty.${code}` }))))));
    const today = snapshot.bookings?.appointments || [];
    clear(bookings, today.map((b) => h('tr', { 'data-appointment-id': b.id, 'data-status': b.status },
      h('td', { 'data-datetime': b.start, 'data-style': 'time', text: formatInstant(b.start, 'time') }),
      h('td', { i18n: `specialty.${b.specialty}` }), h('td', {}, person(b.specialistId)),
      h('td', {}, place(b.dispensaryId)),
      h('td', { i18n: `status.${b.status}` }))));
    if (!today.length) bookings.append(h('tr', {}, h('td', { colspan: 5, class: 'muted', i18n: 'board.noBookings' })));
    clear(counts, Object.entries(snapshot.bookings?.counts || {}).map(([status, count]) =>
      h('li', { 'data-status': status }, h('span', { class: 'stat', text: String(count) }), ' ', h('span', { i18n: `status.${status}` }))));
    renderAlerts(snapshot.alerts);
    renderCases(snapshot.cases);
    onSnapshot?.(snapshot);
  }

  // Tele-expertise cases: waiting per specialty, and the overdue ones (routing facts only, never their content).
  function renderCases(section) {
    const waiting = section?.waiting || {};
    clear(casesWaiting, everySpecialty(Object.keys(waiting)).map((code) => h('tr', { 'data-specialty': code },
      h('td', { i18n: `specialty.${code}` }), h('td', { class: 'stat', text: String(waiting[code] ?? 0) }))));
    overdueCount.textContent = String(section?.overdue ?? 0);
    const late = section?.mostOverdue || [];
    clear(overdue, late.map((c) => h('tr', { 'data-case-id': c.id, 'data-status': c.status },
      h('td', { 'data-datetime': c.dueAt, text: formatInstant(c.dueAt) }),
      h('td', { i18n: `specialty.${c.specialty}` }), h('td', { i18n: `urgency.${c.urgency}` }),
      h('td', {}, place(c.dispensaryId)), h('td', {}, c.claimedBy ? person(c.claimedBy) : '—'),
      h('td', { i18n: `case.status.${c.status}` }),
      h('td', {}, canHandBack && c.claimedBy ? handBackButton(c) : null))));
    if (!late.length) overdue.append(h('tr', {}, h('td', { colspan: 7, class: 'muted', i18n: 'board.noOverdue' })));
  }

  function handBackButton(c) {
    const button = h('button', { type: 'button', class: 'secondary', 'data-hand-back': c.id, i18n: 'board.handBack' });
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await api('POST', `/api/v1/cases/${encodeURIComponent(c.id)}/release`, {});
        announce('board.handedBack');
      } catch {
        button.disabled = false;
        announce('board.handBackFailed');
      }
    });
    return button;
  }

  // Emergency accesses not reviewed yet (administrators only; the section is absent for coordinators).
  function renderAlerts(section) {
    alerts.hidden = !section;
    if (!section) return;
    const open = Number(section.breakGlassOpen || 0);
    alerts.dataset.open = String(open);
    clear(alerts,
      h('h2', {}, h('span', { i18n: 'board.breakGlass' }), ' ', h('span', { class: 'stat', id: 'board-alerts-count', text: String(open) })),
      open ? h('ul', { class: 'alert-list' }, (section.breakGlass || []).map((a) => h('li', { 'data-access-id': a.id },
        h('span', { 'data-datetime': a.at, text: formatInstant(a.at) }), ' · ',
        h('strong', { dir: 'ltr', text: a.actorId }), ' (', h('span', { i18n: `role.${a.role}` }), ') · ',
        h('span', { class: 'reason', text: a.reason }))))
        : h('p', { class: 'muted', i18n: 'board.noAlerts' }));
  }

  connect();
  return () => { stopped = true; clearTimeout(timer); ws?.close(1000); };
}

function th(key) {
  return h('th', { scope: 'col', i18n: key });
}
