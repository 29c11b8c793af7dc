// Coordinator screen (desktop): live board, week calendar of availability and bookings
// (find slots, book, reschedule, cancel, no-show) and the waitlist. On a phone the calendar shows one day at a time.
import { h, clear, field, announce } from './dom.js';
import { dateIn, formatInstant } from './i18n.js';
import { api, idempotencyKey } from './session.js';
import { loadSpecialties } from './specialties.js';
import { liveBoard } from './board.js';
import { loadDirectory, loadDispensaries, person, place } from './directory.js';

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

/** A narrow screen (a phone) shows the calendar one day at a time. */
const PHONE = '(max-width: 599.98px)';
const SEARCH_DELAY_MS = 300;
const SEARCH_MIN_CHARS = 2;
const SEARCH_LIMIT = 20;
/** A patient's record number, as the server makes them: only a term of this shape is looked up as one. */
const RECORD_ID = /^pat-[0-9a-f]{32}$/i;

function dispensarySelect() {
  const select = h('select', { name: 'dispensaryId', required: true }, h('option', { value: '', text: '—' }));
  loadDispensaries().then((list) => {
    const chosen = select.dataset.wanted;
    select.append(...list.map((d) => h('option', { value: d.id, text: `${d.name} (${d.province})` })));
    if (chosen) select.value = chosen;
  });
  return select;
}

function choose(select, value) {
  select.dataset.wanted = value;
  select.value = value;
}

function birthYear(p) {
  return p.birthYear || (p.birthDate ? String(p.birthDate).slice(0, 4) : '');
}

/**
 * The patient of a booking, searched by name or record number (at least two characters, asked once typing pauses):
 * by name among the patients of the chosen dispensary, or of every dispensary while none is chosen; by record
 * number directly. Each result shows the name, birth year and dispensary; choosing one fills in the record number
 * (and the dispensary). A booking for anyone else is refused with UNKNOWN_PATIENT or PATIENT_OF_ANOTHER_DISPENSARY.
 */
function patientSearch(dispensary, id) {
  const ref = h('input', { type: 'hidden', name: 'patientRef' });
  const input = h('input', { type: 'search', id, name: 'patientSearch', autocomplete: 'off', 'aria-controls': `${id}-results`,
    i18nAttr: { placeholder: 'coordinator.searchPatientHint' } });
  const results = h('ul', { id: `${id}-results`, class: 'patient-results', hidden: true });
  const status = h('p', { class: 'muted patient-search-status', role: 'status' });
  const chosen = h('p', { class: 'patient-chosen', hidden: true });
  let timer = null;
  let asked = 0;

  input.addEventListener('input', () => {
    ref.value = '';
    chosen.hidden = true;
    clearTimeout(timer);
    const term = input.value.trim();
    if (term.length < SEARCH_MIN_CHARS) {
      asked += 1;
      results.hidden = true;
      clear(status);
      return;
    }
    timer = setTimeout(() => search(term), SEARCH_DELAY_MS);
  });
  dispensary.addEventListener('change', () => {
    const term = input.value.trim();
    if (!ref.value && term.length >= SEARCH_MIN_CHARS) search(term);
  });

  async function search(term) {
    const mine = ++asked;
    const within = dispensary.value ? [dispensary.value] : (await loadDispensaries()).map((d) => d.id);
    const q = encodeURIComponent(term);
    const lists = await Promise.all([
      RECORD_ID.test(term) ? api('GET', `/api/v1/patients/${encodeURIComponent(term)}`).then((p) => [p]).catch(() => []) : [],
      ...within.map((d) => api('GET', `/api/v1/patients?dispensaryId=${encodeURIComponent(d)}&q=${q}&limit=${SEARCH_LIMIT}`).catch(() => [])),
    ]);
    if (mine !== asked) return; // the coordinator typed on meanwhile
    const seen = new Set();
    const found = lists.flat().filter((p) => p && p.id && !seen.has(p.id) && seen.add(p.id))
      .filter((p) => !dispensary.value || p.dispensaryId === dispensary.value).slice(0, SEARCH_LIMIT);
    clear(results, found.map((p) => h('li', {}, h('button', {
      type: 'button', class: 'patient-choice', 'data-patient-id': p.id, onclick: () => pick(p),
    }, h('strong', { text: p.fullName || p.id }), ' · ', String(birthYear(p) || '—'), ' · ', place(p.dispensaryId),
    p.consent?.teleconsultation === false ? [' · ', h('span', { class: 'no-consent', i18n: 'coordinator.noConsent' })] : null))));
    results.hidden = !found.length;
    clear(status, h('span', { i18n: found.length ? 'coordinator.patientsFound' : 'coordinator.noPatientFound', args: { count: found.length } }));
  }

  function pick(p) {
    ref.value = p.id;
    input.value = p.fullName || p.id;
    if (p.dispensaryId && dispensary.value !== p.dispensaryId) choose(dispensary, p.dispensaryId);
    results.hidden = true;
    clear(status);
    clear(chosen, h('strong', { text: p.fullName || p.id }), ' · ', String(birthYear(p) || '—'), ' · ', place(p.dispensaryId),
      ' · ', h('span', { dir: 'ltr', class: 'record-id', text: p.id }));
    chosen.hidden = false;
    chosen.dataset.patientId = p.id;
  }

  function reset() {
    ref.value = '';
    input.value = '';
    results.hidden = true;
    chosen.hidden = true;
    clear(status);
  }

  /** The record number chosen, or null after telling the coordinator to pick a patient from the results. */
  function value() {
    if (ref.value) return ref.value;
    announce('coordinator.choosePatient', undefined, 'error');
    input.focus();
    return null;
  }

  return { elements: [field('coordinator.patientSearch', input), ref, status, results, chosen], value, reset };
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
  loadDirectory();
  liveBoard(panels.board, { canHandBack: true });
  weekCalendar(panels.calendar, config.zone);
}

