// What this tablet keeps for offline work, and its wiping. Only the signed-in nurse's dispensary list (who the patients
// are and whether they consented: no identifier, nothing clinical), in IndexedDB, marked with its owner. It is wiped
// on sign-out (by hand, on expiry, on inactivity, when signed out elsewhere), when nobody is signed in at start, and
// when another user signs in; Cache Storage keeps the static shell only.
const DATABASE = 'tabib-device';
const PATIENTS = 'patients';
const META = 'meta';
const SHELL_CACHE_PREFIX = 'tabib-shell-';

/** The user this page keeps data for: null once signed out, so a late answer cannot write after the wipe. */
let owner = null;

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(PATIENTS, { keyPath: 'id' });
      request.result.createObjectStore(META);
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
    const tx = db.transaction([PATIENTS, META], 'readwrite');
    const meta = tx.objectStore(META);
    const previous = meta.get('owner');
    previous.onsuccess = () => {
      if (previous.result === owner) return;
      tx.objectStore(PATIENTS).clear();
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

/** Writes only while signed in, and only into a store that is still this user's (another tab may have claimed it). */
async function write(change) {
  const mine = owner;
  if (!mine) return;
  const db = await openDatabase();
  try {
    const tx = db.transaction([PATIENTS, META], 'readwrite');
    const current = tx.objectStore(META).get('owner');
    current.onsuccess = () => {
      if (current.result !== mine || owner !== mine) tx.abort();
      else change(tx.objectStore(PATIENTS));
    };
    await done(tx).catch(() => {});
  } finally {
    db.close();
  }
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

function fold(text) {
  return String(text || '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/** Forgets everything of value on the tablet: the saved list, and any cache that is not the static shell. */
export async function wipeDevice() {
  owner = null;
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
