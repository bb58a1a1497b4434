import { z } from 'zod';
import { decimalString } from './transactions.js';

/**
 * HTTP DTOs of the computation service (Monte Carlo projections, portfolio optimisation,
 * what-if, background jobs). Public contract: see services/computation/README.md.
 * Statistics are float64 numbers; holdings and trades carry exact decimal strings.
 */

/** Upper bounds that keep one request within seconds of CPU and tens of MB of memory. */
export const COMPUTATION_LIMITS = {
  maxPaths: 100_000,
  maxYears: 100,
  /** paths × (years + 1): one float64 per path per year end is kept for the bands. */
  maxPathYears: 4_000_000,
  maxSeriesLength: 20_000,
  maxAssets: 100,
  maxFrontierPoints: 100,
} as const;

const finite = z.number();
const nonNegative = z.number().min(0);
const rate = z.number().gt(-1).lt(10);
const periodsPerYear = z.number().int().min(1).max(366);

// ---- projections (Monte Carlo) ---------------------------------------------------------

export const projectionReturnModel = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('normal'),
    /** Expected annual return (arithmetic), e.g. 0.06. */
    expectedReturn: rate,
    /** Annual volatility, e.g. 0.15; 0 gives the deterministic compound path. */
    volatility: z.number().min(0).max(5),
  }),
  z.strictObject({
    kind: z.literal('bootstrap'),
    /** Historical periodic simple returns to resample (in blocks of one month). */
    returns: z.array(z.number().gt(-1)).min(1).max(COMPUTATION_LIMITS.maxSeriesLength),
    periodsPerYear: periodsPerYear.default(12),
  }),
]);

export const projectionWithdrawal = z
  .strictObject({
    /** Years from now when contributions stop and withdrawals begin. */
    startYear: z.number().int().min(0).max(COMPUTATION_LIMITS.maxYears),
    /** First-year withdrawal as a share of the value at retirement (the "4 % rule"), then constant in real terms. */
    rate: z.number().gt(0).max(1).optional(),
    /** A fixed annual withdrawal in today's money. */
    annualAmount: z.number().gt(0).optional(),
  })
  .refine((w) => (w.rate === undefined) !== (w.annualAmount === undefined), {
    message: 'give exactly one of rate or annualAmount',
  });

export const projectionInput = z.strictObject({
  currentValue: nonNegative,
  monthlyContribution: nonNegative.default(0),
  years: z.number().int().min(1).max(COMPUTATION_LIMITS.maxYears),
  returns: projectionReturnModel,
  /** Annual inflation; every output is in today's money. */
  inflation: z.number().gt(-0.5).lt(1).default(0),
  withdrawal: projectionWithdrawal.optional(),
  /** A real final value to reach; success means reaching it (and never running out). */
  target: z.number().gt(0).optional(),
  paths: z.number().int().min(1).max(COMPUTATION_LIMITS.maxPaths).default(10_000),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
});
export type ProjectionInput = z.output<typeof projectionInput>;

export const projectionResult = z.object({
  years: z.array(z.number()),
  /** Real portfolio value at each year end (index 0 = today), by percentile across paths. */
  bands: z.object({ p5: z.array(finite), p25: z.array(finite), p50: z.array(finite), p75: z.array(finite), p95: z.array(finite) }),
  /** Share of paths that succeed (never depleted, and reach the target if one is given); null without a goal. */
  successProbability: z.number().nullable(),
  depletionProbability: z.number(),
  meanFinal: finite,
  paths: z.number(),
  seed: z.number(),
});
export type ProjectionResult = z.output<typeof projectionResult>;

// ---- optimisation ---------------------------------------------------------------------

export const optimisationAsset = z
  .strictObject({
    symbol: z.string().trim().min(1).max(32),
    /** Daily (or periodic) prices, oldest first; converted to simple returns. */
    prices: z.array(z.number().gt(0)).min(3).max(COMPUTATION_LIMITS.maxSeriesLength + 1).optional(),
    /** Periodic simple returns, oldest first. */
    returns: z.array(z.number().gt(-1)).min(2).max(COMPUTATION_LIMITS.maxSeriesLength).optional(),
  })
  .refine((a) => (a.prices === undefined) !== (a.returns === undefined), { message: 'give exactly one of prices or returns' });

