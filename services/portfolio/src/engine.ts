import type { EventData } from '@meridian/contracts';
import { applyChanges, buildPortfolio, type Account, type Activity, type Instrument, type Portfolio } from '@meridian/finance';
import { AppError, type Logger } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { PortfolioDatabase } from './database.js';
import type { MarketCache } from './market.js';
import { loadUser, readVersion, type AccountRow, type ActivityRow } from './readmodel.repository.js';

type ActivityEvent = EventData<'transactions.activity.recorded'>;

/** One user's portfolio as this instance holds it in memory. */
export interface UserView {
  readonly userId: string;
  /** Every transactions event up to this version is included. */
  version: number;
  baseCurrency: string;
  /** The user chose the base currency (else it follows their first account's). */
  baseCurrencyChosen: boolean;
  /** `YYYY-MM-DD` the timeline ends on (today, UTC, when it was built). */
  asOf: string;
  accounts: Map<string, AccountRow>;
  /** Live activities, in replay order (by day, then splits, inflows, outflows, then arrival). */
  activities: Map<string, ActivityRow>;
  portfolio: Portfolio;
  /** Serialised answers, dropped on every change. */
  readonly responses: Map<string, string>;
  /** Versions above `version` already applied (events may arrive out of order). */
  readonly ahead: Set<number>;
  /** Deleted activities and the version that deleted them (a late, older event must not revive one). */
  readonly tombstones: Map<string, number>;
  /** When the view was built from the database, and when its version was last compared with it. */
  loadedAt: number;
  checkedAt: number;
  /** Market data may be missing (a new symbol or currency seen without a token to fetch with). */
  needsMarket: boolean;
}

export type Change =
  | { kind: 'activity'; version: number; activity: ActivityEvent; deleted: boolean }
  | { kind: 'account'; version: number; account: AccountRow | null; accountId: string };

export type UpdateReason = 'activity' | 'account' | 'prices' | 'settings' | 'day';
export type Listener = (view: UserView, reason: UpdateReason) => void;

export interface EngineOptions {
  /** Compare a held view's version with the database at most this often (other instances may have applied events). */
  recheckMs?: number;
  /** Rebuild from the database (and refresh market data) at least this often. */
  reloadMs?: number;
  /** How long a read waits for a version (`minVersion`). */
  versionWaitMs?: number;
  /** At most this many users' portfolios are held in memory (least recently used leave first). */
  capacity?: number;
  now?: () => number;
}

const PHASE_SPLIT = 0;
const INFLOW = new Set(['BUY', 'TRANSFER_IN', 'DEPOSIT', 'DIVIDEND', 'INTEREST', 'VALUATION']);

/** The transactions service's same-day order: splits, what comes in, what goes out. */
export function phaseOf(type: string): number {
  if (type === 'SPLIT') return PHASE_SPLIT;
  return INFLOW.has(type) ? 1 : 2;
}

function compareRows(a: ActivityRow, b: ActivityRow): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return phaseOf(a.type) - phaseOf(b.type) || a.seq - b.seq;
}

