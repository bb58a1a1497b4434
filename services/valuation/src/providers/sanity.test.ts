import { describe, expect, it } from 'vitest';
import { CALENDARS } from '../market-hours.js';
import { checkQuote, cleanBars, isJump, staleBefore, toPrice } from './sanity.js';

const now = new Date('2026-01-09T18:00:00Z'); // a Friday, NYSE open
const ctx = { type: 'EQUITY' as const, calendar: CALENDARS.XNYS, now };

describe('the sanity checks on prices', () => {
  it('rejects prices that are not positive finite numbers', () => {
    expect(toPrice(Number.NaN)).toEqual({ rejected: 'not_a_number' });
    expect(toPrice(Number.POSITIVE_INFINITY)).toEqual({ rejected: 'not_a_number' });
    expect(toPrice(0)).toEqual({ rejected: 'non_positive' });
    expect(toPrice(-3.2)).toEqual({ rejected: 'non_positive' });
    expect(toPrice('0.0000')).toEqual({ rejected: 'non_positive' });
    expect(toPrice('-1.5')).toEqual({ rejected: 'non_positive' });
    expect(toPrice('12,5')).toEqual({ rejected: 'not_a_number' });
    expect(toPrice(null)).toEqual({ rejected: 'not_a_number' });
  });

  it('keeps decimal strings exact and strips float noise from binary prices', () => {
    expect(toPrice('295.7700')).toEqual({ price: '295.77' });
    expect(toPrice(243.85000610351562, 2)).toEqual({ price: '243.85' });
    expect(toPrice(189.97999572753906)).toEqual({ price: '189.979995728' });
    expect(toPrice(0.00000123, 2)).toEqual({ price: '0.00000123' });
  });

  it('rejects a quote stamped in the future', () => {
    const verdict = checkQuote({ price: 100, currency: 'USD', asOf: new Date('2026-01-09T18:30:00Z') }, ctx);
    expect(verdict).toMatchObject({ ok: false, reason: 'future' });
    expect(checkQuote({ price: 100, currency: 'USD', asOf: new Date('2026-01-09T18:03:00Z') }, ctx).ok).toBe(true);
  });

  it('rejects a quote older than the session before the current one as stale', () => {
    expect(staleBefore(CALENDARS.XNYS, now).toISOString()).toBe('2026-01-08T14:30:00.000Z');
    expect(checkQuote({ price: 100, currency: 'USD', asOf: new Date('2026-01-07T21:00:00Z') }, ctx)).toMatchObject({ ok: false, reason: 'stale' });
    expect(checkQuote({ price: 100, currency: 'USD', asOf: new Date('2026-01-08T21:00:00Z') }, ctx).ok).toBe(true);
    // Crypto trades all the time: six hours without a trade is a frozen feed.
    const crypto = { type: 'CRYPTO' as const, calendar: CALENDARS.CRYPTO, now };
    expect(checkQuote({ price: 100, currency: 'USD', asOf: new Date('2026-01-09T11:00:00Z') }, crypto)).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('flags an absurd jump against the previous close, but not a normal move', () => {
    const references = [{ date: '2026-01-08', close: '100.00' }];
    const quote = (price: number) => checkQuote({ price, currency: 'USD', asOf: new Date('2026-01-09T17:00:00Z') }, { ...ctx, references });
    expect(quote(112)).toMatchObject({ ok: true, price: '112', previousClose: '100.00', sessionDay: '2026-01-09' });
    expect(quote(1000)).toMatchObject({ ok: false, reason: 'jump', price: '1000' });
    expect(quote(10)).toMatchObject({ ok: false, reason: 'jump' });
  });

  it('compares with the latest price accepted up to the quote’s day, reports the close before it, and allows more after a long gap', () => {
    // Today's 200 is a confirmed jump from yesterday's 100.
    const references = [
      { date: '2026-01-09', close: '200' },
      { date: '2026-01-08', close: '100' },
    ];
    const at = (price: number) => checkQuote({ price, currency: 'USD', asOf: new Date('2026-01-09T17:00:00Z') }, { ...ctx, references });
    expect(at(205)).toMatchObject({ ok: true, previousClose: '100' });
    expect(at(105)).toMatchObject({ ok: false, reason: 'jump' });
    expect(isJump('EQUITY', 160, 100, 1)).toBe(true);
    expect(isJump('EQUITY', 160, 100, 60)).toBe(false);
    expect(isJump('CURRENCY', 1.15, 1.0, 1)).toBe(true);
    expect(isJump('CRYPTO', 1.15, 1.0, 1)).toBe(false);
  });

  it('drops bad bars from a series: non-positive, future, and isolated spikes', () => {
    const { bars, dropped } = cleanBars(
      [
        { date: '2026-01-02', close: 100 },
        { date: '2026-01-05', close: 101 },
        { date: '2026-01-06', close: 1010 },
        { date: '2026-01-07', close: 102 },
        { date: '2026-01-08', close: 0 },
        { date: '2026-01-09', close: 103 },
        { date: '2026-01-12', close: 104 },
      ],
      { type: 'EQUITY', today: '2026-01-09' },
    );
    expect(bars.map((b) => b.date)).toEqual(['2026-01-02', '2026-01-05', '2026-01-07', '2026-01-09']);
    expect(dropped).toEqual(
      expect.arrayContaining([
        { date: '2026-01-06', reason: 'spike' },
        { date: '2026-01-08', reason: 'non_positive' },
        { date: '2026-01-12', reason: 'future' },
      ]),
    );
  });

  it('keeps a lasting level shift (a real move) in a series', () => {
    const { bars } = cleanBars(
      [
        { date: '2026-01-05', close: 100 },
        { date: '2026-01-06', close: 40 },
        { date: '2026-01-07', close: 41 },
      ],
      { type: 'EQUITY', today: '2026-01-09' },
    );
    expect(bars).toHaveLength(3);
  });
});
