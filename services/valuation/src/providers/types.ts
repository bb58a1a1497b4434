import type { InstrumentType, PriceSource } from '@meridian/contracts';
import type { Day } from '../days.js';

/** What a provider knows about an instrument. */
export interface InstrumentInfo {
  symbol: string;
  name: string;
  type: InstrumentType;
  currency: string;
  exchange: string | null;
  sector: string | null;
  country: string | null;
  /** The provider's own ids when they differ from the symbol (CoinGecko's `bitcoin`). */
  providerIds?: Record<string, string>;
}

/** An instrument as the chain asks providers about it. */
export interface InstrumentRef {
  symbol: string;
  type: InstrumentType;
  currency: string;
  exchange: string | null;
  providerIds: Record<string, string>;
}

/**
 * A price as a provider reported it, before the sanity checks: a JSON number (which may be
 * NaN, zero or negative in a bad response) or a decimal string. `decimals` says how many
 * places the provider's own display uses, to strip float noise from binary prices.
 */
export type RawPrice = number | string;

export interface ProviderQuote {
  price: RawPrice;
  currency: string;
  /** When the price was traded or fixed (not when we fetched it). */
  asOf: Date;
  previousClose?: RawPrice | undefined;
  decimals?: number | undefined;
}

export interface ProviderBar {
  /** The trading day, in the exchange's time zone. */
  date: Day;
  close: RawPrice;
  decimals?: number | undefined;
}

export interface ProviderRate {
  date: Day;
  rate: RawPrice;
}

export type Operation = 'lookup' | 'search' | 'quote' | 'history' | 'fx';

/**
 * A market-data provider. Each declares what it can answer (`supports`); the chain asks
 * them in priority order. Methods reject with a {@link ProviderError}; an unknown symbol is
 * `undefined`, an absent key or an empty list, never an error.
 */
export interface MarketDataProvider {
  /** Short id used in settings (`MERIDIAN_VALUATION_PROVIDERS=yahoo,coingecko`). */
  readonly name: string;
  /** Recorded as the provenance of every price it supplies. */
  readonly source: PriceSource;
  readonly simulated: boolean;
  // Function-typed properties: the chain passes them around detached from the provider.
  readonly supports: (operation: Operation, instrument?: Pick<InstrumentRef, 'symbol' | 'type' | 'currency' | 'exchange'>) => boolean;
  readonly lookup?: (symbol: string) => Promise<InstrumentInfo | undefined>;
  readonly search?: (query: string, limit: number) => Promise<InstrumentInfo[]>;
  readonly quotes?: (instruments: InstrumentRef[]) => Promise<Map<string, ProviderQuote>>;
  readonly history?: (instrument: InstrumentRef, from: Day, to: Day) => Promise<ProviderBar[]>;
  readonly fxHistory?: (base: string, quote: string, from: Day, to: Day) => Promise<ProviderRate[]>;
  readonly fxLatest?: (base: string, quotes: string[]) => Promise<Map<string, ProviderRate>>;
}

export type ProviderErrorKind =
  /** Network failure, timeout or 5xx: counts against the circuit breaker. */
  | 'unavailable'
  /** The provider said slow down (429, or Alpha Vantage's "Note"). */
  | 'rate_limited'
  /** The key is missing, wrong or lacks the plan for this call. */
  | 'unauthorized'
  /** The response did not have the documented shape. */
  | 'bad_response';

export class ProviderError extends Error {
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  readonly retryAfterMs: number | undefined;

  constructor(provider: string, kind: ProviderErrorKind, message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(`${provider}: ${message}`, { cause: options.cause });
    this.name = 'ProviderError';
    this.provider = provider;
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
  }
}
