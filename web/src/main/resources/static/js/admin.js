// Administrator screen: the live board with the alerts of emergency accesses, their review, users, dispensaries
// (with province), specialties, encryption key status.
import { h, clear, field, announce } from './dom.js';
import { formatInstant } from './i18n.js';
import { api } from './session.js';
import { liveBoard } from './board.js';

const ROLES = ['NURSE', 'SPECIALIST', 'COORDINATOR', 'ADMIN'];

export function mount(root) {
  const users = h('section', { class: 'card', id: 'admin-users' });
  const dispensaries = h('section', { class: 'card', id: 'admin-dispensaries' });
  const specialties = h('section', { class: 'card', id: 'admin-specialties' });
  const keys = h('section', { class: 'card', id: 'admin-keys' });
  const board = h('div', { id: 'admin-board' });
  const emergencies = h('section', { class: 'card', id: 'admin-break-glass' });
  clear(root, h('div', { class: 'admin' }, board, emergencies, users, dispensaries, specialties, keys));
  // A new alert on the board brings the review table up to date.
  let openAlerts = null;
  liveBoard(board, {
    onSnapshot: (snapshot) => {
      const open = snapshot.alerts?.breakGlassOpen;
      if (open === undefined) return;
      if (openAlerts !== null && open !== openAlerts) renderEmergencies(emergencies);
      openAlerts = open;
    },
  });
  renderEmergencies(emergencies);
  renderUsers(users);
  renderDispensaries(dispensaries);
  renderSpecialties(specialties);
  renderKeys(keys);
}

function table(headKeys, rows) {
  return h('table', {}, h('thead', {}, h('tr', {}, headKeys.map((key) => h('th', { scope: 'col', i18n: key })))),
    h('tbody', {}, rows));
}

async function submitting(form, send, reload) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await send();
      form.reset();
      announce('admin.saved');
      reload();
    } catch (error) {
      announce(`error.${error.code}`, { message: error.message }, 'error');
    }
  });
}

/** Emergency (break-glass) accesses, newest first: each one is reviewed, with a note, to close its alert. */
async function renderEmergencies(target) {
  let list;
  try {
    list = await api('GET', '/api/v1/admin/break-glass?limit=100');
  } catch {
    clear(target, h('h2', { i18n: 'admin.breakGlass' }), h('p', { class: 'muted', i18n: 'admin.breakGlassUnavailable' }));
    return;
  }
  clear(target, h('h2', { i18n: 'admin.breakGlass' }), h('p', { class: 'muted', i18n: 'admin.breakGlassIntro' }),
    (list || []).length
      ? table(['admin.breakGlassWhen', 'admin.breakGlassWho', 'admin.breakGlassFrom', 'admin.breakGlassPatient',
        'admin.breakGlassNote', 'admin.breakGlassReason', 'admin.breakGlassReview'],
      list.map((a) => h('tr', { 'data-access-id': a.id, 'data-reviewed': String(Boolean(a.reviewedAt)) },
        h('td', { 'data-datetime': a.at, text: formatInstant(a.at) }),
        h('td', {}, h('span', { dir: 'ltr', text: a.actorId }), ' (', h('span', { i18n: `role.${a.role}` }), ')'),
        h('td', { dir: 'ltr', text: a.from }),
        h('td', { dir: 'ltr', text: a.patientId }),
        h('td', { dir: 'ltr', text: `${a.noteId} v${a.version}` }),
        h('td', { text: a.reason }),
        h('td', {}, a.reviewedAt ? reviewed(a) : reviewForm(a, () => renderEmergencies(target))))))
      : h('p', { class: 'muted', i18n: 'admin.breakGlassNone' }));
}

function reviewed(a) {
  return h('span', { class: 'reviewed' },
    h('span', { i18n: 'admin.breakGlassReviewedBy', args: { name: a.reviewedBy } }), ' ',
    h('span', { 'data-datetime': a.reviewedAt, text: formatInstant(a.reviewedAt) }), ': ', h('q', { text: a.reviewNote }));
}

function reviewForm(a, reload) {
  const note = h('input', { name: 'note', required: true, maxlength: 500, autocomplete: 'off',
    i18nAttr: { placeholder: 'admin.breakGlassReviewHint', 'aria-label': 'admin.breakGlassReviewHint' } });
  const form = h('form', { class: 'row review' }, note,
    h('button', { type: 'submit', class: 'primary', i18n: 'admin.breakGlassMarkReviewed' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', `/api/v1/admin/break-glass/${encodeURIComponent(a.id)}/review`, { note: note.value.trim() });
      announce('admin.breakGlassReviewed');
      reload();
    } catch (error) {
      announce(`error.${error.code}`, { message: error.message }, 'error');
    }
  });
  return form;
}

