// Coordinator screen (desktop): live board, week calendar of availability and bookings
// (find slots, book, reschedule, cancel, no-show) and the waitlist.
import { h, clear, field, announce } from './dom.js';
import { dateIn, formatInstant } from './i18n.js';
import { api, idempotencyKey } from './session.js';
import { loadSpecialties } from './specialties.js';
import { liveBoard } from './board.js';
import { patientLabel } from './patient.js';

const DAY_MS = 86400000;
const ACTIVE = new Set(['pending', 'booked', 'arrived', 'fulfilled', 'noshow']);

/** The seven YYYY-MM-DD dates (deployment zone) of the week, Monday first, that contains `day`. */
function weekOf(day) {
  const noon = new Date(`${day}T12:00:00Z`);
  const monday = new Date(noon.getTime() - ((noon.getUTCDay() + 6) % 7) * DAY_MS);
  return Array.from({ length: 7 }, (_, i) => new Date(monday.getTime() + i * DAY_MS).toISOString().slice(0, 10));
}

function shiftDay(day, days) {
  return new Date(new Date(`${day}T12:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

let dispensaries = null;

function dispensarySelect() {
  const select = h('select', { name: 'dispensaryId', required: true }, h('option', { value: '', text: '—' }));
  if (!dispensaries) dispensaries = api('GET', '/api/v1/dispensaries').catch(() => []);
  dispensaries.then((list) => select.append(...(list || []).map((d) => h('option', { value: d.id, text: `${d.name} (${d.province})` }))));
  return select;
}

/**
 * The patient field of a booking: the patient's record number, with the registered patients of the chosen
 * dispensary offered by name (a booking for anyone else is refused with UNKNOWN_PATIENT or
 * PATIENT_OF_ANOTHER_DISPENSARY).
 */
function patientField(dispensary, listId) {
  const options = h('datalist', { id: listId });
  const input = h('input', { name: 'patientRef', required: true, autocomplete: 'off', dir: 'ltr', list: listId,
    pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}' });
  dispensary.addEventListener('change', async () => {
    const list = dispensary.value
      ? await api('GET', `/api/v1/patients?dispensaryId=${encodeURIComponent(dispensary.value)}&limit=500`).catch(() => [])
      : [];
    clear(options, (list || []).map((p) => h('option', { value: p.id, label: patientLabel(p) })));
  });
  return [input, options];
}

function specialtySelect(id) {
  const select = h('select', { name: 'specialty', id });
  loadSpecialties().then((codes) => {
    select.append(...codes.map((code) => h('option', { value: code, i18n: `specialty.${code}` })));
    select.dispatchEvent(new Event('change'));
  });
  return select;
}

function failed(error) {
  announce(`error.${error.code}`, { message: error.message }, 'error');
}

export function mount(root, { config }) {
  const panels = {
    board: h('div', { id: 'panel-board', role: 'tabpanel', 'aria-labelledby': 'tab-board' }),
    calendar: h('div', { id: 'panel-calendar', role: 'tabpanel', 'aria-labelledby': 'tab-calendar', hidden: true }),
    waitlist: h('div', { id: 'panel-waitlist', role: 'tabpanel', 'aria-labelledby': 'tab-waitlist', hidden: true }),
  };
  const tabs = Object.keys(panels).map((name) => h('button', {
    type: 'button', role: 'tab', id: `tab-${name}`, 'aria-controls': `panel-${name}`, 'aria-selected': String(name === 'board'),
    i18n: `coordinator.tab.${name}`, onclick: () => show(name),
  }));
  clear(root, h('div', { class: 'tabs', role: 'tablist' }, tabs), Object.values(panels));
  const waitlist = waitlistPanel(panels.waitlist, config.zone);
  function show(name) {
    tabs.forEach((tab) => tab.setAttribute('aria-selected', String(tab.id === `tab-${name}`)));
    Object.entries(panels).forEach(([key, panel]) => { panel.hidden = key !== name; });
    if (name === 'waitlist') waitlist.load();
  }
  liveBoard(panels.board, { canHandBack: true });
  weekCalendar(panels.calendar, config.zone);
}

async function act(appointment, action, body) {
  const result = await api('POST', `/api/v1/appointments/${encodeURIComponent(appointment.id)}/${action}`, body || {});
  announce(`coordinator.done.${action}`);
  return result;
}

/** Week view of free slots and appointments of a specialty; click a free slot to book it. */
function weekCalendar(target, zone) {
  let days = weekOf(dateIn(zone));
  let rescheduling = null;
  const specialty = specialtySelect('calendar-specialty');
  const label = h('strong', { class: 'week-label' });
  const week = h('div', { class: 'week', id: 'week' });
  const panel = h('div', { id: 'booking-panel' });
  const hint = h('p', { class: 'banner info', hidden: true, role: 'status', i18n: 'coordinator.pickNewSlot' });
  clear(target,
    h('section', { class: 'card' },
      h('div', { class: 'row' }, field('board.specialty', specialty),
        h('button', { type: 'button', i18n: 'coordinator.prevWeek', onclick: () => showWeek(shiftDay(days[0], -7)) }),
        h('button', { type: 'button', i18n: 'coordinator.thisWeek', onclick: () => showWeek(dateIn(zone)) }),
        h('button', { type: 'button', i18n: 'coordinator.nextWeek', onclick: () => showWeek(shiftDay(days[0], 7)) })),
      label),
    hint, panel, week);
  // Until the coordinator picks a week, the calendar opens on the one with free slots left: this week, or the next
  // when this one's remaining days have none (a Friday evening), for each specialty chosen.
  let weekChosen = false;
  const showWeek = (day) => {
    weekChosen = true;
    days = weekOf(day);
    load();
  };
  specialty.addEventListener('change', () => {
    if (!specialty.value) return;
    if (!weekChosen) days = weekOf(dateIn(zone));
    load({ opening: !weekChosen });
  });

  async function load({ opening = false } = {}) {
    // Dates carry data-datetime so that a change of language writes them again in the new one.
    const dayLabel = (day) => h('span', { 'data-datetime': `${day}T12:00:00Z`, 'data-style': 'day', text: formatInstant(`${day}T12:00:00Z`, 'day') });
    clear(label, dayLabel(days[0]), ' – ', dayLabel(days[6]));
    const code = specialty.value;
    const [slots, ...perDay] = await Promise.all([
      api('GET', `/api/v1/slots?specialty=${encodeURIComponent(code)}&from=${days[0]}&to=${days[6]}&limit=1000`).catch(() => []),
      ...days.map((day) => api('GET', `/api/v1/appointments?date=${day}`).catch(() => [])),
    ]);
    const today = dateIn(zone);
    if (code !== specialty.value) return; // another specialty was chosen meanwhile: its own load draws the week
    const freeAhead = (slots || []).some((s) => s.taken < s.capacity && dateIn(zone, new Date(s.start)) >= today);
    if (opening && !weekChosen && !freeAhead && days[0] === weekOf(today)[0]) {
      days = weekOf(shiftDay(days[0], 7));
      load();
      return;
    }
    clear(week);
    days.forEach((day, i) => {
      const items = [
        ...(perDay[i] || []).filter((a) => a.specialty === code && ACTIVE.has(a.status)).map((a) => ({ at: a.start, el: appointmentButton(a) })),
        ...(slots || []).filter((s) => dateIn(zone, new Date(s.start)) === day && s.taken < s.capacity).map((s) => ({ at: s.start, el: slotButton(s) })),
      ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      week.append(h('section', { class: day < today ? 'day past' : 'day', 'data-date': day },
        h('h3', { 'data-datetime': `${day}T12:00:00Z`, 'data-style': 'day', text: formatInstant(`${day}T12:00:00Z`, 'day') }),
        items.length ? items.map((item) => item.el) : h('p', { class: 'muted', i18n: 'coordinator.nothing' })));
    });
  }

  function slotButton(slot) {
    return h('button', {
      type: 'button', class: 'slot free', 'data-start': slot.start, 'data-specialist': slot.specialistId,
      onclick: () => (rescheduling ? reschedule(slot) : bookForm(slot)),
    }, h('span', { 'data-datetime': slot.start, 'data-style': 'time', text: formatInstant(slot.start, 'time') }), ' ', slot.specialistId);
  }

  function appointmentButton(a) {
    return h('button', {
      type: 'button', class: 'slot booked', 'data-appointment-id': a.id, 'data-status': a.status,
      onclick: () => manageForm(a),
    }, h('span', { 'data-datetime': a.start, 'data-style': 'time', text: formatInstant(a.start, 'time') }), ' ',
    h('span', { dir: 'ltr', text: a.patientRef }), ' · ', h('span', { i18n: `status.${a.status}` }));
  }

  function bookForm(slot) {
    const dispensary = dispensarySelect();
    const [patient, patients] = patientField(dispensary, 'book-patients');
    const key = idempotencyKey();
    const form = h('form', { class: 'card grid-form', id: 'book-form' },
      h('h3', {}, h('span', { i18n: 'coordinator.book' }), ' ',
        h('span', { 'data-datetime': slot.start, text: formatInstant(slot.start) }), ' · ', slot.specialistId),
      field('board.dispensary', dispensary), field('coordinator.patientRef', patient), patients,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', i18n: 'coordinator.confirmBooking' }),
        h('button', { type: 'button', i18n: 'coordinator.close', onclick: () => clear(panel) })));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api('POST', '/api/v1/appointments', {
          specialistId: slot.specialistId, specialty: slot.specialty, start: slot.start,
          patientRef: patient.value.trim(), dispensaryId: dispensary.value,
        }, { 'Idempotency-Key': key });
        announce('coordinator.booked');
        clear(panel);
      } catch (error) {
        failed(error);
      }
      load();
    });
    clear(panel, form);
    dispensary.focus();
  }

  function manageForm(a) {
    const started = Date.parse(a.start) <= Date.now();
    const actions = [
      ['no-show', 'coordinator.noShow', a.status === 'booked' && started],
      ['cancel', 'coordinator.cancel', a.status === 'booked' || a.status === 'pending'],
    ];
    clear(panel, h('section', { class: 'card', id: 'manage-panel' },
      h('h3', {}, h('span', { 'data-datetime': a.start, text: formatInstant(a.start) }), ' · ',
        h('span', { dir: 'ltr', text: a.patientRef }), ' · ', a.specialistId || '', ' · ', a.dispensaryId, ' · ',
        h('span', { i18n: `status.${a.status}` })),
      h('div', { class: 'row' },
        actions.filter(([, , allowed]) => allowed).map(([action, key]) => h('button', {
          type: 'button', class: action === 'cancel' ? 'danger' : 'secondary', 'data-action': action, i18n: key,
          onclick: () => act(a, action).then(() => { clear(panel); load(); }).catch(failed),
        })),
        a.status === 'booked' ? h('button', { type: 'button', class: 'secondary', 'data-action': 'reschedule', i18n: 'coordinator.reschedule',
          onclick: () => { rescheduling = a; hint.hidden = false; } }) : null,
        h('button', { type: 'button', i18n: 'coordinator.close', onclick: () => clear(panel) }))));
  }

  async function reschedule(slot) {
    const a = rescheduling;
    rescheduling = null;
    hint.hidden = true;
    try {
      await act(a, 'reschedule', { specialistId: slot.specialistId, start: slot.start });
      clear(panel);
    } catch (error) {
      failed(error);
    }
    load();
  }
}

/** Waiting list of a specialty: requests for "any slot between two dates", served when a slot frees up. */
function waitlistPanel(target, zone) {
  const specialty = specialtySelect('waitlist-specialty');
  const body = h('tbody');
  const dispensary = dispensarySelect();
  const [patient, patients] = patientField(dispensary, 'waitlist-patients');
  const from = h('input', { type: 'date', name: 'from', required: true, value: dateIn(zone) });
  const to = h('input', { type: 'date', name: 'to', required: true, value: dateIn(zone, new Date(Date.now() + 14 * DAY_MS)) });
  const form = h('form', { class: 'card grid-form', id: 'waitlist-form' }, h('h3', { i18n: 'coordinator.addWaitlist' }),
    field('board.dispensary', dispensary), field('coordinator.patientRef', patient), patients,
    field('coordinator.from', from), field('coordinator.to', to),
    h('button', { type: 'submit', class: 'primary', i18n: 'coordinator.addWaitlist' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/api/v1/waitlist', {
        specialty: specialty.value, patientRef: patient.value.trim(), dispensaryId: dispensary.value,
        from: new Date(`${from.value}T00:00`).toISOString(), to: new Date(`${to.value}T23:59`).toISOString(),
      }, { 'Idempotency-Key': idempotencyKey() });
      form.reset();
      load();
    } catch (error) {
      failed(error);
    }
  });
  clear(target,
    h('section', { class: 'card' }, h('h2', { i18n: 'coordinator.waitlist' }), field('board.specialty', specialty),
      h('table', {}, h('thead', {}, h('tr', {}, ['coordinator.patientRef', 'board.dispensary', 'coordinator.window', 'coordinator.actions']
        .map((key) => h('th', { scope: 'col', i18n: key })))), body)),
    form);
  specialty.addEventListener('change', () => load());

  async function load() {
    if (!specialty.value) return;
    const list = await api('GET', `/api/v1/waitlist?specialty=${encodeURIComponent(specialty.value)}`).catch(() => []);
    clear(body, (list || []).map((a) => h('tr', { 'data-appointment-id': a.id },
      h('td', { dir: 'ltr', text: a.patientRef }), h('td', { text: a.dispensaryId }),
      h('td', {}, h('span', { 'data-datetime': a.requestedFrom, 'data-style': 'day', text: formatInstant(a.requestedFrom, 'day') }), ' – ',
        h('span', { 'data-datetime': a.requestedTo, 'data-style': 'day', text: formatInstant(a.requestedTo, 'day') })),
      h('td', {}, h('button', { type: 'button', class: 'danger', i18n: 'coordinator.cancel',
        onclick: () => act(a, 'cancel').then(load).catch(failed) })))));
    if (!list?.length) body.append(h('tr', {}, h('td', { colspan: 4, class: 'muted', i18n: 'coordinator.waitlistEmpty' })));
  }
  return { load };
}
