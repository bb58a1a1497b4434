import { z } from 'zod';
import { currencyCode, isKnownCurrency } from './currencies.js';
import { calendarDate, decimalString, priceSource } from './events/valuation.js';

/**
 * HTTP DTOs of the valuation service (public contract: see services/valuation/README.md).
 * Prices and rates are exact decimals as strings; `simulated: true` marks every response
 * that carries prices of the simulated market.
 */

export { pricePoint, priceSource, priceSources, type PricePoint, type PriceSource } from './events/valuation.js';

/** Whether `code` is an ISO 4217 currency code (upper case); the one list in currencies.ts. */
export const isIsoCurrency = isKnownCurrency;

/** An ISO 4217 code; lower case is accepted and upper-cased. */
export const isoCurrency = currencyCode;

/**
 * A ticker as providers write it (`AAPL`, `BRK-B`, `VOD.L`, `BTC-USD`, `EURUSD=X`, `^GSPC`),
 * upper-cased. No slashes or spaces, so it is safe in a URL path.
 */
export const tickerSymbol = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(z.string().regex(/^[A-Z0-9^][A-Z0-9.\-=^_]{0,31}$/, 'expected a ticker symbol such as AAPL, VOD.L or BTC-USD'));

/**
 * Any instrument's symbol, manual ones included (`MY HOUSE`, an ISIN): up to 64 characters,
 * upper-cased, without control characters or the few that break URLs and lists (`/ \ ? # % ,`).
 */
export const instrumentSymbol = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[^\p{Cc}/\\?#%,]+$/u, 'a symbol may not contain control characters or / \\ ? # % ,'),
  );

export const instrumentTypes = ['EQUITY', 'ETF', 'FUND', 'BOND', 'CRYPTO', 'CASH', 'CURRENCY', 'REAL_ESTATE', 'OTHER'] as const;
export const instrumentType = z.enum(instrumentTypes);
export type InstrumentType = z.infer<typeof instrumentType>;

/** Where an instrument's prices come from; MANUAL instruments belong to the user who made them. */
export const dataSource = priceSource;
export type DataSource = z.infer<typeof dataSource>;

/** A strictly positive decimal string (prices, rates). */
export const positiveDecimal = decimalString.refine((v) => /[1-9]/.test(v), { message: 'must be greater than zero' });

export const countryCode = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as US'));

export const createInstrumentBody = z.strictObject({
  symbol: instrumentSymbol,
  name: z.string().trim().min(1).max(200),
  currency: isoCurrency,
  type: instrumentType,
  /** Only manual instruments are created by users; market ones are tracked (`POST /instruments/{symbol}/track`). */
  dataSource: z.literal('MANUAL'),
  exchange: z.string().trim().min(1).max(32).nullable().optional(),
  sector: z.string().trim().min(1).max(100).nullable().optional(),
  country: countryCode.nullable().optional(),
});
export type CreateInstrumentBody = z.infer<typeof createInstrumentBody>;

export const instrumentDto = z.object({
  symbol: z.string(),
  name: z.string(),
  type: instrumentType,
  currency: z.string(),
  exchange: z.string().nullable(),
  sector: z.string().nullable(),
  country: z.string().nullable(),
  dataSource: dataSource,
  /** True for the caller's own manual instruments. */
  manual: z.boolean(),
  /** True when Meridian stores its history and refreshes its quote. */
  tracked: z.boolean(),
  simulated: z.boolean(),
});
export type InstrumentDto = z.infer<typeof instrumentDto>;

