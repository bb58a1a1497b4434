import { whatIfInput } from '@meridian/contracts';
import { describe, expect, it } from 'vitest';
import { normalQuantile, runWhatIf } from './what-if.js';

const returns = {
  AAA: [0.01, -0.02, 0.015, -0.01, 0.02, -0.03, 0.01, 0.005, -0.015, 0.012],
  BBB: [0.002, 0.001, -0.001, 0.003, 0.0, 0.001, -0.002, 0.002, 0.001, 0.0],
};
const base = {
  holdings: [
    { symbol: 'AAA', quantity: '10', price: '100' },
    { symbol: 'BBB', quantity: '20', price: '50' },
  ],
  cash: '1000',
  returns,
};

describe('what-if', () => {
  it('moves cash into the bought position exactly and reweights the allocation', () => {
    const r = runWhatIf(whatIfInput.parse({ ...base, trade: { symbol: 'AAA', side: 'buy', quantity: '5', price: '100' } }));
    expect(r.before.totalValue).toBe('3000');
    expect(r.after.totalValue).toBe('3000');
    expect(r.after.allocation.find((a) => a.symbol === 'AAA')).toMatchObject({ quantity: '15', value: '1500', weight: 0.5 });
    expect(r.after.cashWeight).toBeCloseTo(500 / 3000, 12);
    expect(r.before.cashWeight).toBeCloseTo(1 / 3, 12);
  });

  it('shows more risk after moving cash into the volatile asset and less after selling it', () => {
    const buy = runWhatIf(whatIfInput.parse({ ...base, trade: { symbol: 'AAA', side: 'buy', quantity: '10', price: '100' } }));
    expect(buy.after.volatility!).toBeGreaterThan(buy.before.volatility!);
    expect(buy.after.valueAtRisk.parametric).toBeGreaterThan(buy.before.valueAtRisk.parametric);
    const sell = runWhatIf(whatIfInput.parse({ ...base, trade: { symbol: 'AAA', side: 'sell', quantity: '10', price: '100' } }));
    expect(sell.after.allocation.find((a) => a.symbol === 'AAA')?.quantity).toBe('0');
    expect(sell.after.volatility!).toBeLessThan(sell.before.volatility!);
    expect(sell.after.cashWeight).toBeCloseTo(2000 / 3000, 12);
  });

  it('adds a new position funded by new money', () => {
    const r = runWhatIf(
      whatIfInput.parse({ ...base, returns: { ...returns, CCC: returns.AAA.map((x) => -x) }, trade: { symbol: 'CCC', side: 'buy', quantity: '1', price: '1000', funding: 'external' } }),
    );
    expect(r.after.totalValue).toBe('4000');
    expect(r.after.allocation.map((a) => a.symbol)).toEqual(['AAA', 'BBB', 'CCC']);
    expect(r.after.volatility!).toBeLessThan(r.before.volatility!); // CCC hedges AAA
  });

  it('refuses to oversell, to overspend cash, or to value a position without returns', () => {
    expect(() => runWhatIf(whatIfInput.parse({ ...base, trade: { symbol: 'AAA', side: 'sell', quantity: '11', price: '100' } }))).toThrow(/cannot sell 11 AAA/);
    expect(() => runWhatIf(whatIfInput.parse({ ...base, trade: { symbol: 'AAA', side: 'buy', quantity: '11', price: '100' } }))).toThrow(/cash is 1000/);
    expect(() => runWhatIf(whatIfInput.parse({ ...base, trade: { symbol: 'ZZZ', side: 'buy', quantity: '1', price: '1' } }))).toThrow(/returns are missing for ZZZ/);
  });

  it('inverts the normal CDF', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 7);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 7);
  });
});