async function renderUsers(target) {
  const list = await api('GET', '/api/v1/staff').catch(() => []);
  const username = h('input', { name: 'username', required: true, autocomplete: 'off', dir: 'ltr', pattern: '[a-z0-9._-]{3,32}' });
  const displayName = h('input', { name: 'displayName', required: true, autocomplete: 'off' });
  const password = h('input', { name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' });
  const role = h('select', { name: 'role' }, ROLES.map((r) => h('option', { value: r, i18n: `role.${r}` })));
  const dispensaries = await api('GET', '/api/v1/dispensaries').catch(() => []);
  const dispensary = h('select', { name: 'dispensaryId' }, h('option', { value: '', text: '—' }),
    (dispensaries || []).map((d) => h('option', { value: d.id, text: `${d.name} (${d.province})` })));
  const known = await api('GET', '/api/v1/specialties').catch(() => []);
  const specialties = h('select', { name: 'specialties', multiple: true, size: 4 },
    [...(known || [])].sort().map((code) => h('option', { value: code, i18n: `specialty.${code}` })));
  const form = h('form', { class: 'grid-form', id: 'user-form' },
    field('admin.username', username), field('admin.displayName', displayName), field('login.password', password),
    field('admin.role', role), field('admin.dispensary', dispensary), field('admin.specialties', specialties),
    h('button', { type: 'submit', class: 'primary', i18n: 'admin.addUser' }));
  submitting(form, () => api('POST', '/api/v1/admin/users', {
    id: username.value.trim(), displayName: displayName.value.trim(), password: password.value, role: role.value,
    dispensaryId: dispensary.value || null,
    specialties: [...specialties.selectedOptions].map((o) => o.value),
  }), () => renderUsers(target));
  clear(target, h('h2', { i18n: 'admin.users' }),
    table(['admin.username', 'admin.displayName', 'admin.role', 'admin.dispensary', 'admin.specialties', 'admin.enabled'],
      (list || []).map((u) => h('tr', { 'data-user': u.id },
        h('td', { dir: 'ltr', text: u.id }), h('td', { text: u.displayName }), h('td', { i18n: `role.${u.role}` }),
        h('td', { text: u.dispensaryId || '' }),
        h('td', {}, (u.specialties || []).map((s) => h('span', { class: 'chip', i18n: `specialty.${s}` }))),
        h('td', {}, h('button', {
          type: 'button', class: 'secondary', 'aria-pressed': String(u.enabled), i18n: u.enabled ? 'admin.disable' : 'admin.enable',
          onclick: () => api('PUT', `/api/v1/admin/users/${encodeURIComponent(u.id)}/enabled`, { enabled: !u.enabled })
            .then(() => renderUsers(target))
            .catch((error) => announce(`error.${error.code}`, { message: error.message }, 'error')),
        }))))),
    h('details', {}, h('summary', { i18n: 'admin.addUser' }), form));
}

async function renderDispensaries(target) {
  const list = await api('GET', '/api/v1/dispensaries').catch(() => []);
  const id = h('input', { name: 'id', required: true, autocomplete: 'off', dir: 'ltr', pattern: '[a-z0-9-]{3,40}' });
  const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const province = h('input', { name: 'province', required: true, autocomplete: 'off' });
  const form = h('form', { class: 'grid-form', id: 'dispensary-form' },
    field('admin.dispensaryId', id), field('admin.name', name), field('admin.province', province),
    h('button', { type: 'submit', class: 'primary', i18n: 'admin.addDispensary' }));
  submitting(form, () => api('POST', '/api/v1/admin/dispensaries', { id: id.value.trim(), name: name.value.trim(), province: province.value.trim() }),
    () => renderDispensaries(target));
  clear(target, h('h2', { i18n: 'admin.dispensaries' }),
    table(['admin.dispensaryId', 'admin.name', 'admin.province'],
      (list || []).map((d) => h('tr', {}, h('td', { text: d.id }), h('td', { text: d.name }), h('td', { text: d.province })))),
    h('details', {}, h('summary', { i18n: 'admin.addDispensary' }), form));
}

async function renderSpecialties(target) {
  const list = await api('GET', '/api/v1/specialties').catch(() => []);
  const code = h('input', { name: 'code', required: true, autocomplete: 'off', dir: 'ltr', pattern: '[a-z0-9._-]{2,64}' });
  const form = h('form', { class: 'row', id: 'specialty-form' }, field('admin.code', code),
    h('button', { type: 'submit', class: 'primary', i18n: 'admin.addSpecialty' }));
  submitting(form, () => api('POST', '/api/v1/admin/specialties', { code: code.value.trim() }), () => renderSpecialties(target));
  clear(target, h('h2', { i18n: 'admin.specialties' }),
    table(['admin.code', 'admin.name'], [...(list || [])].sort().map((c) => h('tr', {}, h('td', { dir: 'ltr', text: c }), h('td', { i18n: `specialty.${c}` })))),
    form);
}

/** Expects GET /api/v1/admin/keys → [{keyId, currentVersion, versions: [1, 2, …], rotatedAt}]. */
async function renderKeys(target) {
  clear(target, h('h2', { i18n: 'admin.keys' }), h('p', { class: 'muted', i18n: 'app.loading' }));
  try {
    const keys = await api('GET', '/api/v1/admin/keys');
    clear(target, h('h2', { i18n: 'admin.keys' }),
      table(['admin.keyName', 'admin.keyVersion', 'admin.keyVersions', 'admin.lastRotation'],
        (keys || []).map((k) => h('tr', { 'data-key': k.keyId },
          h('td', { dir: 'ltr', text: k.keyId }), h('td', { text: String(k.currentVersion) }),
          h('td', { dir: 'ltr', text: (k.versions || []).join(', ') }),
          h('td', { 'data-datetime': k.rotatedAt, text: formatInstant(k.rotatedAt) })))));
  } catch {
    clear(target, h('h2', { i18n: 'admin.keys' }), h('p', { class: 'muted', i18n: 'admin.keysUnavailable' }));
  }
}
