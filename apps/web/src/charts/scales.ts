import { extent, max, min } from 'd3-array';
import { scaleLinear, scaleUtc, type ScaleLinear, type ScaleTime } from 'd3-scale';

/** One point of a chart series: x is epoch milliseconds (time axes) or a plain number. */
export interface XY {
  x: number;
  y: number;
  /** Lower edge of a band (fan charts, value-over-contributions areas). */
  y0?: number;
}

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface Scales {
  x: ScaleTime<number, number> | ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  innerWidth: number;
  innerHeight: number;
}

/**
 * Scales for series drawn in a `width`×`height` box: x spans every point's x, y spans every
 * y (and y0), padded and rounded to nice ticks; `includeZero` keeps 0 on the axis (returns,
 * drawdowns). An empty or flat input still gives a usable, non-degenerate domain.
 */
export function chartScales(
  series: readonly (readonly XY[])[],
  { width, height, margin, time = true, includeZero = false }: { width: number; height: number; margin: Margin; time?: boolean; includeZero?: boolean },
): Scales {
  const innerWidth = Math.max(1, width - margin.left - margin.right);
  const innerHeight = Math.max(1, height - margin.top - margin.bottom);
  const all = series.flat();
  const [x0 = 0, x1 = 1] = extent(all, (p) => p.x);
  let lo = min(all, (p) => Math.min(p.y, p.y0 ?? p.y)) ?? 0;
  let hi = max(all, (p) => Math.max(p.y, p.y0 ?? p.y)) ?? 1;
  if (includeZero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  } else if (!includeZero || lo < 0) {
    const pad = (hi - lo) * 0.05;
    lo = includeZero && lo >= 0 ? lo : lo - pad;
    hi += pad;
  }
  const xDomain: [number, number] = x0 === x1 ? [x0 - 1, x1 + 1] : [x0, x1];
  const x = time ? scaleUtc().domain(xDomain.map((t) => new Date(t))).range([0, innerWidth]) : scaleLinear().domain(xDomain).range([0, innerWidth]);
  const y = scaleLinear().domain([lo, hi]).range([innerHeight, 0]).nice(5);
  return { x, y, innerWidth, innerHeight };
}

/**
 * Fewer points with the same look: for each of `buckets` x-slices keep its first, lowest,
 * highest and last point, so peaks and troughs (drawdowns!) survive while ten years of
 * daily values become a few hundred path vertices. Input sorted by x; short input returned as is.
 */
export function decimate(points: readonly XY[], buckets: number): XY[] {
  if (points.length <= buckets * 4 || buckets < 1) return points.slice();
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const span = last.x - first.x || 1;
  const out: XY[] = [];
  let i = 0;
  for (let b = 0; b < buckets; b++) {
    const end = b === buckets - 1 ? Infinity : first.x + ((b + 1) * span) / buckets;
    const start = i;
    let lo = i;
    let hi = i;
    while (i < points.length && points[i]!.x < end) {
      if (points[i]!.y < points[lo]!.y) lo = i;
      if (points[i]!.y > points[hi]!.y) hi = i;
      i++;
    }
    if (i === start) continue;
    const keep = [...new Set([start, lo, hi, i - 1])].sort((a, c) => a - c);
    for (const k of keep) out.push(points[k]!);
  }
  return out;
}

/** Index of the point whose x is nearest to `x` (points sorted by x), or -1 when empty. */
export function nearestIndex(points: readonly XY[], x: number): number {
  if (points.length === 0) return -1;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.x < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(points[lo - 1]!.x - x) <= Math.abs(points[lo]!.x - x)) return lo - 1;
  return lo;
}

/** `YYYY-MM-DD` → epoch ms at UTC midnight. */
export function dayToX(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

/** A number from a decimal string or a number (chart positions only, never balances). */
export function num(v: string | number | null | undefined): number {
  if (v === null || v === undefined) return NaN;
  return typeof v === 'number' ? v : Number(v);
}