export const optimisationInput = z.strictObject({
  assets: z.array(optimisationAsset).min(2).max(COMPUTATION_LIMITS.maxAssets),
  periodsPerYear: periodsPerYear.default(252),
  riskFreeRate: z.number().gt(-1).lt(1).default(0),
  /** Long-only; no asset above this weight. */
  maxWeight: z.number().gt(0).max(1).default(1),
  frontierPoints: z.number().int().min(2).max(COMPUTATION_LIMITS.maxFrontierPoints).default(20),
  /** Ledoit–Wolf shrinkage towards a scaled identity (default), or the raw sample covariance. */
  shrinkage: z.enum(['ledoit-wolf', 'none']).default('ledoit-wolf'),
});
export type OptimisationInput = z.output<typeof optimisationInput>;

export const weightDto = z.object({ symbol: z.string(), weight: z.number() });
export const portfolioPointDto = z.object({
  weights: z.array(weightDto),
  expectedReturn: z.number(),
  volatility: z.number(),
  sharpe: z.number().nullable(),
});
export type PortfolioPoint = z.output<typeof portfolioPointDto>;

export const optimisationResult = z.object({
  assets: z.array(z.object({ symbol: z.string(), expectedReturn: z.number(), volatility: z.number() })),
  /** Ledoit–Wolf shrinkage intensity in [0, 1] (0 with `shrinkage: none`). */
  shrinkage: z.number(),
  observations: z.number(),
  minimumVariance: portfolioPointDto,
  maximumSharpe: portfolioPointDto,
  frontier: z.array(portfolioPointDto),
});
export type OptimisationResult = z.output<typeof optimisationResult>;

// ---- what-if --------------------------------------------------------------------------

export const whatIfInput = z.strictObject({
  holdings: z
    .array(z.strictObject({ symbol: z.string().trim().min(1).max(32), quantity: decimalString, price: decimalString }))
    .min(1)
    .max(COMPUTATION_LIMITS.maxAssets),
  /** Cash in the portfolio's currency; a buy spends it, a sell adds to it. */
  cash: decimalString.default('0'),
  trade: z.strictObject({
    symbol: z.string().trim().min(1).max(32),
    side: z.enum(['buy', 'sell']),
    quantity: decimalString,
    price: decimalString,
    /** `external`: new money pays for a buy (a sale's proceeds still go to cash). */
    funding: z.enum(['cash', 'external']).default('cash'),
  }),
  /** Periodic simple returns per symbol (all of one length), oldest first. */
  returns: z.record(z.string(), z.array(z.number().gt(-1)).min(2).max(COMPUTATION_LIMITS.maxSeriesLength)),
  periodsPerYear: periodsPerYear.default(252),
  /** VaR confidence, e.g. 0.95 or 0.99. */
  confidence: z.number().gt(0.5).lt(1).default(0.95),
});
export type WhatIfInput = z.output<typeof whatIfInput>;

export const riskSnapshotDto = z.object({
  totalValue: decimalString,
  allocation: z.array(z.object({ symbol: z.string(), quantity: decimalString, value: decimalString, weight: z.number() })),
  cashWeight: z.number(),
  /** Annualised volatility of the historical portfolio returns at these weights. */
  volatility: z.number().nullable(),
  /** One-period value at risk as a share of value: historical and normal (parametric). */
  valueAtRisk: z.object({ historical: z.number(), parametric: z.number(), historicalAmount: z.number(), parametricAmount: z.number() }),
});
export type RiskSnapshot = z.output<typeof riskSnapshotDto>;

export const whatIfResult = z.object({ confidence: z.number(), before: riskSnapshotDto, after: riskSnapshotDto });
export type WhatIfResult = z.output<typeof whatIfResult>;

// ---- jobs -----------------------------------------------------------------------------

export const jobKind = z.enum(['projection', 'optimisation', 'what-if']);
export type JobKind = z.output<typeof jobKind>;
export const jobStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type JobStatus = z.output<typeof jobStatus>;

/** The input is checked against the kind's schema when the job is created. */
export const createJobBody = z.strictObject({ kind: jobKind, input: z.unknown() });

export const jobCreatedDto = z.object({ id: z.uuid() });

export const jobDto = z.object({
  id: z.uuid(),
  kind: jobKind,
  status: jobStatus,
  progress: z.number(),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type JobDto = z.output<typeof jobDto>;
