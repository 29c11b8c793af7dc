// What this tablet keeps for offline work, and its wiping, in IndexedDB, marked with its owner: the signed-in nurse's
// dispensary list (who the patients are and whether they consented: no identifier, nothing clinical), and her outbox
// (cases, photos and replies written while the link was down, not yet sent: see outbox.js). Everything is wiped when
// the user signs out by hand and when another user signs in. When the session ends by itself (expiry, inactivity,
// signed out elsewhere) or nobody is signed in at start (the tab was closed), the list is wiped and an outbox still
// holding unsent work is kept for its owner's next sign-in; Cache Storage keeps the static shell only.
const DATABASE = 'tabib-device';
const PATIENTS = 'patients';
const OUTBOX = 'outbox';
const META = 'meta';
const SHELL_CACHE_PREFIX = 'tabib-shell-';

/** The user this page keeps data for: null once signed out, so a late answer cannot write after the wipe. */
let owner = null;

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 2);
    request.onupgradeneeded = (event) => {
      const db = request.result;
      if (event.oldVersion < 1) {
        db.createObjectStore(PATIENTS, { keyPath: 'id' });
        db.createObjectStore(META);
      }
      if (event.oldVersion < 2) db.createObjectStore(OUTBOX, { keyPath: 'seq', autoIncrement: true });
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab wiping the device: let it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('device store blocked'));
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error || new Error('aborted'));
    tx.onerror = () => reject(tx.error);
  });
}

function ownerKey(user) {
  return `${user.id}@${user.dispensaryId || ''}`;
}

/** Signed in: what another user left on the tablet is wiped, the same user's list is kept. */
export async function claimDevice(user) {
  owner = ownerKey(user);
  const db = await openDatabase();
  try {
    const tx = db.transaction([PATIENTS, OUTBOX, META], 'readwrite');
    const meta = tx.objectStore(META);
    const previous = meta.get('owner');
    previous.onsuccess = () => {
      if (previous.result === owner) return;
      tx.objectStore(PATIENTS).clear();
      tx.objectStore(OUTBOX).clear();
      meta.put(owner, 'owner');
    };
    await done(tx);
  } finally {
    db.close();
  }
}

/** Replaces the saved list with the dispensary's current one (only the fields offline work needs). */
export async function keepPatients(patients) {
  await write((store) => {
    store.clear();
    patients.forEach((p) => store.put(offlineCopy(p)));
  });
}

/** Adds or updates one patient (just registered, consent just recorded). */
export async function keepPatient(patient) {
  await write((store) => store.put(offlineCopy(patient)));
}

function offlineCopy(p) {
  return {
    id: p.id,
    fullName: p.fullName,
    birthDate: p.birthDate ?? null,
    birthYear: p.birthYear ?? null,
    sex: p.sex ?? null,
    consent: p.consent ? { teleconsultation: Boolean(p.consent.teleconsultation) } : null,
  };
}

/**
 * Writes only while signed in, and only into a store that is still this user's (another tab may have claimed it).
 * Resolves with what change returned (once committed), or rejects when the write did not happen.
 */
async function write(change, storeName = PATIENTS, { quiet = true } = {}) {
  const mine = owner;
  if (!mine) {
    if (quiet) return undefined;
    throw new Error('signed out');
  }
  const db = await openDatabase();
  try {
    const tx = db.transaction([storeName, META], 'readwrite');
    const current = tx.objectStore(META).get('owner');
    let result;
    current.onsuccess = () => {
      if (current.result !== mine || owner !== mine) tx.abort();
      else result = change(tx.objectStore(storeName));
    };
    const committed = done(tx);
    if (quiet) await committed.catch(() => {});
    else await committed;
    return result;
  } finally {
    db.close();
  }
}

/** Reads one store if it is this user's ([] otherwise). */
async function readAll(storeName) {
  const mine = owner;
  if (!mine) return [];
  const db = await openDatabase();
  try {
    const tx = db.transaction([storeName, META], 'readonly');
    const current = tx.objectStore(META).get('owner');
    const all = tx.objectStore(storeName).getAll();
    await done(tx);
    return current.result === mine ? all.result : [];
  } finally {
    db.close();
  }
}

/** Adds outbox items in one transaction (all or none), in their order; resolves with them, their seq set. */
export async function outboxAdd(items) {
  const requests = await write((store) => items.map((item) => store.add(item)), OUTBOX, { quiet: false });
  return items.map((item, i) => ({ ...item, seq: requests[i].result }));
}

/** The outbox, oldest first. */
export async function outboxItems() {
  return (await readAll(OUTBOX)).sort((a, b) => a.seq - b.seq);
}

export async function outboxSave(item) {
  await write((store) => { store.put(item); }, OUTBOX, { quiet: false });
}

export async function outboxRemove(seq) {
  await write((store) => { store.delete(seq); }, OUTBOX, { quiet: false });
}

/** The saved patients whose name contains text (accents and case ignored), sorted by name; [] if none is this user's. */
export async function searchSavedPatients(text) {
  const mine = owner;
  if (!mine) return [];
  const db = await openDatabase();
  try {
    const tx = db.transaction([PATIENTS, META], 'readonly');
    const current = tx.objectStore(META).get('owner');
    const all = tx.objectStore(PATIENTS).getAll();
    await done(tx);
    if (current.result !== mine) return [];
    const needle = fold(text);
    return all.result.filter((p) => fold(p.fullName).includes(needle))
      .sort((a, b) => fold(a.fullName).localeCompare(fold(b.fullName)));
  } finally {
    db.close();
  }
}

/** Clears the list and keeps the outbox when it holds something; false (nothing done) when there is nothing to keep. */
async function keepOnlyUnsent() {
  if (!(await indexedDB.databases()).some((d) => d.name === DATABASE)) return false;
  const db = await openDatabase();
  try {
    const tx = db.transaction([PATIENTS, OUTBOX], 'readwrite');
    const count = tx.objectStore(OUTBOX).count();
    count.onsuccess = () => {
      if (count.result) tx.objectStore(PATIENTS).clear();
      else tx.abort();
    };
    await done(tx);
    return true;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

function fold(text) {
  return String(text || '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/**
 * Forgets everything of value on the tablet: the saved list, the outbox, and any cache that is not the static shell.
 * keepUnsent (nobody signed in at start: the tab was closed): an outbox still holding items stays for its owner, the
 * list goes; with an empty outbox the database is deleted all the same.
 */
export async function wipeDevice({ keepUnsent = false } = {}) {
  owner = null;
  if (keepUnsent && await keepOnlyUnsent().catch(() => false)) return;
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(DATABASE);
    request.onsuccess = resolve;
    request.onerror = resolve;
    // Another tab still holds it open: it closes on versionchange, then the deletion completes.
    request.onblocked = resolve;
  });
  if (!('caches' in window)) return;
  const names = await caches.keys();
  await Promise.all(names.filter((name) => !name.startsWith(SHELL_CACHE_PREFIX)).map((name) => caches.delete(name)));
}
