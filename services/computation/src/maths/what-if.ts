import type { RiskSnapshot, WhatIfInput, WhatIfResult } from '@meridian/contracts';
import { ZERO, standardDeviation, toDecimal, volatility, type Decimal } from '@meridian/finance';
import { percentileSorted } from './percentiles.js';
import { InputError, noProgress, type ProgressFn } from './progress.js';

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

interface Position {
  quantity: Decimal;
  price: Decimal;
}

function positive(value: string, what: string, allowZero: boolean): Decimal {
  const d = toDecimal(value);
  if (d.isNegative() || (!allowZero && d.isZero())) throw new InputError(`${what} must be ${allowZero ? 'zero or more' : 'more than zero'}`);
  return d;
}

function snapshot(positions: Map<string, Position>, cash: Decimal, input: WhatIfInput): RiskSnapshot {
  let total = cash;
  const values = new Map<string, Decimal>();
  for (const [symbol, pos] of positions) {
    const value = pos.quantity.mul(pos.price);
    values.set(symbol, value);
    total = total.add(value);
  }
  if (!total.isPositive()) throw new InputError('the portfolio must have a positive total value');
  const totalFloat = total.toNumber();
  const allocation = [...positions].map(([symbol, pos]) => {
    const value = values.get(symbol) ?? ZERO;
    return { symbol, quantity: pos.quantity.toString(), value: value.toString(), weight: value.toNumber() / totalFloat };
  });
  const periods = Object.values(input.returns)[0]?.length ?? 0;
  const series = new Float64Array(periods);
  for (const { symbol, weight } of allocation) {
    if (weight === 0) continue;
    const r = input.returns[symbol];
    if (!r) throw new InputError(`returns are missing for ${symbol}`);
    for (let t = 0; t < periods; t++) series[t]! += weight * r[t]!;
  }
  const sd = standardDeviation(series);
  let mean = 0;
  for (let t = 0; t < periods; t++) mean += series[t]!;
  mean /= periods;
  const sorted = Float64Array.from(series).sort();
  const historical = -percentileSorted(sorted, 1 - input.confidence);
  const parametric = normalQuantile(input.confidence) * sd - mean;
  return {
    totalValue: total.toString(),
    allocation,
    cashWeight: cash.toNumber() / totalFloat,
    volatility: volatility(series, input.periodsPerYear),
    valueAtRisk: { historical, parametric, historicalAmount: historical * totalFloat, parametricAmount: parametric * totalFloat },
  };
}

/**
 * The portfolio before and after one trade: exact quantities, values and cash (decimals),
 * then float weights, annualised volatility and one-period VaR from the historical returns
 * at those weights (cash earns nothing and does not move).
 */
export function runWhatIf(input: WhatIfInput, onProgress: ProgressFn = noProgress): WhatIfResult {
  const lengths = new Set(Object.values(input.returns).map((r) => r.length));
  if (lengths.size > 1) throw new InputError('every returns series must have the same length');
  const before = new Map<string, Position>();
  for (const h of input.holdings) {
    if (before.has(h.symbol)) throw new InputError(`holding ${h.symbol} appears twice`);
    before.set(h.symbol, { quantity: positive(h.quantity, `quantity of ${h.symbol}`, true), price: positive(h.price, `price of ${h.symbol}`, true) });
  }
  const cash = positive(input.cash, 'cash', true);
  const { trade } = input;
  const quantity = positive(trade.quantity, 'trade quantity', false);
  const price = positive(trade.price, 'trade price', false);
  const amount = quantity.mul(price);
  const held = before.get(trade.symbol);
  const after = new Map([...before].map(([s, p]) => [s, { ...p }]));
  let cashAfter = cash;
  if (trade.side === 'buy') {
    after.set(trade.symbol, { quantity: (held?.quantity ?? ZERO).add(quantity), price: held?.price ?? price });
    if (trade.funding === 'cash') {
      cashAfter = cash.sub(amount);
      if (cashAfter.isNegative()) throw new InputError(`the buy costs ${amount.toString()} but cash is ${cash.toString()}; use funding "external" for new money`);
    }
  } else {
    if (!held || held.quantity.lt(quantity)) {
      throw new InputError(`cannot sell ${quantity.toString()} ${trade.symbol}: the position is ${held?.quantity.toString() ?? '0'}`);
    }
    after.set(trade.symbol, { quantity: held.quantity.sub(quantity), price: held.price });
    cashAfter = cash.add(amount);
  }
  const beforeSnapshot = snapshot(before, cash, input);
  onProgress(0.5);
  const afterSnapshot = snapshot(after, cashAfter, input);
  onProgress(1);
  return { confidence: input.confidence, before: beforeSnapshot, after: afterSnapshot };
}
