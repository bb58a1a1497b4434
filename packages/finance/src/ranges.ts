import { addYears, civilFromDay, dayFromCivil, formatDate, isoWeekday, parseDate, type Day } from './dates.js';

export type RangeName = '1D' | 'WTD' | 'MTD' | 'YTD' | '1Y' | '3Y' | '5Y' | 'MAX';

/** A named range, a calendar year, or custom dates (`from` is the base day, as in Portfolio Performance). */
export type RangeSpec = RangeName | { year: number } | { from: string; to: string };

/**
 * A resolved period. The base day's closing value is the starting value: returns are
 * measured over the days after it up to and including `end`.
 */
export interface ResolvedRange {
  readonly base: Day;
  readonly end: Day;
  readonly label: string;
}

/**
 * Resolves a range against `asOf`. Bases: 1D the day before; WTD the Sunday before the ISO
 * week; MTD the last day of the previous month; YTD and a calendar year the 31 December
 * before; nY the same date n years earlier; MAX the day before the first activity. A base
 * before the portfolio's first day is moved to it (value 0 there).
 *
 * @example resolveRange('YTD', parseDate('2024-06-15'), start) // base 2023-12-31, end 2024-06-15
 */
export function resolveRange(spec: RangeSpec, asOf: Day, firstDay: Day): ResolvedRange {
  let base: Day;
  let end: Day = asOf;
  let label: string;
  if (typeof spec === 'string') {
    label = spec;
    const c = civilFromDay(asOf);
    switch (spec) {
      case '1D':
        base = asOf - 1;
        break;
      case 'WTD':
        base = asOf - isoWeekday(asOf);
        break;
      case 'MTD':
        base = dayFromCivil(c.year, c.month, 1) - 1;
        break;
      case 'YTD':
        base = dayFromCivil(c.year, 1, 1) - 1;
        break;
      case '1Y':
        base = addYears(asOf, -1);
        break;
      case '3Y':
        base = addYears(asOf, -3);
        break;
      case '5Y':
        base = addYears(asOf, -5);
        break;
      case 'MAX':
        base = firstDay;
        break;
    }
  } else if ('year' in spec) {
    label = String(spec.year);
    base = dayFromCivil(spec.year, 1, 1) - 1;
    end = Math.min(asOf, dayFromCivil(spec.year, 12, 31));
  } else {
    base = parseDate(spec.from);
    end = Math.min(asOf, parseDate(spec.to));
    label = `${spec.from}..${formatDate(end)}`;
  }
  base = Math.max(base, firstDay);
  if (end < base) end = base;
  return { base, end, label };
}