async function act(appointment, action, body) {
  const result = await api('POST', `/api/v1/appointments/${encodeURIComponent(appointment.id)}/${action}`, body || {});
  announce(`coordinator.done.${action}`);
  return result;
}

/**
 * Week view of free slots and appointments of a specialty; click a free slot to book it. Past days are greyed and
 * their slots cannot be booked. On a phone, one day at a time with previous and next day buttons.
 */
function weekCalendar(target, zone) {
  let days = weekOf(dateIn(zone));
  let shownDay = dateIn(zone);
  let rescheduling = null;
  const phone = window.matchMedia(PHONE);
  const specialty = specialtySelect('calendar-specialty');
  const label = h('strong', { class: 'week-label' });
  const dayLabel = h('strong', { class: 'day-label', 'data-style': 'date' });
  const dayNav = h('div', { class: 'row day-nav', id: 'day-nav' },
    h('button', { type: 'button', id: 'prev-day', i18n: 'coordinator.prevDay', onclick: () => showDay(shiftDay(shownDay, -1)) }),
    dayLabel,
    h('button', { type: 'button', id: 'next-day', i18n: 'coordinator.nextDay', onclick: () => showDay(shiftDay(shownDay, 1)) }));
  const week = h('div', { class: 'week', id: 'week' });
  const panel = h('div', { id: 'booking-panel' });
  const hint = h('p', { class: 'banner info', hidden: true, role: 'status', i18n: 'coordinator.pickNewSlot' });
  clear(target,
    h('section', { class: 'card' },
      // the tab names the panel on screen; the heading gives its days' headings a parent for screen readers
      h('h2', { class: 'visually-hidden', i18n: 'coordinator.tab.calendar' }),
      h('div', { class: 'row' }, field('board.specialty', specialty),
        h('button', { type: 'button', i18n: 'coordinator.prevWeek', onclick: () => showWeek(shiftDay(days[0], -7)) }),
        h('button', { type: 'button', i18n: 'coordinator.thisWeek', onclick: () => showWeek(dateIn(zone)) }),
        h('button', { type: 'button', i18n: 'coordinator.nextWeek', onclick: () => showWeek(shiftDay(days[0], 7)) })),
      label, dayNav),
    hint, panel, week);

  /** The day view on a phone: only the chosen day of the week is shown, the week label gives way to the day's. */
  function layout() {
    const one = phone.matches;
    if (!days.includes(shownDay)) shownDay = days.includes(dateIn(zone)) ? dateIn(zone) : days[0];
    week.classList.toggle('day-view', one);
    dayNav.hidden = !one;
    label.hidden = one;
    dayLabel.dataset.datetime = `${shownDay}T12:00:00Z`;
    dayLabel.textContent = formatInstant(dayLabel.dataset.datetime, 'date');
    week.querySelectorAll('.day').forEach((section) => { section.hidden = one && section.dataset.date !== shownDay; });
  }
  phone.addEventListener('change', layout);
  layout();

  function showDay(day) {
    shownDay = day;
    if (days.includes(day)) layout(); else showWeek(day);
  }
  // Until the coordinator picks a week, the calendar opens on the one with free slots left: this week, or the next
  // when this one's remaining days have none (a Friday evening), for each specialty chosen.
  let weekChosen = false;
  const showWeek = (day) => {
    weekChosen = true;
    days = weekOf(day);
    layout();
    load();
  };
  specialty.addEventListener('change', () => {
    if (!specialty.value) return;
    if (!weekChosen) days = weekOf(dateIn(zone));
    load({ opening: !weekChosen });
  });

  async function load({ opening = false } = {}) {
    // Dates carry data-datetime so that a change of language writes them again in the new one.
    const dateOf = (day) => h('span', { 'data-datetime': `${day}T12:00:00Z`, 'data-style': 'day', text: formatInstant(`${day}T12:00:00Z`, 'day') });
    clear(label, dateOf(days[0]), ' – ', dateOf(days[6]));
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
      const past = day < today;
      week.append(h('section', { class: past ? 'day past' : 'day', 'data-date': day, 'aria-disabled': past ? 'true' : null },
        h('h3', { 'data-datetime': `${day}T12:00:00Z`, 'data-style': 'day', text: formatInstant(`${day}T12:00:00Z`, 'day') }),
        past ? h('p', { class: 'past-note', i18n: 'coordinator.pastDay' }) : null,
        items.length ? items.map((item) => item.el) : h('p', { class: 'muted', i18n: 'coordinator.nothing' })));
    });
    layout();
  }

  /** A free slot; one that has begun (every slot of a past day) is shown greyed and cannot be booked. */
  function slotButton(slot) {
    const gone = Date.parse(slot.start) <= Date.now();
    return h('button', {
      type: 'button', class: gone ? 'slot free gone' : 'slot free', 'data-start': slot.start, 'data-specialist': slot.specialistId,
      disabled: gone, 'aria-disabled': gone ? 'true' : null,
      onclick: () => (rescheduling ? reschedule(slot) : bookForm(slot)),
    }, h('span', { 'data-datetime': slot.start, 'data-style': 'time', text: formatInstant(slot.start, 'time') }), ' ', person(slot.specialistId));
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
    const patient = patientSearch(dispensary, 'book-patient');
    const key = idempotencyKey();
    const form = h('form', { class: 'card grid-form', id: 'book-form' },
      h('h3', {}, h('span', { i18n: 'coordinator.book' }), ' ',
        h('span', { 'data-datetime': slot.start, text: formatInstant(slot.start) }), ' · ', person(slot.specialistId)),
      patient.elements, field('board.dispensary', dispensary),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', i18n: 'coordinator.confirmBooking' }),
        h('button', { type: 'button', i18n: 'coordinator.close', onclick: () => clear(panel) })));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const patientRef = patient.value();
      if (!patientRef) return;
      try {
        await api('POST', '/api/v1/appointments', {
          specialistId: slot.specialistId, specialty: slot.specialty, start: slot.start,
          patientRef, dispensaryId: dispensary.value,
        }, { 'Idempotency-Key': key });
        announce('coordinator.booked');
        clear(panel);
      } catch (error) {
        failed(error);
      }
      load();
    });
    clear(panel, form);
    form.querySelector('input[type=search]').focus();
  }

  function manageForm(a) {
    const started = Date.parse(a.start) <= Date.now();
    const actions = [
      ['no-show', 'coordinator.noShow', a.status === 'booked' && started],
      ['cancel', 'coordinator.cancel', a.status === 'booked' || a.status === 'pending'],
    ];
    clear(panel, h('section', { class: 'card', id: 'manage-panel' },
      h('h3', {}, h('span', { 'data-datetime': a.start, text: formatInstant(a.start) }), ' · ',
        h('span', { dir: 'ltr', text: a.patientRef }), ' · ', person(a.specialistId), ' · ', place(a.dispensaryId), ' · ',
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
  const patient = patientSearch(dispensary, 'waitlist-patient');
  const from = h('input', { type: 'date', name: 'from', required: true, value: dateIn(zone) });
  const to = h('input', { type: 'date', name: 'to', required: true, value: dateIn(zone, new Date(Date.now() + 14 * DAY_MS)) });
  const form = h('form', { class: 'card grid-form', id: 'waitlist-form' }, h('h3', { i18n: 'coordinator.addWaitlist' }),
    patient.elements, field('board.dispensary', dispensary),
    field('coordinator.from', from), field('coordinator.to', to),
    h('button', { type: 'submit', class: 'primary', i18n: 'coordinator.addWaitlist' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const patientRef = patient.value();
    if (!patientRef) return;
    try {
      await api('POST', '/api/v1/waitlist', {
        specialty: specialty.value, patientRef, dispensaryId: dispensary.value,
        from: new Date(`${from.value}T00:00`).toISOString(), to: new Date(`${to.value}T23:59`).toISOString(),
      }, { 'Idempotency-Key': idempotencyKey() });
      form.reset();
      patient.reset();
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
      h('td', { dir: 'ltr', text: a.patientRef }), h('td', {}, place(a.dispensaryId)),
      h('td', {}, h('span', { 'data-datetime': a.requestedFrom, 'data-style': 'day', text: formatInstant(a.requestedFrom, 'day') }), ' – ',
        h('span', { 'data-datetime': a.requestedTo, 'data-style': 'day', text: formatInstant(a.requestedTo, 'day') })),
      h('td', {}, h('button', { type: 'button', class: 'danger', i18n: 'coordinator.cancel',
        onclick: () => act(a, 'cancel').then(load).catch(failed) })))));
    if (!list?.length) body.append(h('tr', {}, h('td', { colspan: 4, class: 'muted', i18n: 'coordinator.waitlistEmpty' })));
  }
  return { load };
}
