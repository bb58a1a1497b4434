/**
 * Calendar days as `YYYY-MM-DD` strings, and wall-clock time in a time zone. A price's date
 * is the trading day in the exchange's own zone, never a UTC instant.
 */
export type Day = string;

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 (negative before). */
export function dayNumber(day: Day): number {
  return Math.floor(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / MS_PER_DAY);
}

export function fromDayNumber(n: number): Day {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(day: Day, days: number): Day {
  return fromDayNumber(dayNumber(day) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: Day): number {
  return (((dayNumber(day) + 4) % 7) + 7) % 7;
}

export function isWeekend(day: Day): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

export function makeDay(year: number, month: number, dayOfMonth: number): Day {
  return fromDayNumber(Math.floor(Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY));
}

/** The UTC calendar day of an instant. */
export function utcDay(instant: Date): Day {
  return instant.toISOString().slice(0, 10);
}

export function minDay(a: Day, b: Day): Day {
  return a < b ? a : b;
}

export function maxDay(a: Day, b: Day): Day {
  return a > b ? a : b;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at `instant`. */
export function wallClock(instant: Date, timeZone: string): { day: Day; minutes: number } {
  const shifted = new Date(instant.getTime() + offsetMs(instant.getTime(), timeZone));
  return { day: shifted.toISOString().slice(0, 10), minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes() };
}

/** The calendar day in `timeZone` at `instant`. */
export function dayIn(instant: Date, timeZone: string): Day {
  return wallClock(instant, timeZone).day;
}

/**
 * UTC offsets by time zone and quarter hour. Offsets and their changes fall on quarter hours,
 * so one answer holds for the whole quarter; asking Intl (formatToParts) costs microseconds,
 * and order matching asks for every order.
 */
const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();

function offsetMs(instant: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(instant / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size >= 100_000) offsets.clear();
    offset = measureOffsetMs(instant, timeZone);
    offsets.set(key, offset);
  }
  return offset;
}

function measureOffsetMs(instant: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) parts[p.type] = p.value;
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - (instant - (instant % 1000));
}

/**
 * The instant at which the wall clock in `timeZone` shows `day` + `minutes` (minutes may be
 * 1440 for midnight at the end of the day). Daylight-saving gaps resolve forward.
 */
export function zonedInstant(day: Day, minutes: number, timeZone: string): Date {
  const guess = dayNumber(day) * MS_PER_DAY + minutes * 60_000;
  const first = guess - offsetMs(guess, timeZone);
  const second = guess - offsetMs(first, timeZone);
  return new Date(second);
}
