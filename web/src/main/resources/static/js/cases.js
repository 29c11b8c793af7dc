// The nurse's tele-expertise cases (store-and-forward): writing one for the chosen patient (question, urgency, vitals,
// photos shrunk on the tablet, a voice note: voicenote.js), the outbox that sends it whenever the link allows
// (outbox.js), and her dispensary's cases with the specialists' requests for information, the consultations they
// booked, their requests for a call now (with the button that starts it) and their answers.
import { h, clear, field, setText, announce, actionButton } from './dom.js';
import { t, onLanguageChange, formatInstant } from './i18n.js';
import { api, onLogout } from './session.js';
import { isOffline, onNetworkChange } from './network.js';
import { searchSavedPatients } from './device.js';
import { patientLabel } from './patient.js';
import { startOutbox, queueCase, queueReply, retry, onOutboxChange, onItemSent, outboxView } from './outbox.js';
import { useExistingPatient, registerAnyway, discardPatient } from './outbox.js';

export const URGENCIES = ['URGENT', 'PRIORITY', 'ROUTINE'];
const MAX_PHOTOS = 6;
const PHOTO_LONG_SIDE = 1600;
const PHOTO_MAX_BYTES = 200 * 1024;
const REFRESH_EVERY_MS = 60000;
const LIST_TIMEOUT_MS = 20000;
/** Vitals: field, unit key, min, max, step (the server's ranges: what a living patient can show). */
export const VITALS = [
  ['systolicMmHg', 'mmHg', 50, 300, 1],
  ['diastolicMmHg', 'mmHg', 20, 200, 1],
  ['heartRatePerMinute', 'perMinute', 20, 300, 1],
  ['temperatureCelsius', 'celsius', 25, 45, 0.1],
  ['oxygenSaturation', 'percent', 40, 100, 1],
  ['weightKg', 'kg', 0.3, 350, 0.1],
];
export const GLUCOSE_UNITS = ['GRAMS_PER_LITRE', 'MILLIGRAMS_PER_DECILITRE', 'MILLIMOLES_PER_LITRE'];
const ANSWER_SECTIONS = ['ASSESSMENT', 'PLAN', 'PRESCRIPTION', 'FOLLOW_UP'];

/**
 * Shrinks a camera photo for a weak link: long side at most 1600 px, re-encoded as JPEG (which also leaves its EXIF,
 * location included, behind) at a lower quality, then a smaller size, until it weighs at most 200 KB.
 */
export async function shrinkPhoto(file) {
  const bitmap = await createImageBitmap(file);
  let scale = Math.min(1, PHOTO_LONG_SIDE / Math.max(bitmap.width, bitmap.height));
  let blob = null;
  for (let round = 0; round < 6; round += 1) {
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of [0.85, 0.7, 0.55, 0.4]) {
      blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
      if (blob && blob.size <= PHOTO_MAX_BYTES) break;
    }
    if (blob && blob.size <= PHOTO_MAX_BYTES) break;
    scale *= 0.7;
  }
  bitmap.close();
  if (!blob) throw new Error('photo not readable');
  return blob;
}

/** The recorder comes with the first case form: the nurse's first screen does without it. */
let voiceModule = null;
function loadVoiceRecorder() {
  voiceModule ??= import('./voicenote.js');
  return voiceModule;
}

function unitOf(key) {
  return t(`unit.${key}`);
}

