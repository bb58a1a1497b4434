import type { DatedValue, Instrument, MarketData, Series } from '@meridian/finance';
import { prepareMarketData } from '@meridian/finance';
import { AppError, type Logger, type ServiceClient } from '@meridian/platform';

/** What the read model knows of an instrument besides its prices. */
export interface InstrumentMeta extends Instrument {
  name: string;
  assetClass: string;
  sector: string | null;
  country: string | null;
  /** The user's own instrument: its prices are theirs alone. */
  manual: boolean;
  simulated: boolean;
}

interface PriceTrack {
  /** Ascending by date, one close per day. */
  rows: DatedValue[];
  series: Series | null;
  /** First day asked of the valuation service (nothing older is known to exist). */
  from: string;
  simulated: boolean;
  fetchedAt: number;
}

/** The fields of valuation's instrument answer that the read model uses. */
interface InstrumentBody {
  name?: string;
  currency?: string;
  type?: string;
  sector?: string | null;
  country?: string | null;
  manual?: boolean;
  tracked?: boolean;
  simulated?: boolean;
}

/** How long a failed lookup is not retried, and how often the tail of a series is refreshed from the source. */
const RETRY_AFTER_MS = 60_000;
const REFRESH_AFTER_MS = 5 * 60_000;

/**
 * Prices, FX rates and instrument descriptions, shared by every user's portfolio in this
 * instance: fetched from the valuation service with the asking user's token the first time
 * they are needed, then kept current by `valuation.prices.updated` events (and the tail
 * refetched now and then, for instances that share the events with others). A user's
 * manual instrument is keyed by its owner: nobody else's portfolio reads those prices.
 */
export class MarketCache {
  private readonly prices = new Map<string, PriceTrack>();
  private readonly fx = new Map<string, PriceTrack>();
  private readonly instruments = new Map<string, InstrumentMeta>();
  private readonly failures = new Map<string, number>();
  /** Users whose manual symbols are known, by symbol: `owner|symbol` keys exist for them. */
  private readonly manualOwners = new Map<string, Set<string>>();

