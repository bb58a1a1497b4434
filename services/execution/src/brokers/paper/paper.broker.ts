import type { OrderSide, OrderStatus, OrderType, TimeInForce } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';
import { CALENDARS, latestSession, marketState, nextSession, type MarketCalendar } from '@meridian/finance/calendar';
import { uuidv7, writeTogether, type Write } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { ExecutionDatabase, PaperAccountRow, PaperOrderRow } from '../../database.js';
import type { Clock } from '../../deps.js';
import type { BrokerAccountState, BrokerAdapter, BrokerOrderRequest, BrokerOrderState, MarketSnapshot } from '../types.js';
import { estimatedCost, evaluate, type PaperFillSettings, type WorkingOrder } from './matching.js';

type Db = Kysely<ExecutionDatabase>;

export const OPEN_PAPER_STATUSES = ['accepted', 'partially_filled'] as const;

export function calendarById(id: string): MarketCalendar {
  return (CALENDARS as Record<string, MarketCalendar>)[id] ?? CALENDARS.WEEKDAYS;
}

function working(row: PaperOrderRow): WorkingOrder {
  return {
    side: row.side as OrderSide,
    type: row.type as OrderType,
    quantity: Decimal.maybe(row.quantity),
    notional: Decimal.maybe(row.notional),
    limitPrice: Decimal.maybe(row.limit_price),
    stopPrice: Decimal.maybe(row.stop_price),
    trailPercent: Decimal.maybe(row.trail_percent),
    trailPrice: Decimal.maybe(row.trail_price),
    watermark: Decimal.maybe(row.watermark),
    triggered: row.triggered,
  };
}

export function paperState(row: PaperOrderRow): BrokerOrderState {
  return {
    brokerOrderId: row.id,
    clientOrderId: row.client_order_id,
    status: row.status as OrderStatus,
    filledQuantity: Decimal.from(row.filled_quantity).toString(),
    averagePrice: row.average_price === null ? null : Decimal.from(row.average_price).toString(),
    commission: Decimal.from(row.commission).toString(),
    reason: row.reason,
    replacedBy: row.replaced_by,
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * One paper account as a transaction holds it: its row locked, its cash and positions, what
 * working orders hold back, and what changed (written back by `saveBooks`). Orders are worked
 * against the book in memory, so a batch of orders costs a few statements, not a few each.
 */
export interface PaperBook {
  account: PaperAccountRow;
  cash: Decimal;
  cashChanged: boolean;
  positions: Map<string, { quantity: Decimal; lastPrice: Decimal }>;
  /** Position changes by symbol, to add in SQL (exact NUMERIC). */
  moved: Map<string, { delta: Decimal; lastPrice: Decimal }>;
  /** Cash held back for working buys, and shares for working sells. */
  heldCash: Decimal;
  heldShares: Map<string, Decimal>;
  /** Paper orders created or changed, to write back. */
  orders: Map<string, PaperOrderRow>;
}

export interface PaperAccountKey {
  accountId: string;
  userId: string;
  currency: string;
}

/**
 * Loads and locks paper accounts (created on first use: an upsert that takes the row lock),
 * in account id order so that concurrent transactions never wait on each other in a cycle.
 */
export async function loadBooks(trx: Db, keys: readonly PaperAccountKey[]): Promise<Map<string, PaperBook>> {
  const unique = [...new Map(keys.map((k) => [k.accountId, k])).values()].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  const books = new Map<string, PaperBook>();
  if (unique.length === 0) return books;
  const accounts = await trx
    .insertInto('paper_accounts')
    .values(unique.map((k) => ({ account_id: k.accountId, user_id: k.userId, currency: k.currency, cash: '0' })))
    .onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({ account_id: eb.ref('excluded.account_id') })))
    .returningAll()
    .execute();
  const ids = unique.map((k) => k.accountId);
  const positions = await trx.selectFrom('paper_positions').selectAll().where('account_id', 'in', ids).execute();
  const open = await trx
    .selectFrom('paper_orders')
    .select(['account_id', 'side', 'symbol', 'quantity', 'reserved_cash'])
    .where('account_id', 'in', ids)
    .where('status', 'in', [...OPEN_PAPER_STATUSES])
    .execute();
  for (const account of accounts) {
    books.set(account.account_id, { account, cash: Decimal.from(account.cash), cashChanged: false, positions: new Map(), moved: new Map(), heldCash: Decimal.ZERO, heldShares: new Map(), orders: new Map() });
  }
  for (const p of positions) books.get(p.account_id)?.positions.set(p.symbol, { quantity: Decimal.from(p.quantity), lastPrice: Decimal.from(p.last_price) });
  for (const o of open) {
    const book = books.get(o.account_id);
    if (book) hold(book, o, 1);
  }
  return books;
}

