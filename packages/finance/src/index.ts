/**
 * @meridian/finance — pure portfolio maths: no I/O, no clock (time is a parameter).
 *
 * Exact decimals for what a user reconciles (quantities, prices, amounts, fees, taxes, cost
 * basis, realised gains, balances); float64 typed arrays for the derived daily series and
 * statistics. See README.md and docs/adr/0010-finance-decimal-and-timeline.md.
 *
 * @example
 * const p = buildPortfolio({ baseCurrency: 'EUR', asOf: '2024-12-31', accounts, instruments, activities, prices, fx });
 * const ytd = performance(p, { range: 'YTD' });        // { twr, mwr, modifiedDietz, absoluteGain, series, … }
 * applyChanges(p, { upsert: [newActivity] });          // incremental, same result as a rebuild
 * holdings(p).total.value;                              // exact decimal string
 */

export { Decimal, DecimalError, MAX_SCALE, ONE, ZERO, maybeDecimal, roundDiv, toDecimal } from './decimal.js';
export type { DecimalInput, RoundingMode } from './decimal.js';
export { minorUnitDigits, roundToMinorUnit } from './currency.js';
export { DateError, addMonths, addYears, civilFromDay, dayFromCivil, formatDate, isoWeekday, parseDate } from './dates.js';
export type { Day } from './dates.js';

export type {
  Account,
  Activity,
  ActivityType,
  CostBasisMethod,
  DatedValue,
  Diagnostic,
  DiagnosticCode,
  Instrument,
  MarketDataInput,
} from './types.js';
export { parseFloatFast, prepareMarketData } from './market.js';
export type { MarketData, Series } from './market.js';

export { applyChanges, buildPortfolio, diagnostics } from './portfolio.js';
export type { PortfolioChanges, PortfolioInput } from './portfolio.js';
export type { Portfolio, Provenance } from './state.js';

export { addLots, allocate, newLotBook, openLots, splitLots, takeLots } from './lots.js';
export type { Lot, LotBook, Taken } from './lots.js';

export { cashTimeline, dayPoint, holdingTimeline, provenanceName, timelineDates, valueTimeline } from './timeline-views.js';
export type { DayPoint, HoldingTimeline } from './timeline-views.js';

export { resolveRange } from './ranges.js';
export type { RangeName, RangeSpec, ResolvedRange } from './ranges.js';
export { CASH_CLASS } from './selection.js';
export type { Filter } from './selection.js';

export { chainLink, dailyReturns, modifiedDietz, performance, performanceByYear, returnSeries } from './performance.js';
export type { PerformancePoint, PerformanceQuery, PerformanceResult, ReturnSeries } from './performance.js';
export { brent, xirr } from './xirr.js';
export type { DatedAmount } from './xirr.js';

export { attribution } from './attribution.js';
export type { AttributionParts, AttributionResult } from './attribution.js';

export {
  CALENDAR_DAYS_PER_YEAR,
  benchmarkIndex,
  betaCorrelation,
  compareWithBenchmark,
  maxDrawdown,
  risk,
  sharpe,
  sortino,
  standardDeviation,
  volatility,
} from './risk.js';
export type { Benchmark, ComparisonPoint, ComparisonResult, Drawdown, RiskQuery, RiskResult } from './risk.js';

export { holdings } from './holdings.js';
export type { CashSummary, HoldingSummary, HoldingsGroup, HoldingsResult } from './holdings.js';
export { realisedGains } from './realised-gains.js';
export type { RealisedGainEntry, RealisedGainsQuery, TaxYearGains } from './realised-gains.js';
