import { describe, expect, it } from 'vitest';
import { holdings } from './holdings.js';
import { diagnostics } from './portfolio.js';
import { build, series } from './test/fixtures.js';

const setup = {
  asOf: '2024-01-05',
  accounts: [
    { id: 'cash', currency: 'USD', tracksCash: true },
    { id: 'plain', currency: 'USD', tracksCash: false },
  ],
  instruments: [
    { symbol: 'A', currency: 'USD', assetClass: 'EQUITY', name: 'Alpha' },
    { symbol: 'H', currency: 'USD', assetClass: 'REAL_ESTATE', name: 'House' },
  ],
  activities: [
    { accountId: 'cash', date: '2024-01-01', type: 'DEPOSIT', amount: '1000' },
    { accountId: 'cash', date: '2024-01-02', type: 'BUY', symbol: 'A', quantity: '4', unitPrice: '50' },
    { accountId: 'plain', date: '2024-01-02', type: 'BUY', symbol: 'A', quantity: '6', unitPrice: '55' },
    { accountId: 'plain', date: '2024-01-02', type: 'BUY', symbol: 'H', quantity: '1', unitPrice: '300000' },
    { accountId: 'plain', date: '2024-01-04', type: 'VALUATION', symbol: 'H', unitPrice: '310000' },
    { accountId: 'cash', date: '2024-01-05', type: 'SELL', symbol: 'A', quantity: '1', unitPrice: '60' },
  ],
  prices: { A: series(['2024-01-02', '52'], ['2024-01-05', '60']) },
} as const;

describe('holdings summary', () => {
  const p = build({ ...setup, accounts: [...setup.accounts], instruments: [...setup.instruments], activities: [...setup.activities] });
  const h = holdings(p);

  it('summarises each account exactly', () => {
    const [cash, plain] = h.accounts;
    expect(cash!.accountId).toBe('cash');
    expect(cash!.holdings).toEqual([
      expect.objectContaining({ symbol: 'A', quantity: '3', value: '180', costBasis: '150', unrealisedGain: '30', realisedGain: '10', provenance: 'exact' }),
    ]);
    expect(cash!.cash).toEqual([expect.objectContaining({ currency: 'USD', balance: '860' })]);
    expect(cash!.value).toBe('1040');
    expect(plain!.holdings.map((x) => [x.symbol, x.quantity, x.value, x.costBasis, x.price, x.priceDate, x.provenance])).toEqual([
      ['A', '6', '360', '330', '60', '2024-01-05', 'exact'],
      ['H', '1', '310000', '300000', '310000', '2024-01-04', 'carried'],
    ]);
  });

  it('adds accounts up per instrument, with weights of the total', () => {
    expect(h.total.holdings.map((x) => [x.symbol, x.quantity, x.value, x.costBasis, x.realisedGain])).toEqual([
      ['A', '9', '540', '480', '10'],
      ['H', '1', '310000', '300000', '0'],
    ]);
    expect(h.total.value).toBe('311400');
    const weights = [...h.total.holdings.map((x) => x.weight), ...h.total.cash.map((c) => c.weight)];
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(h.total.holdings[1]!.weight).toBeCloseTo(310000 / 311400, 12);
  });

  it('answers for an earlier date and a filter', () => {
    const early = holdings(p, { date: '2024-01-03' });
    expect(early.total.holdings.map((x) => [x.symbol, x.quantity, x.value])).toEqual([
      ['A', '10', '520'],
      ['H', '1', '300000'],
    ]);
    const equities = holdings(p, { filter: { assetClasses: ['EQUITY'] } });
    expect(equities.total.holdings.map((x) => x.symbol)).toEqual(['A']);
    expect(equities.total.cash).toEqual([]);
  });

  it('reports nothing wrong for a well-formed portfolio', () => {
    expect(diagnostics(p)).toEqual([]);
  });
});
