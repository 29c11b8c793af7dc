// The nurse's outbox: patients registered and consents recorded offline, cases, their photos and voice note, their
// sending and her replies, kept in IndexedDB (device.js) with their idempotency keys and recordings until the server
// has them. A patient registered offline has a local id until the server gives hers: what is written for her waits for
// that, and is sent with the server's id (kept with the items, so a reload in between loses nothing). Sent in order
// whenever the link is up: a case first, then each photo and the voice note in chunks (resuming where the server's
// upload stands after a cut), then its submission. A dead link or a busy server is retried with a growing delay, and
// at once when the link returns; a refusal stops that case's items with the reason and a retry button. Nothing is
// lost to a reload or a closed tab; sign-out wipes it (app.js warns).
import { api, idempotencyKey, onLogout } from './session.js';
import { isOffline, onNetworkChange, checkNow } from './network.js';
import { outboxAdd, outboxItems, outboxSave, outboxRemove } from './device.js';
import { logFailure } from './failure.js';

/** Between the server's 32 KB floor and 256 KB ceiling, small enough for a 3G link to carry in a few seconds. */
const CHUNK_BYTES = 48 * 1024;
const TIMEOUT_MS = 20000;
const BACKOFF_MS = [2000, 5000, 10000, 30000, 60000];
/** The items that upload an attachment, and the server's kind for each. */
const UPLOADS = { photo: 'PHOTO', voice: 'VOICE_NOTE' };

/** The items, oldest first: those still in the store, plus those sent since this page opened (state 'sent'). */
let items = [];
let started = false;
let running = false;
let again = false;
let timer = null;
let failures = 0;
/** Gives up the item's requests at once when the link is found dead (see startOutbox). */
let inFlight = new AbortController();
const sending = () => ({ timeoutMs: TIMEOUT_MS, signal: inFlight.signal });
const listeners = new Set();
const sentListeners = new Set();
/** Patients registered offline whose server id is now known (sent, or an existing patient used instead), by local id. */
const registered = new Map();

/** fn(items) on every change of an item's state or progress; returns the function that unsubscribes. */
export function onOutboxChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** fn(item) when an item reached the server (a submission: the case list may refresh). */
export function onItemSent(fn) {
  sentListeners.add(fn);
  return () => sentListeners.delete(fn);
}

export function outboxView() {
  return items;
}

function changed() {
  listeners.forEach((fn) => fn(items));
}

onLogout(() => {
  started = false;
  items = [];
  registered.clear();
  clearTimeout(timer);
  listeners.clear();
  sentListeners.clear();
});

/** Loads what the store holds for the signed-in nurse and starts sending. */
export async function startOutbox() {
  if (started) return;
  started = true;
  items = (await outboxItems().catch(() => [])).map((item) => (item.state === 'sending' ? { ...item, state: 'queued' } : item));
  changed();
  onNetworkChange((offline) => {
    if (offline) {
      // A request caught by the dead link would hold the outbox until its timeout, long after the link is back.
      inFlight.abort();
      return;
    }
    failures = 0;
    run();
  });
  run();
}

/** The id a patient registered offline goes by until the server's is known. */
export function isLocalPatientId(id) {
  return typeof id === 'string' && id.startsWith('local-');
}

/** The patient a registration queued on this page became (the server's, or the existing one chosen instead). */
export function registeredPatient(localId) {
  return registered.get(localId) || null;
}

/** The registrations queued on this tablet and not sent yet (their localId, body and state: the nurse's search). */
export function pendingPatients() {
  return items.filter((i) => i.kind === 'patient' && i.state !== 'sent');
}

/**
 * Queues a patient's registration (its own idempotency key: a key already tried online may be given, so that a
 * registration whose answer was lost is found again, not repeated); resolves with the item, its localId set.
 */
export async function queuePatient(body, label, key = idempotencyKey()) {
  const localId = `local-${idempotencyKey()}`;
  const [added] = await outboxAdd([{ kind: 'patient', group: localId, localId, key, body, label, state: 'queued' }]);
  items = [...items.filter((i) => i.state !== 'sent'), added];
  changed();
  run();
  return added;
}

