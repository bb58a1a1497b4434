import { describe, expect, it } from 'vitest';
import { attribution } from './attribution.js';
import { holdings } from './holdings.js';
import { performance } from './performance.js';
import { diagnostics } from './portfolio.js';
import { build, series } from './test/fixtures.js';

/*
 * A dividend recorded on ACME before the account ever buys ACME (e.g. the shares were held
 * before the imported history starts), then a later buy. Account tracks cash, base USD.
 *
 *   01-02 DEPOSIT 1000          cash 1000                      value 1000
 *   01-03 DIVIDEND ACME 10      cash 1010 (no ACME held)       value 1010
 *   01-04 BUY 10 ACME @ 50, fee 1  cash 509, ACME 10 × 50 = 500  value 1009
 *   01-05 ACME closes at 55     cash 509, ACME 550             value 1059
 *
 * Only flow: +1000 in on 01-02. Daily returns: 0, 1010/1000−1, 1009/1010−1, 1059/1009−1,
 * which chain-link (telescope) to 1059/1000 − 1 = 5.9%. Gain 1059 − 1000 = 59 =
 * dividend 10 + price gain 10 × (55 − 50) = 50 − fee 1.
 */
const p = build({
  asOf: '2024-01-05',
  instruments: [{ symbol: 'ACME', currency: 'USD', assetClass: 'EQUITY' }],
  activities: [
    { date: '2024-01-02', type: 'DEPOSIT', amount: '1000' },
    { date: '2024-01-03', type: 'DIVIDEND', symbol: 'ACME', amount: '10' },
    { date: '2024-01-04', type: 'BUY', symbol: 'ACME', quantity: '10', unitPrice: '50', fee: '1' },
  ],
  prices: { ACME: series(['2024-01-04', '50'], ['2024-01-05', '55']) },
});

describe('dividend before a later buy', () => {
  it('counts the dividend in value, gain and time-weighted return of the portfolio', () => {
    const r = performance(p);
    expect(r.range).toMatchObject({ from: '2024-01-01', to: '2024-01-05', days: 4 });
    expect(r.series.map((s) => s.value)).toEqual([0, 1000, 1010, 1009, 1059]);
    expect(r.twr).toBeCloseTo(0.059, 12);
    expect(r.absoluteGain).toBeCloseTo(59, 9);
    // One inflow at the start of day 1 of 4: money-weighted and Modified Dietz are 59 / 1000.
    expect(r.mwr).toBeCloseTo(0.059, 9);
    expect(r.modifiedDietz).toBeCloseTo(0.059, 12);
    expect(r.series[4]!.netContribution).toBe(1000);
  });

  it('keeps the dividend in the holding while its TWR only measures days with capital', () => {
    const r = performance(p, { filter: { symbols: ['ACME'] } });
    // ACME alone: on 01-03 no capital (dividend out 10, nothing held) → return 0;
    // 01-04: 500 / (0 + 501 paid in) − 1; 01-05: 550/500 − 1 → (500/501) × 1.1 − 1.
    expect(r.twr).toBeCloseTo((500 / 501) * 1.1 - 1, 12);
    // Gain 550 − 0 − 501 in + 10 out = 59: the dividend is not lost.
    expect(r.absoluteGain).toBeCloseTo(59, 9);
  });

  it('reports the dividend as income of the holding, with exact cost and cash', () => {
    const h = holdings(p);
    const acme = h.total.holdings[0]!;
    expect(acme).toMatchObject({ symbol: 'ACME', quantity: '10', value: '550', costBasis: '501', unrealisedGain: '49', income: '10', fees: '1' });
    expect(h.total.cash).toEqual([{ currency: 'USD', balance: '509', valueBase: '509', weight: 509 / 1059 }]);
    expect(h.total.value).toBe('1059');
  });

  it('attributes the gain to price, income and fees', () => {
    const a = attribution(p);
    expect(a.total.priceGain).toBeCloseTo(50, 9);
    expect(a.total.income).toBeCloseTo(10, 9);
    expect(a.total.fees).toBeCloseTo(1, 9);
    expect(a.total.total).toBeCloseTo(59, 9);
  });

  it('reports nothing wrong', () => {
    expect(diagnostics(p)).toEqual([]);
  });
});
