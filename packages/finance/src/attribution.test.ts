import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attribution, type AttributionParts } from './attribution.js';
import { performance, type PerformanceQuery } from './performance.js';
import { buildPortfolio } from './portfolio.js';
import { intentArb, materialise, portfolioInput } from './test/generate.js';

function explained(x: AttributionParts): number {
  return x.priceGain + x.income + x.currencyEffect - x.fees - x.taxes;
}

const queries: PerformanceQuery[] = [
  {},
  { range: { from: '2024-01-10', to: '2024-01-30' } },
  { filter: { accounts: ['C'] } },
  { filter: { accounts: ['N', 'E'] }, range: 'MTD' },
  { filter: { symbols: ['S3'] } },
  { filter: { assetClasses: ['EQUITY', 'CASH'] } },
];

describe('attribution', () => {
  it('adds up: price + income + currency − fees − taxes = gain, per part and in total (property)', () => {
    fc.assert(
      fc.property(fc.array(intentArb, { minLength: 1, maxLength: 50, size: 'max' }), (intents) => {
        const { activities } = materialise(intents);
        if (activities.length === 0) return;
        const p = buildPortfolio(portfolioInput(activities));
        for (const q of queries) {
          const a = attribution(p, q);
          const scale = 1e-9 * Math.max(1, ...[...a.holdings, ...a.cash].map((x) => Math.abs(x.total) + Math.abs(x.priceGain)));
          for (const part of [...a.holdings, ...a.cash, a.total]) {
            expect(Math.abs(explained(part) - part.total), JSON.stringify(part)).toBeLessThanOrEqual(scale);
          }
          const sum = [...a.holdings, ...a.cash].reduce((s, x) => s + x.total, 0);
          expect(Math.abs(sum - a.total.total)).toBeLessThanOrEqual(scale);
          expect(Math.abs(performance(p, q).absoluteGain - a.total.total)).toBeLessThanOrEqual(scale);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('gives each holding its own fees and taxes, and cash its interest', () => {
    const p = buildPortfolio(
      portfolioInput([
        { id: '1', accountId: 'C', date: '2024-01-02', type: 'DEPOSIT', amount: '1000' },
        { id: '2', accountId: 'C', date: '2024-01-02', type: 'BUY', symbol: 'S1', quantity: '1', unitPrice: '100', fee: '1.5', tax: '0.5' },
        { id: '3', accountId: 'C', date: '2024-01-03', type: 'DIVIDEND', symbol: 'S1', amount: '4', tax: '0.6' },
        { id: '4', accountId: 'C', date: '2024-01-04', type: 'INTEREST', amount: '0.8' },
        { id: '5', accountId: 'C', date: '2024-01-05', type: 'FEE', amount: '3' },
      ]),
    );
    const a = attribution(p);
    expect(a.holdings[0]).toMatchObject({ symbol: 'S1', income: 4, fees: 1.5 });
    expect(a.holdings[0]!.taxes).toBeCloseTo(1.1, 12);
    expect(a.cash[0]).toMatchObject({ currency: 'USD', income: 0.8, fees: 3, priceGain: 0 });
  });
});