export function mountCases({ writeBox, outboxBox, listBox, user, onCallNow }) {
  let patient = null;
  let specialties = [];
  let photos = []; // { blob, url }
  let voice = null;
  let renders = 0;
  let names = new Map();
  const answers = new Map();
  const requests = new Map();

  // Writing a case.
  function renderWrite() {
    photos.forEach((p) => URL.revokeObjectURL(p.url));
    photos = [];
    voice?.release();
    voice = null;
    const render = ++renders;
    if (!patient) {
      clear(writeBox, h('h2', { id: 'case-title', i18n: 'cases.write' }), h('p', { class: 'muted', i18n: 'nurse.pickPatientFirst' }));
      return;
    }
    const specialty = h('select', { name: 'specialty', id: 'case-specialty', required: true },
      specialties.map((code) => h('option', { value: code, i18n: `specialty.${code}` })));
    const urgency = h('select', { name: 'urgency', id: 'case-urgency' },
      URGENCIES.map((code) => h('option', { value: code, i18n: `urgency.${code}`, selected: code === 'ROUTINE' })));
    const question = h('textarea', { name: 'question', id: 'case-question', rows: 4, maxlength: 4000, required: true });
    const vitals = {};
    const vitalFields = VITALS.map(([key, unit, min, max, step]) => {
      vitals[key] = h('input', { type: 'number', name: key, min, max, step, inputmode: step < 1 ? 'decimal' : 'numeric', dir: 'ltr' });
      return h('div', { class: 'field vital' }, h('label', { for: `v-${key}` }, h('span', { i18n: `vitals.${key}` }), ' (', h('span', { i18n: `unit.${unit}` }), ')'),
        Object.assign(vitals[key], { id: `v-${key}` }));
    });
    const glucose = h('input', { type: 'number', name: 'glucose', id: 'v-glucose', min: 0.09, max: 1100, step: 0.01, inputmode: 'decimal', dir: 'ltr' });
    const glucoseUnit = h('select', { name: 'glucoseUnit', id: 'v-glucose-unit', i18nAttr: { 'aria-label': 'vitals.glucoseUnit' } },
      GLUCOSE_UNITS.map((code) => h('option', { value: code, i18n: `unit.${code}` })));
    const photoInput = h('input', { type: 'file', id: 'case-photos', accept: 'image/*', capture: 'environment', multiple: true });
    const thumbs = h('ul', { class: 'thumbs', id: 'case-photo-list' });
    const photoState = h('p', { class: 'muted', role: 'status', id: 'case-photo-state' });
    const send = h('button', { type: 'submit', class: 'primary big', id: 'case-send', i18n: 'cases.send' });
    // Sending waits for a recording in progress to be stopped and for photos being shrunk.
    const busy = { photos: false, voice: false };
    const setBusy = (what, value) => {
      busy[what] = value;
      send.disabled = busy.photos || busy.voice;
    };
    const voiceSlot = h('div', { class: 'voice-slot' });
    loadVoiceRecorder().then(({ voiceRecorder }) => {
      if (render !== renders) return;
      voice = voiceRecorder({ onBusy: (value) => setBusy('voice', value) });
      voiceSlot.replaceWith(voice.element);
    }, () => {}); // not loaded (an old shell, no link): the case goes without a voice note
    const showPhotos = () => {
      clear(thumbs, photos.map((p, index) => h('li', { 'data-bytes': p.blob.size },
        h('img', { src: p.url, alt: t('cases.photoNumber', { n: index + 1 }) }),
        h('button', { type: 'button', class: 'secondary', i18n: 'cases.removePhoto', onclick: () => {
          URL.revokeObjectURL(p.url);
          photos.splice(index, 1);
          showPhotos();
        } }))));
      setText(photoState, 'cases.photoCount', { count: photos.length, max: MAX_PHOTOS });
      photoInput.disabled = photos.length >= MAX_PHOTOS;
    };
    photoInput.addEventListener('change', async () => {
      const files = [...photoInput.files];
      photoInput.value = '';
      if (photos.length + files.length > MAX_PHOTOS) announce('cases.tooManyPhotos', { max: MAX_PHOTOS }, 'error');
      setBusy('photos', true);
      setText(photoState, 'cases.preparingPhotos');
      for (const file of files.slice(0, MAX_PHOTOS - photos.length)) {
        try {
          const blob = await shrinkPhoto(file);
          photos.push({ blob, url: URL.createObjectURL(blob) });
        } catch {
          announce('cases.photoUnreadable', null, 'error');
        }
      }
      setBusy('photos', false);
      showPhotos();
    });
    showPhotos();
    const form = h('form', { class: 'case-form', id: 'case-form' },
      h('div', { class: 'grid-form' }, field('cases.specialty', specialty), field('cases.urgency', urgency)),
      field('cases.question', question),
      h('details', { class: 'vitals', id: 'case-vitals' }, h('summary', { i18n: 'cases.vitals' }),
        h('div', { class: 'grid-form' }, vitalFields,
          h('div', { class: 'field vital' }, h('label', { for: 'v-glucose', i18n: 'vitals.glucose' }), h('div', { class: 'row' }, glucose, glucoseUnit)))),
      h('div', { class: 'field' }, h('label', { for: 'case-photos', i18n: 'cases.photos' }), photoInput, photoState, thumbs),
      voiceSlot,
      send);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = (el) => (el.value === '' ? null : Number(el.value));
      const v = Object.fromEntries(VITALS.map(([key]) => [key, value(vitals[key])]));
      if ((v.systolicMmHg === null) !== (v.diastolicMmHg === null) || (v.systolicMmHg !== null && v.diastolicMmHg >= v.systolicMmHg)) {
        vitals.diastolicMmHg.setCustomValidity(t('cases.pressurePair'));
        form.reportValidity();
        vitals.diastolicMmHg.setCustomValidity('');
        return;
      }
      if (value(glucose) !== null) v.glucose = { value: value(glucose), unit: glucoseUnit.value };
      const body = { patientId: patient.id, specialty: specialty.value, urgency: urgency.value, question: question.value.trim(), vitals: v };
      send.disabled = true;
      try {
        await queueCase(body, photos.map((p) => p.blob), voice?.blob() ?? null, { patient: patientLabel(patient), specialty: specialty.value });
        announce(isOffline() ? 'cases.queuedOffline' : 'cases.queued');
        renderWrite();
      } catch {
        send.disabled = false;
        announce('cases.notQueued', null, 'error');
      }
    });
    clear(writeBox, h('h2', { id: 'case-title', i18n: 'cases.write' }),
      h('p', { class: 'patient-chosen' }, h('strong', { text: patientLabel(patient) })),
      specialties.length ? form : h('p', { class: 'muted', i18n: 'cases.noSpecialties' }));
  }

  // The outbox: one line per item, with its state.
  function renderOutbox(list = outboxView()) {
    outboxBox.hidden = !list.length;
    clear(outboxBox, h('h2', { id: 'outbox-title', i18n: 'outbox.title' }),
      h('ul', { class: 'outbox-list', id: 'outbox-list' }, list.map((item) => {
        const what = item.kind === 'photo' ? t('outbox.photo', { n: item.number }) : t(`outbox.${item.kind}`);
        const percent = item.bytes ? Math.floor((100 * (item.received || 0)) / item.bytes) : null;
        let state;
        if (item.state === 'failed' && DUPLICATE_CODES.has(item.error?.code)) {
          // Stays until the nurse says which patient this is.
          state = duplicateResolution(item.error, {
            onUse: (existing) => useExistingPatient(item.seq, existing),
            onDistinct: () => registerAnyway(item.seq),
            onDiscard: () => discardPatient(item.seq),
          });
        } else if (item.state === 'failed') {
          state = h('span', { class: 'error' }, h('span', { i18n: 'outbox.failed' }), ' ',
            h('span', { class: 'reason', text: errorText(item.error) }), ' ',
            h('button', { type: 'button', class: 'secondary', 'data-action': 'retry', i18n: 'nurse.retry', onclick: () => retry(item.seq) }));
        } else if (item.state === 'sending') {
          state = h('span', { i18n: percent === null ? 'outbox.sending' : 'outbox.sendingPercent', args: { percent: percent ?? 0 } });
        } else {
          state = h('span', { i18n: item.state === 'sent' ? 'outbox.sent' : item.waiting || isOffline() ? 'outbox.waiting' : 'outbox.queued' });
        }
        return h('li', { class: 'outbox-item', 'data-kind': item.kind, 'data-state': item.state, 'data-seq': item.seq },
          h('span', { class: 'what' }, what,
            item.label?.specialty ? [' · ', h('span', { i18n: `specialty.${item.label.specialty}` })] : null,
            item.label?.patient ? ` · ${item.label.patient}` : ''),
          state);
      })));
  }

  // Her dispensary's cases.
  async function refreshList() {
    if (isOffline()) {
      if (!listBox.querySelector('#case-list')) {
        clear(listBox, h('h2', { id: 'cases-title', i18n: 'cases.mine' }), h('p', { class: 'muted', i18n: 'cases.listOffline' }));
      }
      return;
    }
    let list;
    try {
      list = await api('GET', '/api/v1/cases?limit=50', undefined, undefined, { timeoutMs: LIST_TIMEOUT_MS }) || [];
      names = new Map((await searchSavedPatients('').catch(() => [])).map((p) => [p.id, patientLabel(p)]));
    } catch {
      return; // the list shown stays; the next return of the network or the next minute tries again
    }
    const details = await Promise.all(list.map((c) => (c.status === 'INFO_REQUESTED' || c.status === 'ANSWERED' ? caseDetail(c) : null)));
    // A reply being typed is kept: the list is redrawn around it.
    const typing = listBox.querySelector('textarea:focus');
    if (typing && typing.value) return;
    clear(listBox, h('h2', { id: 'cases-title', i18n: 'cases.mine' }),
      actionButton('↻', 'nurse.refresh', { class: 'secondary', id: 'cases-refresh', onclick: refreshList }),
      list.length ? h('ul', { class: 'case-list', id: 'case-list' }, list.map((c, i) => caseItem(c, details[i])))
        : h('p', { class: 'muted', id: 'case-list', i18n: 'cases.none' }));
  }

  async function caseDetail(c) {
    try {
      if (c.status === 'ANSWERED') {
        if (!answers.has(c.answerNoteId)) answers.set(c.answerNoteId, await api('GET', `/api/v1/notes/${encodeURIComponent(c.answerNoteId)}`));
        return { note: answers.get(c.answerNoteId) };
      }
      // Reading a case is audited: read again only when it moved (a new request changes its status or due time).
      const version = `${c.id}|${c.status}|${c.dueAt}`;
      if (!requests.has(version)) requests.set(version, await api('GET', `/api/v1/cases/${encodeURIComponent(c.id)}`));
      return { full: requests.get(version) };
    } catch {
      return null;
    }
  }

  function caseItem(c, detail) {
    const replyPending = outboxView().some((i) => i.kind === 'reply' && i.caseId === c.id && i.state !== 'sent');
    return h('li', { class: 'case', 'data-case-id': c.id, 'data-status': c.status, 'data-urgency': c.urgency },
      h('div', { class: 'case-head' },
        h('span', { class: `chip urgency-${c.urgency}`, i18n: `urgency.${c.urgency}` }),
        h('strong', { i18n: `specialty.${c.specialty}` }),
        h('span', { text: names.get(c.patientId) || c.patientId }),
        h('span', { class: 'muted', 'data-datetime': c.createdAt, text: formatInstant(c.createdAt) })),
      h('p', { class: 'case-status', i18n: `case.status.${c.status}` }),
      c.callRequestedAt && c.status === 'CLAIMED' ? callRequest(c) : null,
      c.consultationStart && c.status !== 'ANSWERED' ? h('p', { class: 'consultation-booked', 'data-appointment-id': c.consultationAppointmentId,
        i18n: 'cases.consultationBooked', args: { when: formatInstant(c.consultationStart) } }) : null,
      c.status === 'INFO_REQUESTED' && detail?.full ? infoRequest(detail.full, replyPending) : null,
      c.status === 'ANSWERED' && detail?.note ? answerView(detail.note) : null);
  }

  /** The specialist asks for a live call now: shown first and loud, with the button that starts it. */
  function callRequest(c) {
    return h('div', { class: 'banner alert call-request', role: 'alert' },
      h('p', { i18n: 'cases.callRequestedNurse', args: { when: formatInstant(c.callRequestedAt, 'time') } }),
      h('button', { type: 'button', class: 'primary big', 'data-action': 'call-now', i18n: 'cases.callNow', onclick: () => onCallNow?.(c) }));
  }

  function infoRequest(full, replyPending) {
    const asked = [...(full.messages || [])].reverse().find((m) => m.authorRole === 'SPECIALIST');
    const text = h('textarea', { name: 'reply', rows: 3, maxlength: 4000, required: true, class: 'reply-text' });
    const form = h('form', { class: 'reply-form' }, field('cases.reply', text),
      h('button', { type: 'submit', class: 'primary big', 'data-action': 'reply', i18n: 'cases.sendReply' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      await queueReply(full.summary.id, text.value.trim(), { specialty: full.summary.specialty });
      announce('cases.replyQueued');
      clear(form, h('p', { class: 'muted', i18n: 'cases.replyQueued' }));
    });
    return h('div', { class: 'info-request' },
      asked ? h('blockquote', { class: 'asked', text: asked.text }) : null,
      replyPending ? h('p', { class: 'muted', i18n: 'cases.replyQueued' }) : form);
  }

  function answerView(note) {
    return h('article', { class: 'case-answer note', 'data-note-id': note.noteId },
      h('h3', { class: 'note-heading' }, h('span', { i18n: 'cases.answer' }), ' · ', h('span', { text: note.signedBy || '' }), ' · ',
        h('span', { 'data-datetime': note.signedAt, text: formatInstant(note.signedAt) })),
      ANSWER_SECTIONS.filter((key) => note.sections?.[key]).map((key) => h('section', { 'data-section': key },
        h('h4', { i18n: `notes.${key}` }), h('p', { class: 'note-text', text: note.sections[key] }))));
  }

  onLogout(() => voice?.release());
  onOutboxChange(renderOutbox);
  onItemSent((item) => { if (item.kind === 'submit' || item.kind === 'reply') refreshList(); });
  onLanguageChange(() => renderOutbox());
  onNetworkChange((offline) => { if (!offline) refreshList(); });
  setInterval(() => { if (!isOffline() && document.body.contains(listBox)) refreshList(); }, REFRESH_EVERY_MS);
  renderWrite();
  renderOutbox();
  refreshList();
  startOutbox();

  return {
    /** A case of hers changed on the server (the specialist asked or answered): fetch the list now. */
    refresh() {
      if (!isOffline()) refreshList();
    },
    setPatient(p) {
      patient = p;
      renderWrite();
    },
    /** The chosen patient, registered offline, now has the server's id: the case being written is kept. */
    renamePatient(p) {
      patient = p;
    },
    /**
     * A call that could not be made becomes a case: the form for the chosen patient, with this specialty, marked
     * urgent, the call's reason as the start of the question, scrolled to and focused.
     */
    startFor(specialty, reason) {
      const form = writeBox.querySelector('#case-form');
      writeBox.scrollIntoView({ block: 'start' });
      if (!form) return;
      if (specialties.includes(specialty)) form.querySelector('#case-specialty').value = specialty;
      form.querySelector('#case-urgency').value = 'URGENT';
      const question = form.querySelector('#case-question');
      if (reason && !question.value) question.value = reason;
      question.focus({ preventScroll: true });
    },
    setSpecialties(codes) {
      if (codes.join() === specialties.join()) return;
      specialties = codes;
      renderWrite();
    },
  };
}

