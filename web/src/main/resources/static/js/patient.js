// Patient summary and consultation notes, shared by the nurse and specialist screens.
import { h, clear } from './dom.js';
import { formatInstant } from './i18n.js';
import { api } from './session.js';

export function patientLabel(p) {
  const name = p.fullName || p.id;
  const born = p.birthDate || p.birthYear;
  return born ? `${name} (${born})` : name;
}

export async function renderPatientSummary(target, patientId) {
  clear(target, h('p', { class: 'muted', i18n: 'app.loading' }));
  try {
    const p = await api('GET', `/api/v1/patients/${encodeURIComponent(patientId)}`);
    clear(target, h('dl', { class: 'summary' },
      item('patient.name', patientLabel(p)),
      item('patient.sex', p.sex ? h('span', { i18n: `sex.${p.sex}` }) : '—'),
      item('patient.nationalId', p.maskedNationalId || '—'),
      item('patient.consent', h('span', { i18n: p.consent?.teleconsultation ? 'patient.consentYes' : 'patient.consentNo' })),
      item('patient.id', p.id)));
  } catch {
    clear(target, h('p', { class: 'muted', i18n: 'patient.unavailable' }));
  }
}

function item(labelKey, value) {
  return [h('dt', { i18n: labelKey }), h('dd', {}, value)];
}

const SECTIONS = ['REASON', 'HISTORY', 'FINDINGS', 'ASSESSMENT', 'PLAN', 'PRESCRIPTION', 'FOLLOW_UP', 'FREE_TEXT'];
const SIGNED = new Set(['FINAL', 'AMENDED']);

/** Lists the patient's consultation notes, newest first. */
export async function renderNotes(target, patientId, { signedOnly = false } = {}) {
  clear(target, h('p', { class: 'muted', i18n: 'app.loading' }));
  let notes;
  try {
    notes = await api('GET', `/api/v1/patients/${encodeURIComponent(patientId)}/notes`);
  } catch {
    clear(target, h('p', { class: 'muted', i18n: 'notes.unavailable' }));
    return;
  }
  const shown = (notes || []).filter((n) => !signedOnly || SIGNED.has(n.status));
  if (!shown.length) {
    clear(target, h('p', { class: 'muted', i18n: signedOnly ? 'notes.noneSigned' : 'notes.none' }));
    return;
  }
  clear(target, shown.map((note) => h('article', { class: 'note', 'data-note-id': note.noteId, 'data-status': note.status },
    h('header', {},
      h('span', { 'data-datetime': note.signedAt || note.createdAt, text: formatInstant(note.signedAt || note.createdAt) }),
      ' · ', h('span', { text: note.signedBy || note.authorId || '' }),
      ' · ', h('span', { i18n: `notes.status.${note.status}` })),
    SECTIONS.filter((key) => note.sections?.[key]).map((key) => h('section', {},
      h('h4', { i18n: `notes.${key}` }), h('p', { class: 'note-text', text: note.sections[key] }))))));
}
