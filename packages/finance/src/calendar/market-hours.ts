/** The instrument types of packages/contracts that decide a calendar (others follow the exchange). */
type InstrumentType = 'CRYPTO' | 'CURRENCY' | 'EQUITY' | 'ETF' | (string & {});
import { addDays, dayIn, dayNumber, weekday, wallClock, zonedInstant, type Day } from './days.js';
import {
  asxHolidays,
  euronextHolidays,
  fxHolidays,
  hongKongHolidays,
  japanHolidays,
  noHolidays,
  sixHolidays,
  tsxHolidays,
  ukHolidays,
  usHolidays,
  xetraHolidays,
  type Closure,
  type HolidayRules,
} from './holidays.js';

/**
 * Trading calendars: each exchange's regular session in its own time zone, its weekends and
 * holidays. Crypto never closes; currencies trade every weekday.
 */
export interface MarketCalendar {
  /** ISO 10383 MIC of the exchange, or CRYPTO / FX / WEEKDAYS. */
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  /** Regular session, in minutes after local midnight (close may be 1440). */
  readonly openMinutes: number;
  readonly closeMinutes: number;
  /** Trades on Saturdays and Sundays too. */
  readonly everyDay: boolean;
  readonly holidays: HolidayRules;
}

export interface Session {
  day: Day;
  open: Date;
  close: Date;
}

const hm = (h: number, m = 0) => h * 60 + m;

function cal(id: string, name: string, timeZone: string, open: number, close: number, holidays: HolidayRules, everyDay = false): MarketCalendar {
  return { id, name, timeZone, openMinutes: open, closeMinutes: close, everyDay, holidays };
}

export const CALENDARS = {
  XNYS: cal('XNYS', 'New York Stock Exchange', 'America/New_York', hm(9, 30), hm(16), usHolidays),
  XNAS: cal('XNAS', 'Nasdaq', 'America/New_York', hm(9, 30), hm(16), usHolidays),
  XLON: cal('XLON', 'London Stock Exchange', 'Europe/London', hm(8), hm(16, 30), ukHolidays),
  XETR: cal('XETR', 'Xetra', 'Europe/Berlin', hm(9), hm(17, 30), xetraHolidays),
  XPAR: cal('XPAR', 'Euronext Paris', 'Europe/Paris', hm(9), hm(17, 30), euronextHolidays),
  XAMS: cal('XAMS', 'Euronext Amsterdam', 'Europe/Amsterdam', hm(9), hm(17, 30), euronextHolidays),
  XBRU: cal('XBRU', 'Euronext Brussels', 'Europe/Brussels', hm(9), hm(17, 30), euronextHolidays),
  XLIS: cal('XLIS', 'Euronext Lisbon', 'Europe/Lisbon', hm(8), hm(16, 30), euronextHolidays),
  XSWX: cal('XSWX', 'SIX Swiss Exchange', 'Europe/Zurich', hm(9), hm(17, 30), sixHolidays),
  XTSE: cal('XTSE', 'Toronto Stock Exchange', 'America/Toronto', hm(9, 30), hm(16), tsxHolidays),
  XASX: cal('XASX', 'ASX', 'Australia/Sydney', hm(10), hm(16), asxHolidays),
  XTKS: cal('XTKS', 'Tokyo Stock Exchange', 'Asia/Tokyo', hm(9), hm(15, 30), japanHolidays),
  XHKG: cal('XHKG', 'Hong Kong Exchanges', 'Asia/Hong_Kong', hm(9, 30), hm(16), hongKongHolidays),
  CRYPTO: cal('CRYPTO', 'Crypto (24/7)', 'UTC', 0, 1440, noHolidays, true),
  FX: cal('FX', 'Currencies (24/5)', 'UTC', 0, 1440, fxHolidays),
  WEEKDAYS: cal('WEEKDAYS', 'Weekdays (no exchange)', 'UTC', 0, 1440, noHolidays),
} as const satisfies Record<string, MarketCalendar>;

