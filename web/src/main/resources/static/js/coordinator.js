// Coordinator screen (desktop): live board, week calendar of availability and bookings
// (find slots, book, reschedule, cancel, no-show, check-in) and the waitlist.
import { h, clear, field, announce } from './dom.js';
import { formatInstant } from './i18n.js';
import { api } from './session.js';
import { loadSpecialties } from './specialties.js';
import { liveBoard } from './board.js';

const DAY_MS = 86400000;

function isoDate(date) {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

function mondayOf(date) {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d;
}

export function mount(root) {
  const panels = {
    board: h('div', { id: 'panel-board', role: 'tabpanel' }),
    calendar: h('div', { id: 'panel-calendar', role: 'tabpanel', hidden: true }),
    waitlist: h('div', { id: 'panel-waitlist', role: 'tabpanel', hidden: true }),
  };
  const tabs = Object.keys(panels).map((name) => h('button', {
    type: 'button', role: 'tab', id: `tab-${name}`, 'aria-controls': `panel-${name}`, 'aria-selected': String(name === 'board'),
    i18n: `coordinator.tab.${name}`, onclick: () => show(name),
  }));
  clear(root, h('div', { class: 'tabs', role: 'tablist' }, tabs), Object.values(panels));
  function show(name) {
    tabs.forEach((tab) => tab.setAttribute('aria-selected', String(tab.id === `tab-${name}`)));
    Object.entries(panels).forEach(([key, panel]) => { panel.hidden = key !== name; });
    if (name === 'waitlist') renderWaitlist();
  }

  liveBoard(panels.board);
  weekCalendar(panels.calendar);

  async function renderWaitlist() {
    const list = await api('GET', '/api/v1/waitlist').catch(() => []);
    const body = h('tbody');
    (list || []).forEach((a) => body.append(h('tr', { 'data-appointment-id': a.id },
      h('td', { i18n: `specialty.${a.specialty}` }), h('td', { text: a.patientRef }), h('td', { text: a.dispensaryId }),
      h('td', { text: `${formatInstant(a.requestedFrom, 'day')} – ${formatInstant(a.requestedTo, 'day')}` }),
      h('td', {}, h('button', { type: 'button', class: 'danger', i18n: 'coordinator.cancel',
        onclick: () => act(a, 'cancel').then(renderWaitlist) })))));
    if (!list?.length) body.append(h('tr', {}, h('td', { colspan: 5, class: 'muted', i18n: 'coordinator.waitlistEmpty' })));
    clear(panels.waitlist,
      h('section', { class: 'card' }, h('h2', { i18n: 'coordinator.waitlist' }),
        h('table', {}, h('thead', {}, h('tr', {}, ['board.specialty', 'board.patient', 'board.dispensary', 'coordinator.window', 'coordinator.actions']
          .map((key) => h('th', { scope: 'col', i18n: key })))), body)),
      waitlistForm(renderWaitlist));
  }
}

async function act(appointment, action, body) {
  try {
    const result = await api('POST', `/api/v1/appointments/${encodeURIComponent(appointment.id)}/${action}`, body || {});
    announce(`coordinator.done.${action}`);
    return result;
  } catch (error) {
    announce(`error.${error.code}`, { message: error.message }, 'error');
    throw error;
  }
}

function waitlistForm(onDone) {
  const specialty = specialtySelect();
  const patient = h('input', { name: 'patientRef', required: true, autocomplete: 'off', dir: 'ltr' });
  const dispensary = dispensarySelect();
  const from = h('input', { type: 'date', name: 'from', required: true, value: isoDate(new Date()) });
  const to = h('input', { type: 'date', name: 'to', required: true, value: isoDate(new Date(Date.now() + 14 * DAY_MS)) });
  const form = h('form', { class: 'card grid-form', id: 'waitlist-form' }, h('h3', { i18n: 'coordinator.addWaitlist' }),
    field('board.specialty', specialty), field('board.patient', patient), field('board.dispensary', dispensary),
    field('coordinator.from', from), field('coordinator.to', to),
    h('button', { type: 'submit', class: 'primary', i18n: 'coordinator.addWaitlist' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/api/v1/waitlist', {
        specialty: specialty.value, patientRef: patient.value.trim(), dispensaryId: dispensary.value,
        from: new Date(`${from.value}T00:00`).toISOString(), to: new Date(`${to.value}T23:59`).toISOString(),
      });
      onDone();
    } catch (error) {
      announce(`error.${error.code}`, { message: error.message }, 'error');
    }
  });
  return form;
}

let dispensaries = null;

function dispensarySelect() {
  const select = h('select', { name: 'dispensaryId', required: true }, h('option', { value: '', text: '—' }));
  if (!dispensaries) dispensaries = api('GET', '/api/v1/dispensaries').catch(() => []);
  dispensaries.then((list) => select.append(...(list || []).map((d) => h('option', { value: d.id, text: `${d.name} (${d.province})` }))));
  return select;
}

function specialtySelect() {
  const select = h('select', { name: 'specialty' });
  loadSpecialties().then((codes) => {
    select.append(...codes.map((code) => h('option', { value: code, i18n: `specialty.${code}` })));
    select.dispatchEvent(new Event('change'));
  });
  return select;
}

