/**
 * Where the current portfolio sits on the risk/return plane, from the same daily prices the
 * optimiser gets (sample statistics, no shrinkage, so the dot is comparable with a frontier
 * computed with `shrinkage: 'none'`).
 */
export function returnsOf(prices: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < prices.length; i++) out.push(prices[i]! / prices[i - 1]! - 1);
  return out;
}

export function portfolioPoint(
  assets: ReadonlyArray<{ prices: readonly number[]; weight: number }>,
  periodsPerYear = 252,
): { expectedReturn: number; volatility: number } | null {
  if (assets.length === 0) return null;
  const series = assets.map((a) => returnsOf(a.prices));
  const n = Math.min(...series.map((s) => s.length));
  if (n < 2) return null;
  const total = assets.reduce((s, a) => s + a.weight, 0) || 1;
  const combined: number[] = [];
  for (let t = 0; t < n; t++) {
    let r = 0;
    for (let i = 0; i < assets.length; i++) {
      const s = series[i]!;
      r += (assets[i]!.weight / total) * s[s.length - n + t]!;
    }
    combined.push(r);
  }
  const mean = combined.reduce((s, r) => s + r, 0) / n;
  const variance = combined.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1);
  return { expectedReturn: mean * periodsPerYear, volatility: Math.sqrt(variance * periodsPerYear) };
}
