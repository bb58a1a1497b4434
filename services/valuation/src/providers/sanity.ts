import type { InstrumentType } from '@meridian/contracts';
import { Decimal, DecimalError, toDecimal } from '@meridian/finance';
import { dayIn, dayNumber, type Day } from '../days.js';
import { latestSession, previousTradingDay, sessionOn, type MarketCalendar } from '../market-hours.js';
import type { ProviderBar, ProviderQuote, RawPrice } from './types.js';

/** Why a price was refused. */
export type Rejection = 'not_a_number' | 'non_positive' | 'future' | 'stale' | 'jump';

/**
 * The largest one-day move (as a ratio, up or down) taken without a second source, per asset
 * class. Beyond it a price is held until another provider (or a later observation) confirms
 * it: a bad tick or an unadjusted split must not reach anyone's portfolio.
 */
export const MAX_DAILY_RATIO: Record<InstrumentType, number> = {
  EQUITY: 1.4,
  ETF: 1.2,
  FUND: 1.15,
  BOND: 1.15,
  CRYPTO: 1.6,
  CASH: 1.02,
  CURRENCY: 1.1,
  REAL_ESTATE: 1.3,
  OTHER: 1.5,
};

/** Two sources agree when their prices are within this ratio. */
export const AGREEMENT_RATIO = 1.02;

/** A quote may carry a timestamp this far ahead of our clock (clock skew), no more. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const DECIMAL_TEXT = /^\s*\d+(\.\d+)?\s*$/;

/**
 * A provider's raw price as an exact decimal string, or why it is not a price. Binary
 * floats are rounded to the provider's display precision (`decimals`) or to 12
 * significant digits, which removes float noise such as 189.97999572753906.
 */
export function toPrice(raw: RawPrice | null | undefined, decimals?: number): { price: string } | { rejected: 'not_a_number' | 'non_positive' } {
  if (raw === null || raw === undefined) return { rejected: 'not_a_number' };
  let value: Decimal;
  try {
    if (typeof raw === 'number') {
      if (!Number.isFinite(raw)) return { rejected: 'not_a_number' };
      if (raw <= 0) return { rejected: 'non_positive' };
      const useDecimals = decimals !== undefined && decimals >= 0 && decimals <= 20;
      value = useDecimals ? toDecimal(raw.toFixed(decimals)) : Decimal.fromNumber(Number(raw.toPrecision(12)));
      // A tiny price rounded to nothing at the display precision keeps its significant digits.
      if (value.isZero()) value = Decimal.fromNumber(Number(raw.toPrecision(12)));
    } else {
      if (!DECIMAL_TEXT.test(raw)) return /^\s*-/.test(raw) ? { rejected: 'non_positive' } : { rejected: 'not_a_number' };
      value = toDecimal(raw.trim());
    }
  } catch (err) {
    if (err instanceof DecimalError) return { rejected: 'not_a_number' };
    throw err;
  }
  if (!value.isPositive()) return { rejected: 'non_positive' };
  return { price: value.toString() };
}

/** |ln(a/b)|: the size of a move, the same up and down. */
export function logDistance(a: string | number, b: string | number): number {
  return Math.abs(Math.log(Number(a) / Number(b)));
}

export function agrees(a: string | number, b: string | number): boolean {
  return logDistance(a, b) <= Math.log(AGREEMENT_RATIO);
}

/**
 * Whether `price` moved implausibly far from `reference`, `days` calendar days earlier. The
 * allowance grows with the square root of the time between them, as volatility does.
 */
export function isJump(type: InstrumentType, price: string | number, reference: string | number, days = 1): boolean {
  const allowed = Math.log(MAX_DAILY_RATIO[type]) * Math.sqrt(Math.max(1, days / 1.4));
  return logDistance(price, reference) > allowed;
}

export interface QuoteContext {
  type: InstrumentType;
  calendar: MarketCalendar;
  now: Date;
  /**
   * Recent stored closes, newest first: the jump check compares against the latest one up
   * to the quote's own trading day; the previous close is the latest one before it.
   */
  references?: Array<{ date: Day; close: string }> | undefined;
}

export type QuoteVerdict =
  | { ok: true; price: string; previousClose: string | null; sessionDay: Day }
  | { ok: false; reason: Exclude<Rejection, 'jump'>; detail: string }
  | { ok: false; reason: 'jump'; detail: string; price: string; previousClose: string | null; sessionDay: Day };

const HOUR = 3_600_000;