export const instrumentSearchQuery = z.object({
  query: z.string().trim().min(1).max(100),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const instrumentSearchResponse = z.object({
  query: z.string(),
  results: z.array(instrumentDto),
  simulated: z.boolean(),
});

export const trackInstrumentBody = z
  .strictObject({
    /** Hints for a symbol no provider knows (the simulated market then makes it up). */
    name: z.string().trim().min(1).max(200).optional(),
    type: instrumentType.optional(),
    currency: isoCurrency.optional(),
  })
  // No body at all is fine: Fastify hands the schema null then.
  .nullish();

export const trackInstrumentResponse = z.object({
  instrument: instrumentDto,
  /** Daily closes stored by this call (0 when the symbol was already tracked). */
  backfilled: z.number().int(),
  historyFrom: calendarDate.nullable(),
  simulated: z.boolean(),
});

/** The body of `PUT /instruments/{symbol}/prices`: a JSON array of daily closes. */
export const manualPricesBody = z
  .array(z.strictObject({ date: calendarDate, close: positiveDecimal }))
  .min(1)
  .max(10_000)
  .refine((rows) => new Set(rows.map((r) => r.date)).size === rows.length, { message: 'each date may appear only once' });
export type ManualPricesBody = z.infer<typeof manualPricesBody>;

export const manualPricesResponse = z.object({ symbol: z.string(), stored: z.number().int() });

export const historyQuery = z.object({ from: calendarDate.optional(), to: calendarDate.optional() });

export const historyPointDto = z.object({
  date: calendarDate,
  close: decimalString,
  source: priceSource,
  simulated: z.boolean(),
});

export const historyResponse = z.object({
  symbol: z.string(),
  currency: z.string(),
  from: calendarDate,
  to: calendarDate,
  prices: z.array(historyPointDto),
  simulated: z.boolean(),
});

export const quotesQuery = z.object({
  symbols: z
    .string()
    .trim()
    .min(1)
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean))])
    .pipe(z.array(instrumentSymbol).min(1).max(100)),
});

export const marketState = z.enum(['open', 'closed']);

export const quoteDto = z.object({
  symbol: z.string(),
  price: decimalString,
  currency: z.string(),
  previousClose: decimalString.nullable(),
  /** price − previousClose, exact; negative values carry a leading minus. */
  change: z.string().nullable(),
  /** Derived, for display: percent change against the previous close. */
  changePercent: z.number().nullable(),
  asOf: z.iso.datetime({ offset: true }),
  marketState,
  source: priceSource,
  /** A second provider that agreed with a price that moved more than usual. */
  confirmedBy: priceSource.nullable(),
  simulated: z.boolean(),
  /** True when no fresh price could be fetched and this is the last one known. */
  stale: z.boolean(),
});
export type QuoteDto = z.infer<typeof quoteDto>;

export const quotesResponse = z.object({
  quotes: z.array(quoteDto),
  /** Symbols that are neither tracked nor the caller's (track them first) or have no price yet. */
  missing: z.array(z.string()),
  simulated: z.boolean(),
});

export const fxQuery = z.object({
  base: isoCurrency,
  quote: isoCurrency,
  from: calendarDate.optional(),
  to: calendarDate.optional(),
});

export const fxResponse = z.object({
  base: z.string(),
  quote: z.string(),
  from: calendarDate,
  to: calendarDate,
  rates: z.array(z.object({ date: calendarDate, rate: decimalString, source: priceSource, simulated: z.boolean() })),
  simulated: z.boolean(),
});

export const fxLatestQuery = z.object({
  base: isoCurrency,
  /** One code or a comma-separated list. */
  quote: z
    .string()
    .trim()
    .min(1)
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean))])
    .pipe(z.array(isoCurrency).min(1).max(50)),
});

export const fxLatestResponse = z.object({
  base: z.string(),
  rates: z.array(
    z.object({ quote: z.string(), rate: decimalString, date: calendarDate, source: priceSource, simulated: z.boolean() }),
  ),
  missing: z.array(z.string()),
  simulated: z.boolean(),
});

export const providerStatusResponse = z.object({
  providers: z.array(
    z.object({
      name: z.string(),
      source: priceSource,
      simulated: z.boolean(),
      circuit: z.enum(['closed', 'open', 'half_open']),
    }),
  ),
  simulated: z.boolean(),
});
