import { describe, expect, it } from 'vitest';
import {
  floatingToUtc, formatDateTime, formatRange, formatZoned, intlLocale, isRtl, offsetLabel, offsetMinutes,
  offsetString, parseOffsetDateTime, shiftToOffset, weeklyRule, minutesBetween,
} from '../src/lib/format';

describe('format', () => {
  it('parseOffsetDateTime_ZuluAndOffset_GivesWallClockAndOffset', () => {
    expect(parseOffsetDateTime('2026-12-01T09:30:00+08:00')).toEqual({ y: 2026, mo: 12, d: 1, h: 9, mi: 30, offset: '+08:00' });
    expect(parseOffsetDateTime('2026-12-01T01:00:00Z').offset).toBe('+00:00');
    expect(() => parseOffsetDateTime('yesterday')).toThrow();
  });

  it('offsetLabel_NegativeHalfHour_Labelled', () => {
    expect(offsetLabel('2026-12-01T09:30:00-03:30')).toBe('UTC-03:30');
    expect(offsetMinutes('2026-12-01T09:30:00-03:30')).toBe(-210);
    expect(offsetMinutes('2026-12-01T09:30:00+05:45')).toBe(345);
  });

  it('formatDateTime_UsesTheStringsOwnWallClock_NotTheBrowsersZone', () => {
    expect(formatDateTime('2026-12-01T09:00:00+08:00', 'en')).toBe('Tue 1 Dec, 09:00');
    expect(formatDateTime('2026-12-01T06:00:00+05:00', 'ru')).toContain('06:00');
  });

  it('formatDateTime_Persian_GregorianCalendar', () => {
    expect(intlLocale('fa')).toBe('fa-IR-u-ca-gregory');
    const text = formatDateTime('2026-12-01T09:00:00+08:00', 'fa');
    // Gregorian December ("دسامبر"), not the Solar Hijri month Azar ("آذر").
    expect(text).toContain('دسامبر');
    expect(text).not.toContain('آذر');
    expect(isRtl('fa')).toBe(true);
    expect(isRtl('en')).toBe(false);
  });

  it('formatZoned_ShowsZoneAndOffset', () => {
    const s = formatZoned({ timeZone: 'Asia/Shanghai', start: '2026-12-01T09:00:00+08:00', end: '2026-12-01T11:00:00+08:00' }, 'en');
    expect(s).toBe('Tue 1 Dec, 09:00–11:00 (Asia/Shanghai, UTC+08:00)');
  });

  it('formatRange_AcrossMidnight_BothDaysShown', () => {
    expect(formatRange('2026-12-01T23:00:00+05:00', '2026-12-02T01:00:00+05:00', 'en')).toBe('Tue 1 Dec, 23:00 – Wed 2 Dec, 01:00');
  });

  it('shiftAndBack_FixedOffset_RoundTrips', () => {
    const floating = shiftToOffset('2026-12-01T01:00:00Z', 480);
    expect(floating).toBe('2026-12-01T09:00:00');
    // The calendar's "local" Date: the wall clock in the browser's own fields (new Date without Z).
    expect(floatingToUtc(new Date(floating), 480)).toBe('2026-12-01T01:00:00Z');
    // The timeline's floating string, in any browser zone.
    expect(floatingToUtc(floating, 480)).toBe('2026-12-01T01:00:00Z');
    expect(floatingToUtc('2026-12-01T00:30:00', 330)).toBe('2026-11-30T19:00:00Z');
    expect(floatingToUtc('2026-12-01T10:00:00', -210)).toBe('2026-12-01T13:30:00Z');
    expect(offsetString(480)).toBe('+08:00');
    expect(offsetString(-210)).toBe('-03:30');
  });

  it('weeklyRule_CountOrUntil', () => {
    expect(weeklyRule(['tuesday', 'thursday'], { count: 10 })).toBe('FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10');
    expect(weeklyRule(['monday'], { untilDate: '2026-12-31' })).toBe('FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T235959Z');
    expect(minutesBetween('2026-12-01T01:00:00Z', '2026-12-01T03:30:00Z')).toBe(150);
  });
});
