import { z } from 'zod';

/** Where a price came from: a market-data provider, the simulated market, or the user. */
export const priceSources = [
  'SIMULATED',
  'YAHOO',
  'COINGECKO',
  'FRANKFURTER',
  'ALPACA',
  'ALPHA_VANTAGE',
  'MANUAL',
] as const;
export const priceSource = z.enum(priceSources);
export type PriceSource = z.infer<typeof priceSource>;

/** An exact decimal as a string: `123`, `0.5`, `271.01` (no exponent, no sign). */
export const decimalString = z.string().regex(/^\d{1,20}(\.\d{1,20})?$/, 'expected a decimal number as a string, e.g. "12.34"');

/** A calendar day, `YYYY-MM-DD`. */
export const calendarDate = z.iso.date();

export const pricePoint = z.object({
  symbol: z.string().min(1).max(32),
  date: calendarDate,
  close: decimalString,
  currency: z.string().length(3),
  source: priceSource,
  /** True when the price comes from the simulated market, never from a real one. */
  simulated: z.boolean(),
});
export type PricePoint = z.infer<typeof pricePoint>;

/** Events the valuation service publishes (prices, instruments). */
export const valuationEvents = {
  /**
   * Daily closes stored or replaced, published in batches in the transaction that stored
   * them. `kind`: `intraday` (today's provisional close from a quote), `eod` (a session's
   * official close), `backfill` (history of a newly tracked symbol or a widened range),
   * `manual` (a user's own instrument: `ownerId` is set and the event's subject is that
   * user; nobody else's read models may use those prices).
   */
  'valuation.prices.updated': z.object({
    kind: z.enum(['intraday', 'eod', 'backfill', 'manual']),
    ownerId: z.uuid().optional(),
    prices: z.array(pricePoint).min(1).max(1000),
  }),
  /** Reference rates stored or replaced (`rate`: units of `quote` per one `base`), in the transaction that stored them. */
  'valuation.fx.updated': z.object({
    base: z.string().length(3),
    quote: z.string().length(3),
    rates: z
      .array(z.object({ date: calendarDate, rate: decimalString, source: priceSource, simulated: z.boolean() }))
      .min(1)
      .max(1000),
  }),
} as const;
