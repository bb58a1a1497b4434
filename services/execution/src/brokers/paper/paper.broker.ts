import type { OrderSide, OrderStatus, OrderType, TimeInForce } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';
import { CALENDARS, latestSession, marketState, nextSession, type MarketCalendar } from '@meridian/finance/calendar';
import { uuidv7 } from '@meridian/platform';
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

/** The paper account, created on first use and locked (an upsert that takes the row lock, in one statement). */
async function ensurePaperAccount(trx: Db, accountId: string, userId: string, currency: string) {
  return trx
    .insertInto('paper_accounts')
    .values({ account_id: accountId, user_id: userId, currency, cash: '0' })
    .onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({ account_id: eb.ref('excluded.account_id') })))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Cash held back for working buys, and shares for working sells. */
async function reserved(trx: Db, accountId: string) {
  const open = await trx
    .selectFrom('paper_orders')
    .select(['side', 'symbol', 'quantity', 'reserved_cash'])
    .where('account_id', '=', accountId)
    .where('status', 'in', [...OPEN_PAPER_STATUSES])
    .execute();
  let cash = Decimal.ZERO;
  const shares = new Map<string, Decimal>();
  for (const o of open) {
    if (o.side === 'buy') cash = cash.add(o.reserved_cash);
    else if (o.quantity) shares.set(o.symbol, (shares.get(o.symbol) ?? Decimal.ZERO).add(o.quantity));
  }
  return { cash, shares };
}

