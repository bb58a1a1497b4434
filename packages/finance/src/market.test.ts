import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.js';
import { parseFloatFast, parseSeries, prepareMarketData } from './market.js';

describe('market data', () => {
  it('parses decimal strings to exactly the float Number() gives (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.integer({ min: 0, max: 18 }), (c, scale) => {
        const digits = (c < 0n ? -c : c).toString().padStart(scale + 1, '0');
        const s = `${c < 0n ? '-' : ''}${scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits}`;
        expect(parseFloatFast(s)).toBe(Number(s));
      }),
      { numRuns: 2000 },
    );
    for (const s of ['0', '1e5', '12.5E-3', '.5', '100.', '123456789012345678', '0.1']) expect(parseFloatFast(s)).toBe(Number(s));
  });

  it('sorts a series and keeps the last value of a repeated date', () => {
    const s = parseSeries([
      ['2024-01-03', '3'],
      ['2024-01-01', '1'],
      ['2024-01-03', '4'],
    ]);
    expect(Array.from(s.days)).toEqual([parseDate('2024-01-01'), parseDate('2024-01-03')]);
    expect(Array.from(s.values)).toEqual([1, 4]);
  });

  it('reads shared dates once across series', () => {
    const m = prepareMarketData({
      prices: { A: [['2024-01-01', '1']], B: [['2024-01-01', '2'], ['2024-01-02', '3']] },
      fx: { EUR: [['2024-01-02', '1.1']] },
    });
    expect(Array.from(m.prices.get('B')!.days)).toEqual([parseDate('2024-01-01'), parseDate('2024-01-02')]);
    expect(Array.from(m.fx.get('EUR')!.days)).toEqual([parseDate('2024-01-02')]);
  });
});