/** Adds (sign 1) or releases (sign -1) what a working order holds back. */
function hold(book: PaperBook, o: Pick<PaperOrderRow, 'side' | 'symbol' | 'quantity' | 'reserved_cash'>, sign: 1 | -1): void {
  if (o.side === 'buy') book.heldCash = sign > 0 ? book.heldCash.add(o.reserved_cash) : book.heldCash.sub(o.reserved_cash);
  else if (o.quantity) {
    const now = book.heldShares.get(o.symbol) ?? Decimal.ZERO;
    book.heldShares.set(o.symbol, sign > 0 ? now.add(o.quantity) : now.sub(o.quantity));
  }
}

/** What the broker reports for the account: cash, buying power, equity and positions. */
export function bookState(book: PaperBook): BrokerAccountState {
  const values = [...book.positions].map(([symbol, p]) => ({ symbol, quantity: p.quantity.toString(), marketValue: p.quantity.mul(p.lastPrice).toString() }));
  const equity = values.reduce((sum, p) => sum.add(p.marketValue), book.cash);
  return {
    currency: book.account.currency,
    cash: book.cash.toString(),
    buyingPower: book.cash.sub(book.heldCash).toString(),
    equity: equity.toString(),
    positions: values.filter((p) => !Decimal.from(p.quantity).isZero()),
  };
}

/** Writes back what the books changed: paper orders, cash, positions. */
export async function saveBooks(trx: Db, books: Iterable<PaperBook>): Promise<void> {
  await writeTogether(trx, bookWrites(books));
}

/** The writes that store what the books changed (for `writeTogether` with others); the books start afresh. */
export function bookWrites(books: Iterable<PaperBook>): Array<Write<ExecutionDatabase>> {
  const orders: PaperOrderRow[] = [];
  const cash: PaperAccountRow[] = [];
  const moved: Array<{ account_id: string; symbol: string; quantity: string; last_price: string }> = [];
  for (const book of books) {
    orders.push(...book.orders.values());
    if (book.cashChanged) cash.push({ ...book.account, cash: book.cash.toString() });
    for (const [symbol, m] of book.moved) moved.push({ account_id: book.account.account_id, symbol, quantity: m.delta.toString(), last_price: m.lastPrice.toString() });
    book.orders.clear();
    book.moved.clear();
    book.cashChanged = false;
  }
  const writes: Array<Write<ExecutionDatabase>> = [];
  if (orders.length > 0) {
    writes.push((qc) =>
      qc
        .insertInto('paper_orders')
        .values(orders)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            reserved_cash: eb.ref('excluded.reserved_cash'),
            watermark: eb.ref('excluded.watermark'),
            triggered: eb.ref('excluded.triggered'),
            filled_quantity: eb.ref('excluded.filled_quantity'),
            average_price: eb.ref('excluded.average_price'),
            commission: eb.ref('excluded.commission'),
            reason: eb.ref('excluded.reason'),
            replaced_by: eb.ref('excluded.replaced_by'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        ),
    );
  }
  if (cash.length > 0) {
    writes.push((qc) =>
      qc
        .insertInto('paper_accounts')
        .values(cash)
        .onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({ cash: eb.ref('excluded.cash') }))),
    );
  }
  if (moved.length > 0) {
    // Created on the first fill; the account rows are locked, so positions change one transaction at a time.
    writes.push((qc) =>
      qc
        .insertInto('paper_positions')
        .values(moved)
        .onConflict((oc) =>
          oc.columns(['account_id', 'symbol']).doUpdateSet((eb) => ({
            quantity: eb('paper_positions.quantity', '+', eb.ref('excluded.quantity')),
            last_price: eb.ref('excluded.last_price'),
          })),
        ),
    );
  }
  return writes;
}