export type CalendarId = keyof typeof CALENDARS;

// Exchange names and codes as providers write them (Yahoo, Alpaca, Alpha Vantage, MICs).
const EXCHANGE_ALIASES: Record<string, CalendarId> = {};
function alias(id: CalendarId, names: string): void {
  for (const n of names.split(' ')) EXCHANGE_ALIASES[n] = id;
}
alias('XNYS', 'XNYS NYSE NYQ ARCA NYSEARCA PCX AMEX ASE XASE BATS BTS CBOE NYSEAMERICAN XASE');
alias('XNAS', 'XNAS NASDAQ NMS NGM NCM NAS NASDAQGS NASDAQGM NASDAQCM');
alias('XLON', 'XLON LSE LON IOB');
alias('XETR', 'XETR XETRA GER ETR DEX FRA XFRA STU MUN BER DUS HAM');
alias('XPAR', 'XPAR PAR EPA ENXTPA');
alias('XAMS', 'XAMS AMS ENXTAM');
alias('XBRU', 'XBRU BRU EBR ENXTBR');
alias('XLIS', 'XLIS LIS ENXTLS');
alias('XSWX', 'XSWX SWX EBS VTX SIX');
alias('XTSE', 'XTSE TSX TOR TRT CNQ VAN TSXV TRV NEO');
alias('XASX', 'XASX ASX');
alias('XTKS', 'XTKS JPX TYO');
alias('XHKG', 'XHKG HKG HKEX');
alias('CRYPTO', 'CRYPTO CCC');
alias('FX', 'FX CCY');

const SUFFIXES: Record<string, CalendarId> = {
  L: 'XLON', IL: 'XLON', DE: 'XETR', F: 'XETR', PA: 'XPAR', AS: 'XAMS', BR: 'XBRU', LS: 'XLIS',
  SW: 'XSWX', VX: 'XSWX', TO: 'XTSE', V: 'XTSE', AX: 'XASX', T: 'XTKS', HK: 'XHKG',
};

const BY_CURRENCY: Record<string, CalendarId> = {
  USD: 'XNYS', GBP: 'XLON', EUR: 'XETR', CHF: 'XSWX', CAD: 'XTSE', AUD: 'XASX', JPY: 'XTKS', HKD: 'XHKG',
};

/** Normalises a provider's exchange name to a calendar id, if it is one we know. */
export function exchangeCalendarId(exchange: string | null | undefined): CalendarId | undefined {
  if (!exchange) return undefined;
  return EXCHANGE_ALIASES[exchange.trim().toUpperCase().replace(/\s+/g, '')];
}

/**
 * The calendar an instrument trades on: crypto and currencies by type, then the exchange,
 * then the symbol's suffix (`VOD.L`), then the currency's main exchange; instruments with no
 * exchange (funds, property, manual ones) follow weekdays.
 */
export function calendarFor(instrument: {
  type: InstrumentType;
  exchange?: string | null;
  symbol?: string;
  currency?: string;
}): MarketCalendar {
  if (instrument.type === 'CRYPTO') return CALENDARS.CRYPTO;
  if (instrument.type === 'CURRENCY') return CALENDARS.FX;
  const byExchange = exchangeCalendarId(instrument.exchange);
  if (byExchange) return CALENDARS[byExchange];
  const exchangeTraded = instrument.type === 'EQUITY' || instrument.type === 'ETF';
  if (!exchangeTraded) return CALENDARS.WEEKDAYS;
  const dot = instrument.symbol?.lastIndexOf('.') ?? -1;
  if (instrument.symbol && dot > 0) {
    const bySuffix = SUFFIXES[instrument.symbol.slice(dot + 1)];
    if (bySuffix) return CALENDARS[bySuffix];
  }
  const byCurrency = instrument.currency ? BY_CURRENCY[instrument.currency] : undefined;
  return byCurrency ? CALENDARS[byCurrency] : CALENDARS.WEEKDAYS;
}

