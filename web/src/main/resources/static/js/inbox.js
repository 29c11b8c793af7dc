// The specialist's tele-expertise cases: each specialty's inbox (most urgent first, then oldest), claiming one, the
// case (question, vitals, photos, voice note, messages), asking the nurse for more, booking a consultation in one of
// their own free slots, asking her for a call now, and the answer: the consultation's note, written and signed in the
// usual editor, then sent.
import { h, clear, field, announce } from './dom.js';
import { t, locale, formatInstant, onLanguageChange } from './i18n.js';
import { api, idempotencyKey } from './session.js';
import { renderPatientSummary } from './patient.js';
import { noteEditor } from './noteeditor.js';
import { VITALS, errorText } from './cases.js';
import { voicePlayer } from './voicenote.js';

const REFRESH_EVERY_MS = 60000;
const SLOTS_AHEAD_DAYS = 14;
const SLOTS_SHOWN = 12;
const UNITS = { systolicMmHg: 'mmHg', heartRatePerMinute: 'perMinute', temperatureCelsius: 'celsius', oxygenSaturation: 'percent', weightKg: 'kg' };

/** "il y a 2 h", "2 hours ago", in the current language. */
export function age(iso) {
  const seconds = (Date.parse(iso) - Date.now()) / 1000;
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto', style: 'short' });
  if (Math.abs(seconds) < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (Math.abs(seconds) < 172800) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86400), 'day');
}

function failed(error) {
  announce(`error.${error.code || 'generic'}`, { message: error.message }, 'error');
}