/** Queues the patient's consent to teleconsultation (PUT: sending it twice records the same). */
export async function queueConsent(patientId, label) {
  const added = await outboxAdd([{ kind: 'consent', group: `consent-${patientId}`, patientId, teleconsultation: true, label, state: 'queued' }]);
  items = [...items.filter((i) => i.state !== 'sent'), ...added];
  changed();
  run();
}

/** The items written for a patient (her case, its photos and sending, her consent), found by her id. */
function itemsFor(patientId) {
  const groups = new Set(items.filter((i) => i.body?.patientId === patientId || i.patientId === patientId).map((i) => i.group));
  return items.filter((i) => i.kind !== 'patient' && i.state !== 'sent' && groups.has(i.group));
}

/** Points what waits for a patient to another id (the server's, or an existing patient's), kept in the store. */
async function repoint(fromId, toId) {
  for (const other of itemsFor(fromId)) {
    if (other.body?.patientId === fromId) other.body = { ...other.body, patientId: toId };
    if (other.patientId === fromId) other.patientId = toId;
    await outboxSave(other);
  }
}

/** Registration refused as a duplicate: the cases waiting for it go to the existing patient, the registration goes. */
export async function useExistingPatient(seq, existing) {
  const item = items.find((i) => i.seq === seq);
  if (!item) return;
  registered.set(item.localId, existing);
  await repoint(item.localId, existing.id);
  await outboxRemove(item.seq);
  items = items.filter((i) => i !== item);
  failures = 0;
  changed();
  run();
}

/** Registration refused as a likely duplicate, and the nurse says it is another person: sent again, confirmed. */
export function registerAnyway(seq) {
  const item = items.find((i) => i.seq === seq);
  if (!item) return;
  item.body = { ...item.body, confirmedDistinct: true };
  retry(seq);
}

/** The registration is dropped, with what was waiting for it (nothing can be sent without a patient). */
export async function discardPatient(seq) {
  const item = items.find((i) => i.seq === seq);
  if (!item) return;
  const dropped = [item, ...itemsFor(item.localId)];
  for (const other of dropped) await outboxRemove(other.seq);
  items = items.filter((i) => !dropped.includes(i));
  changed();
  run();
}

/**
 * Queues a case with its photos (JPEG blobs), its voice note (a WebM or Ogg blob, or null) and its sending; resolves
 * once it is safely in the store.
 */
export async function queueCase(body, photos, voice, label) {
  const group = idempotencyKey();
  const upload = (kind, blob, extra) => ({ kind, group, key: idempotencyKey(), blob, bytes: blob.size, received: 0, label, state: 'queued', ...extra });
  const added = await outboxAdd([
    { kind: 'case', group, key: idempotencyKey(), body, label, state: 'queued' },
    ...photos.map((blob, index) => upload('photo', blob, { number: index + 1 })),
    ...(voice ? [upload('voice', voice)] : []),
    { kind: 'submit', group, label, state: 'queued' },
  ]);
  // What was sent before has been seen as sent: the list shows the new work.
  items = [...items.filter((i) => i.state !== 'sent'), ...added];
  changed();
  run();
}

/** Queues the nurse's reply to a specialist's request for information. */
export async function queueReply(caseId, text, label) {
  const added = await outboxAdd([{ kind: 'reply', group: caseId, caseId, text, label, state: 'queued' }]);
  // What was sent before has been seen as sent: the list shows the new work.
  items = [...items.filter((i) => i.state !== 'sent'), ...added];
  changed();
  run();
}

/** A failed item (and the rest of its case) is tried again. */
export function retry(seq) {
  const item = items.find((i) => i.seq === seq);
  if (!item) return;
  item.state = 'queued';
  item.error = null;
  failures = 0;
  outboxSave(item).catch(logFailure('saving an outbox item'));
  changed();
  run();
}

