// Patient summary and consultation notes, shared by the nurse and specialist screens.
import { h, clear } from './dom.js';
import { ageText, formatInstant } from './i18n.js';
import { api } from './session.js';

export function patientLabel(p) {
  const name = p.fullName || p.id;
  const born = p.birthDate || p.birthYear;
  return born ? `${name} (${born})` : name;
}

/** Whole years since the birth date (YYYY-MM-DD) or, with only a year, since that year; null when neither is known. */
export function ageOf(p, today = new Date()) {
  if (p.birthDate) {
    const [year, month, day] = p.birthDate.split('-').map(Number);
    const hadBirthday = today.getMonth() + 1 > month || (today.getMonth() + 1 === month && today.getDate() >= day);
    return today.getFullYear() - year - (hadBirthday ? 0 : 1);
  }
  return Number.isInteger(p.birthYear) ? today.getFullYear() - p.birthYear : null;
}

/** The patient's name and age for the screen; the age follows the language and is never broken across lines. */
export function patientIdentity(p) {
  const age = ageOf(p);
  const name = p.fullName || p.id;
  if (age === null || age < 0) return [name];
  return [name, ' · ', h('span', { class: 'age', dataset: { age: String(age) }, text: ageText(age) })];
}

/** A record id shortened for the screen (pat-5469ab12…c2f1), never wrapped; the whole id in the tooltip. */
export function recordId(id) {
  const short = id && id.length > 16 ? `${id.slice(0, 12)}…${id.slice(-4)}` : id || '';
  return h('span', { class: 'record-id', dir: 'ltr', title: id || '', 'data-id': id || '', text: short });
}

export async function renderPatientSummary(target, patientId) {
  clear(target, h('p', { class: 'muted', i18n: 'app.loading' }));
  try {
    const p = await api('GET', `/api/v1/patients/${encodeURIComponent(patientId)}`);
    clear(target, h('dl', { class: 'summary' },
      item('patient.name', patientIdentity(p)),
      item('patient.sex', p.sex ? h('span', { i18n: `sex.${p.sex}` }) : '—'),
      item('patient.nationalId', p.maskedNationalId || '—'),
      item('patient.consent', h('span', { i18n: p.consent?.teleconsultation ? 'patient.consentYes' : 'patient.consentNo' })),
      item('patient.id', recordId(p.id))));
  } catch {
    clear(target, h('p', { class: 'muted', i18n: 'patient.unavailable' }));
  }
}

function item(labelKey, value) {
  return [h('dt', { i18n: labelKey }), h('dd', {}, value)];
}

const SECTIONS = ['REASON', 'HISTORY', 'FINDINGS', 'ASSESSMENT', 'PLAN', 'PRESCRIPTION', 'FOLLOW_UP', 'FREE_TEXT'];
const SIGNED = new Set(['FINAL', 'AMENDED']);

/** Lists the patient's consultation notes, newest first, with the sections the reader may see. */
export async function renderNotes(target, patientId, { signedOnly = false } = {}) {
  clear(target, h('p', { class: 'muted', i18n: 'app.loading' }));
  let views;
  try {
    const summaries = await api('GET', `/api/v1/patients/${encodeURIComponent(patientId)}/notes`);
    const sorted = [...(summaries || [])].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    views = await Promise.all(sorted.map((n) => api('GET', `/api/v1/notes/${encodeURIComponent(n.noteId)}`).catch(() => null)));
  } catch {
    clear(target, h('p', { class: 'muted', i18n: 'notes.unavailable' }));
    return;
  }
  const shown = views.filter((n) => n && (!signedOnly || SIGNED.has(n.status)));
  if (!shown.length) {
    clear(target, h('p', { class: 'muted', i18n: signedOnly ? 'notes.noneSigned' : 'notes.none' }));
    return;
  }
  clear(target, shown.map((note) => h('article', { class: 'note', 'data-note-id': note.noteId, 'data-status': note.status },
    // the note's heading, so that its sections' h4 headings sit under an h3 wherever the list is shown
    h('h3', { class: 'note-heading' },
      h('span', { 'data-datetime': note.signedAt || note.createdAt, text: formatInstant(note.signedAt || note.createdAt) }),
      ' · ', h('span', { text: note.signedBy || note.authorId || '' }),
      ' · ', h('span', { i18n: `notes.status.${note.status}` })),
    SECTIONS.filter((key) => note.sections?.[key]).map((key) => h('section', { 'data-section': key },
      h('h4', { i18n: `notes.${key}` }), h('p', { class: 'note-text', text: note.sections[key] }))))));
}

/** Opens (idempotently) the consultation record for a call, which gives the specialist access to the patient. */
export function openConsultation(patientId, { origin, originRef, specialistId, audioOnly }) {
  return api('POST', `/api/v1/patients/${encodeURIComponent(patientId)}/consultations`, {
    origin, originRef, specialistId, mode: audioOnly ? 'AUDIO' : 'VIDEO',
  });
}

/** The consultation opened for a call; the nurse's side opens it, so it may take a moment to appear. */
export async function findConsultation(patientId, originRef, attempts = 10) {
  for (let i = 0; i < attempts; i += 1) {
    const list = await api('GET', `/api/v1/patients/${encodeURIComponent(patientId)}/consultations`).catch(() => []);
    const found = (list || []).find((c) => c.originRef === originRef);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return null;
}
