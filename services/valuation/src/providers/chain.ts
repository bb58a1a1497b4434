import type { PriceSource } from '@meridian/contracts';
import type { Logger } from '@meridian/platform';
import { Counter, type Registry } from 'prom-client';
import type { Day } from '../days.js';
import type { CircuitBreaker, CircuitState } from './circuit-breaker.js';
import type { RateLimiter } from './rate-limit.js';
import { agrees, checkQuote, cleanBars, toPrice, type CleanBar, type QuoteContext } from './sanity.js';

export type { CleanBar } from './sanity.js';
import { ProviderError, type InstrumentInfo, type InstrumentRef, type MarketDataProvider, type Operation } from './types.js';

/** A provider with its own circuit breaker and request budget. */
export interface ChainMember {
  provider: MarketDataProvider;
  breaker: CircuitBreaker;
  limiter: RateLimiter;
}

export interface Provenance {
  source: PriceSource;
  simulated: boolean;
}

export interface AcceptedQuote extends Provenance {
  symbol: string;
  price: string;
  previousClose: string | null;
  currency: string;
  asOf: Date;
  /** The trading day the quote belongs to, in the exchange's zone. */
  sessionDay: Day;
  /** The second source that agreed with a price that jumped. */
  confirmedBy: PriceSource | null;
}

export interface QuoteOutcome {
  accepted: Map<string, AcceptedQuote>;
  /** Jumps no second source confirmed (yet): held back, not stored. */
  unconfirmed: Map<string, AcceptedQuote>;
  /** Why each symbol without a quote has none, provider by provider. */
  failures: Map<string, string[]>;
}

export interface SeriesOutcome<T> extends Partial<Provenance> {
  points: T[];
  failures: string[];
}

export interface LookupResult {
  info: InstrumentInfo;
  source: PriceSource;
  simulated: boolean;
}