async function run() {
  if (!started || isOffline()) return;
  if (running) {
    again = true;
    return;
  }
  running = true;
  clearTimeout(timer);
  try {
    do {
      again = false;
      const blocked = new Set();
      for (const item of [...items]) {
        if (!started) return;
        if (item.state === 'sent' || blocked.has(item.group)) continue;
        if (item.state === 'failed') {
          blocked.add(item.group);
          continue;
        }
        // Written for a patient whose registration has not gone through: it waits for her.
        const patientId = item.body?.patientId ?? item.patientId;
        if (item.kind !== 'patient' && isLocalPatientId(patientId)) {
          if (!registered.has(patientId)) {
            blocked.add(item.group);
            continue;
          }
          await repoint(patientId, registered.get(patientId).id);
        }
        try {
          await send(item);
        } catch (error) {
          if (error.status === 0 || error.status >= 500 || error.status === 429 || error.status === 408) {
            // The link or the server: everything waits, and tries again later (or when the link returns).
            item.state = 'queued';
            item.waiting = true;
            changed();
            checkNow();
            const delay = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
            failures += 1;
            timer = setTimeout(run, delay);
            return;
          }
          item.state = 'failed';
          item.error = { code: error.code || 'generic', message: error.message || '', details: error.details || null };
          outboxSave(item).catch(logFailure('saving an outbox item'));
          blocked.add(item.group);
          changed();
        }
      }
    } while (again);
    failures = 0;
  } finally {
    running = false;
  }
}

async function send(item) {
  inFlight = new AbortController();
  item.state = 'sending';
  item.waiting = false;
  changed();
  if (item.kind === 'patient') {
    item.patient = await api('POST', '/api/v1/patients', item.body, { 'Idempotency-Key': item.key }, sending());
    // What was written for her needs the server's id; kept with it before this item goes.
    registered.set(item.localId, item.patient);
    await repoint(item.localId, item.patient.id);
  } else if (item.kind === 'consent') {
    item.patient = await api('PUT', `/api/v1/patients/${encodeURIComponent(item.patientId)}/consent`, { teleconsultation: item.teleconsultation }, undefined, sending());
  } else if (item.kind === 'case') {
    const created = await api('POST', '/api/v1/cases', item.body, { 'Idempotency-Key': item.key }, sending());
    // Its attachments and its sending need the server's id; kept with them before this item goes.
    for (const other of items.filter((i) => i.group === item.group && i !== item)) {
      other.caseId = created.summary.id;
      if (other.state !== 'sent') await outboxSave(other);
    }
  } else if (item.kind in UPLOADS) {
    await upload(item, UPLOADS[item.kind]);
  } else if (item.kind === 'submit') {
    await unlessAlready(item, () => api('POST', `/api/v1/cases/${encodeURIComponent(item.caseId)}/submit`, {}, undefined, sending()),
      (c) => c.summary.status !== 'DRAFT');
  } else if (item.kind === 'reply') {
    await unlessAlready(item, () => api('POST', `/api/v1/cases/${encodeURIComponent(item.caseId)}/information`, { text: item.text }, undefined, sending()),
      (c) => (c.messages || []).some((m) => m.authorRole === 'NURSE' && m.text === item.text));
  }
  item.state = 'sent';
  item.blob = null;
  await outboxRemove(item.seq);
  changed();
  sentListeners.forEach((fn) => fn(item));
}

/** Requests without an idempotency key: refused after an earlier try went through (its answer lost), it is done. */
async function unlessAlready(item, attempt, alreadyDone) {
  try {
    await attempt();
  } catch (error) {
    if (error.status < 400 || error.status >= 500 || error.status === 401) throw error;
    const current = await api('GET', `/api/v1/cases/${encodeURIComponent(item.caseId)}`, undefined, undefined, sending());
    if (!alreadyDone(current)) throw error;
  }
}

/** Begins (or, with the same key, finds) the upload, then sends the chunks from where the server stands. */
async function upload(item, kind) {
  const base = `/api/v1/cases/${encodeURIComponent(item.caseId)}/attachments`;
  const begun = await api('POST', base, { kind, bytes: item.bytes }, { 'Idempotency-Key': item.key }, sending());
  if (item.attachmentId !== begun.id) {
    item.attachmentId = begun.id;
    await outboxSave(item);
  }
  const path = `${base}/${encodeURIComponent(begun.id)}`;
  let { received, complete } = begun;
  while (!complete) {
    item.received = received;
    changed();
    const chunk = item.blob.slice(received, Math.min(item.bytes, received + CHUNK_BYTES));
    try {
      ({ received, complete } = await api('PUT', `${path}?offset=${received}`, chunk, undefined, { raw: true, ...sending() }));
    } catch (error) {
      if (error.code !== 'UPLOAD_OFFSET_MISMATCH') throw error;
      ({ received, complete } = await api('GET', `${path}/progress`, undefined, undefined, sending()));
    }
  }
  item.received = item.bytes;
}
