import { addDays, makeDay, weekday, type Day } from './days.js';

/** A day an exchange does not trade, or closes early (`closeMinutes` after local midnight). */
export type Closure = { kind: 'closed'; name: string } | { kind: 'early'; name: string; closeMinutes: number };

export type HolidayRules = (year: number) => Map<Day, Closure>;

/** Easter Sunday (Gregorian; Anonymous algorithm). */
export function easterSunday(year: number): Day {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const dayOfMonth = ((h + l - 7 * m + 114) % 31) + 1;
  return makeDay(year, month, dayOfMonth);
}

/** The n-th (1-based) given weekday of a month, or the last one for n = -1. */
export function nthWeekday(year: number, month: number, dow: number, n: number): Day {
  if (n > 0) {
    const first = makeDay(year, month, 1);
    const offset = (dow - weekday(first) + 7) % 7;
    return addDays(first, offset + (n - 1) * 7);
  }
  const last = addDays(makeDay(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1), -1);
  return addDays(last, -((weekday(last) - dow + 7) % 7));
}

/** US rule: a Saturday holiday is observed on Friday, a Sunday one on Monday. */
function observedNearest(day: Day): Day {
  const w = weekday(day);
  return w === 6 ? addDays(day, -1) : w === 0 ? addDays(day, 1) : day;
}

/** UK/Commonwealth rule: a weekend holiday moves to the next weekday not already a holiday. */
function substituteForward(days: Day[], taken: Set<Day>): Day[] {
  const out: Day[] = [];
  for (const day of days) {
    let d = day;
    while (weekday(d) === 0 || weekday(d) === 6 || taken.has(d)) d = addDays(d, 1);
    taken.add(d);
    out.push(d);
  }
  return out;
}

function builder() {
  const map = new Map<Day, Closure>();
  return {
    map,
    closed(day: Day, name: string) {
      map.set(day, { kind: 'closed', name });
    },
    early(day: Day, name: string, closeMinutes: number) {
      const w = weekday(day);
      if (w !== 0 && w !== 6 && !map.has(day)) map.set(day, { kind: 'early', name, closeMinutes });
    },
  };
}

// Unscheduled closures (national mourning, storms, attacks) that no rule predicts.
const US_SPECIAL: Record<Day, string> = {
  '2001-09-11': 'September 11 attacks',
  '2001-09-12': 'September 11 attacks',
  '2001-09-13': 'September 11 attacks',
  '2001-09-14': 'September 11 attacks',
  '2004-06-11': 'Reagan national day of mourning',
  '2007-01-02': 'Ford national day of mourning',
  '2012-10-29': 'Hurricane Sandy',
  '2012-10-30': 'Hurricane Sandy',
  '2018-12-05': 'George H. W. Bush national day of mourning',
  '2025-01-09': 'Carter national day of mourning',
};

/** NYSE and Nasdaq: the NYSE holiday rules (Rule 7.2) and its 1 pm early closes. */
export const usHolidays: HolidayRules = (year) => {
  const b = builder();
  const jan1 = makeDay(year, 1, 1);
  // A Saturday New Year's Day is not observed on the Friday before (that Friday ends the prior year).
  if (weekday(jan1) !== 6) b.closed(observedNearest(jan1), "New Year's Day");
  b.closed(nthWeekday(year, 1, 1, 3), 'Martin Luther King Jr. Day');
  b.closed(nthWeekday(year, 2, 1, 3), "Washington's Birthday");
  b.closed(addDays(easterSunday(year), -2), 'Good Friday');
  b.closed(nthWeekday(year, 5, 1, -1), 'Memorial Day');
  if (year >= 2022) b.closed(observedNearest(makeDay(year, 6, 19)), 'Juneteenth');
  b.closed(observedNearest(makeDay(year, 7, 4)), 'Independence Day');
  b.closed(nthWeekday(year, 9, 1, 1), 'Labor Day');
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  b.closed(thanksgiving, 'Thanksgiving Day');
  b.closed(observedNearest(makeDay(year, 12, 25)), 'Christmas Day');
  for (const [day, name] of Object.entries(US_SPECIAL)) if (day.startsWith(`${year}-`)) b.closed(day, name);
  const jul3 = makeDay(year, 7, 3);
  if (weekday(jul3) >= 1 && weekday(jul3) <= 4) b.early(jul3, 'Independence Day eve', 13 * 60);
  b.early(addDays(thanksgiving, 1), 'Day after Thanksgiving', 13 * 60);
  const dec24 = makeDay(year, 12, 24);
  if (weekday(dec24) >= 1 && weekday(dec24) <= 4) b.early(dec24, 'Christmas Eve', 13 * 60);
  return b.map;
};

const UK_SPECIAL: Record<Day, string> = {
  '2011-04-29': 'Royal wedding',
  '2012-06-05': 'Diamond Jubilee',
  '2020-05-08': 'VE Day (early May bank holiday moved)',
  '2022-06-03': 'Platinum Jubilee',
  '2022-09-19': 'State funeral of Queen Elizabeth II',
  '2023-05-08': 'Coronation of King Charles III',
};

