/**
 * Calendar days as integers (days since 1970-01-01), so a timeline is plain array indexing
 * and no `Date` object is created per day. Dates are civil `YYYY-MM-DD` strings at the edge.
 */

/** Days since 1970-01-01 (proleptic Gregorian calendar, no time zone). */
export type Day = number;

/** Thrown for a string that is not a valid `YYYY-MM-DD` calendar date. */
export class DateError extends Error {
  override readonly name = 'DateError';
}

/** Days since the epoch for a civil date (H. Hinnant's algorithm). */
export function dayFromCivil(year: number, month: number, day: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil date of a day number. */
export function civilFromDay(d: Day): { year: number; month: number; day: number } {
  const z = d + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  if (c < 0 || c > 9) throw new DateError(`not a YYYY-MM-DD date: ${JSON.stringify(s)}`);
  return c;
}

/** Parses a strict `YYYY-MM-DD` (a longer ISO timestamp is cut to its date part). */
export function parseDate(s: string): Day {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (s.length > 10 && s.charCodeAt(10) !== 84 && s.charCodeAt(10) !== 32)) {
    throw new DateError(`not a YYYY-MM-DD date: ${JSON.stringify(s)}`);
  }
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const m = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) throw new DateError(`not a calendar date: ${JSON.stringify(s)}`);
  return dayFromCivil(y, m, d);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` of a day number. */
export function formatDate(d: Day): string {
  const c = civilFromDay(d);
  return `${String(c.year).padStart(4, '0')}-${pad2(c.month)}-${pad2(c.day)}`;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(d: Day): number {
  // 1970-01-01 was a Thursday (4).
  return ((((d + 3) % 7) + 7) % 7) + 1;
}

/** Same day-of-month `months` later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(d: Day, months: number): Day {
  const c = civilFromDay(d);
  const total = c.year * 12 + (c.month - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return dayFromCivil(y, m, Math.min(c.day, daysInMonth(y, m)));
}

/** Same date `years` later (29 February → 28 February in a common year). */
export function addYears(d: Day, years: number): Day {
  return addMonths(d, years * 12);
}

/** Calendar year of a day. */
export function yearOf(d: Day): number {
  return civilFromDay(d).year;
}