/** Applies a fill to the book's cash and position, and to the order's totals. */
function fillOrder(book: PaperBook, row: PaperOrderRow, fill: { quantity: Decimal; price: Decimal; commission: Decimal }, patch: Partial<PaperOrderRow>, now: Date): PaperOrderRow {
  const gross = fill.quantity.mul(fill.price);
  const buy = row.side === 'buy';
  book.cash = book.cash.add(buy ? gross.neg() : gross).sub(fill.commission);
  book.cashChanged = true;
  const delta = buy ? fill.quantity : fill.quantity.neg();
  const position = book.positions.get(row.symbol);
  book.positions.set(row.symbol, { quantity: (position?.quantity ?? Decimal.ZERO).add(delta), lastPrice: fill.price });
  const moved = book.moved.get(row.symbol);
  book.moved.set(row.symbol, { delta: (moved?.delta ?? Decimal.ZERO).add(delta), lastPrice: fill.price });
  const filled = Decimal.from(row.filled_quantity).add(fill.quantity);
  const before = Decimal.from(row.filled_quantity).mul(row.average_price ?? '0');
  return {
    ...row,
    ...patch,
    status: 'filled',
    reserved_cash: '0',
    filled_quantity: filled.toString(),
    average_price: before.add(gross).div(filled, 9).toString(),
    commission: Decimal.from(row.commission).add(fill.commission).toString(),
    updated_at: now,
  };
}

/** Records a paper order's new state in its book, moving what it holds back. */
function put(book: PaperBook, before: PaperOrderRow | undefined, after: PaperOrderRow): void {
  const open = (r: PaperOrderRow) => (OPEN_PAPER_STATUSES as readonly string[]).includes(r.status);
  if (before && open(before)) hold(book, before, -1);
  if (open(after)) hold(book, after, 1);
  book.orders.set(after.id, after);
}

/**
 * Runs one price through a working order in its book: fills, cancels (ioc/fok) or keeps it
 * working. Answers the order when its status changed (a watermark alone is kept quietly).
 */
function work(book: PaperBook, row: PaperOrderRow, price: Decimal, now: Date, settings: PaperFillSettings, immediate: boolean): PaperOrderRow | undefined {
  const open = marketState(calendarById(row.calendar), now) === 'open';
  const result = open ? evaluate(working(row), price, settings) : undefined;
  let next: PaperOrderRow | undefined;
  if (result?.fill) {
    next = fillOrder(book, row, result.fill, { watermark: result.watermark?.toString() ?? null, triggered: result.triggered }, now);
  } else if (immediate && (row.time_in_force === 'ioc' || row.time_in_force === 'fok')) {
    next = { ...row, status: 'canceled', reason: open ? `${row.time_in_force}: not marketable at ${price.toString()}` : `${row.time_in_force}: the market is closed`, updated_at: now };
  }
  if (next) {
    put(book, row, next);
    return next;
  }
  if (result && (result.triggered !== row.triggered || result.watermark?.toString() !== (row.watermark === null ? undefined : Decimal.from(row.watermark).toString()))) {
    put(book, row, { ...row, watermark: result.watermark?.toString() ?? null, triggered: result.triggered });
  }
  return undefined;
}

/**
 * A new order into its book: refused (rejected) without buying power or shares to sell,
 * else accepted and worked at once against the quote. Answers the order as it stands.
 */
