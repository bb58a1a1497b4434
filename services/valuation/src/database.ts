import type { DataSource, InstrumentType, PriceSource } from '@meridian/contracts';
import type { ColumnType, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** DATE columns read back as `YYYY-MM-DD` strings (the platform's type parser). */
type DateColumn = string;
/** NUMERIC columns read back as exact decimal strings. */
type Numeric = string;

/** The tables of the `valuation` schema, as Kysely sees them. */
export interface ValuationDatabase {
  instruments: InstrumentsTable;
  prices: PricesTable;
  quotes: QuotesTable;
  fx_pairs: FxPairsTable;
  fx_rates: FxRatesTable;
  track_requests: TrackRequestsTable;
}

/**
 * Market instruments (owner_id null: shared, tracked from providers) and users' manual ones
 * (owner_id set: only that user sees them, and their prices).
 */
export interface InstrumentsTable {
  id: string;
  symbol: string;
  owner_id: string | null;
  name: string;
  type: InstrumentType;
  currency: string;
  exchange: string | null;
  sector: string | null;
  country: string | null;
  data_source: DataSource;
  /** JSON object of provider-specific ids, e.g. `{"coingecko":"bitcoin"}`. */
  provider_ids: string;
  /** The earliest day history was fetched from (shared instruments). */
  history_from: DateColumn | null;
  tracked_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Daily closes, with their provenance. */
export interface PricesTable {
  instrument_id: string;
  date: DateColumn;
  close: Numeric;
  source: PriceSource;
  simulated: boolean;
  confirmed_by: PriceSource | null;
  updated_at: Timestamp;
}

/** The latest quote of each shared instrument. */
export interface QuotesTable {
  instrument_id: string;
  price: Numeric;
  previous_close: Numeric | null;
  as_of: Timestamp;
  session_date: DateColumn;
  source: PriceSource;
  simulated: boolean;
  confirmed_by: PriceSource | null;
  fetched_at: Timestamp;
}

export interface FxPairsTable {
  base: string;
  quote: string;
  history_from: DateColumn;
  tracked_at: Timestamp;
}

export interface FxRatesTable {
  base: string;
  quote: string;
  date: DateColumn;
  rate: Numeric;
  source: PriceSource;
  simulated: boolean;
  updated_at: Timestamp;
}

/** Symbols to start tracking, queued by the event consumer and drained in the background. */
export interface TrackRequestsTable {
  symbol: string;
  /** JSON hints (name, type, currency) for a symbol no provider knows. */
  hints: string | null;
  requested_at: Timestamp;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
}

export type InstrumentRow = Selectable<InstrumentsTable>;
export type NewInstrument = Insertable<InstrumentsTable>;
export type PriceRow = Selectable<PricesTable>;
export type NewPrice = Insertable<PricesTable>;
export type QuoteRow = Selectable<QuotesTable>;
export type FxRateRow = Selectable<FxRatesTable>;
export type TrackRequestRow = Selectable<TrackRequestsTable>;