/** Week view: free slots and appointments per day for a specialty; click a free slot to book it. */
function weekCalendar(target) {
  let monday = mondayOf(new Date());
  let rescheduling = null;
  const specialty = specialtySelect();
  specialty.id = 'calendar-specialty';
  const label = h('strong', { class: 'week-label' });
  const week = h('div', { class: 'week', id: 'week' });
  const dialog = h('div', { id: 'booking-panel' });
  const hint = h('p', { class: 'banner info', hidden: true, role: 'status', i18n: 'coordinator.pickNewSlot' });
  clear(target,
    h('section', { class: 'card' },
      h('div', { class: 'row' }, field('board.specialty', specialty),
        h('button', { type: 'button', i18n: 'coordinator.prevWeek', onclick: () => move(-7) }),
        h('button', { type: 'button', i18n: 'coordinator.thisWeek', onclick: () => { monday = mondayOf(new Date()); load(); } }),
        h('button', { type: 'button', i18n: 'coordinator.nextWeek', onclick: () => move(7) })),
      label),
    hint, dialog, week);
  specialty.addEventListener('change', () => { if (specialty.value) load(); });

  function move(days) {
    monday = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + days);
    load();
  }

  async function load() {
    const sunday = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 6);
    label.textContent = `${formatInstant(monday.toISOString(), 'day')} – ${formatInstant(sunday.toISOString(), 'day')}`;
    const range = `from=${isoDate(monday)}&to=${isoDate(sunday)}`;
    const [slots, appointments] = await Promise.all([
      api('GET', `/api/v1/slots?specialty=${specialty.value}&${range}`).catch(() => []),
      api('GET', `/api/v1/appointments?specialty=${specialty.value}&${range}`).catch(() => []),
    ]);
    clear(week);
    for (let i = 0; i < 7; i += 1) {
      const day = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + i);
      const key = isoDate(day);
      const sameDay = (iso) => isoDate(new Date(iso)) === key;
      const items = [
        ...(appointments || []).filter((a) => sameDay(a.start) && a.status !== 'cancelled').map((a) => ({ at: a.start, el: appointmentButton(a) })),
        ...(slots || []).filter((s) => sameDay(s.start) && s.taken < s.capacity).map((s) => ({ at: s.start, el: slotButton(s) })),
      ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      week.append(h('section', { class: 'day', 'data-date': key },
        h('h3', { 'data-datetime': day.toISOString(), 'data-style': 'day', text: formatInstant(day.toISOString(), 'day') }),
        items.length ? items.map((item) => item.el) : h('p', { class: 'muted', i18n: 'coordinator.nothing' })));
    }
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
    a.patientRef, ' · ', h('span', { i18n: `status.${a.status}` }));
  }

  function bookForm(slot) {
    const patient = h('input', { name: 'patientRef', required: true, autocomplete: 'off', dir: 'ltr' });
    const dispensary = dispensarySelect();
    const form = h('form', { class: 'card grid-form', id: 'book-form' },
      h('h3', {}, h('span', { i18n: 'coordinator.book' }), ' ', formatInstant(slot.start), ' · ', slot.specialistId),
      field('board.patient', patient), field('board.dispensary', dispensary),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', i18n: 'coordinator.confirmBooking' }),
        h('button', { type: 'button', i18n: 'coordinator.close', onclick: () => clear(dialog) })));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api('POST', '/api/v1/appointments', {
          specialistId: slot.specialistId, specialty: slot.specialty, start: slot.start,
          patientRef: patient.value.trim(), dispensaryId: dispensary.value,
        });
        announce('coordinator.booked');
        clear(dialog);
        load();
      } catch (error) {
        announce(`error.${error.code}`, { message: error.message }, 'error');
      }
    });
    clear(dialog, form);
    patient.focus();
  }

  function manageForm(a) {
    const actions = [
      ['check-in', 'coordinator.checkIn', a.status === 'booked'],
      ['no-show', 'coordinator.noShow', a.status === 'booked'],
      ['cancel', 'coordinator.cancel', a.status === 'booked' || a.status === 'pending'],
    ];
    clear(dialog, h('section', { class: 'card', id: 'manage-panel' },
      h('h3', {}, formatInstant(a.start), ' · ', a.patientRef, ' · ', a.specialistId || '', ' · ', h('span', { i18n: `status.${a.status}` })),
      h('div', { class: 'row' },
        actions.filter(([, , allowed]) => allowed).map(([action, key]) => h('button', {
          type: 'button', class: action === 'cancel' ? 'danger' : 'secondary', 'data-action': action, i18n: key,
          onclick: () => act(a, action).then(() => { clear(dialog); load(); }).catch(() => {}),
        })),
        a.status === 'booked' ? h('button', { type: 'button', class: 'secondary', 'data-action': 'reschedule', i18n: 'coordinator.reschedule',
          onclick: () => { rescheduling = a; hint.hidden = false; } }) : null,
        h('button', { type: 'button', i18n: 'coordinator.close', onclick: () => clear(dialog) }))));
  }

  async function reschedule(slot) {
    const a = rescheduling;
    rescheduling = null;
    hint.hidden = true;
    try {
      await act(a, 'reschedule', { specialistId: slot.specialistId, start: slot.start });
      clear(dialog);
      load();
    } catch {
      load();
    }
  }
}

