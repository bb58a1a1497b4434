import { parseDate, type Day } from './dates.js';

/** A dated amount from the investor's side: negative = paid in, positive = received. */
export interface DatedAmount {
  /** `YYYY-MM-DD` or a day number. */
  readonly date: string | Day;
  readonly amount: number;
}

// ln(1+r) grid used to find brackets: r from -100% (+4e-18) to e^50 a year (a day-long 1% gain annualises to ~e^3.6).
const GRID = [
  -40, -20, -10, -6, -4, -3, -2, -1.5, -1, -0.7, -0.5, -0.35, -0.25, -0.15, -0.1, -0.05, -0.02, 0, 0.02, 0.05, 0.1, 0.15, 0.25, 0.35, 0.5,
  0.7, 1, 1.5, 2, 3, 5, 7, 10, 15, 25, 50,
];

/**
 * Money-weighted return as spreadsheets' XIRR computes it: the annual rate r with
 * Σ amount_i / (1+r)^((d_i − d_0)/365) = 0 (Actual/365 from the first date).
 *
 * Solved for x = ln(1+r) with log-sum-exp scaling, so rates near −100% and long histories
 * neither overflow nor underflow; a sign change is bracketed on a grid (the root nearest
 * `guess` wins, as Newton from the guess would find) and refined with Brent's method.
 * Returns null without both a payment and a receipt, or when no root exists.
 *
 * @example xirr([{ date: '2020-01-01', amount: -100 }, { date: '2021-01-01', amount: 110 }]) // ≈ 0.09973 (366 days)
 */
export function xirr(flows: readonly DatedAmount[], guess = 0.1): number | null {
  const days: number[] = [];
  const amounts: number[] = [];
  let hasPos = false;
  let hasNeg = false;
  let d0 = Number.POSITIVE_INFINITY;
  for (const f of flows) {
    if (f.amount === 0 || !Number.isFinite(f.amount)) continue;
    const d = typeof f.date === 'string' ? parseDate(f.date) : f.date;
    days.push(d);
    amounts.push(f.amount);
    if (f.amount > 0) hasPos = true;
    else hasNeg = true;
    if (d < d0) d0 = d;
  }
  if (!hasPos || !hasNeg) return null;
  const t = new Float64Array(days.length);
  let tMax = 0;
  for (let i = 0; i < days.length; i++) {
    t[i] = (days[i]! - d0) / 365;
    if (t[i]! > tMax) tMax = t[i]!;
  }
  // Σ a_i e^(−x t_i), scaled by e^(−m) with m = max_i(−x t_i) so nothing overflows (t ≥ 0).
  const g = (x: number): number => {
    const m = x < 0 ? -x * tMax : 0;
    let s = 0;
    for (let i = 0; i < t.length; i++) s += amounts[i]! * Math.exp(-x * t[i]! - m);
    return s;
  };
  const x0 = Math.log1p(Math.max(guess, -0.99));
  const g0 = g(x0);
  if (g0 === 0) return guess;
  // Walk the grid outwards from the guess and stop at the first sign change: the root
  // nearest the guess, as Newton from the guess would find in the well-behaved case.
  const above = GRID.filter((x) => x > x0);
  const below = GRID.filter((x) => x < x0).reverse();
  let ia = 0;
  let ib = 0;
  let xa = x0;
  let ga = g0;
  let xb = x0;
  let gb = g0;
  while (ia < above.length || ib < below.length) {
    const da = ia < above.length ? above[ia]! - x0 : Number.POSITIVE_INFINITY;
    const db = ib < below.length ? x0 - below[ib]! : Number.POSITIVE_INFINITY;
    if (da <= db) {
      const x = above[ia++]!;
      const gx = g(x);
      if (gx === 0) return Math.expm1(x);
      if (Math.sign(gx) !== Math.sign(ga)) return Math.expm1(brent(g, xa, x, 1e-13));
      xa = x;
      ga = gx;
    } else {
      const x = below[ib++]!;
      const gx = g(x);
      if (gx === 0) return Math.expm1(x);
      if (Math.sign(gx) !== Math.sign(gb)) return Math.expm1(brent(g, x, xb, 1e-13));
      xb = x;
      gb = gx;
    }
  }
  return null;
}

/** Brent's root finder on [a, b] where f(a) and f(b) differ in sign. */
export function brent(f: (x: number) => number, a0: number, b0: number, tol: number, maxIter = 200): number {
  let a = a0;
  let b = b0;
  let fa = f(a);
  let fb = f(b);
  if (Math.abs(fa) < Math.abs(fb)) {
    [a, b] = [b, a];
    [fa, fb] = [fb, fa];
  }
  let c = a;
  let fc = fa;
  let d = b - a;
  let mflag = true;
  for (let i = 0; i < maxIter; i++) {
    if (fb === 0 || Math.abs(b - a) < tol) return b;
    let s: number;
    if (fa !== fc && fb !== fc) {
      s = (a * fb * fc) / ((fa - fb) * (fa - fc)) + (b * fa * fc) / ((fb - fa) * (fb - fc)) + (c * fa * fb) / ((fc - fa) * (fc - fb));
    } else {
      s = b - (fb * (b - a)) / (fb - fa);
    }
    const lo = (3 * a + b) / 4;
    const outside = lo < b ? s < lo || s > b : s > lo || s < b;
    if (
      outside ||
      (mflag && Math.abs(s - b) >= Math.abs(b - c) / 2) ||
      (!mflag && Math.abs(s - b) >= Math.abs(c - d) / 2) ||
      (mflag && Math.abs(b - c) < tol) ||
      (!mflag && Math.abs(c - d) < tol)
    ) {
      s = (a + b) / 2;
      mflag = true;
    } else mflag = false;
    const fs = f(s);
    d = c;
    c = b;
    fc = fb;
    if (Math.sign(fa) !== Math.sign(fs)) {
      b = s;
      fb = fs;
    } else {
      a = s;
      fa = fs;
    }
    if (Math.abs(fa) < Math.abs(fb)) {
      [a, b] = [b, a];
      [fa, fb] = [fb, fa];
    }
  }
  return b;
}