export function todayUtc(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function toActivity(r: ActivityRow): Activity {
  const a: Activity = { id: r.activity_id, accountId: r.account_id, date: r.date, type: r.type as Activity['type'], fee: r.fee, tax: r.tax, currency: r.currency };
  if (r.symbol !== null) a.symbol = r.symbol;
  if (r.quantity !== null) a.quantity = r.quantity;
  if (r.unit_price !== null) a.unitPrice = r.unit_price;
  if (r.amount !== null) a.amount = r.amount;
  if (r.ratio !== null) a.ratio = r.ratio;
  if (r.transfer_id !== null) a.transferId = r.transfer_id;
  return a;
}

function rowOf(e: ActivityEvent, seq: number): ActivityRow {
  return {
    activity_id: e.activityId,
    user_id: e.userId,
    account_id: e.accountId,
    type: e.type,
    date: e.date,
    symbol: e.symbol,
    quantity: e.quantity,
    unit_price: e.unitPrice,
    amount: e.amount,
    fee: e.fee,
    tax: e.tax,
    currency: e.currency,
    ratio: e.ratio,
    transfer_id: e.transferId,
    deleted: false,
    version: e.version,
    seq,
  };
}

/**
 * Holds users' portfolios in memory and keeps them current: built from the read model on
 * first use, then changed incrementally by each event (finance's `applyChanges`, which
 * replays only the ledgers touched, from the earliest changed day), rebuilt when prices,
 * accounts or the day change. Listeners (the live WebSocket) hear of every change.
 */
export class PortfolioEngine {
  private readonly views = new Map<string, UserView>();
  private readonly loading = new Map<string, Promise<UserView>>();
  /** Changes that arrived while a user's view was being loaded. */
  private readonly pending = new Map<string, Change[]>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly versionWaiters = new Map<string, Set<() => void>>();
  private readonly rebuilds = new Map<string, { timer: NodeJS.Timeout; reason: UpdateReason }>();
  private readonly recheckMs: number;
  private readonly reloadMs: number;
  private readonly versionWaitMs: number;
  private readonly capacity: number;
  readonly now: () => number;

  constructor(
    private readonly db: Kysely<PortfolioDatabase>,
    private readonly market: MarketCache,
    private readonly logger: Logger,
    options: EngineOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? 2_000;
    this.reloadMs = options.reloadMs ?? 10 * 60_000;
    this.versionWaitMs = options.versionWaitMs ?? 5_000;
    this.capacity = options.capacity ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The caller's current portfolio. `minVersion`: wait until the transactions change with
   * that version is included (write-then-read), at most `versionWaitMs`, then 503.
   */
  async view(userId: string, token: string, minVersion?: number): Promise<UserView> {
    let view = this.views.get(userId);
    const now = this.now();
    if (minVersion !== undefined && (!view || view.version < minVersion)) view = await this.waitFor(userId, token, minVersion);
    if (!view || view.asOf !== todayUtc(now) || now - view.loadedAt > this.reloadMs) return this.load(userId, token);
    if (now - view.checkedAt > this.recheckMs) {
      view.checkedAt = now;
      if ((await readVersion(this.db, userId)) > view.version) return this.load(userId, token);
    }
    if (view.needsMarket) await this.refreshMarket(view, token);
    // Most recently used last: the first entries are the ones to evict.
    this.views.delete(userId);
    this.views.set(userId, view);
    return view;
  }

  /** A held view without loading (the live socket's pushes). */
  peek(userId: string): UserView | undefined {
    return this.views.get(userId);
  }

  private async waitFor(userId: string, token: string, minVersion: number): Promise<UserView> {
    const deadline = this.now() + this.versionWaitMs;
    for (;;) {
      const held = this.views.get(userId);
      if (held && held.version >= minVersion) return held;
      if ((await readVersion(this.db, userId)) >= minVersion) return this.load(userId, token);
      const left = deadline - this.now();
      if (left <= 0) {
        throw new AppError('unavailable', `version ${minVersion} is not applied yet (at ${held?.version ?? 'unknown'}); retry shortly`, {
          headers: { 'retry-after': '1' },
        });
      }
      await new Promise<void>((resolve) => {
        let waiters = this.versionWaiters.get(userId);
        if (!waiters) this.versionWaiters.set(userId, (waiters = new Set()));
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        // Woken by the event's arrival; the poll covers a commit that lands after it.
        const timer = setTimeout(done, Math.min(left, 25));
        waiters.add(done);
      });
    }
  }

  /** Builds (or rebuilds) a user's view from the read model, fetching missing market data. */
  load(userId: string, token: string | undefined): Promise<UserView> {
    const inflight = this.loading.get(userId);
    if (inflight) return inflight;
    if (!this.pending.has(userId)) this.pending.set(userId, []);
    const promise = this.doLoad(userId, token).finally(() => {
      this.loading.delete(userId);
      this.pending.delete(userId);
    });
    this.loading.set(userId, promise);
    return promise;
  }

  private async doLoad(userId: string, token: string | undefined): Promise<UserView> {
    const data = await loadUser(this.db, userId);
    const now = this.now();
    const accounts = new Map(data.accounts.map((a) => [a.account_id, a]));
    const activities = new Map(data.activities.sort(compareRows).map((a) => [a.activity_id, a]));
    const baseCurrency = data.baseCurrency ?? firstAccountCurrency(accounts.values()) ?? 'USD';
    const view: UserView = {
      userId,
      version: data.version,
      baseCurrency,
      baseCurrencyChosen: data.baseCurrency !== null,
      asOf: todayUtc(now),
      accounts,
      activities,
      portfolio: undefined as unknown as Portfolio,
      responses: new Map(),
      ahead: new Set(data.ahead),
      tombstones: data.tombstones,
      loadedAt: now,
      checkedAt: now,
      needsMarket: false,
    };
    if (token) await this.fetchMarket(view, token);
    else view.needsMarket = this.missesMarket(view);
    view.portfolio = this.build(view);
    for (const change of this.pending.get(userId) ?? []) this.applyTo(view, change);
    this.views.delete(userId);
    this.views.set(userId, view);
    while (this.views.size > this.capacity) {
      const oldest = this.views.keys().next().value!;
      if (this.listeners.has(oldest)) break;
      this.views.delete(oldest);
    }
    this.wake(userId);
    return view;
  }

  private needs(view: UserView): { symbols: Map<string, string>; currencies: Set<string>; from: string } {
    const symbols = new Map<string, string>();
    const currencies = new Set<string>();
    let from = view.asOf;
    for (const a of view.accounts.values()) currencies.add(a.currency);
    for (const a of view.activities.values()) {
      currencies.add(a.currency);
      if (a.symbol) symbols.set(a.symbol, a.currency);
      if (a.date < from) from = a.date;
    }
    const start = new Date(`${from}T00:00:00Z`);
    start.setUTCDate(start.getUTCDate() - 7);
    return { symbols, currencies, from: start.toISOString().slice(0, 10) };
  }

  /** Whether an instrument of the view has never been described here (its prices are then unknown too). */
  private missesMarket(view: UserView): boolean {
    for (const a of view.activities.values()) if (a.symbol && !this.market.instrument(view.userId, a.symbol)) return true;
    return false;
  }

  /**
   * Another instance consumed a change of this user (`version`): a held view is rebuilt from
   * the read model once that version is committed there (at most `versionWaitMs` later), and
   * its listeners hear of it. Views not held here have nothing to update.
   */
  async remoteChange(userId: string, version: number): Promise<void> {
    const held = this.views.get(userId);
    if (!held || held.version >= version) return;
    const deadline = this.now() + this.versionWaitMs;
    while ((await readVersion(this.db, userId)) < version) {
      if (this.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    const current = this.views.get(userId);
    if (!current || current.version >= version) return;
    const view = await this.load(userId, undefined);
    this.changed(view, 'activity');
  }

  private async fetchMarket(view: UserView, token: string): Promise<void> {
    const need = this.needs(view);
    await this.market.ensure(view.userId, token, { ...need, baseCurrency: view.baseCurrency, to: view.asOf });
    // Instruments quoted in another currency need that currency's rates too.
    const extra = new Set<string>();
    for (const symbol of need.symbols.keys()) {
      const currency = this.market.instrument(view.userId, symbol)?.currency;
      if (currency && !need.currencies.has(currency)) extra.add(currency);
    }
    if (extra.size > 0) {
      await this.market.ensure(view.userId, token, { symbols: new Map(), currencies: extra, baseCurrency: view.baseCurrency, from: need.from, to: view.asOf });
    }
    view.needsMarket = false;
  }

  private async refreshMarket(view: UserView, token: string): Promise<void> {
    await this.fetchMarket(view, token);
    view.portfolio = this.build(view);
    this.changed(view, 'prices');
  }

  private build(view: UserView): Portfolio {
    const accounts: Account[] = [...view.accounts.values()].map((a) => ({
      id: a.account_id,
      currency: a.currency,
      tracksCash: a.track_cash,
      costBasis: a.cost_basis_method === 'AVERAGE' ? 'AVERAGE' : 'FIFO',
    }));
    const symbols = new Set<string>();
    const currencies = new Set<string>(accounts.map((a) => a.currency));
    for (const a of view.activities.values()) {
      if (a.symbol) symbols.add(a.symbol);
      currencies.add(a.currency);
    }
    const instruments: Instrument[] = [];
    for (const symbol of symbols) {
      const meta = this.market.instrument(view.userId, symbol);
      if (meta) {
        instruments.push({ symbol, currency: meta.currency, assetClass: meta.assetClass, name: meta.name });
        currencies.add(meta.currency);
      }
    }
    const started = performance.now();
    const portfolio = buildPortfolio({
      baseCurrency: view.baseCurrency,
      asOf: view.asOf,
      accounts,
      instruments,
      activities: [...view.activities.values()].map(toActivity),
      market: this.market.marketFor(view.userId, symbols, currencies, view.baseCurrency),
    });
    this.logger.debug({ userId: view.userId, activities: view.activities.size, ms: performance.now() - started }, 'portfolio built');
    return portfolio;
  }

  /** An event's change, as soon as the consumer has it (the view is held or being loaded). */
  apply(userId: string, change: Change): void {
    const pending = this.pending.get(userId);
    if (pending) pending.push(change);
    const view = this.views.get(userId);
    if (view) this.applyTo(view, change);
    this.wake(userId);
  }

  private applyTo(view: UserView, change: Change): void {
    if (change.version <= view.version || view.ahead.has(change.version)) return;
    view.ahead.add(change.version);
    while (view.ahead.delete(view.version + 1)) view.version += 1;
    if (change.kind === 'account') {
      const known = view.accounts.get(change.accountId);
      if (known && known.version > change.version) return;
      if (change.account) view.accounts.set(change.accountId, change.account);
      else view.accounts.delete(change.accountId);
      if (!view.baseCurrencyChosen) view.baseCurrency = firstAccountCurrency(view.accounts.values()) ?? view.baseCurrency;
      view.needsMarket = true;
      view.portfolio = this.build(view);
      this.changed(view, 'account');
      return;
    }
    const e = change.activity;
    const old = view.activities.get(e.activityId);
    if (old && old.version > e.version) return;
    if ((view.tombstones.get(e.activityId) ?? 0) > e.version) return;
    if (change.deleted) {
      view.tombstones.set(e.activityId, e.version);
      if (!old) return;
      view.activities.delete(e.activityId);
      applyChanges(view.portfolio, { remove: [e.activityId] });
      this.changed(view, 'activity');
      return;
    }
    // Stored rows number their arrival from 1; one that arrived here comes after all of them.
    const row = rowOf(e, old?.seq ?? 1e12 + e.version);
    if (row.symbol && !this.market.instrument(view.userId, row.symbol)) view.needsMarket = true;
    // finance places a new activity after the day's others; the transactions service puts
    // what comes in before what goes out. When that differs, replay everything in order.
    let inOrder = !old;
    if (inOrder) {
      for (const other of view.activities.values()) {
        if (other.date === row.date && phaseOf(other.type) > phaseOf(row.type)) {
          inOrder = false;
          break;
        }
      }
    }
    view.activities.set(e.activityId, row);
    if (inOrder || (old && old.date === row.date && old.type === row.type)) {
      applyChanges(view.portfolio, { upsert: [toActivity(row)] });
    } else {
      const sorted = [...view.activities.values()].sort(compareRows);
      view.activities.clear();
      for (const a of sorted) view.activities.set(a.activity_id, a);
      view.portfolio = this.build(view);
    }
    this.changed(view, 'activity');
  }

  /** Prices of these keys changed: rebuild the held views that read them (coalesced). */
  pricesChanged(keys: ReadonlySet<string>): void {
    if (keys.size === 0) return;
    for (const view of this.views.values()) {
      let reads = false;
      for (const a of view.activities.values()) {
        if (a.symbol && keys.has(this.market.priceKey(view.userId, a.symbol))) {
          reads = true;
          break;
        }
      }
      if (reads) this.scheduleRebuild(view.userId, 'prices');
    }
  }

  /** Rates of `currency` in `baseCurrency` changed: rebuild the held views that convert with them. */
  fxChanged(currency: string, baseCurrency: string): void {
    for (const view of this.views.values()) {
      if (view.baseCurrency !== baseCurrency) continue;
      if (view.portfolio.fx.has(currency) || [...view.accounts.values()].some((a) => a.currency === currency)) this.scheduleRebuild(view.userId, 'prices');
    }
  }

  private scheduleRebuild(userId: string, reason: UpdateReason): void {
    if (this.rebuilds.has(userId)) return;
    const timer = setTimeout(() => {
      this.rebuilds.delete(userId);
      const view = this.views.get(userId);
      if (!view) return;
      try {
        view.portfolio = this.build(view);
        this.changed(view, reason);
      } catch (err) {
        this.logger.error({ err, userId }, 'portfolio rebuild failed');
      }
    }, 20);
    timer.unref();
    this.rebuilds.set(userId, { timer, reason });
  }

  /** The user's settings changed: the next read rebuilds. */
  invalidate(userId: string): void {
    this.views.delete(userId);
  }

  forget(userId: string): void {
    this.views.delete(userId);
    this.market.forgetUser(userId);
  }

  /** Tells the user's listeners about a change made elsewhere (settings). */
  notify(view: UserView, reason: UpdateReason): void {
    this.changed(view, reason);
  }

  private changed(view: UserView, reason: UpdateReason): void {
    view.responses.clear();
    const listeners = this.listeners.get(view.userId);
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(view, reason);
      } catch (err) {
        this.logger.warn({ err }, 'portfolio listener failed');
      }
    }
  }

  private wake(userId: string): void {
    const waiters = this.versionWaiters.get(userId);
    if (!waiters) return;
    for (const w of [...waiters]) w();
  }

  listen(userId: string, listener: Listener): () => void {
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  close(): void {
    for (const { timer } of this.rebuilds.values()) clearTimeout(timer);
    this.rebuilds.clear();
  }
}

/**
 * Until the user chooses one, the reporting currency is that of their first account. Account
 * ids are UUIDv7, so the smallest is the oldest, whatever order the events were applied in.
 */
function firstAccountCurrency(accounts: Iterable<{ account_id: string; currency: string }>): string | undefined {
  let first: { account_id: string; currency: string } | undefined;
  for (const a of accounts) if (!first || a.account_id < first.account_id) first = a;
  return first?.currency;
}