/** London Stock Exchange: England and Wales bank holidays; half days on 24 and 31 December. */
export const ukHolidays: HolidayRules = (year) => {
  const b = builder();
  const taken = new Set<Day>();
  b.closed(substituteForward([makeDay(year, 1, 1)], taken)[0]!, "New Year's Day");
  const easter = easterSunday(year);
  b.closed(addDays(easter, -2), 'Good Friday');
  b.closed(addDays(easter, 1), 'Easter Monday');
  if (year !== 2020) b.closed(nthWeekday(year, 5, 1, 1), 'Early May bank holiday');
  // The spring bank holiday moved to 2 June in the jubilee years 2002, 2012 and 2022.
  const springMoved: Record<number, Day> = { 2002: '2002-06-04', 2012: '2012-06-04', 2022: '2022-06-02' };
  b.closed(springMoved[year] ?? nthWeekday(year, 5, 1, -1), 'Spring bank holiday');
  b.closed(nthWeekday(year, 8, 1, -1), 'Summer bank holiday');
  const [christmas, boxing] = substituteForward([makeDay(year, 12, 25), makeDay(year, 12, 26)], taken);
  b.closed(christmas!, 'Christmas Day');
  b.closed(boxing!, 'Boxing Day');
  for (const [day, name] of Object.entries(UK_SPECIAL)) if (day.startsWith(`${year}-`)) b.closed(day, name);
  b.early(makeDay(year, 12, 24), 'Christmas Eve', 12 * 60 + 30);
  b.early(makeDay(year, 12, 31), "New Year's Eve", 12 * 60 + 30);
  return b.map;
};

/** Xetra (Deutsche Börse). */
export const xetraHolidays: HolidayRules = (year) => {
  const b = builder();
  const easter = easterSunday(year);
  b.closed(makeDay(year, 1, 1), "New Year's Day");
  b.closed(addDays(easter, -2), 'Good Friday');
  b.closed(addDays(easter, 1), 'Easter Monday');
  b.closed(makeDay(year, 5, 1), 'Labour Day');
  b.closed(makeDay(year, 12, 24), 'Christmas Eve');
  b.closed(makeDay(year, 12, 25), 'Christmas Day');
  b.closed(makeDay(year, 12, 26), 'Boxing Day');
  b.closed(makeDay(year, 12, 31), "New Year's Eve");
  return b.map;
};

/** Euronext cash markets (Paris, Amsterdam, Brussels, Lisbon); half days close at 14:05. */
export const euronextHolidays: HolidayRules = (year) => {
  const b = builder();
  const easter = easterSunday(year);
  b.closed(makeDay(year, 1, 1), "New Year's Day");
  b.closed(addDays(easter, -2), 'Good Friday');
  b.closed(addDays(easter, 1), 'Easter Monday');
  b.closed(makeDay(year, 5, 1), 'Labour Day');
  b.closed(makeDay(year, 12, 25), 'Christmas Day');
  b.closed(makeDay(year, 12, 26), 'Boxing Day');
  b.early(makeDay(year, 12, 24), 'Christmas Eve', 14 * 60 + 5);
  b.early(makeDay(year, 12, 31), "New Year's Eve", 14 * 60 + 5);
  return b.map;
};

/** SIX Swiss Exchange. */
export const sixHolidays: HolidayRules = (year) => {
  const b = builder();
  const easter = easterSunday(year);
  b.closed(makeDay(year, 1, 1), "New Year's Day");
  b.closed(makeDay(year, 1, 2), "Berchtold's Day");
  b.closed(addDays(easter, -2), 'Good Friday');
  b.closed(addDays(easter, 1), 'Easter Monday');
  b.closed(makeDay(year, 5, 1), 'Labour Day');
  b.closed(addDays(easter, 39), 'Ascension Day');
  b.closed(addDays(easter, 50), 'Whit Monday');
  b.closed(makeDay(year, 8, 1), 'Swiss National Day');
  b.closed(makeDay(year, 12, 24), 'Christmas Eve');
  b.closed(makeDay(year, 12, 25), 'Christmas Day');
  b.closed(makeDay(year, 12, 26), "St. Stephen's Day");
  b.closed(makeDay(year, 12, 31), "New Year's Eve");
  return b.map;
};

/** Toronto Stock Exchange. */
export const tsxHolidays: HolidayRules = (year) => {
  const b = builder();
  const taken = new Set<Day>();
  b.closed(substituteForward([makeDay(year, 1, 1)], taken)[0]!, "New Year's Day");
  if (year >= 2008) b.closed(nthWeekday(year, 2, 1, 3), 'Family Day');
  b.closed(addDays(easterSunday(year), -2), 'Good Friday');
  // Victoria Day: the last Monday on or before 24 May.
  const may24 = makeDay(year, 5, 24);
  b.closed(addDays(may24, -((weekday(may24) + 6) % 7)), 'Victoria Day');
  b.closed(substituteForward([makeDay(year, 7, 1)], taken)[0]!, 'Canada Day');
  b.closed(nthWeekday(year, 8, 1, 1), 'Civic Holiday');
  b.closed(nthWeekday(year, 9, 1, 1), 'Labour Day');
  b.closed(nthWeekday(year, 10, 1, 2), 'Thanksgiving Day');
  const [christmas, boxing] = substituteForward([makeDay(year, 12, 25), makeDay(year, 12, 26)], taken);
  b.closed(christmas!, 'Christmas Day');
  b.closed(boxing!, 'Boxing Day');
  return b.map;
};