export function submitToBook(book: PaperBook, order: BrokerOrderRequest, market: MarketSnapshot, now: Date, settings: PaperFillSettings): PaperOrderRow {
  const calendar = calendarById(market.calendar);
  const quote = Decimal.from(market.price);
  const w: WorkingOrder = {
    side: order.side,
    type: order.type,
    quantity: Decimal.maybe(order.quantity),
    notional: Decimal.maybe(order.notional),
    limitPrice: Decimal.maybe(order.limitPrice),
    stopPrice: Decimal.maybe(order.stopPrice),
    trailPercent: Decimal.maybe(order.trailPercent),
    trailPrice: Decimal.maybe(order.trailPrice),
    watermark: null,
    triggered: false,
  };
  let reason: string | null = null;
  const cost = order.side === 'buy' ? estimatedCost(w, quote, settings) : Decimal.ZERO;
  const currency = book.account.currency;
  if (order.side === 'buy') {
    const power = book.cash.sub(book.heldCash);
    if (cost.gt(power)) reason = `insufficient buying power: needs ${cost.toFixed(2)}, has ${power.toFixed(2)} ${currency}`;
  } else {
    const free = (book.positions.get(order.symbol)?.quantity ?? Decimal.ZERO).sub(book.heldShares.get(order.symbol) ?? Decimal.ZERO);
    const wanted = w.quantity ?? (w.notional ? w.notional.div(quote, 9, 'up') : Decimal.ZERO);
    if (wanted.gt(free)) reason = `insufficient position: sells ${wanted.toString()} ${order.symbol}, holds ${free.toString()} not already for sale`;
  }
  const row: PaperOrderRow = {
    id: uuidv7(),
    client_order_id: order.clientOrderId,
    account_id: book.account.account_id,
    user_id: book.account.user_id,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    time_in_force: order.timeInForce,
    quantity: order.quantity,
    notional: order.notional,
    limit_price: order.limitPrice,
    stop_price: order.stopPrice,
    trail_percent: order.trailPercent,
    trail_price: order.trailPrice,
    watermark: null,
    reserved_cash: cost.toString(),
    triggered: false,
    status: reason ? 'rejected' : 'accepted',
    filled_quantity: '0',
    average_price: null,
    commission: '0',
    reason,
    calendar: calendar.id,
    expires_at: order.timeInForce === 'day' ? dayExpiry(calendar, now) : null,
    replaced_by: null,
    created_at: now,
    updated_at: now,
  };
  put(book, undefined, row);
  if (reason) return row;
  return work(book, row, quote, now, settings, true) ?? row;
}

function dayExpiry(calendar: MarketCalendar, now: Date): Date {
  return marketState(calendar, now) === 'open' ? latestSession(calendar, now).close : nextSession(calendar, now).close;
}

/**
 * The built-in paper broker: an order book per linked account in the execution schema, filled
 * against the valuation service's quotes with slippage and commission, during the instrument's
 * exchange hours (crypto around the clock). Cash and positions per account; buys need buying
 * power (cash less what working buys reserve), sells need shares (no shorting).
 */
export function createPaperBroker(db: Db, clock: Clock, settings: PaperFillSettings, account: PaperAccountKey): BrokerAdapter {
  async function submitIn(trx: Db, order: BrokerOrderRequest, market: MarketSnapshot): Promise<BrokerOrderState> {
    // Idempotent by client order id (the unique index backs this up against a race).
    const existing = await findByClientId(trx, order.clientOrderId);
    if (existing) return paperState(existing);
    const book = await bookOf(trx);
    const row = submitToBook(book, order, market, clock(), settings);
    await saveBooks(trx, [book]);
    return paperState(row);
  }

  async function bookOf(trx: Db): Promise<PaperBook> {
    const book = (await loadBooks(trx, [account])).get(account.accountId);
    if (!book) throw new Error(`paper account ${account.accountId} was not created`);
    return book;
  }

  function findByClientId(executor: Db, clientOrderId: string) {
    return executor.selectFrom('paper_orders').selectAll().where('account_id', '=', account.accountId).where('client_order_id', '=', clientOrderId).executeTakeFirst();
  }

  /** The working order, with its account's book locked first (the order every writer locks in). */
  async function lockWorking(trx: Db, brokerOrderId: string) {
    const book = await bookOf(trx);
    const row = await trx.selectFrom('paper_orders').selectAll().where('id', '=', brokerOrderId).where('account_id', '=', account.accountId).forUpdate().executeTakeFirstOrThrow();
    return { book, row, open: (OPEN_PAPER_STATUSES as readonly string[]).includes(row.status) };
  }

  return {
    name: 'paper',
    environment: 'paper',
    submit: (order, market) => db.transaction().execute((trx) => submitIn(trx, order, market)),
    async cancel(brokerOrderId) {
      return db.transaction().execute(async (trx) => {
        const { book, row, open } = await lockWorking(trx, brokerOrderId);
        if (!open) return paperState(row);
        const canceled: PaperOrderRow = { ...row, status: 'canceled', reason: 'canceled by the user', updated_at: clock() };
        put(book, row, canceled);
        await saveBooks(trx, [book]);
        return paperState(canceled);
      });
    },
    async replace(brokerOrderId, changes, market) {
      return db.transaction().execute(async (trx) => {
        const { book, row, open } = await lockWorking(trx, brokerOrderId);
        if (!open) return paperState(row);
        const existing = await findByClientId(trx, changes.clientOrderId);
        if (existing) return paperState(existing);
        // The old order stops working first, so its reservation does not count against its replacement.
        const now = clock();
        const stopped: PaperOrderRow = { ...row, status: 'replaced', reason: 'replaced', updated_at: now };
        put(book, row, stopped);
        const next = submitToBook(
          book,
          {
            clientOrderId: changes.clientOrderId,
            accountId: row.account_id,
            userId: row.user_id,
            symbol: row.symbol,
            side: row.side as OrderSide,
            type: row.type as OrderType,
            timeInForce: changes.timeInForce,
            quantity: changes.quantity,
            notional: changes.quantity ? null : row.notional,
            limitPrice: changes.limitPrice,
            stopPrice: changes.stopPrice,
            trailPercent: changes.trailPercent,
            trailPrice: changes.trailPrice,
            currency: account.currency,
          },
          market,
          now,
          settings,
        );
        // A replacement the account cannot afford leaves the original working, as brokers do.
        if (next.status === 'rejected') put(book, stopped, row);
        else put(book, stopped, { ...stopped, replaced_by: next.id });
        await saveBooks(trx, [book]);
        return paperState(next);
      });
    },
    async findByClientOrderId(clientOrderId) {
      const row = await findByClientId(db, clientOrderId);
      return row ? paperState(row) : undefined;
    },
    account: () => db.transaction().execute(async (trx) => bookState(await bookOf(trx))),
    local: { account },
  };
}