  constructor(
    private readonly valuation: () => ServiceClient,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  priceKey(userId: string, symbol: string): string {
    return this.manualOwners.get(symbol)?.has(userId) ? `${userId}|${symbol}` : symbol;
  }

  instrument(userId: string, symbol: string): InstrumentMeta | undefined {
    return this.instruments.get(`${userId}|${symbol}`);
  }

  /** Whether the series of `symbol` (as `userId` sees it) covers `from`. */
  private covers(track: PriceTrack | undefined, from: string): boolean {
    return !!track && track.from <= from;
  }

  /**
   * Fetches what is missing for a user's portfolio: descriptions of its instruments, their
   * daily closes from `from`, and FX rates into `baseCurrency`. Failures are logged and
   * remembered for a minute; the portfolio is then valued with what is known (trade prices).
   */
  async ensure(userId: string, token: string, need: { symbols: ReadonlyMap<string, string>; currencies: ReadonlySet<string>; baseCurrency: string; from: string; to: string }): Promise<void> {
    const work: Promise<void>[] = [];
    for (const [symbol, currencyHint] of need.symbols) {
      work.push(this.ensureSymbol(userId, token, symbol, currencyHint, need.from, need.to));
    }
    for (const currency of need.currencies) {
      if (currency === need.baseCurrency) continue;
      work.push(this.ensureFx(token, currency, need.baseCurrency, need.from, need.to));
    }
    await Promise.all(work);
  }

  private failedRecently(key: string): boolean {
    const at = this.failures.get(key);
    return at !== undefined && this.now() - at < RETRY_AFTER_MS;
  }

  private async ensureSymbol(userId: string, token: string, symbol: string, currencyHint: string, from: string, to: string): Promise<void> {
    const metaKey = `${userId}|${symbol}`;
    if (!this.instruments.has(metaKey)) {
      if (this.failedRecently(metaKey)) return;
      const meta = await this.describe(token, symbol, currencyHint).catch((err: unknown) => {
        this.failures.set(metaKey, this.now());
        this.logger.warn({ err, symbol }, 'could not describe an instrument');
        return null;
      });
      if (!meta) return;
      this.instruments.set(metaKey, meta);
      if (meta.manual) {
        let owners = this.manualOwners.get(symbol);
        if (!owners) this.manualOwners.set(symbol, (owners = new Set()));
        owners.add(userId);
      }
    }
    const key = this.priceKey(userId, symbol);
    await this.refresh(this.prices, key, from, `prices|${key}`, async (since) => {
      const res = await this.valuation().request<{ prices: { date: string; close: string }[]; simulated: boolean }>({
        path: `/instruments/${encodeURIComponent(symbol)}/history?from=${since}&to=${to}`,
        token,
        timeoutMs: 15_000,
      });
      return { rows: res.body.prices.map((p) => [p.date, p.close] as const), simulated: res.body.simulated };
    });
  }

  /** The instrument's description; a symbol valuation does not track yet is tracked first. */
  private async describe(token: string, symbol: string, currencyHint: string): Promise<InstrumentMeta> {
    const path = `/instruments/${encodeURIComponent(symbol)}`;
    let body: InstrumentBody;
    try {
      body = (await this.valuation().request<InstrumentBody>({ path, token })).body;
      if (body.tracked === false && body.manual !== true) throw new AppError('not_found', 'not tracked');
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
      const tracked = await this.valuation().request<{ instrument: InstrumentBody }>({
        method: 'POST',
        path: `${path}/track`,
        body: { currency: currencyHint },
        token,
        timeoutMs: 30_000,
      });
      body = tracked.body.instrument;
    }
    return {
      symbol,
      name: body.name ?? symbol,
      currency: body.currency ?? currencyHint,
      assetClass: body.type ?? 'OTHER',
      sector: body.sector ?? null,
      country: body.country ?? null,
      manual: body.manual === true,
      simulated: body.simulated === true,
    };
  }

  private async ensureFx(token: string, currency: string, base: string, from: string, to: string): Promise<void> {
    const key = `${currency}>${base}`;
    await this.refresh(this.fx, key, from, `fx|${key}`, async (since) => {
      const res = await this.valuation().request<{ rates: { date: string; rate: string }[]; simulated: boolean }>({
        path: `/fx?base=${currency}&quote=${base}&from=${since}&to=${to}`,
        token,
        timeoutMs: 15_000,
      });
      return { rows: res.body.rates.map((r) => [r.date, r.rate] as const), simulated: res.body.simulated };
    });
  }

  /**
   * Fetches a series from `from` when it is not held that far back, or only its tail (from
   * its last day) when it is held but older than the refresh interval. A failure is logged
   * and not retried for a minute.
   */
  private async refresh(
    map: Map<string, PriceTrack>,
    key: string,
    from: string,
    failureKey: string,
    fetch: (since: string) => Promise<{ rows: DatedValue[]; simulated: boolean }>,
  ): Promise<void> {
    const track = map.get(key);
    const covered = this.covers(track, from);
    if (covered && this.now() - track!.fetchedAt <= REFRESH_AFTER_MS) return;
    if (this.failedRecently(failureKey)) return;
    const since = covered ? (track!.rows.at(-1)?.[0] ?? from) : from;
    try {
      const got = await fetch(since);
      this.merge(map, key, got.rows, since, got.simulated);
    } catch (err) {
      this.failures.set(failureKey, this.now());
      this.logger.warn({ err, key }, 'could not fetch market data');
    }
  }

  private merge(
    map: Map<string, PriceTrack>,
    key: string,
    rows: readonly DatedValue[],
    from: string,
    simulated: boolean,
  ): void {
    const track = map.get(key) ?? { rows: [], series: null, from, simulated, fetchedAt: 0 };
    const byDate = new Map<string, string>(track.rows.map(([d, v]) => [d, v]));
    for (const [d, v] of rows) byDate.set(d, v);
    track.rows = [...byDate.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    track.series = null;
    track.from = track.from < from ? track.from : from;
    track.simulated = track.simulated || simulated;
    track.fetchedAt = this.now();
    map.set(key, track);
  }

  /**
   * Closes from a `valuation.prices.updated` event. Returns the price keys that changed
   * (only series already held: one nobody has asked for is fetched whole when needed).
   */
  applyPrices(points: readonly { symbol: string; date: string; close: string; source: string; simulated: boolean }[], ownerId?: string): Set<string> {
    const changed = new Set<string>();
    const bySymbol = new Map<string, { date: string; close: string; source: string; simulated: boolean }[]>();
    for (const p of points) {
      let list = bySymbol.get(p.symbol);
      if (!list) bySymbol.set(p.symbol, (list = []));
      list.push(p);
    }
    for (const [symbol, list] of bySymbol) {
      const key = ownerId ? `${ownerId}|${symbol}` : symbol;
      const track = this.prices.get(key);
      if (!track) continue;
      const fetchedAt = track.fetchedAt;
      this.merge(this.prices, key, list.map((p) => [p.date, p.close] as const), track.from, list.some((p) => p.simulated));
      this.prices.get(key)!.fetchedAt = fetchedAt;
      changed.add(key);
    }
    return changed;
  }

  /** Daily closes of any instrument the user may see (a benchmark), fetched if needed. */
  async history(userId: string, token: string, symbol: string, from: string, to: string): Promise<readonly DatedValue[]> {
    await this.ensureSymbol(userId, token, symbol, 'USD', from, to);
    return this.prices.get(this.priceKey(userId, symbol))?.rows ?? [];
  }

  /**
   * Rates from a `valuation.fx.updated` event (`rate`: units of `quote` per `base`). Answers
   * whether a series held here changed (one nobody has asked for is fetched whole when needed).
   */
  applyFx(base: string, quote: string, rates: readonly { date: string; rate: string; simulated: boolean }[]): boolean {
    const key = `${base}>${quote}`;
    const track = this.fx.get(key);
    if (!track) return false;
    const fetchedAt = track.fetchedAt;
    this.merge(this.fx, key, rates.map((r) => [r.date, r.rate] as const), track.from, rates.some((r) => r.simulated));
    this.fx.get(key)!.fetchedAt = fetchedAt;
    return true;
  }

  /** Market data for one user's portfolio (series parsed once and shared). */
  marketFor(userId: string, symbols: Iterable<string>, currencies: Iterable<string>, baseCurrency: string): MarketData {
    const prices = new Map<string, Series>();
    for (const symbol of symbols) {
      const track = this.prices.get(this.priceKey(userId, symbol));
      if (!track || track.rows.length === 0) continue;
      track.series ??= prepareMarketData({ prices: { [symbol]: track.rows }, fx: {} }).prices.get(symbol)!;
      prices.set(symbol, track.series);
    }
    const fx = new Map<string, Series>();
    for (const currency of currencies) {
      if (currency === baseCurrency) continue;
      const track = this.fx.get(`${currency}>${baseCurrency}`);
      if (!track || track.rows.length === 0) continue;
      track.series ??= prepareMarketData({ prices: {}, fx: { [currency]: track.rows } }).fx.get(currency)!;
      fx.set(currency, track.series);
    }
    return { prices, fx };
  }

  /** Whether the prices a user sees for `symbol` include simulated ones. */
  isSimulated(userId: string, symbol: string): boolean {
    return this.prices.get(this.priceKey(userId, symbol))?.simulated ?? false;
  }

  /** Forgets a deleted user's instruments and manual prices. */
  forgetUser(userId: string): void {
    for (const key of [...this.instruments.keys()]) if (key.startsWith(`${userId}|`)) this.instruments.delete(key);
    for (const key of [...this.prices.keys()]) if (key.startsWith(`${userId}|`)) this.prices.delete(key);
    for (const owners of this.manualOwners.values()) owners.delete(userId);
  }
}
