// Lab-local wall-clock input ("2026-12-01T09:00" in Asia/Shanghai) to a UTC instant, with the
// offset that the browser's zone database gives at that time (the server checks it again).
export function localToInstant(local: string, timeZone: string): string {
  const [d, tm] = local.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi] = tm.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, da, h, mi);
  let guess = wall;
  for (let i = 0; i < 2; i++) guess = wall - offsetAt(guess, timeZone);
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .formatToParts(new Date(instant));
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute')) - Math.floor(instant / 60000) * 60000;
}