export function mountInbox({ root, home, user }) {
  const inboxBox = h('section', { class: 'card', id: 'case-inbox', 'aria-labelledby': 'inbox-title' });
  const claimedBox = h('section', { class: 'card', id: 'claimed-cases', 'aria-labelledby': 'claimed-title' });
  home.append(inboxBox, claimedBox);
  let open = null;

  function summaryLine(c, action) {
    return h('li', { class: 'case', 'data-case-id': c.id, 'data-status': c.status, 'data-urgency': c.urgency },
      h('div', { class: 'case-head' },
        h('span', { class: `chip urgency-${c.urgency}`, i18n: `urgency.${c.urgency}` }),
        h('strong', { i18n: `specialty.${c.specialty}` }),
        h('span', { class: 'age', title: formatInstant(c.submittedAt || c.createdAt), text: age(c.submittedAt || c.createdAt) }),
        h('span', { class: 'photos', i18n: 'cases.photosCount', args: { count: c.photos || 0 } }),
        c.voiceNote ? h('span', { class: 'voice', i18n: 'cases.withVoiceNote' }) : null,
        c.overdue ? h('span', { class: 'chip overdue', i18n: 'cases.overdue' }) : null,
        action));
  }

  async function refresh() {
    if (open) return;
    const specialties = user.specialties || [];
    const [inboxes, claimed] = await Promise.all([
      Promise.all(specialties.map((s) => api('GET', `/api/v1/cases/inbox?specialty=${encodeURIComponent(s)}`).catch(() => null))),
      api('GET', '/api/v1/cases/claimed').catch(() => null),
    ]);
    clear(inboxBox, h('h2', { id: 'inbox-title', i18n: 'cases.inbox' }),
      specialties.map((s, i) => h('div', { class: 'inbox', 'data-specialty': s },
        h('h3', { i18n: `specialty.${s}` }),
        inboxes[i] === null ? h('p', { class: 'error', i18n: 'cases.listFailed' })
          : inboxes[i].length ? h('ul', { class: 'case-list' }, inboxes[i].map((c) => summaryLine(c,
            h('button', { type: 'button', class: 'primary', 'data-action': 'claim', i18n: 'cases.claim', onclick: () => claim(c.id) }))))
            : h('p', { class: 'muted', i18n: 'cases.inboxEmpty' }))));
    clear(claimedBox, h('h2', { id: 'claimed-title', i18n: 'cases.claimed' }),
      claimed === null ? h('p', { class: 'error', i18n: 'cases.listFailed' })
        : claimed.length ? h('ul', { class: 'case-list' }, claimed.map((c) => summaryLine(c, h('span', {},
          h('span', { class: 'case-status', i18n: `case.status.${c.status}` }), ' ',
          h('button', { type: 'button', class: 'secondary', 'data-action': 'open', i18n: 'cases.open', onclick: () => openCase(c.id) })))))
          : h('p', { class: 'muted', i18n: 'cases.noneClaimed' }));
  }

  async function claim(id) {
    try {
      show(await api('POST', `/api/v1/cases/${encodeURIComponent(id)}/claim`, {}));
    } catch (error) {
      failed(error);
      refresh();
    }
  }

  async function openCase(id) {
    try {
      show(await api('GET', `/api/v1/cases/${encodeURIComponent(id)}`));
    } catch (error) {
      failed(error);
    }
  }

  function close() {
    open?.urls.forEach((url) => URL.revokeObjectURL(url));
    open?.view.remove();
    open = null;
    home.hidden = false;
    refresh();
  }

  function show(c) {
    if (open) close();
    const s = c.summary;
    const urls = [];
    const view = h('div', { class: 'case-view', id: 'case-view', 'data-case-id': s.id, 'data-status': s.status });
    open = { view, urls };
    const patientBox = h('div', { class: 'patient-summary' });
    /** An attachment's content in an object URL, revoked when the case closes; null if it closed meanwhile. */
    const fetchAttachment = async (a) => {
      const blob = await api('GET', `/api/v1/cases/${encodeURIComponent(s.id)}/attachments/${encodeURIComponent(a.id)}`, undefined, undefined, { blob: true });
      if (open?.view !== view) return null;
      const url = URL.createObjectURL(blob);
      urls.push(url);
      return url;
    };
    const photos = (c.attachments || []).filter((a) => a.kind === 'PHOTO' && a.complete);
    const gallery = h('ul', { class: 'thumbs', id: 'case-photos-view' });
    photos.forEach(async (a, index) => {
      const item = h('li', {});
      gallery.append(item);
      try {
        const url = await fetchAttachment(a);
        if (!url) return;
        const label = t('cases.photoNumber', { n: index + 1 });
        item.append(h('button', { type: 'button', class: 'thumb', 'data-attachment-id': a.id, 'aria-label': label, onclick: () => enlarge(url, label) },
          h('img', { src: url, alt: label })));
      } catch {
        item.append(h('span', { class: 'muted', i18n: 'cases.photoUnavailable' }));
      }
    });
    const voice = (c.attachments || []).find((a) => a.kind === 'VOICE_NOTE' && a.complete);
    const voiceBox = h('div', { class: 'voice-note', id: 'case-voice-view' });
    if (voice) {
      fetchAttachment(voice).then((url) => {
        if (url) voiceBox.append(voicePlayer(url, { id: 'case-voice-player' }));
      }, () => voiceBox.append(h('span', { class: 'muted', i18n: 'cases.voiceUnavailable' })));
    }
    const mine = s.claimedBy === user.id;
    const answer = h('button', { type: 'button', class: 'primary big', id: 'answer-case', disabled: true, i18n: 'cases.sendAnswer' });
    answer.addEventListener('click', async () => {
      answer.disabled = true;
      try {
        await api('POST', `/api/v1/cases/${encodeURIComponent(s.id)}/answer`, {});
        announce('cases.answered');
        close();
      } catch (error) {
        answer.disabled = false;
        failed(error);
      }
    });
    const editor = mine && s.status !== 'ANSWERED' && c.consultationId
      ? noteEditor(async () => ({ id: c.consultationId }), { onSigned: () => { answer.disabled = false; } }) : null;
    const ask = h('textarea', { name: 'request', id: 'info-request', rows: 3, maxlength: 4000, required: true });
    const askForm = h('form', { class: 'ask-form' }, field('cases.askMore', ask),
      h('button', { type: 'submit', class: 'secondary', id: 'ask-more', i18n: 'cases.askMoreSend' }));
    askForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api('POST', `/api/v1/cases/${encodeURIComponent(s.id)}/information-requests`, { text: ask.value.trim() });
        announce('cases.asked');
        close();
      } catch (error) {
        failed(error);
      }
    });
    clear(view,
      h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', id: 'case-back', i18n: 'specialist.backHome', onclick: close })),
      h('section', { class: 'card' },
        h('h2', {}, h('span', { i18n: `specialty.${s.specialty}` }), ' · ', h('span', { class: `chip urgency-${s.urgency}`, i18n: `urgency.${s.urgency}` })),
        h('p', { class: 'muted' }, h('span', { i18n: `case.status.${s.status}` }), ' · ', h('span', { text: age(s.submittedAt || s.createdAt) })),
        patientBox,
        h('h3', { i18n: 'cases.questionHeading' }), h('p', { class: 'note-text case-question', text: c.question || '' }),
        vitalsList(c.vitals),
        photos.length ? [h('h3', { i18n: 'cases.photos' }), gallery] : null,
        voice ? [h('h3', { i18n: 'cases.voiceHeading' }), voiceBox] : null,
        (c.messages || []).length ? [h('h3', { i18n: 'cases.messages' }), h('ol', { class: 'messages' }, c.messages.map((m) => h('li', { 'data-role': m.authorRole },
          h('span', { class: 'muted' }, h('span', { i18n: `role.${m.authorRole}` }), ' · ', h('span', { 'data-datetime': m.at, text: formatInstant(m.at) })),
          messageBody(m))))] : null),
      mine && s.status === 'CLAIMED' ? h('section', { class: 'card' }, askForm) : null,
      mine && s.status === 'CLAIMED' ? followUp(s) : null,
      editor ? h('section', { class: 'card case-answer-editor' }, editor, answer) : null);
    home.hidden = true;
    root.append(view);
    renderPatientSummary(patientBox, s.patientId);
  }

  /** Turning the case into a booked consultation (one of the specialist's own free slots) or a call now. */
  function followUp(s) {
    const slotList = h('ul', { class: 'pick-list', id: 'consultation-slots', 'aria-live': 'polite' },
      h('li', { class: 'muted', i18n: 'cases.slotsLoading' }));
    const callStatus = h('p', { id: 'call-request-status', 'aria-live': 'polite' });
    const callButton = h('button', { type: 'button', class: 'secondary big', id: 'request-call', i18n: 'cases.requestCall' });
    callButton.addEventListener('click', async () => {
      callButton.disabled = true;
      try {
        await api('POST', `/api/v1/cases/${encodeURIComponent(s.id)}/call-request`, {});
        announce('cases.callRequestSent');
        clear(callStatus, h('span', { class: 'banner info', role: 'status', i18n: 'cases.callRequestSent' }));
      } catch (error) {
        callButton.disabled = false;
        failed(error);
      }
    });
    // One key per slot chosen: a retry of the same choice (a lost answer) finds the same appointment.
    const keys = new Map();
    async function book(slot, button) {
      slotList.querySelectorAll('button').forEach((b) => { b.disabled = true; });
      if (!keys.has(slot.start)) keys.set(slot.start, idempotencyKey());
      try {
        const booked = await api('POST', `/api/v1/cases/${encodeURIComponent(s.id)}/consultation`, { start: slot.start },
          { 'Idempotency-Key': keys.get(slot.start) });
        announce('cases.consultationBooked', { when: formatInstant(booked.start) });
        clear(slotList, h('li', { class: 'banner info', id: 'consultation-booked', 'data-appointment-id': booked.appointmentId,
          i18n: 'cases.consultationBooked', args: { when: formatInstant(booked.start) } }));
      } catch (error) {
        failed(error);
        if (error.code === 'SLOT_TAKEN') button.closest('li')?.remove();
        slotList.querySelectorAll('button').forEach((b) => { b.disabled = false; });
      }
    }
    const today = new Date();
    const day = (d) => d.toISOString().slice(0, 10);
    api('GET', `/api/v1/slots?specialist=${encodeURIComponent(user.id)}&from=${day(today)}`
      + `&to=${day(new Date(today.getTime() + SLOTS_AHEAD_DAYS * 86400000))}&limit=${SLOTS_SHOWN}`)
      .then((slots) => {
        const usable = (slots || []).filter((slot) => slot.specialty === s.specialty);
        clear(slotList, usable.length ? usable.map((slot) => {
          const button = h('button', { type: 'button', class: 'pick', 'data-start': slot.start, text: formatInstant(slot.start) });
          button.addEventListener('click', () => book(slot, button));
          return h('li', {}, button);
        }) : h('li', { class: 'muted', i18n: 'cases.noFreeSlots' }));
      }, () => clear(slotList, h('li', { class: 'error', i18n: 'cases.slotsFailed' })));
    return h('section', { class: 'card case-follow-up', id: 'case-follow-up' },
      h('h3', { i18n: 'cases.bookConsultation' }), h('p', { class: 'muted', i18n: 'cases.freeSlotsHint' }), slotList,
      h('h3', { i18n: 'cases.callNowHeading' }), callButton, callStatus);
  }

  function enlarge(url, label) {
    const dialog = h('dialog', { class: 'photo-full', id: 'photo-full' },
      h('img', { src: url, alt: label }),
      h('button', { type: 'button', class: 'secondary', i18n: 'cases.closePhoto', onclick: () => dialog.close() }));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }

  refresh();
  onLanguageChange(() => refresh());
  setInterval(() => { if (document.body.contains(inboxBox)) refresh(); }, REFRESH_EVERY_MS);
  return { refresh, errorText };
}

