import { COMPUTATION_LIMITS, type ProjectionInput, type ProjectionResult } from '@meridian/contracts';
import { percentileSorted } from './percentiles.js';
import { InputError, noProgress, type ProgressFn } from './progress.js';
import { createRng, type Rng } from './rng.js';

const PERCENTILES = { p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95 } as const;
const PROGRESS_STEPS = 50;

/** The cross-field rules of a projection, as a message, or null when the input is sound. */
export function projectionProblem(input: ProjectionInput): string | null {
  if (input.paths * (input.years + 1) > COMPUTATION_LIMITS.maxPathYears) {
    return `paths × (years + 1) must be at most ${COMPUTATION_LIMITS.maxPathYears}; lower paths or years`;
  }
  if (input.withdrawal && input.withdrawal.startYear >= input.years) {
    return 'withdrawal.startYear must be before the end of the horizon (years)';
  }
  if (input.returns.kind === 'bootstrap') {
    const block = bootstrapBlock(input.returns.periodsPerYear);
    if (input.returns.returns.length < block) {
      return `a bootstrap needs at least ${block} returns (one month at ${input.returns.periodsPerYear} periods a year)`;
    }
  }
  return null;
}

/** Periods per one-month block of the bootstrap: keeps the short-term autocorrelation of daily data. */
function bootstrapBlock(periodsPerYear: number): number {
  return Math.max(1, Math.round(periodsPerYear / 12));
}

/** A generator of nominal monthly growth factors (1 + monthly return). */
function monthlyGrowth(input: ProjectionInput, rng: Rng): () => number {
  const model = input.returns;
  if (model.kind === 'normal') {
    // Lognormal with the requested arithmetic annual mean and volatility; with zero
    // volatility each month grows by exactly (1 + expectedReturn)^(1/12).
    const s2 = Math.log(1 + (model.volatility * model.volatility) / ((1 + model.expectedReturn) * (1 + model.expectedReturn)));
    const mu = (Math.log(1 + model.expectedReturn) - s2 / 2) / 12;
    const sigma = Math.sqrt(s2 / 12);
    if (sigma === 0) {
      const g = Math.exp(mu);
      return () => g;
    }
    return () => Math.exp(mu + sigma * rng.normal());
  }
  const series = Float64Array.from(model.returns);
  const block = bootstrapBlock(model.periodsPerYear);
  const starts = series.length - block + 1;
  return () => {
    const s = rng.int(starts);
    let g = 1;
    for (let j = 0; j < block; j++) g *= 1 + series[s + j]!;
    return g;
  };
}

/**
 * Monte Carlo projection of a portfolio in today's money: monthly steps, contributions at
 * each month end until withdrawals start, then withdrawals (a share of the value at
 * retirement, or a fixed amount, constant in real terms). Same input and seed, same result.
 */
export function runProjection(input: ProjectionInput, onProgress: ProgressFn = noProgress): ProjectionResult {
  const problem = projectionProblem(input);
  if (problem) throw new InputError(problem);
  const { paths, years } = input;
  const rng = createRng(input.seed);
  const growth = monthlyGrowth(input, rng);
  const deflator = Math.pow(1 + input.inflation, 1 / 12);
  const startMonth = input.withdrawal ? input.withdrawal.startYear * 12 : Number.POSITIVE_INFINITY;
  const months = years * 12;
  const contribution = input.monthlyContribution;
  const target = input.target;
  // Column per year end (index y * paths + p) so each year's values sort in place.
  const yearEnds = new Float64Array((years + 1) * paths);
  let successes = 0;
  let depletions = 0;
  let finalSum = 0;
  const reportEvery = Math.max(1, Math.floor(paths / PROGRESS_STEPS));

  for (let p = 0; p < paths; p++) {
    let v = input.currentValue;
    let withdrawal = 0;
    let depleted = false;
    yearEnds[p] = v;
    for (let m = 0; m < months; m++) {
      v = (v * growth()) / deflator;
      if (m >= startMonth) {
        if (m === startMonth) {
          const w = input.withdrawal;
          withdrawal = w?.rate !== undefined ? (w.rate * v) / 12 : (w?.annualAmount ?? 0) / 12;
        }
        v -= withdrawal;
        // Rounding dust of an exactly exhausted portfolio counts as exhausted.
        if (v <= withdrawal * 1e-9) {
          v = 0;
          depleted = true;
        }
      } else {
        v += contribution;
      }
      if (m % 12 === 11) yearEnds[((m + 1) / 12) * paths + p] = v;
    }
    if (depleted) depletions++;
    if (!depleted && (target === undefined || v >= target)) successes++;
    finalSum += v;
    if ((p + 1) % reportEvery === 0) onProgress((0.9 * (p + 1)) / paths);
  }

  const bands = { p5: [] as number[], p25: [] as number[], p50: [] as number[], p75: [] as number[], p95: [] as number[] };
  for (let y = 0; y <= years; y++) {
    const column = yearEnds.subarray(y * paths, (y + 1) * paths).sort();
    for (const [key, q] of Object.entries(PERCENTILES) as [keyof typeof PERCENTILES, number][]) {
      bands[key].push(percentileSorted(column, q));
    }
  }
  onProgress(1);
  const hasGoal = input.withdrawal !== undefined || target !== undefined;
  return {
    years: Array.from({ length: years + 1 }, (_, y) => y),
    bands,
    successProbability: hasGoal ? successes / paths : null,
    depletionProbability: depletions / paths,
    meanFinal: finalSum / paths,
    paths,
    seed: input.seed,
  };
}
