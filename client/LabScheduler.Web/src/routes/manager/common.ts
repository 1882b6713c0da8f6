// Shared by the lab managers' screens: the instruments of the labs the user manages (admins: all),
// and a signal that tells the navigation to reload its badge counts.
import { call } from '../../lib/api';
import { session } from '../../lib/session.svelte';
import type { Instrument } from '../../lib/types';

export async function managedInstruments(): Promise<Instrument[]> {
  if (session.isAdmin) {
    const r = await call<Instrument[] | { items: Instrument[] }>('GET', '/instruments');
    return r.ok ? (Array.isArray(r.data) ? r.data : r.data.items) : [];
  }
  const all: Instrument[] = [];
  for (const labId of session.me?.managedLabs ?? []) {
    const r = await call<Instrument[] | { items: Instrument[] }>('GET', '/instruments', { query: { labId } });
    if (r.ok) all.push(...(Array.isArray(r.data) ? r.data : r.data.items));
  }
  return all;
}

export async function pendingCount(): Promise<number> {
  const r = await call<{ pending: number }>('GET', '/me/approvals/count');
  return r.ok ? r.data.pending : 0;
}

/** Asks the navigation to reload its badges (after an approval or a rejection). */
export function badgesChanged() {
  dispatchEvent(new Event('labsched:badges'));
}
