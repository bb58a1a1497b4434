/**
 * Percentile of an ascending-sorted array with linear interpolation between closest ranks
 * (Hyndman–Fan type 7, the default of R, NumPy and Excel's PERCENTILE.INC).
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}