/** ASX (Sydney); half days close at 14:10. */
export const asxHolidays: HolidayRules = (year) => {
  const b = builder();
  const taken = new Set<Day>();
  const easter = easterSunday(year);
  b.closed(substituteForward([makeDay(year, 1, 1)], taken)[0]!, "New Year's Day");
  b.closed(substituteForward([makeDay(year, 1, 26)], taken)[0]!, 'Australia Day');
  b.closed(addDays(easter, -2), 'Good Friday');
  b.closed(addDays(easter, 1), 'Easter Monday');
  b.closed(makeDay(year, 4, 25), 'Anzac Day');
  b.closed(nthWeekday(year, 6, 1, 2), "King's Birthday");
  const [christmas, boxing] = substituteForward([makeDay(year, 12, 25), makeDay(year, 12, 26)], taken);
  b.closed(christmas!, 'Christmas Day');
  b.closed(boxing!, 'Boxing Day');
  b.early(makeDay(year, 12, 24), 'Christmas Eve', 14 * 60 + 10);
  b.early(makeDay(year, 12, 31), "New Year's Eve", 14 * 60 + 10);
  return b.map;
};

/**
 * Japan Exchange Group (Tokyo): year-end closure and the national holidays with fixed rules;
 * equinoxes by the usual approximation (valid 1980–2099). A holiday on a Sunday moves to the
 * next weekday that is not a holiday.
 */
export const japanHolidays: HolidayRules = (year) => {
  const b = builder();
  const fixed: Array<[Day, string]> = [
    [makeDay(year, 1, 1), "New Year's Day"],
    [makeDay(year, 1, 2), 'Bank holiday'],
    [makeDay(year, 1, 3), 'Bank holiday'],
    [nthWeekday(year, 1, 1, 2), 'Coming of Age Day'],
    [makeDay(year, 2, 11), 'National Foundation Day'],
    [makeDay(year, 2, 23), "Emperor's Birthday"],
    [makeDay(year, 3, Math.floor(20.8431 + 0.242194 * (year - 1980)) - Math.floor((year - 1980) / 4)), 'Vernal Equinox Day'],
    [makeDay(year, 4, 29), 'Showa Day'],
    [makeDay(year, 5, 3), 'Constitution Memorial Day'],
    [makeDay(year, 5, 4), 'Greenery Day'],
    [makeDay(year, 5, 5), "Children's Day"],
    [nthWeekday(year, 7, 1, 3), 'Marine Day'],
    [makeDay(year, 8, 11), 'Mountain Day'],
    [nthWeekday(year, 9, 1, 3), 'Respect for the Aged Day'],
    [makeDay(year, 9, Math.floor(23.2488 + 0.242194 * (year - 1980)) - Math.floor((year - 1980) / 4)), 'Autumnal Equinox Day'],
    [nthWeekday(year, 10, 1, 2), 'Sports Day'],
    [makeDay(year, 11, 3), 'Culture Day'],
    [makeDay(year, 11, 23), 'Labour Thanksgiving Day'],
    [makeDay(year, 12, 31), 'Bank holiday'],
  ];
  const days = new Set(fixed.map(([d]) => d));
  for (const [day, name] of fixed) {
    b.closed(day, name);
    if (weekday(day) === 0) {
      let d = addDays(day, 1);
      while (days.has(d)) d = addDays(d, 1);
      days.add(d);
      b.closed(d, `${name} (substitute)`);
    }
  }
  return b.map;
};

/**
 * Hong Kong Exchanges: the holidays with Gregorian rules only. The lunar ones (Lunar New
 * Year, Ching Ming, Buddha's Birthday, Tuen Ng, Mid-Autumn, Chung Yeung) are not predicted:
 * on those days a provider simply has no new price, which the refresh treats as unchanged.
 */
export const hongKongHolidays: HolidayRules = (year) => {
  const b = builder();
  const easter = easterSunday(year);
  b.closed(makeDay(year, 1, 1), "New Year's Day");
  b.closed(addDays(easter, -2), 'Good Friday');
  b.closed(addDays(easter, 1), 'Easter Monday');
  b.closed(makeDay(year, 5, 1), 'Labour Day');
  b.closed(makeDay(year, 7, 1), 'HKSAR Establishment Day');
  b.closed(makeDay(year, 10, 1), 'National Day');
  b.closed(makeDay(year, 12, 25), 'Christmas Day');
  b.closed(makeDay(year, 12, 26), 'Boxing Day');
  return b.map;
};

/** Currency markets: only the days the whole interbank market closes. */
export const fxHolidays: HolidayRules = (year) => {
  const b = builder();
  b.closed(makeDay(year, 1, 1), "New Year's Day");
  b.closed(makeDay(year, 12, 25), 'Christmas Day');
  return b.map;
};

export const noHolidays: HolidayRules = () => new Map();
