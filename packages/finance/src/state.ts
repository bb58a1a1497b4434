import type { NormalizedActivity } from './activities.js';
import type { Decimal } from './decimal.js';
import type { Day } from './dates.js';
import type { Lot } from './lots.js';
import type { MarketData } from './market.js';
import type { Activity, CostBasisMethod, Diagnostic } from './types.js';

/** Where value or money sits: one holding in one account, or one currency of an account's cash. */
export interface Segment {
  readonly index: number;
  /** `P|account|symbol` or `C|account|currency`: also the canonical summation order. */
  readonly key: string;
  readonly kind: 'position' | 'cash';
  readonly accountId: string;
  readonly symbol: string | null;
  readonly currency: string;
  /** Quantity (position) or balance (cash) per day, float64. */
  quantity: Float64Array;
  /** Value in base currency per day. */
  value: Float64Array;
}

/** The segment index used for "outside the portfolio". */
export const OUTSIDE = -1;

/**
 * Money or securities moving between two segments (or in/out of the portfolio), in base
 * currency at the day's FX rate. Stored as columns: a ledger of 10,000 activities would
 * otherwise keep 10,000 small objects alive for the garbage collector to copy.
 */
export interface FlowList {
  length: number;
  day: Int32Array;
  from: Int32Array;
  to: Int32Array;
  amount: Float64Array;
  /** Securities moved at market value (amount = quantity × price × FX of the day), else NaN. */
  marketQuantity: Float64Array;
}

/** An exact change of a cash balance. */
export interface Posting {
  readonly segment: number;
  readonly day: Day;
  readonly delta: Decimal;
}

/** Exact state of a position after each day it changed. */
export interface PositionHistory {
  readonly segment: number;
  readonly accountId: string;
  readonly symbol: string;
  readonly days: Day[];
  readonly quantity: Decimal[];
  readonly cost: Decimal[];
  readonly costBase: Decimal[];
  /** Open lots after the last activity. */
  lots: readonly Lot[];
}

/** One lot (or part of one) closed by a sale. */
export interface RealisedLot {
  readonly activityId: string;
  readonly accountId: string;
  readonly symbol: string;
  /** Instrument currency. */
  readonly currency: string;
  readonly method: CostBasisMethod;
  readonly acquired: Day;
  readonly sold: Day;
  readonly quantity: Decimal;
  /** Net of the sale's fees and taxes, allocated pro rata. */
  readonly proceeds: Decimal;
  readonly cost: Decimal;
  readonly proceedsBase: Decimal;
  readonly costBase: Decimal;
}

/** Output of replaying one ledger: everything derived from its activities alone. */
export interface LedgerOutput {
  readonly key: string;
  readonly postings: Posting[];
  readonly flows: FlowList;
  readonly positions: PositionHistory[];
  readonly realised: RealisedLot[];
  /** Quantity a sale or transfer asked for beyond what was held, by activity id. */
  readonly shortfalls: Map<string, Decimal>;
  /** Trades whose price is an observation of the instrument's price (same currency). */
  readonly trades: NormalizedActivity[];
  /** Manual valuations. */
  readonly manual: NormalizedActivity[];
  readonly diagnostics: Diagnostic[];
  readonly segments: Set<number>;
}

/** Price per day of one instrument with where it came from. */
export interface PriceTrack {
  readonly price: Float64Array;
  readonly provenance: Uint8Array;
}

export const PROVENANCE = ['none', 'exact', 'carried', 'manual', 'trade'] as const;
export type Provenance = (typeof PROVENANCE)[number];
export const PROV_NONE = 0;
export const PROV_EXACT = 1;
export const PROV_CARRIED = 2;
export const PROV_MANUAL = 3;
export const PROV_TRADE = 4;

export interface AccountInfo {
  readonly id: string;
  readonly currency: string;
  readonly tracksCash: boolean;
  readonly costBasis: CostBasisMethod;
  readonly implicit: boolean;
}

export interface InstrumentInfo {
  readonly symbol: string;
  readonly currency: string;
  readonly assetClass: string;
  readonly name: string;
  readonly implicit: boolean;
}

/** Exact cash balance after each day it changed. */
export interface CashHistory {
  readonly days: Day[];
  readonly balance: Decimal[];
}

/**
 * A computed portfolio. Treat it as opaque and read it through the package's functions;
 * {@link applyChanges} updates it in place.
 */
export interface Portfolio {
  readonly baseCurrency: string;
  /** Last day of the timeline. */
  readonly asOf: Day;
  /** First day of the timeline: the day before the first activity (value 0, the base of MAX). */
  readonly startDay: Day;
  /** Number of days in the timeline. */
  readonly length: number;
  readonly market: MarketData;
  readonly accounts: Map<string, AccountInfo>;
  readonly instruments: Map<string, InstrumentInfo>;
  readonly activities: Map<string, NormalizedActivity>;
  /** Activities as given (for a full rebuild), in ledger order. */
  readonly sources: Map<string, { activity: Activity; seq: number }>;
  nextSeq: number;
  readonly ledgerActivities: Map<string, NormalizedActivity[]>;
  readonly ledgers: Map<string, LedgerOutput>;
  ledgerOrder: string[];
  readonly pairs: Map<string, NormalizedActivity>;
  readonly segments: Segment[];
  readonly segmentByKey: Map<string, number>;
  segmentOrder: number[];
  readonly fx: Map<string, Float64Array>;
  readonly prices: Map<string, PriceTrack>;
  readonly cash: Map<number, CashHistory>;
  readonly cashDiagnostics: Map<number, Diagnostic[]>;
  readonly total: Float64Array;
}