/** Applies a fill to the paper account's cash and position, and the order's totals. */
async function fillOrder(trx: Db, row: PaperOrderRow, fill: { quantity: Decimal; price: Decimal; commission: Decimal }, patch: Partial<PaperOrderRow>, now: Date, locked?: { cash: string }): Promise<PaperOrderRow> {
  const account = locked ?? (await trx.selectFrom('paper_accounts').select('cash').where('account_id', '=', row.account_id).forUpdate().executeTakeFirstOrThrow());
  const gross = fill.quantity.mul(fill.price);
  const buy = row.side === 'buy';
  const cash = Decimal.from(account.cash).add(buy ? gross.neg() : gross).sub(fill.commission);
  await trx.updateTable('paper_accounts').set({ cash: cash.toString() }).where('account_id', '=', row.account_id).execute();
  // The account row is locked above, so its positions change one fill at a time; the
  // quantity moves by the fill in SQL (exact NUMERIC), created on the first fill.
  const delta = (buy ? fill.quantity : fill.quantity.neg()).toString();
  await trx
    .insertInto('paper_positions')
    .values({ account_id: row.account_id, symbol: row.symbol, quantity: delta, last_price: fill.price.toString() })
    .onConflict((oc) =>
      oc.columns(['account_id', 'symbol']).doUpdateSet((eb) => ({
        quantity: eb('paper_positions.quantity', '+', eb.ref('excluded.quantity')),
        last_price: eb.ref('excluded.last_price'),
      })),
    )
    .execute();
  const filled = Decimal.from(row.filled_quantity).add(fill.quantity);
  const before = Decimal.from(row.filled_quantity).mul(row.average_price ?? '0');
  const average = before.add(gross).div(filled, 9);
  return trx
    .updateTable('paper_orders')
    .set({
      ...patch,
      status: 'filled',
      reserved_cash: '0',
      filled_quantity: filled.toString(),
      average_price: average.toString(),
      commission: Decimal.from(row.commission).add(fill.commission).toString(),
      updated_at: now,
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Runs one price through a working order; fills, cancels (ioc/fok) or keeps it working. */
async function work(trx: Db, row: PaperOrderRow, price: Decimal, now: Date, settings: PaperFillSettings, immediate: boolean, locked?: { cash: string }): Promise<PaperOrderRow | undefined> {
  const open = marketState(calendarById(row.calendar), now) === 'open';
  const result = open ? evaluate(working(row), price, settings) : undefined;
  if (result?.fill) {
    return fillOrder(trx, row, result.fill, { watermark: result.watermark?.toString() ?? null, triggered: result.triggered }, now, locked);
  }
  if (immediate && (row.time_in_force === 'ioc' || row.time_in_force === 'fok')) {
    return trx
      .updateTable('paper_orders')
      .set({ status: 'canceled', reason: open ? `${row.time_in_force}: not marketable at ${price.toString()}` : `${row.time_in_force}: the market is closed`, updated_at: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  if (result && (result.triggered !== row.triggered || result.watermark?.toString() !== (row.watermark === null ? undefined : Decimal.from(row.watermark).toString()))) {
    await trx.updateTable('paper_orders').set({ watermark: result.watermark?.toString() ?? null, triggered: result.triggered }).where('id', '=', row.id).execute();
  }
  return undefined;
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
export function createPaperBroker(db: Db, clock: Clock, settings: PaperFillSettings, account: { accountId: string; userId: string; currency: string }): BrokerAdapter {
  /** What `account` read under the account lock, per open transaction, for the `submit` that follows it. */
  const lockedIn = new WeakMap<Db, { account: PaperAccountRow; held: Awaited<ReturnType<typeof reserved>>; positions: Array<{ symbol: string; quantity: string }> }>();
  async function submitIn(trx: Db, order: BrokerOrderRequest, market: MarketSnapshot): Promise<BrokerOrderState> {
    // Idempotent by client order id (the unique index backs this up against a race).
    const existing = await trx.selectFrom('paper_orders').selectAll().where('account_id', '=', account.accountId).where('client_order_id', '=', order.clientOrderId).executeTakeFirst();
    if (existing) return paperState(existing);
    const now = clock();
    const calendar = calendarById(market.calendar);
    const known = lockedIn.get(trx);
    lockedIn.delete(trx);
    const paperAccount = known?.account ?? (await ensurePaperAccount(trx, account.accountId, account.userId, account.currency));
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
    const held = known?.held ?? (await reserved(trx, account.accountId));
    if (order.side === 'buy') {
      const power = Decimal.from(paperAccount.cash).sub(held.cash);
      if (cost.gt(power)) reason = `insufficient buying power: needs ${cost.toFixed(2)}, has ${power.toFixed(2)} ${account.currency}`;
    } else {
      const position = known ? known.positions.find((p) => p.symbol === order.symbol) : await trx.selectFrom('paper_positions').select('quantity').where('account_id', '=', account.accountId).where('symbol', '=', order.symbol).executeTakeFirst();
      const free = Decimal.from(position?.quantity ?? '0').sub(held.shares.get(order.symbol) ?? Decimal.ZERO);
      const wanted = w.quantity ?? (w.notional ? w.notional.div(quote, 9, 'up') : Decimal.ZERO);
      if (wanted.gt(free)) reason = `insufficient position: sells ${wanted.toString()} ${order.symbol}, holds ${free.toString()} not already for sale`;
    }
    const row = await trx
      .insertInto('paper_orders')
      .values({
        id: uuidv7(),
        client_order_id: order.clientOrderId,
        account_id: account.accountId,
        user_id: account.userId,
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
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (reason) return paperState(row);
    return paperState((await work(trx, row, quote, now, settings, true, paperAccount)) ?? row);
  }

  async function accountIn(trx: Db): Promise<BrokerAccountState> {
    const acct = await ensurePaperAccount(trx, account.accountId, account.userId, account.currency);
    const positions = await trx.selectFrom('paper_positions').selectAll().where('account_id', '=', account.accountId).execute();
    const held = await reserved(trx, account.accountId);
    // The row stays locked until this transaction ends: a submit in it can use what was read.
    lockedIn.set(trx, { account: acct, held, positions });
    const cash = Decimal.from(acct.cash);
    const values = positions.map((p) => ({ symbol: p.symbol, quantity: Decimal.from(p.quantity).toString(), marketValue: Decimal.from(p.quantity).mul(p.last_price).toString() }));
    const equity = values.reduce((sum, p) => sum.add(p.marketValue), cash);
    return { currency: acct.currency, cash: cash.toString(), buyingPower: cash.sub(held.cash).toString(), equity: equity.toString(), positions: values.filter((p) => !Decimal.from(p.quantity).isZero()) };
  }

  return {
    name: 'paper',
    environment: 'paper',
    submit: (order, market) => db.transaction().execute((trx) => submitIn(trx, order, market)),
    async cancel(brokerOrderId) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('paper_orders').selectAll().where('id', '=', brokerOrderId).forUpdate().executeTakeFirstOrThrow();
        if (!(OPEN_PAPER_STATUSES as readonly string[]).includes(row.status)) return paperState(row);
        const updated = await trx.updateTable('paper_orders').set({ status: 'canceled', reason: 'canceled by the user', updated_at: clock() }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
        return paperState(updated);
      });
    },
    async replace(brokerOrderId, changes, market) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('paper_orders').selectAll().where('id', '=', brokerOrderId).forUpdate().executeTakeFirstOrThrow();
        if (!(OPEN_PAPER_STATUSES as readonly string[]).includes(row.status)) return paperState(row);
        // The old order stops working first, so its reservation does not count against its replacement.
        await trx.updateTable('paper_orders').set({ status: 'replaced', reason: 'replaced', updated_at: clock() }).where('id', '=', row.id).execute();
        const next = await submitIn(
          trx,
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
        );
        if (next.status === 'rejected') {
          // A replacement the account cannot afford leaves the original working, as brokers do.
          await trx.updateTable('paper_orders').set({ status: row.status, reason: row.reason }).where('id', '=', row.id).execute();
          return next;
        }
        await trx.updateTable('paper_orders').set({ replaced_by: next.brokerOrderId }).where('id', '=', row.id).execute();
        return next;
      });
    },
    async findByClientOrderId(clientOrderId) {
      const row = await db.selectFrom('paper_orders').selectAll().where('account_id', '=', account.accountId).where('client_order_id', '=', clientOrderId).executeTakeFirst();
      return row ? paperState(row) : undefined;
    },
    account: () => db.transaction().execute(accountIn),
    local: { submit: submitIn, account: accountIn },
  };
}

/** Moves the paper account's cash (a simulated bank transfer settling). */
export async function movePaperCash(trx: Db, account: { accountId: string; userId: string; currency: string }, delta: Decimal): Promise<Decimal> {
  const row = await ensurePaperAccount(trx, account.accountId, account.userId, account.currency);
  const cash = Decimal.from(row.cash).add(delta);
  await trx.updateTable('paper_accounts').set({ cash: cash.toString() }).where('account_id', '=', account.accountId).execute();
  return cash;
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
  const open = await trx
    .selectFrom('paper_orders')
    .selectAll()
    .where('symbol', 'in', [...prices.keys()])
    .where('status', 'in', [...OPEN_PAPER_STATUSES])
    .orderBy('created_at')
    .forUpdate()
    .execute();
  for (const row of open) {
    const price = prices.get(row.symbol);
    if (!price) continue;
    const updated = await work(trx, row, price, now, settings, false);
    if (updated) changed.push(paperState(updated));
  }
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
