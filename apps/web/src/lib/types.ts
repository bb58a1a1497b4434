/**
 * Shapes of the portfolio service (services/portfolio/README.md). Exact money is a decimal
 * string; returns, weights and statistics are fractions as numbers.
 */

export type Range = '1D' | 'WTD' | 'MTD' | 'YTD' | '1Y' | '3Y' | '5Y' | 'MAX';
export const RANGES: readonly Range[] = ['1D', 'WTD', 'MTD', 'YTD', '1Y', '3Y', '5Y', 'MAX'];

export interface Diagnostic {
  severity: 'info' | 'warning' | 'error';
  code: string;
  message: string;
  symbol?: string;
}

export interface PriceFlags {
  simulated: boolean;
  stale: string[];
  manual: string[];
  backfilled?: string[];
}

export interface Summary {
  baseCurrency: string;
  asOf: string;
  version: number;
  netWorth: string;
  dayChange: string;
  dayChangePct: number | null;
  netContribution: string;
  costBasis: string;
  unrealizedGain: string;
  realizedGain: string;
  income: string;
  fees: string;
  taxes: string;
  cash: Array<{ currency: string; amount: string; value: string }>;
  accounts: Array<{ accountId: string; name: string; currency: string; value: string }>;
  prices: PriceFlags;
  diagnostics: Diagnostic[];
}

/** How a day's price was found: `exact` (a close that day), `carried` (an earlier close), `manual`, `trade` (the price of a trade), `none`. */
export type PriceSource = string;

export interface Holding {
  symbol: string;
  name: string | null;
  assetClass: string | null;
  currency: string;
  quantity: string;
  price: string | null;
  priceDate: string | null;
  priceSource: PriceSource | null;
  value: string;
  costBasis: string;
  unrealizedGain: string;
  realizedGain: string;
  income: string;
  weight: number;
  dayChange: string | number | null;
  simulated?: boolean;
  manual?: boolean;
  stale?: boolean;
  sector?: string | null;
  country?: string | null;
}

export interface HoldingsResponse {
  baseCurrency: string;
  asOf: string;
  version: number;
  holdings: Holding[];
  cash: Array<{ currency: string; amount: string; value: string }>;
  total: { value: string; costBasis: string; unrealizedGain: string; realizedGain: string; income: string };
}

export interface HoldingDetail extends Omit<Holding, 'weight' | 'dayChange' | 'priceSource'> {
  weight?: number;
  priceSource?: PriceSource | null;
  lots: Array<{ accountId: string; acquired: string; quantity: string; costBasis: string }>;
  activities: Array<{ id: string; accountId: string; type: string; date: string; quantity: string | null; unitPrice: string | null; amount: string | null; currency?: string }>;
  series: Array<{ date: string; price: number | null; quantity: number; value: number }>;
  baseCurrency?: string;
}

export interface PerformanceResponse {
  from: string;
  to: string;
  twr: number | null;
  mwr: number | null;
  modifiedDietz: number | null;
  absoluteGain: number;
  annualised: { twr: number | null; mwr: number | null } | null;
  series: Array<{ date: string; value: number | string; netContribution: number | string; twrIndex: number }>;
}

export interface YearsResponse {
  years: Array<{ year: number; twr: number | null; mwr: number | null; absoluteGain: number }>;
}

export interface AttributionParts {
  total: number;
  price: number;
  income: number;
  currency: number;
  fees: number;
  taxes: number;
}
export interface AttributionResponse extends AttributionParts {
  holdings: Array<AttributionParts & { symbol: string }>;
}

export interface AllocationSlice {
  key: string;
  value: string;
  weight: number;
}
export interface AllocationsResponse {
  total: string;
  assetClass: AllocationSlice[];
  currency: AllocationSlice[];
  account: AllocationSlice[];
  sector: AllocationSlice[];
  country: AllocationSlice[];
}

export interface RiskResponse {
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: { depth: number; peak: string | null; trough: string | null; recovered: string | null; durationDays: number | null } | null;
  beta: number | null;
  correlation: number | null;
  drawdown: Array<{ date: string; drawdown: number }>;
}

export interface BenchmarkResponse {
  symbol: string;
  portfolioReturn: number | null;
  benchmarkReturn: number | null;
  series: Array<{ date: string; portfolio: number; benchmark: number }>;
}

export interface LiveMessage {
  type: 'snapshot' | 'update';
  version: number;
  reason: string;
  summary: Summary;
}