/** The oldest timestamp a current quote may carry: a price older than that is a frozen feed. */
export function staleBefore(calendar: MarketCalendar, now: Date): Date {
  if (calendar.id === 'CRYPTO') return new Date(now.getTime() - 6 * HOUR);
  if (calendar.id === 'WEEKDAYS') return new Date(now.getTime() - 7 * 24 * HOUR);
  // Reference rates (ECB) skip the TARGET holidays, which the FX calendar does not list.
  if (calendar.id === 'FX') return new Date(now.getTime() - 5 * 24 * HOUR);
  // The open of the session before the latest one: a quote may lag by one session, not two.
  const latest = latestSession(calendar, now);
  const before = sessionOn(calendar, previousTradingDay(calendar, latest.day));
  return before?.open ?? new Date(latest.open.getTime() - 4 * 24 * HOUR);
}

/**
 * The sanity checks every quote passes before it is stored: a positive finite number, a
 * timestamp neither in the future nor stale for its market, and no implausible jump
 * against the last stored close (a jump is returned with its price, for confirmation).
 */
export function checkQuote(quote: ProviderQuote, ctx: QuoteContext): QuoteVerdict {
  const parsed = toPrice(quote.price, quote.decimals);
  if ('rejected' in parsed) return { ok: false, reason: parsed.rejected, detail: `price ${String(quote.price)}` };
  const t = quote.asOf.getTime();
  if (!Number.isFinite(t)) return { ok: false, reason: 'stale', detail: 'no timestamp' };
  if (t > ctx.now.getTime() + FUTURE_TOLERANCE_MS) {
    return { ok: false, reason: 'future', detail: `timestamp ${quote.asOf.toISOString()} is ahead of ${ctx.now.toISOString()}` };
  }
  if (quote.asOf < staleBefore(ctx.calendar, ctx.now)) {
    return { ok: false, reason: 'stale', detail: `last traded ${quote.asOf.toISOString()}` };
  }
  const sessionDay = dayIn(quote.asOf, ctx.calendar.timeZone);
  const before = ctx.references?.find((r) => r.date < sessionDay);
  // A price already accepted for the same day (after a confirmed move) is the better reference.
  const reference = ctx.references?.find((r) => r.date <= sessionDay);
  const prev = quote.previousClose === undefined ? undefined : toPrice(quote.previousClose, quote.decimals);
  const previousClose = before?.close ?? (prev && 'price' in prev ? prev.price : null);
  if (reference) {
    const days = dayNumber(sessionDay) - dayNumber(reference.date);
    if (isJump(ctx.type, parsed.price, reference.close, days)) {
      return {
        ok: false,
        reason: 'jump',
        detail: `${parsed.price} against ${reference.close} on ${reference.date}`,
        price: parsed.price,
        previousClose,
        sessionDay,
      };
    }
  }
  return { ok: true, price: parsed.price, previousClose, sessionDay };
}

export interface CleanBar {
  date: Day;
  close: string;
}

/**
 * Cleans a provider's daily series: drops bars that are not positive numbers, lie after
 * `today`, or are isolated spikes (a jump out and straight back, the signature of a bad
 * tick), and keeps the last bar of a day given twice. Returns bars in date order.
 */
export function cleanBars(
  bars: ProviderBar[],
  options: { type: InstrumentType; today: Day },
): { bars: CleanBar[]; dropped: Array<{ date: Day; reason: Rejection | 'spike' }> } {
  const dropped: Array<{ date: Day; reason: Rejection | 'spike' }> = [];
  const byDate = new Map<Day, string>();
  for (const bar of bars) {
    if (bar.date > options.today) {
      dropped.push({ date: bar.date, reason: 'future' });
      continue;
    }
    const parsed = toPrice(bar.close, bar.decimals);
    if ('rejected' in parsed) dropped.push({ date: bar.date, reason: parsed.rejected });
    else byDate.set(bar.date, parsed.price);
  }
  const sorted = [...byDate].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([date, close]) => ({ date, close }));
  const limit = Math.log(MAX_DAILY_RATIO[options.type]);
  const kept: CleanBar[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const bar = sorted[i]!;
    const before = kept.at(-1);
    const after = sorted[i + 1];
    if (before && after) {
      const out = Math.log(Number(bar.close) / Number(before.close));
      const back = Math.log(Number(after.close) / Number(bar.close));
      const net = Math.log(Number(after.close) / Number(before.close));
      if (Math.abs(out) > limit && Math.abs(back) > limit && Math.sign(out) !== Math.sign(back) && Math.abs(net) < limit / 2) {
        dropped.push({ date: bar.date, reason: 'spike' });
        continue;
      }
    }
    kept.push(bar);
  }
  return { bars: kept, dropped };
}