/** A written message, or what the specialist did with the case (a consultation booked, a call asked for). */
export function messageBody(m) {
  if (m.kind === 'CONSULTATION_BOOKED') {
    return h('p', { class: 'case-event', 'data-kind': m.kind, 'data-appointment-id': m.appointmentId,
      i18n: 'cases.consultationBooked', args: { when: formatInstant(m.appointmentStart) } });
  }
  if (m.kind === 'CALL_REQUESTED') return h('p', { class: 'case-event', 'data-kind': m.kind, i18n: 'cases.callRequestedEvent' });
  return h('p', { class: 'note-text', text: m.text });
}

function vitalsList(v) {
  if (!v) return null;
  const rows = [];
  if (v.systolicMmHg != null) rows.push(['vitals.bloodPressure', `${v.systolicMmHg}/${v.diastolicMmHg} ${t('unit.mmHg')}`]);
  VITALS.filter(([key]) => key !== 'systolicMmHg' && key !== 'diastolicMmHg' && v[key] != null)
    .forEach(([key]) => rows.push([`vitals.${key}`, `${new Intl.NumberFormat(locale()).format(v[key])} ${t(`unit.${UNITS[key]}`)}`]));
  if (v.glucose) rows.push(['vitals.glucose', `${new Intl.NumberFormat(locale()).format(v.glucose.value)} ${t(`unit.${v.glucose.unit}`)}`]);
  if (!rows.length) return null;
  return [h('h3', { i18n: 'cases.vitalsHeading' }), h('dl', { class: 'summary vitals-view', id: 'case-vitals-view' },
    rows.flatMap(([key, value]) => [h('dt', { i18n: key }), h('dd', { dir: 'auto', text: value })]))];
}