const DUPLICATE_CODES = new Set(['PATIENT_DUPLICATE', 'PATIENT_POSSIBLE_DUPLICATE']);

/** A registration the server refused as a duplicate (error.code in PATIENT_DUPLICATE, PATIENT_POSSIBLE_DUPLICATE). */
export function isDuplicate(error) {
  return DUPLICATE_CODES.has(error?.code);
}

/**
 * What the nurse does about a registration refused as a duplicate: use the existing patient (each one the server
 * showed), register anyway (a likely duplicate by name only: a different person with the same name), or discard.
 */
export function duplicateResolution(error, { onUse, onDistinct, onDiscard }) {
  const byName = error.code === 'PATIENT_POSSIBLE_DUPLICATE';
  const existing = byName ? (error.details?.candidates || []) : [error.details?.existing].filter(Boolean);
  return h('div', { class: 'banner warn duplicate-resolution', role: 'alert', 'data-code': error.code },
    existing.length ? existing.map((p) => h('p', { class: 'duplicate-of', 'data-patient-id': p.id },
      h('span', { i18n: 'patient.alreadyRegistered', args: { name: p.fullName, year: String(p.birthYear ?? '') } }), ' ',
      h('button', { type: 'button', class: 'primary', 'data-action': 'use-existing', i18n: 'patient.useThis', onclick: () => onUse(p) })))
      : h('p', { text: errorText(error) }),
    h('div', { class: 'row' },
      byName ? h('button', { type: 'button', class: 'secondary', 'data-action': 'register-anyway', i18n: 'patient.registerAnyway', onclick: onDistinct }) : null,
      h('button', { type: 'button', class: 'danger', 'data-action': 'discard', i18n: 'patient.discard', onclick: onDiscard })));
}

export function errorText(error) {
  if (!error) return '';
  const key = `error.${error.code}`;
  const text = t(key, { message: error.message });
  return text === error.code ? error.message || t('error.generic') : text;
}
