// Specialty codes come from the server (administrators can add some); names come from the message bundles.
import { api } from './session.js';

let cached = null;

export async function loadSpecialties() {
  if (!cached) {
    const codes = await api('GET', '/api/v1/specialties').catch(() => []);
    cached = [...(codes || [])].sort();
  }
  return cached;
}
