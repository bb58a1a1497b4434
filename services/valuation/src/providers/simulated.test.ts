import type { InstrumentType } from '@meridian/contracts';
import { describe, expect, it } from 'vitest';
import { isWeekend } from '../days.js';
import { CALENDARS, isTradingDay } from '../market-hours.js';
import { ASSET_CLASS_MODEL, createSimulatedProvider, simulatedCloses, simulatedQuote, simulatedRates, simulatedVolatility } from './simulated.js';

const instrument = (symbol: string, type: InstrumentType, currency = 'USD', exchange: string | null = null) => ({ symbol, type, currency, exchange });

function logReturns(closes: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < closes.length; i++) out.push(Math.log(closes[i]! / closes[i - 1]!));
  return out;
}

function stdev(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
}

const closesOf = (symbol: string, type: InstrumentType, from: string, to: string, exchange: string | null = null) =>
  simulatedCloses(instrument(symbol, type, 'USD', exchange), from, to).map((b) => Number(b.close));

describe('the simulated market', () => {
  it('gives the same series for the same symbol, whatever range is asked', () => {
    const a = simulatedCloses(instrument('AAPL', 'EQUITY', 'USD', 'XNAS'), '2024-01-01', '2024-12-31');
    const b = simulatedCloses(instrument('AAPL', 'EQUITY', 'USD', 'XNAS'), '2024-06-03', '2024-06-28');
    expect(b).toEqual(a.filter((x) => x.date >= '2024-06-03' && x.date <= '2024-06-28'));
    expect(simulatedCloses(instrument('AAPL', 'EQUITY', 'USD', 'XNAS'), '2024-01-01', '2024-12-31')).toEqual(a);
    const other = simulatedCloses(instrument('MSFT', 'EQUITY', 'USD', 'XNAS'), '2024-01-01', '2024-12-31');
    expect(other.map((x) => x.close)).not.toEqual(a.map((x) => x.close));
  });

  it('sits near the real price level of a listed instrument on its reference day', () => {
    const [bar] = simulatedCloses(instrument('AAPL', 'EQUITY', 'USD', 'XNAS'), '2025-01-02', '2025-01-02');
    expect(bar?.date).toBe('2025-01-02');
    expect(Number(bar?.close)).toBeCloseTo(243.85, 9);
  });

  it('trades equities on exchange days only, and crypto every day', () => {
    const equity = simulatedCloses(instrument('AAPL', 'EQUITY', 'USD', 'XNAS'), '2025-12-20', '2026-01-05').map((b) => b.date);
    expect(equity.some(isWeekend)).toBe(false);
    expect(equity).not.toContain('2025-12-25');
    expect(equity.every((d) => isTradingDay(CALENDARS.XNAS, d))).toBe(true);
    const crypto = simulatedCloses(instrument('BTC-USD', 'CRYPTO'), '2025-12-20', '2026-01-05').map((b) => b.date);
    expect(crypto).toHaveLength(17);
    expect(crypto).toContain('2025-12-21');
  });

  it('draws each asset class with its own volatility and a plausible long-run drift', () => {
    const cases: Array<{ type: InstrumentType; symbols: string[]; perYear: number; exchange: string | null }> = [
      { type: 'EQUITY', symbols: ['AAPL', 'XOM', 'ZZZQ', 'ACME', 'MSFT'], perYear: 252, exchange: 'XNYS' },
      { type: 'ETF', symbols: ['VOO', 'VT', 'QQQ'], perYear: 252, exchange: 'XNYS' },
      { type: 'BOND', symbols: ['VBTLX', 'BONDX'], perYear: 252, exchange: null },
      { type: 'CRYPTO', symbols: ['BTC-USD', 'ETH-USD', 'DOGE-USD'], perYear: 365, exchange: null },
    ];
    for (const { type, symbols, perYear, exchange } of cases) {
      const [lo, hi] = ASSET_CLASS_MODEL[type as Exclude<InstrumentType, 'CURRENCY' | 'CASH'>].vol;
      for (const symbol of symbols) {
        const closes = closesOf(symbol, type, '2005-01-01', '2024-12-31', exchange);
        expect(closes.every((c) => c > 0 && Number.isFinite(c)), symbol).toBe(true);
        const returns = logReturns(closes);
        const vol = stdev(returns) * Math.sqrt(perYear);
        expect(vol, `${symbol} volatility`).toBeGreaterThan(lo * 0.85);
        expect(vol, `${symbol} volatility`).toBeLessThan(hi * 1.15);
        expect(Math.abs(simulatedVolatility(symbol, type) - vol) / vol, `${symbol} realised vs model`).toBeLessThan(0.1);
        const years = returns.length / perYear;
        const annualLogReturn = Math.log(closes.at(-1)! / closes[0]!) / years;
        // Twenty years at the class's drift, give or take three standard errors.
        const sigma = simulatedVolatility(symbol, type);
        const expected = ASSET_CLASS_MODEL[type as Exclude<InstrumentType, 'CURRENCY' | 'CASH'>].drift - sigma ** 2 / 2;
        expect(Math.abs(annualLogReturn - expected), `${symbol} drift`).toBeLessThan((3 * sigma) / Math.sqrt(years));
        const worstDay = Math.max(...returns.map(Math.abs));
        expect(worstDay, `${symbol} worst day`).toBeLessThan(type === 'CRYPTO' ? 0.5 : 0.25);
      }
    }
  });

  it('keeps currencies low-volatility and mean-reverting, with consistent cross rates', () => {
    const eurusd = simulatedRates('EUR', 'USD', '2000-01-03', '2025-12-31').map((r) => Number(r.rate));
    const vol = stdev(logReturns(eurusd)) * Math.sqrt(252);
    expect(vol).toBeGreaterThan(0.05);
    expect(vol).toBeLessThan(0.11);
    expect(Math.min(...eurusd)).toBeGreaterThan(0.6);
    expect(Math.max(...eurusd)).toBeLessThan(1.7);
    const [eur] = simulatedRates('EUR', 'USD', '2025-06-02', '2025-06-02');
    const [gbp] = simulatedRates('GBP', 'USD', '2025-06-02', '2025-06-02');
    const [eurgbp] = simulatedRates('EUR', 'GBP', '2025-06-02', '2025-06-02');
    expect(Number(eurgbp!.rate)).toBeCloseTo(Number(eur!.rate) / Number(gbp!.rate), 4);
    expect(simulatedRates('EUR', 'USD', '2025-06-07', '2025-06-08')).toEqual([]);
  });

  it('moves intraday from the previous close to the day’s close, the same minute always giving the same price', () => {
    const aapl = instrument('AAPL', 'EQUITY', 'USD', 'XNAS');
    const [prev, day] = simulatedCloses(aapl, '2026-01-08', '2026-01-09');
    const open = simulatedQuote(aapl, new Date('2026-01-09T14:30:00Z'))!;
    expect(open.price).toBeCloseTo(Number(prev!.close), 6);
    const mid1 = simulatedQuote(aapl, new Date('2026-01-09T17:15:10Z'))!;
    const mid2 = simulatedQuote(aapl, new Date('2026-01-09T17:15:50Z'))!;
    expect(mid1).toEqual(mid2);
    expect(mid1.asOf.toISOString()).toBe('2026-01-09T17:15:00.000Z');
    const after = simulatedQuote(aapl, new Date('2026-01-09T23:00:00Z'))!;
    expect(after).toMatchObject({ price: Number(day!.close), asOf: new Date('2026-01-09T21:00:00Z'), previousClose: Number(prev!.close) });
    const weekend = simulatedQuote(aapl, new Date('2026-01-10T15:00:00Z'))!;
    expect(weekend.price).toBe(after.price);
  });

  it('never hands out the close of a session that has not ended', async () => {
    const provider = createSimulatedProvider(() => new Date('2026-01-09T18:00:00Z'));
    const ref = { symbol: 'AAPL', type: 'EQUITY' as const, currency: 'USD', exchange: 'XNAS', providerIds: {} };
    const bars = await provider.history!(ref, '2026-01-05', '2026-01-09');
    expect(bars.at(-1)?.date).toBe('2026-01-08');
  });

  it('lists catalogue instruments and derives crypto and currency pairs, but invents nothing else', async () => {
    const provider = createSimulatedProvider(() => new Date('2026-01-09T18:00:00Z'));
    expect(await provider.lookup!('SAP.DE')).toMatchObject({ name: 'SAP SE', type: 'EQUITY', currency: 'EUR', exchange: 'XETR', country: 'DE' });
    expect(await provider.lookup!('SOL-EUR')).toMatchObject({ type: 'CRYPTO', currency: 'EUR' });
    expect(await provider.lookup!('GBPJPY=X')).toMatchObject({ type: 'CURRENCY', currency: 'JPY' });
    expect(await provider.lookup!('MY-HOUSE')).toBeUndefined();
    expect((await provider.search!('vanguard', 3)).map((i) => i.symbol)).toEqual(['VOO', 'VTI', 'VT']);
  });
});

describe('splits in the simulated market', () => {
  it('quotes closes before a split as they were then: higher by the ratio', () => {
    const bars = simulatedCloses({ symbol: 'NVDA', type: 'EQUITY', currency: 'USD', exchange: 'XNAS' }, '2024-06-06', '2024-06-11');
    const before = Number(bars.find((b) => b.date === '2024-06-07')!.close);
    const after = Number(bars.find((b) => b.date === '2024-06-10')!.close);
    // One day's move is far below 50 %; the split divides the price by ten.
    expect(before / after).toBeGreaterThan(10 * 0.8);
    expect(before / after).toBeLessThan(10 * 1.25);
  });
});
