// Specialty codes come from the server (administrators can add some); names come from the message bundles.
import { api } from './session.js';

const TIMEOUT_MS = 10000;
/** The last codes learnt, for a page reloaded while the link is down (codes only: nothing about anyone). */
const KEPT = 'tabib.specialties';
let cached = null;

/** The codes, sorted; those last learnt (or []) while the server cannot be reached (asked again next time). */
export async function loadSpecialties() {
  if (!cached) {
    try {
      const codes = await api('GET', '/api/v1/specialties', undefined, undefined, { timeoutMs: TIMEOUT_MS });
      cached = [...(codes || [])].sort();
      sessionStorage.setItem(KEPT, JSON.stringify(cached));
    } catch {
      return JSON.parse(sessionStorage.getItem(KEPT) || '[]');
    }
  }
  return cached;
}