export interface ProviderChain {
  /** True when every provider is the simulated market (the offline mode). */
  readonly simulated: boolean;
  status(): Array<{ name: string; source: PriceSource; simulated: boolean; circuit: CircuitState }>;
  supports(operation: Operation, instrument?: Pick<InstrumentRef, 'symbol' | 'type' | 'currency' | 'exchange'>): boolean;
  lookup(symbol: string): Promise<LookupResult | undefined>;
  search(query: string, limit: number): Promise<LookupResult[]>;
  /** Latest quotes, sanity-checked, each from the first provider whose price passes. */
  quotes(instruments: InstrumentRef[], context: (ref: InstrumentRef) => QuoteContext): Promise<QuoteOutcome>;
  /** Daily closes from the first provider that has any, cleaned. */
  history(instrument: InstrumentRef, from: Day, to: Day, today: Day): Promise<SeriesOutcome<CleanBar>>;
  fxHistory(base: string, quote: string, from: Day, to: Day, today: Day): Promise<SeriesOutcome<CleanBar>>;
  fxLatest(base: string, quotes: string[]): Promise<Map<string, CleanBar & Provenance>>;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Asks providers in priority order, skipping those whose circuit is open or whose request
 * budget is spent, and falls back to the next on any failure. Every result carries the
 * provider it came from.
 */
export function createProviderChain(members: ChainMember[], options: { logger: Logger; metrics?: Registry }): ProviderChain {
  const log = options.logger;
  const metricName = 'valuation_provider_requests_total';
  const requests = options.metrics
    ? ((options.metrics.getSingleMetric(metricName) as Counter<'provider' | 'operation' | 'outcome'> | undefined) ??
      new Counter({
        name: metricName,
        help: 'Requests to market-data providers by outcome',
        labelNames: ['provider', 'operation', 'outcome'],
        registers: [options.metrics],
      }))
    : undefined;

  async function attempt<T>(member: ChainMember, operation: Operation, fn: () => Promise<T>): Promise<Attempt<T>> {
    const { provider, breaker, limiter } = member;
    const count = (outcome: string) => requests?.inc({ provider: provider.name, operation, outcome });
    if (breaker.state() === 'open') {
      count('circuit_open');
      return { ok: false, reason: `${provider.name}: circuit open` };
    }
    if (!(await limiter.tryAcquire())) {
      count('rate_limited');
      return { ok: false, reason: `${provider.name}: request budget spent` };
    }
    if (!breaker.tryAcquire()) {
      count('circuit_open');
      return { ok: false, reason: `${provider.name}: circuit half-open, probe in flight` };
    }
    try {
      const value = await fn();
      breaker.onSuccess();
      count('ok');
      return { ok: true, value };
    } catch (err) {
      breaker.onFailure();
      if (err instanceof ProviderError && err.kind === 'rate_limited') await limiter.exhaust(err.retryAfterMs);
      const kind = err instanceof ProviderError ? err.kind : 'error';
      count(kind);
      log.warn({ provider: provider.name, operation, err, circuit: breaker.state() }, 'market-data provider failed');
      return { ok: false, reason: `${provider.name}: ${(err as Error).message}` };
    }
  }

  const capable = (operation: Operation, ref?: Pick<InstrumentRef, 'symbol' | 'type' | 'currency' | 'exchange'>) =>
    members.filter((m) => m.provider.supports(operation, ref));

  const provenance = (m: ChainMember): Provenance => ({ source: m.provider.source, simulated: m.provider.simulated });

  return {
    simulated: members.length > 0 && members.every((m) => m.provider.simulated),

    status() {
      return members.map((m) => ({ name: m.provider.name, ...provenance(m), circuit: m.breaker.state() }));
    },

    supports(operation, instrument) {
      return capable(operation, instrument).length > 0;
    },

    async lookup(symbol) {
      for (const member of capable('lookup')) {
        const lookup = member.provider.lookup;
        if (!lookup) continue;
        const r = await attempt(member, 'lookup', () => lookup(symbol));
        if (r.ok && r.value) return { info: r.value, ...provenance(member) };
      }
      return undefined;
    },

    async search(query, limit) {
      for (const member of capable('search')) {
        const search = member.provider.search;
        if (!search) continue;
        const r = await attempt(member, 'search', () => search(query, limit));
        if (r.ok && r.value.length > 0) return r.value.map((info) => ({ info, ...provenance(member) }));
      }
      return [];
    },

    async quotes(instruments, context) {
      const accepted = new Map<string, AcceptedQuote>();
      const suspects = new Map<string, AcceptedQuote>();
      const failures = new Map<string, string[]>();
      const fail = (symbol: string, reason: string) => failures.set(symbol, [...(failures.get(symbol) ?? []), reason]);
      const pending = new Map(instruments.map((i) => [i.symbol, i]));

      for (const member of members) {
        const quotes = member.provider.quotes;
        if (!quotes || pending.size === 0) continue;
        const batch = [...pending.values()].filter((ref) => member.provider.supports('quote', ref));
        if (batch.length === 0) continue;
        const r = await attempt(member, 'quote', () => quotes(batch));
        if (!r.ok) {
          for (const ref of batch) fail(ref.symbol, r.reason);
          continue;
        }
        for (const ref of batch) {
          const raw = r.value.get(ref.symbol);
          if (!raw) {
            fail(ref.symbol, `${member.provider.name}: no quote`);
            continue;
          }
          if (raw.currency !== ref.currency) {
            // A price in another currency than the instrument's is another listing, not this one.
            fail(ref.symbol, `${member.provider.name}: quoted in ${raw.currency}, not ${ref.currency}`);
            continue;
          }
          const verdict = checkQuote(raw, context(ref));
          if (!verdict.ok && verdict.reason !== 'jump') {
            fail(ref.symbol, `${member.provider.name}: ${verdict.reason} (${verdict.detail})`);
            continue;
          }
          const quote: AcceptedQuote = {
            symbol: ref.symbol,
            price: verdict.price,
            previousClose: verdict.previousClose,
            currency: raw.currency,
            asOf: raw.asOf,
            sessionDay: verdict.sessionDay,
            confirmedBy: null,
            ...provenance(member),
          };
          const suspect = suspects.get(ref.symbol);
          if (suspect && agrees(suspect.price, quote.price)) {
            // Two sources saw the same move: it is real (a crash, a rally, a split).
            accepted.set(ref.symbol, { ...suspect, confirmedBy: member.provider.source });
            suspects.delete(ref.symbol);
            pending.delete(ref.symbol);
          } else if (verdict.ok) {
            accepted.set(ref.symbol, quote);
            suspects.delete(ref.symbol);
            pending.delete(ref.symbol);
          } else {
            fail(ref.symbol, `${member.provider.name}: jump (${verdict.detail})`);
            if (!suspect) suspects.set(ref.symbol, quote);
          }
        }
      }
      for (const symbol of pending.keys()) if (!suspects.has(symbol) && !failures.has(symbol)) fail(symbol, 'no provider serves it');
      return { accepted, unconfirmed: suspects, failures };
    },

    async history(instrument, from, to, today) {
      const failures: string[] = [];
      for (const member of capable('history', instrument)) {
        const history = member.provider.history;
        if (!history) continue;
        const r = await attempt(member, 'history', () => history(instrument, from, to));
        if (!r.ok) {
          failures.push(r.reason);
          continue;
        }
        const { bars, dropped } = cleanBars(r.value, { type: instrument.type, today });
        if (dropped.length > 0) {
          log.warn({ provider: member.provider.name, symbol: instrument.symbol, dropped: dropped.slice(0, 20), count: dropped.length }, 'dropped implausible bars');
        }
        const inRange = bars.filter((b) => b.date >= from && b.date <= to);
        if (inRange.length > 0) return { points: inRange, failures, ...provenance(member) };
        failures.push(`${member.provider.name}: no data in range`);
      }
      return { points: [], failures };
    },

    async fxHistory(base, quote, from, to, today) {
      const failures: string[] = [];
      for (const member of capable('fx')) {
        const fxHistory = member.provider.fxHistory;
        if (!fxHistory) continue;
        const r = await attempt(member, 'fx', () => fxHistory(base, quote, from, to));
        if (!r.ok) {
          failures.push(r.reason);
          continue;
        }
        const { bars } = cleanBars(
          r.value.map((x) => ({ date: x.date, close: x.rate })),
          { type: 'CURRENCY', today },
        );
        const inRange = bars.filter((b) => b.date >= from && b.date <= to);
        if (inRange.length > 0) return { points: inRange, failures, ...provenance(member) };
        failures.push(`${member.provider.name}: no rates in range`);
      }
      return { points: [], failures };
    },

    async fxLatest(base, quotes) {
      const out = new Map<string, CleanBar & Provenance>();
      for (const member of capable('fx')) {
        const fxLatest = member.provider.fxLatest;
        const missing = quotes.filter((q) => !out.has(q));
        if (!fxLatest || missing.length === 0) continue;
        const r = await attempt(member, 'fx', () => fxLatest(base, missing));
        if (!r.ok) continue;
        for (const [quote, rate] of r.value) {
          const parsed = toPrice(rate.rate);
          if ('price' in parsed) out.set(quote, { date: rate.date, close: parsed.price, ...provenance(member) });
        }
      }
      return out;
    },
  };
}
