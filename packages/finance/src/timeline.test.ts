import { describe, expect, it } from 'vitest';
import { diagnostics } from './portfolio.js';
import { build, series } from './test/fixtures.js';
import { dayPoint, holdingTimeline, provenanceName, timelineDates, valueTimeline } from './timeline-views.js';

describe('daily timeline', () => {
  it('runs from the day before the first activity to asOf, one point per calendar day', () => {
    const p = build({ asOf: '2024-03-02', activities: [{ date: '2024-02-27', type: 'DEPOSIT', amount: '1' }] });
    expect(timelineDates(p)).toEqual(['2024-02-26', '2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);
  });

  it('carries prices forward and says where each came from', () => {
    const p = build({
      asOf: '2024-01-08',
      accounts: [{ id: 'acc', currency: 'USD', tracksCash: false }],
      activities: [
        { date: '2024-01-02', type: 'BUY', symbol: 'A', quantity: '1', unitPrice: '9' },
        { date: '2024-01-06', type: 'VALUATION', symbol: 'A', unitPrice: '15' },
        { date: '2024-01-07', type: 'BUY', symbol: 'A', quantity: '1', unitPrice: '14' },
      ],
      prices: { A: series(['2023-12-29', '8'], ['2024-01-03', '10'], ['2024-01-06', '12'], ['2024-01-08', '13']) },
    });
    const t = holdingTimeline(p, 'A');
    expect(Array.from(t.price)).toEqual([8, 9, 10, 10, 10, 15, 14, 13]);
    expect(Array.from(t.provenance, provenanceName)).toEqual(['carried', 'trade', 'exact', 'carried', 'carried', 'manual', 'trade', 'exact']);
    expect(Array.from(t.quantity)).toEqual([0, 1, 1, 1, 1, 1, 2, 2]);
    expect(Array.from(t.valueBase)).toEqual([0, 9, 10, 10, 10, 15, 28, 26]);
  });

  it('values foreign holdings in base currency with the FX rate carried forward', () => {
    const p = build({
      base: 'EUR',
      asOf: '2024-01-04',
      accounts: [{ id: 'acc', currency: 'EUR', tracksCash: false }],
      instruments: [{ symbol: 'G', currency: 'GBP' }],
      activities: [{ date: '2024-01-02', type: 'BUY', symbol: 'G', quantity: '2', unitPrice: '10', currency: 'GBP' }],
      prices: { G: series(['2024-01-02', '10']) },
      fx: { GBP: series(['2023-12-01', '1.10'], ['2024-01-04', '1.20']) },
    });
    const t = holdingTimeline(p, 'G');
    expect(Array.from(t.fx)).toEqual([1.1, 1.1, 1.1, 1.2]);
    expect(Array.from(t.value)).toEqual([0, 20, 20, 20]);
    expect(Array.from(t.valueBase)).toEqual([0, 22, 22, 24]);
    expect(dayPoint(p, '2024-01-04').holdings[0]).toMatchObject({ symbol: 'G', quantity: 2, price: 10, provenance: 'carried', valueBase: 24 });
  });

  it('shows net external flows per day', () => {
    const p = build({
      asOf: '2024-01-03',
      activities: [
        { date: '2024-01-02', type: 'DEPOSIT', amount: '100' },
        { date: '2024-01-02', type: 'WITHDRAWAL', amount: '30' },
        { date: '2024-01-03', type: 'DEPOSIT', amount: '5' },
      ],
    });
    const v = valueTimeline(p);
    expect(Array.from(v.value)).toEqual([0, 70, 75]);
    expect(Array.from(v.netFlow)).toEqual([0, 70, 5]);
    expect(Array.from(v.inflow)).toEqual([0, 100, 5]);
  });

  it('reports what it had to assume or ignore', () => {
    const p = build({
      base: 'EUR',
      asOf: '2024-01-05',
      accounts: [{ id: 'acc', currency: 'EUR', tracksCash: true }],
      activities: [
        { date: '2024-01-02', type: 'DEPOSIT', amount: '100' },
        { date: '2024-01-02', type: 'BUY', symbol: 'X', quantity: '1', unitPrice: '10', currency: 'JPY' },
        { date: '2024-01-03', type: 'SELL', symbol: 'X', quantity: '3', unitPrice: '11', currency: 'JPY' },
        { date: '2024-01-03', type: 'BUY', symbol: 'X', quantity: '-1', unitPrice: '11' },
        { date: '2024-02-01', type: 'DEPOSIT', amount: '1' },
        { accountId: 'ghost', date: '2024-01-04', type: 'DEPOSIT', amount: '1' },
      ],
    });
    expect(diagnostics(p).map((d) => [d.severity, d.code, d.activityId ?? d.currency])).toEqual([
      ['error', 'INVALID_ACTIVITY', 'a4'],
      ['info', 'FUTURE_ACTIVITY', 'a5'],
      ['info', 'IGNORED_ACTIVITY', 'a6'],
      ['error', 'OVERSELL', 'a3'],
      // The JPY buy has no JPY cash to pay from.
      ['warning', 'NEGATIVE_CASH', 'JPY'],
      ['error', 'MISSING_FX', 'JPY'],
    ]);
  });
});
