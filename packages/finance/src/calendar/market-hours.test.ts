import { describe, expect, it } from 'vitest';
import { easterSunday } from './holidays.js';
import {
  CALENDARS,
  calendarFor,
  closureOn,
  isTradingDay,
  lastClosedSession,
  latestSession,
  marketState,
  nextSession,
  sessionOn,
  tradingDays,
} from './market-hours.js';

const at = (iso: string) => new Date(iso);

describe('the market-hours calendar', () => {
  const nyse = CALENDARS.XNYS;

  it('closes the NYSE on Friday 2026-07-03, when Independence Day falls on a Saturday', () => {
    expect(closureOn(nyse, '2026-07-03')).toEqual({ kind: 'closed', name: 'Independence Day' });
    expect(isTradingDay(nyse, '2026-07-03')).toBe(false);
    expect(marketState(nyse, at('2026-07-03T15:00:00Z'))).toBe('closed');
    // Thursday the 2nd is a full day: no early close when the holiday is observed on Friday.
    expect(sessionOn(nyse, '2026-07-02')?.close.toISOString()).toBe('2026-07-02T20:00:00.000Z');
  });

  it('closes exchanges on weekends and reopens them on Monday at the local open', () => {
    expect(isTradingDay(nyse, '2026-07-04')).toBe(false);
    expect(isTradingDay(nyse, '2026-07-05')).toBe(false);
    expect(marketState(nyse, at('2026-07-05T16:00:00Z'))).toBe('closed');
    expect(nextSession(nyse, at('2026-07-03T12:00:00Z')).open.toISOString()).toBe('2026-07-06T13:30:00.000Z');
    expect(closureOn(CALENDARS.XLON, '2026-07-04')?.name).toBe('Weekend');
  });

  it('keeps crypto open on a Sunday', () => {
    expect(marketState(CALENDARS.CRYPTO, at('2026-07-05T03:00:00Z'))).toBe('open');
    expect(isTradingDay(CALENDARS.CRYPTO, '2026-07-05')).toBe(true);
    expect(tradingDays(CALENDARS.CRYPTO, '2026-07-01', '2026-07-07')).toHaveLength(7);
  });

  it('opens the NYSE at 9:30 New York time across daylight saving time', () => {
    expect(sessionOn(nyse, '2026-01-05')?.open.toISOString()).toBe('2026-01-05T14:30:00.000Z');
    expect(sessionOn(nyse, '2026-07-06')?.open.toISOString()).toBe('2026-07-06T13:30:00.000Z');
    expect(marketState(nyse, at('2026-01-05T14:29:59Z'))).toBe('closed');
    expect(marketState(nyse, at('2026-01-05T14:30:00Z'))).toBe('open');
    expect(marketState(nyse, at('2026-01-05T21:00:00Z'))).toBe('closed');
  });

  it('knows the NYSE holidays and early closes of 2026', () => {
    const open = tradingDays(nyse, '2026-01-01', '2026-12-31').length;
    // 365 days, 104 weekend days, 10 holidays on weekdays.
    expect(open).toBe(365 - 104 - 10);
    expect(easterSunday(2026)).toBe('2026-04-05');
    for (const day of ['2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25', '2026-06-19', '2026-09-07', '2026-11-26', '2026-12-25']) {
      expect(isTradingDay(nyse, day), day).toBe(false);
    }
    expect(sessionOn(nyse, '2026-11-27')?.close.toISOString()).toBe('2026-11-27T18:00:00.000Z');
    expect(sessionOn(nyse, '2026-12-24')?.close.toISOString()).toBe('2026-12-24T18:00:00.000Z');
  });

  it('does not close the NYSE on Friday 2027-12-31 for a New Year that falls on Saturday', () => {
    expect(isTradingDay(nyse, '2027-12-31')).toBe(true);
    expect(isTradingDay(nyse, '2021-12-31')).toBe(true);
    // A Sunday New Year's Day is observed on Monday.
    expect(isTradingDay(nyse, '2023-01-02')).toBe(false);
  });

  it('moves London bank holidays that fall on a weekend to the next weekday', () => {
    // Christmas 2027 is a Saturday and Boxing Day a Sunday: closed Monday 27 and Tuesday 28.
    expect(isTradingDay(CALENDARS.XLON, '2027-12-27')).toBe(false);
    expect(isTradingDay(CALENDARS.XLON, '2027-12-28')).toBe(false);
    expect(isTradingDay(CALENDARS.XLON, '2027-12-29')).toBe(true);
    expect(sessionOn(CALENDARS.XLON, '2026-12-24')?.close.toISOString()).toBe('2026-12-24T12:30:00.000Z');
  });

  it('finds the session a quote belongs to and the last completed one', () => {
    expect(latestSession(nyse, at('2026-07-06T15:00:00Z')).day).toBe('2026-07-06');
    expect(latestSession(nyse, at('2026-07-06T12:00:00Z')).day).toBe('2026-07-02');
    expect(lastClosedSession(nyse, at('2026-07-06T15:00:00Z')).day).toBe('2026-07-02');
    expect(latestSession(CALENDARS.XTKS, at('2026-07-06T01:00:00Z')).day).toBe('2026-07-06');
  });

  it('picks a calendar from the type, the exchange, the symbol suffix or the currency', () => {
    expect(calendarFor({ type: 'CRYPTO', exchange: 'NMS' }).id).toBe('CRYPTO');
    expect(calendarFor({ type: 'CURRENCY' }).id).toBe('FX');
    expect(calendarFor({ type: 'EQUITY', exchange: 'NMS' }).id).toBe('XNAS');
    expect(calendarFor({ type: 'EQUITY', symbol: 'VOD.L', currency: 'GBP' }).id).toBe('XLON');
    expect(calendarFor({ type: 'ETF', symbol: 'VOO', currency: 'USD' }).id).toBe('XNYS');
    expect(calendarFor({ type: 'REAL_ESTATE', currency: 'USD' }).id).toBe('WEEKDAYS');
  });
});
