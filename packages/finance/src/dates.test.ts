import { describe, expect, it } from 'vitest';
import { DateError, addMonths, addYears, civilFromDay, dayFromCivil, formatDate, isoWeekday, parseDate } from './dates.js';

describe('dates', () => {
  it('counts days since 1970-01-01', () => {
    expect(parseDate('1970-01-01')).toBe(0);
    expect(parseDate('2000-03-01') - parseDate('2000-02-28')).toBe(2);
    expect(parseDate('1900-03-01') - parseDate('1900-02-28')).toBe(1);
    expect(parseDate('1969-12-31')).toBe(-1);
  });

  it('round-trips days across four centuries', () => {
    for (let d = dayFromCivil(1900, 1, 1); d <= dayFromCivil(2300, 12, 31); d += 3) {
      expect(parseDate(formatDate(d))).toBe(d);
    }
    const c = civilFromDay(parseDate('2024-02-29'));
    expect(c).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('accepts a timestamp but only reads its date', () => {
    expect(formatDate(parseDate('2024-05-06T23:59:59Z'))).toBe('2024-05-06');
  });

  it('rejects malformed and impossible dates', () => {
    for (const bad of ['2024-02-30', '2023-02-29', '2024-13-01', '2024-1-01', '20240101', '2024-01-01X', 'yyyy-mm-dd']) {
      expect(() => parseDate(bad), bad).toThrow(DateError);
    }
  });

  it('adds months and years, clamping to the end of a shorter month', () => {
    expect(formatDate(addMonths(parseDate('2024-01-31'), 1))).toBe('2024-02-29');
    expect(formatDate(addMonths(parseDate('2023-01-31'), 1))).toBe('2023-02-28');
    expect(formatDate(addMonths(parseDate('2024-03-15'), -3))).toBe('2023-12-15');
    expect(formatDate(addYears(parseDate('2024-02-29'), -1))).toBe('2023-02-28');
  });

  it('knows ISO weekdays', () => {
    expect(isoWeekday(parseDate('2024-01-01'))).toBe(1);
    expect(isoWeekday(parseDate('2024-01-07'))).toBe(7);
    expect(isoWeekday(parseDate('1969-12-31'))).toBe(3);
  });
});