const closureCache = new Map<string, Map<Day, Closure>>();

/** Why the market is shut (or shortened) on `day`, if it is; weekends included. */
export function closureOn(calendar: MarketCalendar, day: Day): Closure | undefined {
  if (!calendar.everyDay) {
    const w = weekday(day);
    if (w === 0 || w === 6) return { kind: 'closed', name: 'Weekend' };
  }
  const year = Number(day.slice(0, 4));
  const key = `${calendar.id}:${year}`;
  let closures = closureCache.get(key);
  if (!closures) {
    closures = calendar.holidays(year);
    closureCache.set(key, closures);
  }
  return closures.get(day);
}

export function isTradingDay(calendar: MarketCalendar, day: Day): boolean {
  return closureOn(calendar, day)?.kind !== 'closed';
}

/** The regular session on `day`, or undefined when the market is closed all day. */
export function sessionOn(calendar: MarketCalendar, day: Day): Session | undefined {
  const closure = closureOn(calendar, day);
  if (closure?.kind === 'closed') return undefined;
  const closeMinutes = closure?.kind === 'early' ? closure.closeMinutes : calendar.closeMinutes;
  return {
    day,
    open: zonedInstant(day, calendar.openMinutes, calendar.timeZone),
    close: zonedInstant(day, closeMinutes, calendar.timeZone),
  };
}

export function marketState(calendar: MarketCalendar, at: Date): 'open' | 'closed' {
  const { day } = wallClock(at, calendar.timeZone);
  const session = sessionOn(calendar, day);
  return session && at >= session.open && at < session.close ? 'open' : 'closed';
}

const MAX_LOOKAROUND_DAYS = 20;

/** The session open at `at`, or else the last one that opened before it. */
export function latestSession(calendar: MarketCalendar, at: Date): Session {
  let day = dayIn(at, calendar.timeZone);
  for (let i = 0; i < MAX_LOOKAROUND_DAYS; i++, day = addDays(day, -1)) {
    const session = sessionOn(calendar, day);
    if (session && session.open <= at) return session;
  }
  throw new Error(`no ${calendar.id} session in the ${MAX_LOOKAROUND_DAYS} days before ${at.toISOString()}`);
}

/** The last session that had closed by `at`. */
export function lastClosedSession(calendar: MarketCalendar, at: Date): Session {
  let day = dayIn(at, calendar.timeZone);
  for (let i = 0; i < MAX_LOOKAROUND_DAYS; i++, day = addDays(day, -1)) {
    const session = sessionOn(calendar, day);
    if (session && session.close <= at) return session;
  }
  throw new Error(`no closed ${calendar.id} session in the ${MAX_LOOKAROUND_DAYS} days before ${at.toISOString()}`);
}

/** The next session that opens after `at`. */
export function nextSession(calendar: MarketCalendar, at: Date): Session {
  let day = dayIn(at, calendar.timeZone);
  for (let i = 0; i < MAX_LOOKAROUND_DAYS; i++, day = addDays(day, 1)) {
    const session = sessionOn(calendar, day);
    if (session && session.open > at) return session;
  }
  throw new Error(`no ${calendar.id} session in the ${MAX_LOOKAROUND_DAYS} days after ${at.toISOString()}`);
}

/** Every trading day from `from` to `to`, inclusive. */
export function tradingDays(calendar: MarketCalendar, from: Day, to: Day): Day[] {
  const out: Day[] = [];
  const end = dayNumber(to);
  for (let n = dayNumber(from), day = from; n <= end; n++, day = addDays(day, 1)) {
    if (isTradingDay(calendar, day)) out.push(day);
  }
  return out;
}

/** The trading day before `day` (skipping weekends and holidays). */
export function previousTradingDay(calendar: MarketCalendar, day: Day): Day {
  let d = addDays(day, -1);
  for (let i = 0; i < MAX_LOOKAROUND_DAYS && !isTradingDay(calendar, d); i++) d = addDays(d, -1);
  return d;
}
