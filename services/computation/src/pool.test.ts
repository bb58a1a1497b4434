import { projectionInput } from '@meridian/contracts';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool } from './pool.js';

describe('the worker pool', () => {
  const pool = createPool({ maxThreads: 2 });
  afterAll(() => pool.close());

  it('runs the maths on a worker thread while the event loop stays responsive', async () => {
    const input = projectionInput.parse({ currentValue: 1e5, years: 40, paths: 25_000, returns: { kind: 'normal', expectedReturn: 0.06, volatility: 0.15 } });
    const progress: number[] = [];
    let ticks = 0;
    let longestGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = performance.now();
    const ran = await pool.run('projection', input, (d) => progress.push(d));
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(ran.outcome.ok).toBe(true);
    expect(ran.outcome.threadId).not.toBe(threadId);
    expect(ran.result?.bands.p50).toHaveLength(41);
    // The request thread kept ticking for the whole computation: no long block.
    expect(ticks).toBeGreaterThan(elapsed / 5 / 4);
    expect(longestGap).toBeLessThan(Math.max(250, elapsed / 2));
    expect(progress.at(-1)).toBe(1);
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);
  });

  it('returns the maths’ input errors as outcomes, not crashes', async () => {
    const ran = await pool.run('optimisation', { assets: [{ symbol: 'A', returns: [0.1, 0.2] }, { symbol: 'B', returns: [0.1] }], periodsPerYear: 252, riskFreeRate: 0, maxWeight: 1, frontierPoints: 2, shrinkage: 'none' });
    expect(ran.outcome).toMatchObject({ ok: false, inputError: expect.stringMatching(/same length/) });
  });
});