/** Moves the paper account's cash (a simulated bank transfer settling). */
export async function movePaperCash(trx: Db, account: PaperAccountKey, delta: Decimal): Promise<Decimal> {
  const books = await loadBooks(trx, [account]);
  const book = books.get(account.accountId);
  if (!book) throw new Error(`paper account ${account.accountId} was not created`);
  book.cash = book.cash.add(delta);
  book.cashChanged = true;
  await saveBooks(trx, [book]);
  return book.cash;
}

/**
 * New prices for working paper orders (from `valuation.prices.updated`), in the caller's
 * transaction: triggers stops, fills what became marketable, expires day orders past their
 * session. Answers the orders that changed.
 */
export async function paperOnPrices(trx: Db, prices: ReadonlyMap<string, Decimal>, clock: Clock, settings: PaperFillSettings): Promise<BrokerOrderState[]> {
  const now = clock();
  const changed: BrokerOrderState[] = [...(await paperExpire(trx, now))];
  if (prices.size === 0) return changed;
  for (const [symbol, price] of prices) {
    await trx.updateTable('paper_positions').set({ last_price: price.toString() }).where('symbol', '=', symbol).execute();
  }
  const candidates = await trx
    .selectFrom('paper_orders')
    .innerJoin('paper_accounts', 'paper_accounts.account_id', 'paper_orders.account_id')
    .select(['paper_accounts.account_id', 'paper_accounts.user_id', 'paper_accounts.currency'])
    .distinct()
    .where('paper_orders.symbol', 'in', [...prices.keys()])
    .where('paper_orders.status', 'in', [...OPEN_PAPER_STATUSES])
    .execute();
  if (candidates.length === 0) return changed;
  // Accounts first, then their orders: the order in which placing locks them too.
  const books = await loadBooks(trx, candidates.map((c) => ({ accountId: c.account_id, userId: c.user_id, currency: c.currency })));
  const open = await trx
    .selectFrom('paper_orders')
    .selectAll()
    .where('account_id', 'in', [...books.keys()])
    .where('symbol', 'in', [...prices.keys()])
    .where('status', 'in', [...OPEN_PAPER_STATUSES])
    .orderBy('created_at')
    .forUpdate()
    .execute();
  for (const row of open) {
    const price = prices.get(row.symbol);
    const book = books.get(row.account_id);
    if (!price || !book) continue;
    const updated = work(book, row, price, now, settings, false);
    if (updated) changed.push(paperState(updated));
  }
  await saveBooks(trx, books.values());
  return changed;
}

/** Day orders whose session has closed expire. */
export async function paperExpire(trx: Db, now: Date): Promise<BrokerOrderState[]> {
  const rows = await trx
    .updateTable('paper_orders')
    .set({ status: 'expired', reason: 'day order: the session closed', updated_at: now })
    .where('status', 'in', [...OPEN_PAPER_STATUSES])
    .where('expires_at', '<=', now)
    .returningAll()
    .execute();
  return rows.map(paperState);
}

export type { TimeInForce };
