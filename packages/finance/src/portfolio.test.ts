import { describe, expect, it } from 'vitest';
import { holdings } from './holdings.js';
import { performance } from './performance.js';
import { applyChanges, buildPortfolio, diagnostics } from './portfolio.js';
import { input, series } from './test/fixtures.js';
import { timelineDates } from './timeline-views.js';

const setup = input({
  asOf: '2024-01-10',
  activities: [
    { date: '2024-01-02', type: 'DEPOSIT', amount: '1000' },
    { date: '2024-01-03', type: 'BUY', symbol: 'A', quantity: '5', unitPrice: '100' },
  ],
  prices: { A: series(['2024-01-03', '100'], ['2024-01-08', '110']) },
});

describe('applyChanges', () => {
  it('applies a new activity in place and returns the same portfolio', () => {
    const p = buildPortfolio(setup);
    const same = applyChanges(p, { upsert: [{ id: 'n1', accountId: 'acc', date: '2024-01-09', type: 'SELL', symbol: 'A', quantity: '2', unitPrice: '111' }] });
    expect(same).toBe(p);
    expect(holdings(p).total.holdings[0]).toMatchObject({ quantity: '3', realisedGain: '22' });
    expect(holdings(p).total.cash[0]!.balance).toBe('722');
  });

  it('updates an activity by id and deletes by id', () => {
    const p = buildPortfolio(setup);
    applyChanges(p, { upsert: [{ ...setup.activities[1]!, quantity: '4' }] });
    expect(holdings(p).total.holdings[0]!.quantity).toBe('4');
    applyChanges(p, { remove: ['a2'] });
    expect(holdings(p).total.holdings).toEqual([]);
    expect(performance(p).endValue).toBe(1000);
  });

  it('extends the timeline when an activity predates the first one', () => {
    const p = buildPortfolio(setup);
    applyChanges(p, { upsert: [{ id: 'early', accountId: 'acc', date: '2023-12-30', type: 'DEPOSIT', amount: '1' }] });
    expect(timelineDates(p)[0]).toBe('2023-12-29');
    expect(performance(p).endValue).toBe(1051);
  });

  it('keeps invalid and future activities out, with a diagnostic, until they are fixed', () => {
    const p = buildPortfolio(setup);
    applyChanges(p, { upsert: [{ id: 'bad', accountId: 'acc', date: '2024-01-05', type: 'BUY', symbol: 'A', quantity: 'x', unitPrice: '1' }] });
    expect(diagnostics(p).map((d) => d.code)).toEqual(['INVALID_ACTIVITY']);
    applyChanges(p, { upsert: [{ id: 'bad', accountId: 'acc', date: '2024-01-05', type: 'BUY', symbol: 'A', quantity: '1', unitPrice: '1' }] });
    expect(diagnostics(p)).toEqual([]);
    expect(holdings(p).total.holdings[0]!.quantity).toBe('6');
  });
});
