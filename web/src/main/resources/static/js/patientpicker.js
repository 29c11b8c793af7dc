// The nurse's patient picker: the search (the server's, or offline the list kept on the tablet), the registrations
// still waiting in the outbox, and the form registering a new patient.
import { h, clear, field, announce } from './dom.js';
import { api, idempotencyKey } from './session.js';
import { patientIdentity, patientLabel } from './patient.js';
import { isOffline, checkNow } from './network.js';
import { searchSavedPatients } from './device.js';
import { isDuplicate, duplicateResolution } from './cases.js';
import { queuePatient, pendingPatients } from './outbox.js';

const NATIONAL_ID = /^[A-Za-z]{1,2}\d{4,8}$/;
const SEARCH_TIMEOUT_MS = 6000;
const LIST_TIMEOUT_MS = 20000;

/** A patient registered on this tablet, not yet on the server: chosen by her local id until it is known. */
function placeholder(item) {
  const b = item.body;
  return { id: item.localId, fullName: b.fullName, birthDate: b.birthDate || null, birthYear: b.birthYear ?? null, sex: b.sex,
    consent: { teleconsultation: Boolean(b.teleconsultationConsent) }, pending: true };
}

/** The registrations waiting to be sent that match a search (by name, or exactly by national ID). */
function pendingMatching(text) {
  const fold = (v) => String(v || '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
  const byNationalId = NATIONAL_ID.test(text);
  return pendingPatients().filter((item) => (byNationalId
    ? (item.body.nationalId || '').toUpperCase() === text.toUpperCase()
    : fold(item.body.fullName).includes(fold(text)))).map(placeholder);
}

/**
 * The search form, its results and the registration form, for the patient card. choose(p) takes the patient picked
 * or registered; remember(p) keeps one on the tablet. search() runs the search again (the network or the outbox
 * changed).
 */
export function patientPicker({ user, choose, remember }) {
  let searchAttempt = 0;
  const query = h('input', { type: 'search', id: 'patient-search', name: 'q', autocomplete: 'off', i18nAttr: { placeholder: 'nurse.searchHint' } });
  const results = h('ul', { class: 'pick-list', id: 'patient-results', 'aria-live': 'polite' });
  const pick = (p) => h('li', {},
    h('button', { type: 'button', class: 'pick big', 'data-patient-id': p.id, 'data-pending': p.pending ? 'true' : null, onclick: () => choose(p) },
      patientIdentity(p), p.pending ? h('span', { class: 'chip pending', i18n: 'nurse.pendingTag' }) : null));
  const showFound = (list) => {
    const all = [...pendingMatching(query.value.trim()), ...list];
    clear(results, all.map(pick));
    if (!all.length) results.append(h('li', { class: 'muted', i18n: 'nurse.noPatient' }));
  };
  // Offline: the list kept on the tablet, and saying so (an empty answer must not read as "no such patient").
  const showSaved = async (text, attempt) => {
    const byNationalId = NATIONAL_ID.test(text);
    const saved = [...pendingMatching(text), ...(byNationalId ? [] : await searchSavedPatients(text).catch(() => []))];
    if (attempt !== searchAttempt) return;
    clear(results, h('li', { class: 'banner warn', id: 'offline-search', i18n: 'nurse.offlineSearch' }), saved.map(pick));
    if (!saved.length) results.append(h('li', { class: 'muted', i18n: byNationalId ? 'nurse.offlineByName' : 'nurse.noSavedPatient' }));
  };
  const search = async () => {
    const attempt = ++searchAttempt;
    const text = query.value.trim();
    if (isOffline()) {
      await showSaved(text, attempt);
      return;
    }
    // A national ID card number (CNIE: one or two letters then digits) is looked up exactly; anything else by name.
    const param = NATIONAL_ID.test(text) ? `nationalId=${encodeURIComponent(text.toUpperCase())}` : `q=${encodeURIComponent(text)}&limit=20`;
    try {
      const list = await api('GET', `/api/v1/patients?${param}`, undefined, undefined, { timeoutMs: SEARCH_TIMEOUT_MS });
      if (attempt === searchAttempt) showFound(list || []);
    } catch (error) {
      if (error.status >= 400 && error.status < 500) {
        // The server answered: nobody it would show this nurse (unknown ID, another dispensary's patient).
        if (attempt === searchAttempt) showFound([]);
      } else if (error.status === 0 && await checkNow()) {
        await showSaved(text, attempt);
      } else if (attempt === searchAttempt) {
        clear(results, h('li', { class: 'error', id: 'search-failed', role: 'alert' },
          h('span', { i18n: 'nurse.searchFailed' }), ' ',
          h('button', { type: 'button', class: 'secondary', id: 'search-retry', i18n: 'nurse.retry', onclick: search })));
      }
    }
  };
  const form = h('form', { class: 'row', role: 'search' }, field('nurse.searchPatient', query),
    h('button', { type: 'submit', class: 'primary', i18n: 'nurse.search' }));
  form.addEventListener('submit', (event) => { event.preventDefault(); search(); });

  function registerForm() {
    const name = h('input', { name: 'fullName', required: true, autocomplete: 'off', maxlength: 120 });
    const birth = h('input', { name: 'birthDate', type: 'date', required: true });
    const sex = h('select', { name: 'sex' },
      h('option', { value: 'FEMALE', i18n: 'sex.FEMALE' }), h('option', { value: 'MALE', i18n: 'sex.MALE' }));
    const nationalId = h('input', { name: 'nationalId', autocomplete: 'off', dir: 'ltr', maxlength: 20 });
    const consent = h('input', { name: 'consent', type: 'checkbox', required: true });
    const form = h('form', { class: 'grid-form', id: 'register-patient' },
      field('patient.fullName', name), field('patient.birthDate', birth), field('patient.sex', sex),
      field('patient.nationalId', nationalId),
      h('label', { class: 'check-line' }, consent, ' ', h('span', { i18n: 'patient.consentAsk' })),
      h('button', { type: 'submit', class: 'primary big', i18n: 'nurse.register' }));
    const resolution = h('div', { id: 'register-resolution' });
    // One key per patient entered: a retry, online or from the outbox, finds the registration a lost answer made.
    let key = idempotencyKey();
    const reset = () => {
      form.reset();
      clear(resolution);
      key = idempotencyKey();
    };
    const register = async (confirmedDistinct) => {
      clear(resolution);
      const body = {
        fullName: name.value.trim(), birthDate: birth.value, sex: sex.value,
        nationalId: nationalId.value.trim() || null, dispensaryId: user.dispensaryId,
        teleconsultationConsent: consent.checked, confirmedDistinct,
      };
      const queueIt = async () => {
        const item = await queuePatient(body, { patient: patientLabel(body) }, key);
        reset();
        announce('nurse.patientQueued');
        choose(placeholder(item));
      };
      try {
        if (isOffline()) {
          await queueIt();
          return;
        }
        const created = await api('POST', '/api/v1/patients', body, { 'Idempotency-Key': key }, { timeoutMs: LIST_TIMEOUT_MS });
        reset();
        remember(created);
        choose(created);
      } catch (error) {
        if (isDuplicate(error)) {
          clear(resolution, duplicateResolution(error, {
            onUse: async (existing) => {
              const full = await api('GET', `/api/v1/patients/${encodeURIComponent(existing.id)}`).catch(() => existing);
              reset();
              remember(full);
              choose(full);
            },
            onDistinct: () => register(true),
            onDiscard: reset,
          }));
          resolution.querySelector('button')?.focus();
        } else if (error.status === 0 || error.status >= 500) {
          await queueIt().catch(() => announce('cases.notQueued', null, 'error'));
        } else {
          announce(`error.${error.code || 'generic'}`, { message: error.message }, 'error');
        }
      }
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      register(false);
    });
    return h('div', {}, form, resolution);
  }

  const registration = h('details', { class: 'register' }, h('summary', { i18n: 'nurse.registerPatient' }), registerForm());
  return { elements: [form, results, registration], search };
}
