// Specialty codes come from the server (administrators can add some); names come from the message bundles.
import { api } from './session.js';

const TIMEOUT_MS = 10000;
let cached = null;

/** The codes, sorted; [] while the server cannot be reached (asked again next time). */
export async function loadSpecialties() {
  if (!cached) {
    try {
      const codes = await api('GET', '/api/v1/specialties', undefined, undefined, { timeoutMs: TIMEOUT_MS });
      cached = [...(codes || [])].sort();
    } catch {
      return [];
    }
  }
  return cached;
}
