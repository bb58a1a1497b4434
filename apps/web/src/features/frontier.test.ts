import { describe, expect, it } from 'vitest';
import { portfolioPoint, returnsOf } from './frontier';

describe('the current portfolio on the risk/return plane', () => {
  it('turns prices into simple returns', () => {
    const [a, b] = returnsOf([100, 110, 99]);
    expect(a).toBeCloseTo(0.1, 12);
    expect(b).toBeCloseTo(-0.1, 12);
  });

  it('annualises the mean and the standard deviation of the weighted daily returns', () => {
    const a = [100, 101, 100, 101, 100];
    const point = portfolioPoint([{ prices: a, weight: 1 }], 252)!;
    const r = returnsOf(a);
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
    expect(point.expectedReturn).toBeCloseTo(mean * 252, 12);
    expect(point.volatility).toBeCloseTo(sd * Math.sqrt(252), 12);
  });

  it('diversifies: two assets that move against each other are less volatile together', () => {
    const up = [100, 102, 100, 102, 100, 102];
    const down = [100, 98, 100, 98, 100, 98];
    const alone = portfolioPoint([{ prices: up, weight: 1 }])!;
    const mixed = portfolioPoint([
      { prices: up, weight: 0.5 },
      { prices: down, weight: 0.5 },
    ])!;
    expect(mixed.volatility).toBeLessThan(alone.volatility / 2);
  });

  it('uses the common tail of series of different lengths, and needs at least three prices', () => {
    expect(portfolioPoint([{ prices: [1, 2], weight: 1 }])).toBeNull();
    expect(portfolioPoint([])).toBeNull();
    const p = portfolioPoint([
      { prices: [50, 100, 101, 100, 101], weight: 1 },
      { prices: [100, 101, 100, 101], weight: 1 },
    ])!;
    expect(Number.isFinite(p.volatility)).toBe(true);
  });
});
