import { describe, expect, it } from 'vitest';
import { holdings } from './holdings.js';
import { performance } from './performance.js';
import { diagnostics } from './portfolio.js';
import { build, series } from './test/fixtures.js';
import { cashTimeline } from './timeline-views.js';

describe('cash', () => {
  it('moves cash with trades, income, fees and taxes in a cash-tracking account', () => {
    const p = build({
      asOf: '2024-01-06',
      activities: [
        { date: '2024-01-01', type: 'DEPOSIT', amount: '1000' },
        { date: '2024-01-02', type: 'BUY', symbol: 'A', quantity: '3', unitPrice: '100.10', fee: '1.05', tax: '0.30' },
        { date: '2024-01-03', type: 'DIVIDEND', symbol: 'A', quantity: '3', unitPrice: '0.55', tax: '0.25' },
        { date: '2024-01-04', type: 'INTEREST', amount: '0.42' },
        { date: '2024-01-05', type: 'SELL', symbol: 'A', quantity: '1', unitPrice: '110', fee: '1' },
        { date: '2024-01-06', type: 'WITHDRAWAL', amount: '100' },
        { date: '2024-01-06', type: 'TAX', amount: '2.5' },
      ],
      prices: { A: series(['2024-01-02', '100.10']) },
    });
    // 1000 − (300.30 + 1.05 + 0.30) + (1.65 − 0.25) + 0.42 + (110 − 1) − 100 − 2.5
    expect(holdings(p).total.cash[0]!.balance).toBe('706.67');
    expect(Array.from(cashTimeline(p, 'acc', 'USD').balance)).toEqual([0, 1000, 698.35, 699.75, 700.17, 809.17, 706.67]);
    const r = performance(p);
    expect(r.inflows).toBe(1000);
    expect(r.outflows).toBe(100);
    expect(diagnostics(p)).toEqual([]);
  });

  it('reports cash going negative and never invents a deposit', () => {
    const p = build({
      asOf: '2024-01-10',
      activities: [
        { date: '2024-01-01', type: 'DEPOSIT', amount: '100' },
        { date: '2024-01-02', type: 'BUY', symbol: 'A', quantity: '2', unitPrice: '80' },
        { date: '2024-01-05', type: 'DEPOSIT', amount: '100' },
        { date: '2024-01-08', type: 'BUY', symbol: 'A', quantity: '1', unitPrice: '80' },
      ],
      prices: { A: series(['2024-01-02', '80']) },
    });
    const d = diagnostics(p);
    expect(d.map((x) => [x.code, x.date])).toEqual([
      ['NEGATIVE_CASH', '2024-01-02'],
      ['NEGATIVE_CASH', '2024-01-08'],
    ]);
    expect(d[0]!.message).toContain('until 2024-01-05');
    expect(d[0]!.message).toContain('lowest -60');
    expect(d[1]!.message).not.toContain('until');
    expect(performance(p).inflows).toBe(200);
    expect(holdings(p).total.cash[0]!.balance).toBe('-40');
  });

  it('checks cash at the end of the day, so the order of same-day entries does not matter', () => {
    const p = build({
      asOf: '2024-01-02',
      activities: [
        { date: '2024-01-01', type: 'BUY', symbol: 'A', quantity: '1', unitPrice: '80' },
        { date: '2024-01-01', type: 'DEPOSIT', amount: '100' },
      ],
    });
    expect(diagnostics(p)).toEqual([]);
  });

  it('counts buys as money put in and sales and income as money taken out where cash is not tracked', () => {
    const p = build({
      asOf: '2024-01-04',
      accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }],
      activities: [
        { date: '2024-01-01', type: 'DEPOSIT', amount: '500' },
        { date: '2024-01-02', type: 'BUY', symbol: 'A', quantity: '2', unitPrice: '50', fee: '1' },
        { date: '2024-01-03', type: 'DIVIDEND', symbol: 'A', amount: '3' },
        { date: '2024-01-04', type: 'SELL', symbol: 'A', quantity: '1', unitPrice: '60' },
        { date: '2024-01-04', type: 'INTEREST', amount: '0.5' },
      ],
      prices: { A: series(['2024-01-02', '50'], ['2024-01-04', '60']) },
    });
    const r = performance(p);
    expect(r.inflows).toBe(101);
    expect(r.outflows).toBe(63.5);
    expect(r.endValue).toBe(60);
    expect(r.absoluteGain).toBeCloseTo(60 - 101 + 63.5, 12);
    expect(holdings(p).total.cash).toEqual([]);
    expect(diagnostics(p).map((d) => d.code)).toEqual(['IGNORED_ACTIVITY']);
  });

  it('keeps cash per currency in one account', () => {
    const p = build({
      base: 'EUR',
      asOf: '2024-01-02',
      accounts: [{ id: 'acc', currency: 'EUR', tracksCash: true }],
      activities: [
        { date: '2024-01-01', type: 'DEPOSIT', amount: '100' },
        { date: '2024-01-01', type: 'DEPOSIT', amount: '50', currency: 'USD' },
        { date: '2024-01-02', type: 'INTEREST', amount: '1', currency: 'CHF' },
      ],
      fx: { USD: series(['2024-01-01', '0.9']), CHF: series(['2024-01-01', '1.05']) },
    });
    expect(holdings(p).total.cash.map((c) => [c.currency, c.balance, c.valueBase])).toEqual([
      ['CHF', '1', '1.05'],
      ['EUR', '100', '100'],
      ['USD', '50', '45'],
    ]);
    expect(holdings(p).total.value).toBe('146.05');
  });
});
