// CSV downloads: the server's own CSV where it has one (utilization), else built here from the
// same rows the table shows.
import { session } from '../../lib/session.svelte';

export function save(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url; a.download = name;
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function downloadServerCsv(path: string, query: Record<string, string>, name: string): Promise<boolean> {
  const r = await fetch(`/api/v1${path}?${new URLSearchParams(query)}`, {
    headers: { Accept: 'text/csv', Authorization: `Bearer ${session.token}` },
  });
  if (!r.ok) return false;
  save(name, await r.text());
  return true;
}

const cell = (v: unknown) => { const s = String(v ?? ''); return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s; };

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
