// The consultation note editor, shared by the call screen and the case answer (specialist).
import { h, field, setText, announce } from './dom.js';
import { api } from './session.js';

// NoteContent field -> section name used by the message bundles.
const EDITOR_SECTIONS = { findings: 'FINDINGS', assessment: 'ASSESSMENT', plan: 'PLAN', prescription: 'PRESCRIPTION', followUp: 'FOLLOW_UP' };

/**
 * The consultation note editor (during a call, or to answer a tele-expertise case): saves drafts to the consultation
 * that consultationReady() resolves with, signs, then calls onSigned(noteId).
 */
export function noteEditor(consultationReady, { onSigned } = {}) {
  const fields = {};
  const inputs = Object.entries(EDITOR_SECTIONS).map(([key, section]) => {
    fields[key] = h('textarea', { name: key, rows: key === 'findings' ? 4 : 3 });
    return field(`notes.${section}`, fields[key]);
  });
  const state = h('p', { class: 'muted', id: 'note-state', role: 'status', i18n: 'notes.notSaved' });
  const save = h('button', { type: 'submit', class: 'secondary', id: 'save-note', i18n: 'notes.save' });
  const sign = h('button', { type: 'button', class: 'primary', id: 'sign-note', i18n: 'notes.sign' });
  const form = h('form', { class: 'note-editor', id: 'note-editor' }, h('h3', { i18n: 'notes.editor' }), inputs, state, h('div', { class: 'row' }, save, sign));
  let noteId = null;
  const content = () => ({
    ...Object.fromEntries(Object.entries(fields).map(([key, el]) => [key, el.value.trim() || null])),
    language: document.documentElement.lang,
  });
  const persist = async () => {
    const consultation = await consultationReady();
    if (!consultation) throw Object.assign(new Error('no consultation'), { code: 'CONSULTATION_NOT_OPEN' });
    const saved = await api('POST', `/api/v1/consultations/${encodeURIComponent(consultation.id)}/notes`, content());
    noteId = saved.noteId;
    setText(state, 'notes.saved');
    return saved;
  };
  const failed = (error) => announce(`error.${error.code || 'generic'}`, { message: error.message }, 'error');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    persist().catch(failed);
  });
  sign.addEventListener('click', async () => {
    try {
      await persist();
      await api('POST', `/api/v1/notes/${encodeURIComponent(noteId)}/signature`, {});
      setText(state, 'notes.signed');
      state.dataset.signed = 'true';
      Object.values(fields).forEach((el) => { el.readOnly = true; });
      save.disabled = true;
      sign.disabled = true;
      onSigned?.(noteId);
    } catch (error) {
      failed(error);
    }
  });
  return form;
}
