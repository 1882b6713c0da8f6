// Formatting of instants and local times for display. Wall-clock times come from the API's own
// zoned renderings ("2026-12-01T09:00:00+08:00"), so the offsets shown are the server's (its
// IANA database), never the browser's.

export type Language = 'en' | 'ru' | 'zh-CN' | 'fa';
export const languages: Language[] = ['en', 'ru', 'zh-CN', 'fa'];

/** The Intl locale of a UI language: Persian with Gregorian dates and Latin-free digits kept as the locale gives. */
export function intlLocale(language: string): string {
  switch (language) {
    case 'fa': return 'fa-IR-u-ca-gregory';
    case 'ru': return 'ru-RU';
    case 'zh-CN': return 'zh-CN';
    default: return 'en-GB';
  }
}

export function isRtl(language: string): boolean {
  return language === 'fa';
}

export interface ZonedTime { timeZone: string; start: string; end: string }

interface LocalParts { y: number; mo: number; d: number; h: number; mi: number; offset: string }

/** Splits "2026-12-01T09:00:00+08:00" (or ...Z) into its wall-clock parts and its offset. */
export function parseOffsetDateTime(value: string): LocalParts {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) throw new Error(`Not an RFC 3339 date-time: ${value}`);
  return { y: +m[1], mo: +m[2], d: +m[3], h: +m[4], mi: +m[5], offset: m[6] === 'Z' ? '+00:00' : m[6] };
}

/** "UTC+08:00", "UTC−03:30" (for a label beside a zone name). */
export function offsetLabel(value: string): string {
  const { offset } = parseOffsetDateTime(value);
  return `UTC${offset}`;
}

/** The offset in minutes east of UTC of a zoned date-time string. */
export function offsetMinutes(value: string): number {
  const { offset } = parseOffsetDateTime(value);
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

/** A Date whose UTC fields are the wall-clock fields of the value (for formatting with timeZone UTC). */
function wallClock(value: string): Date {
  const p = parseOffsetDateTime(value);
  return new Date(Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi));
}

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(language: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = language + JSON.stringify(options);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale(language), { ...options, timeZone: 'UTC' });
    cache.set(key, f);
  }
  return f;
}

/** "Tue, 1 Dec, 09:00" in the value's own wall-clock time. */
export function formatDateTime(value: string, language: string): string {
  return fmt(language, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(wallClock(value));
}

export function formatTime(value: string, language: string): string {
  return fmt(language, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(wallClock(value));
}

export function formatDate(value: string, language: string): string {
  return fmt(language, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(wallClock(value));
}

function sameDay(a: string, b: string): boolean {
  return a.slice(0, 10) === b.slice(0, 10);
}

/** "Tue, 1 Dec, 09:00–11:00" or, across midnight, both ends in full. */
export function formatRange(start: string, end: string, language: string): string {
  return sameDay(start, end)
    ? `${formatDateTime(start, language)}–${formatTime(end, language)}`
    : `${formatDateTime(start, language)} – ${formatDateTime(end, language)}`;
}

/** A zoned interval with its zone and offset: "Tue, 1 Dec, 09:00–11:00 (Asia/Shanghai, UTC+08:00)". */
export function formatZoned(z: ZonedTime, language: string): string {
  return `${formatRange(z.start, z.end, language)} (${zoneLabel(z)})`;
}

export function zoneLabel(z: { timeZone: string; start: string }): string {
  return `${z.timeZone}, ${offsetLabel(z.start)}`;
}

export function formatMoney(amount: number, currency: string, language: string): string {
  return new Intl.NumberFormat(intlLocale(language), { style: 'currency', currency }).format(amount);
}

export function formatNumber(n: number, language: string): string {
  return new Intl.NumberFormat(intlLocale(language)).format(n);
}

/** A UTC instant shifted by a fixed offset, written without an offset ("floating" local time). */
export function shiftToOffset(instantUtc: string, minutes: number): string {
  const t = new Date(Date.parse(instantUtc) + minutes * 60000);
  return t.toISOString().slice(0, 19);
}

/**
 * A floating wall-clock time of a view at a fixed offset back to a UTC instant "...Z": either the
 * timeline's "2026-12-01T09:00:00" (no offset, the view's wall clock) or a "local" Date whose
 * fields in the browser's own zone are that wall clock, whatever the browser's zone is.
 */
export function floatingToUtc(local: Date | string, minutes: number): string {
  const wall = typeof local === 'string'
    ? Date.parse(local.slice(0, 19) + 'Z')
    : Date.UTC(local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds());
  return new Date(wall - minutes * 60000).toISOString().replace('.000Z', 'Z');
}

/** "+05:00" for 300 minutes. */
export function offsetString(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** Minutes between two instants. */
export function minutesBetween(start: string, end: string): number {
  return Math.round((Date.parse(end) - Date.parse(start)) / 60000);
}

/** Builds the RRULE of a weekly recurrence. */
export function weeklyRule(days: string[], until: { count?: number; untilDate?: string }): string {
  const byDay = days.map((d) => d.slice(0, 2).toUpperCase()).join(',');
  let rule = `FREQ=WEEKLY;BYDAY=${byDay}`;
  if (until.count) rule += `;COUNT=${until.count}`;
  else if (until.untilDate) rule += `;UNTIL=${until.untilDate.replaceAll('-', '')}T235959Z`;
  return rule;
}
