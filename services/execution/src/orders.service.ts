import { createHash } from 'node:crypto';
import type { OrderDto, OrderStatus, PlaceOrderBody, ReplaceOrderBody } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';
import { AppError, uuidv7 } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { requireAccount, type LinkedAccount } from './accounts.service.js';
import { appendAudit, type AuditRecord } from './audit.repository.js';
import { canonicalJson } from './audit.js';
import { brokerFor, paperFillSettings } from './brokers/index.js';
import { commissionFor, estimatedCost } from './brokers/paper/matching.js';
import { BrokerRejection, type BrokerAdapter, type BrokerOrderRequest, type BrokerOrderState } from './brokers/types.js';
import type { ExecutionDatabase, OrderRow } from './database.js';
import type { ExecutionDeps } from './deps.js';
import { canMove, checkOrderShape, isOpen, toOrderDto } from './orders.js';
import { fillsOf, findOrder, findOrderByClientId, insertOrder, lockOrder, transitionsOf } from './orders.repository.js';
import { checkRisk, type RiskDecision } from './risk.js';
import { getRiskSettings } from './risk.service.js';

type Db = Kysely<ExecutionDatabase>;

export async function orderDto(db: Db, row: OrderRow): Promise<OrderDto> {
  return toOrderDto(row, await transitionsOf(db, [row.id]), await fillsOf(db, [row.id]));
}

export async function getOrder(deps: ExecutionDeps, userId: string, orderId: string): Promise<OrderDto> {
  const row = await findOrder(deps.db, userId, orderId);
  if (!row) throw new AppError('not_found', `order ${orderId} not found`);
  return orderDto(deps.db, row);
}

function requestHash(body: PlaceOrderBody): string {
  const { clientOrderId: _ignored, ...rest } = body;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

function brokerRequest(row: OrderRow): BrokerOrderRequest {
  return {
    clientOrderId: row.client_order_id,
    accountId: row.account_id,
    userId: row.user_id,
    symbol: row.symbol,
    side: row.side as BrokerOrderRequest['side'],
    type: row.type as BrokerOrderRequest['type'],
    timeInForce: row.time_in_force as BrokerOrderRequest['timeInForce'],
    quantity: row.quantity,
    notional: row.notional,
    limitPrice: row.limit_price,
    stopPrice: row.stop_price,
    trailPercent: row.trail_percent,
    trailPrice: row.trail_price,
    currency: row.currency,
  };
}

/** An `execution.order.updated` event for a status change that is not a fill. */
async function publishUpdate(deps: ExecutionDeps, trx: Db, row: OrderRow, status: OrderStatus, reason: string | null): Promise<void> {
  await deps.outbox.enqueue(
    trx,
    'execution.order.updated',
    { userId: row.user_id, accountId: row.account_id, orderId: row.id, symbol: row.symbol, status, filledQuantity: Decimal.from(row.filled_quantity).toString(), reason },
    { subject: row.user_id },
  );
}

/**
 * Records what a broker says about an order, in the caller's transaction: a growth of the
 * cumulative filled quantity becomes one fill (with `execution.order.filled`), a new status one
 * transition. Seeing the same state twice records nothing, so the stream, polling and
 * reconciliation after a crash can all report the same order.
 */
export async function applyBrokerState(
  deps: ExecutionDeps,
  trx: Db,
  orderId: string,
  state: BrokerOrderState,
  source: string,
  /** `row`: the order as this transaction already holds it (locked or just written); `audit`: collects the entries for the caller to append. */
  within: { row?: OrderRow; audit?: AuditRecord[] } = {},
): Promise<OrderRow> {
  const row = within.row ?? (await lockOrder(trx, orderId));
  if (!row) throw new Error(`order ${orderId} vanished`);
  const now = deps.clock();
  const audit: AuditRecord[] = within.audit ?? [];
  const recorded = Decimal.from(row.filled_quantity);
  const reported = Decimal.from(state.filledQuantity);
  let filled = recorded;
  let average = Decimal.maybe(row.average_price);
  let commission = Decimal.from(row.commission);
  let status = row.status as OrderStatus;
  const fillEvents: Array<{ id: string; quantity: Decimal; price: Decimal; commission: Decimal }> = [];
  if (reported.gt(recorded) && state.averagePrice !== null) {
    const delta = reported.sub(recorded);
    const totalAfter = reported.mul(state.averagePrice);
    const totalBefore = recorded.mul(average ?? Decimal.ZERO);
    const price = totalAfter.sub(totalBefore).div(delta, 9);
    const fillCommission = Decimal.max(Decimal.ZERO, Decimal.from(state.commission).sub(commission));
    const id = uuidv7();
    await trx
      .insertInto('fills')
      .values({ id, order_id: row.id, user_id: row.user_id, cumulative_quantity: reported.toString(), quantity: delta.toString(), price: price.toString(), commission: fillCommission.toString(), filled_at: state.updatedAt })
      .execute();
    fillEvents.push({ id, quantity: delta, price, commission: fillCommission });
    filled = reported;
    average = Decimal.from(state.averagePrice);
    commission = commission.add(fillCommission);
  }
  const target = state.status === 'accepted' && filled.isPositive() ? 'partially_filled' : state.status;
  const transitions: Array<{ status: OrderStatus; reason: string | null }> = [];
  if (row.status === 'new' && target !== 'accepted' && target !== 'rejected') transitions.push({ status: 'accepted', reason: null });
  if (canMove(status, target) || (transitions.length > 0 && target !== 'accepted')) transitions.push({ status: target, reason: state.reason });
  const transitionRows = [];
  for (const t of transitions) {
    if (!canMove(status, t.status)) continue;
    status = t.status;
    transitionRows.push({ id: uuidv7(), order_id: row.id, user_id: row.user_id, status: t.status, reason: t.reason, at: now });
  }
  if (transitionRows.length > 0) await trx.insertInto('order_transitions').values(transitionRows).execute();
  const changed = status !== row.status || fillEvents.length > 0 || !row.acknowledged || row.broker_order_id !== state.brokerOrderId;
  if (!changed) return row;
  const updated = await trx
    .updateTable('orders')
    .set({
      status,
      filled_quantity: filled.toString(),
      average_price: average?.toString() ?? null,
      commission: commission.toString(),
      broker_order_id: state.brokerOrderId,
      acknowledged: true,
      reject_reason: status === 'rejected' ? (state.reason ?? row.reject_reason) : row.reject_reason,
      updated_at: now,
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  audit.push({ accountId: row.account_id, userId: row.user_id, orderId: row.id, kind: 'broker_update', payload: { source, ...state, updatedAt: state.updatedAt.toISOString() }, at: now });
  if (!within.audit) await appendAudit(trx, audit);
  for (const f of fillEvents) {
    await deps.outbox.enqueue(
      trx,
      'execution.order.filled',
      {
        userId: row.user_id,
        accountId: row.account_id,
        orderId: row.id,
        clientOrderId: row.client_order_id,
        fillId: f.id,
        broker: row.broker,
        symbol: row.symbol,
        side: row.side as 'buy' | 'sell',
        quantity: f.quantity.toString(),
        price: f.price.toString(),
        commission: f.commission.toString(),
        currency: row.currency,
        filledAt: state.updatedAt.toISOString(),
        status: status === 'filled' ? 'filled' : 'partially_filled',
        filledQuantity: filled.toString(),
      },
      { subject: row.user_id },
    );
  }
  for (const t of transitions) {
    if (t.status !== 'filled' && t.status !== 'partially_filled') await publishUpdate(deps, trx, updated, t.status, t.reason);
  }
  return updated;
}

/** Sends an order to its broker and records the answer; a failure to get an answer leaves it for reconciliation. */
async function send(deps: ExecutionDeps, broker: BrokerAdapter, row: OrderRow, market: { price: string; calendar: string }): Promise<OrderRow> {
  let state: BrokerOrderState;
  try {
    state = await broker.submit(brokerRequest(row), market);
  } catch (err) {
    if (err instanceof BrokerRejection) {
      return deps.db.transaction().execute((trx) =>
        applyBrokerState(deps, trx, row.id, { brokerOrderId: '', clientOrderId: row.client_order_id, status: 'rejected', filledQuantity: '0', averagePrice: null, commission: '0', reason: err.message, replacedBy: null, updatedAt: deps.clock() }, 'submit'),
      );
    }
    deps.logger.warn({ err, orderId: row.id }, 'no answer from the broker: the order is reconciled later');
    await deps.db.transaction().execute((trx) =>
      appendAudit(trx, [{ accountId: row.account_id, userId: row.user_id, orderId: row.id, kind: 'broker_error', payload: { message: err instanceof Error ? err.message : String(err) }, at: deps.clock() }]),
    );
    return row;
  }
  return deps.db.transaction().execute((trx) => applyBrokerState(deps, trx, row.id, state, 'submit'));
}

export interface Placed {
  order: OrderDto;
  replayed: boolean;
}

type Quote = Awaited<ReturnType<ExecutionDeps['market']['quote']>>;

function workingOrder(body: PlaceOrderBody) {
  return {
    side: body.side,
    type: body.type,
    quantity: Decimal.maybe(body.quantity),
    notional: Decimal.maybe(body.notional),
    limitPrice: Decimal.maybe(body.limitPrice),
    stopPrice: Decimal.maybe(body.stopPrice),
    trailPercent: Decimal.maybe(body.trailPercent),
    trailPrice: Decimal.maybe(body.trailPrice),
    watermark: null,
    triggered: false,
  };
}

/** What an order is worth for the risk checks: a buy at the worst price it may fill at, with commission. */
function orderNotional(deps: ExecutionDeps, body: PlaceOrderBody, quote: string): { work: ReturnType<typeof workingOrder>; notional: Decimal } {
  const work = workingOrder(body);
  const quotePrice = Decimal.from(quote);
  const notional = body.side === 'buy' ? estimatedCost(work, quotePrice, paperFillSettings(deps)) : (work.notional ?? (work.quantity ?? Decimal.ZERO).mul(quotePrice));
  return { work, notional };
}

interface RiskContext {
  body: PlaceOrderBody;
  account: LinkedAccount;
  broker: BrokerAdapter;
  remoteAccount: Awaited<ReturnType<BrokerAdapter['account']>> | undefined;
  work: ReturnType<typeof workingOrder>;
  notional: Decimal;
  quote: Quote;
  usedToday: string;
}

/** Runs the pre-trade risk checks for an order: the same for placing and for a preview. */
async function decideRisk(deps: ExecutionDeps, db: Db, userId: string, ctx: RiskContext) {
  const { body, account, broker, work } = ctx;
  const limits = await getRiskSettings(db, deps.settings, userId);
  const brokerAccount = ctx.remoteAccount ?? (await broker.local?.account(db));
  if (!brokerAccount) throw new Error(`broker ${broker.name} answered no account`);
  const position = brokerAccount.positions.find((p) => p.symbol === body.symbol);
  const decision = checkRisk(
    {
      symbol: body.symbol,
      side: body.side,
      type: body.type,
      quantity: work.quantity,
      limitPrice: work.limitPrice,
      stopPrice: work.stopPrice,
      notional: ctx.notional,
      quote: Decimal.from(ctx.quote.price),
      quoteCurrency: ctx.quote.currency,
      accountCurrency: account.currency,
      live: broker.environment === 'live',
      usedToday: Decimal.from(ctx.usedToday),
      buyingPower: Decimal.from(brokerAccount.buyingPower),
      equity: Decimal.from(brokerAccount.equity),
      position: Decimal.from(position?.quantity ?? '0'),
      positionValue: Decimal.from(position?.marketValue ?? '0'),
    },
    limits,
  );
  return { decision, brokerAccount };
}

export interface OrderPreview {
  approved: boolean;
  reasons: RiskDecision['reasons'];
  quote: string;
  quoteCurrency: string;
  currency: string;
  estimatedQuantity: string | null;
  estimatedPrice: string;
  grossAmount: string;
  estimatedCommission: string;
  estimatedTotal: string;
  buyingPower: string;
}

/**
 * What placing this order would answer, without placing it: the same validation, account
 * check, quote and pre-trade risk checks as `placeOrder`, and a cost estimate (price × quantity
 * + commission). Nothing is recorded.
 */
export async function previewOrder(deps: ExecutionDeps, userId: string, token: string, body: PlaceOrderBody): Promise<OrderPreview> {
  checkOrderShape(body);
  const account = await requireAccount(deps, userId, token, body.accountId);
  const broker = await brokerFor(deps, account);
  const quote = await deps.market.quote(token, body.symbol);
  const remoteAccount = broker.local ? undefined : await broker.account();
  const day = deps.clock().toISOString().slice(0, 10);
  const usage = await deps.db.selectFrom('daily_usage').select('notional').where('user_id', '=', userId).where('day', '=', day).executeTakeFirst();
  const { work, notional } = orderNotional(deps, body, quote.price);
  const { decision, brokerAccount } = await decideRisk(deps, deps.db, userId, { body, account, broker, remoteAccount, work, notional, quote, usedToday: usage?.notional ?? '0' });
  const fees = paperFillSettings(deps);
  const price = Decimal.from(quote.price);
  const gross = work.notional ?? (work.quantity ?? Decimal.ZERO).mul(price);
  const commission = commissionFor(gross, fees);
  const total = body.side === 'buy' ? gross.add(commission) : gross.sub(commission);
  return {
    approved: decision.approved,
    reasons: decision.reasons,
    quote: quote.price,
    quoteCurrency: quote.currency,
    currency: account.currency,
    estimatedQuantity: work.quantity ? work.quantity.toString() : price.isPositive() ? gross.div(price, 9).toString() : null,
    estimatedPrice: price.toString(),
    grossAmount: gross.toFixed(2),
    estimatedCommission: commission.toFixed(2),
    estimatedTotal: total.toFixed(2),
    buyingPower: brokerAccount.buyingPower,
  };
}

/**
 * Places an order: validates it, checks the account is the caller's, runs the pre-trade risk
 * checks against a fresh quote and the broker's buying power, records the intent, the decision
 * and what is sent (one transaction, with the audit chain), then sends it and records the answer.
 * The same `clientOrderId` answers with the order it placed.
 */
export async function placeOrder(deps: ExecutionDeps, userId: string, token: string, body: PlaceOrderBody): Promise<Placed> {
  checkOrderShape(body);
  const clientOrderId = body.clientOrderId ?? uuidv7();
  const hash = requestHash(body);
  const replay = async (existing: OrderRow): Promise<Placed> => {
    if (existing.request_hash !== hash) {
      throw new AppError('conflict', `clientOrderId ${clientOrderId} was already used for a different order`, { details: { reason: 'client_order_id_reused', orderId: existing.id } });
    }
    return { order: await orderDto(deps.db, existing), replayed: true };
  };
  const existing = await findOrderByClientId(deps.db, userId, clientOrderId);
  if (existing) return replay(existing);

  const account = await requireAccount(deps, userId, token, body.accountId);
  const broker = await brokerFor(deps, account);
  const quote = await deps.market.quote(token, body.symbol);
  // A local broker's account is read in the order's transaction, under its lock.
  const remoteAccount = broker.local ? undefined : await broker.account();
  const now = deps.clock();
  const day = now.toISOString().slice(0, 10);
  const { work, notional } = orderNotional(deps, body, quote.price);
  const orderId = uuidv7();
  const market = { price: quote.price, calendar: quote.calendar };

  let decision: RiskDecision | undefined;
  let row: OrderRow;
  let answered = false;
  try {
    row = await deps.db.transaction().execute(async (trx) => {
      // Creates today's usage row on first use and locks it, in one statement.
      const usage = await trx
        .insertInto('daily_usage')
        .values({ user_id: userId, day, notional: '0' })
        .onConflict((oc) => oc.columns(['user_id', 'day']).doUpdateSet((eb) => ({ day: eb.ref('excluded.day') })))
        .returning('notional')
        .executeTakeFirstOrThrow();
      const { decision: decided, brokerAccount } = await decideRisk(deps, trx, userId, { body, account, broker, remoteAccount, work, notional, quote, usedToday: usage.notional });
      decision = decided;
      const rejected = !decision.approved;
      const reason = rejected ? decision.reasons.map((r) => r.message).join('; ') : null;
      const inserted = await insertOrder(trx, {
        id: orderId,
        user_id: userId,
        account_id: account.id,
        client_order_id: clientOrderId,
        request_hash: hash,
        broker: broker.name,
        broker_order_id: null,
        symbol: body.symbol,
        side: body.side,
        type: body.type,
        time_in_force: body.timeInForce,
        quantity: body.quantity ?? null,
        notional: body.notional ?? null,
        limit_price: body.limitPrice ?? null,
        stop_price: body.stopPrice ?? null,
        trail_percent: body.trailPercent ?? null,
        trail_price: body.trailPrice ?? null,
        status: rejected ? 'rejected' : 'new',
        filled_quantity: '0',
        average_price: null,
        commission: '0',
        currency: account.currency,
        reject_reason: reason,
        replaces: null,
        replaced_by: null,
        acknowledged: rejected,
        created_at: now,
        updated_at: now,
      });
      await trx.insertInto('order_transitions').values({ id: uuidv7(), order_id: orderId, user_id: userId, status: 'new', reason: null, at: now }).execute();
      if (rejected) await trx.insertInto('order_transitions').values({ id: uuidv7(), order_id: orderId, user_id: userId, status: 'rejected', reason, at: now }).execute();
      const audit: AuditRecord[] = [
        { accountId: account.id, userId, orderId, kind: 'order_intent', payload: { ...body, clientOrderId }, at: now },
        { accountId: account.id, userId, orderId, kind: 'risk_decision', payload: { approved: decision.approved, reasons: decision.reasons, quote: quote.price, estimatedNotional: notional.toString(), buyingPower: brokerAccount.buyingPower }, at: now },
      ];
      if (!rejected) {
        await trx.updateTable('daily_usage').set({ notional: Decimal.from(usage.notional).add(notional).toString() }).where('user_id', '=', userId).where('day', '=', day).execute();
        audit.push({ accountId: account.id, userId, orderId, kind: 'order_sent', payload: { broker: broker.name, environment: broker.environment, request: brokerRequest(inserted) }, at: now });
      } else {
        await publishUpdate(deps, trx, inserted, 'rejected', reason);
      }
      if (rejected || !broker.local) {
        await appendAudit(trx, audit);
        return inserted;
      }
      // The paper broker's book is in this database: its answer commits with the intent.
      const state = await broker.local.submit(trx, brokerRequest(inserted), market);
      const updated = await applyBrokerState(deps, trx, orderId, state, 'submit', { row: inserted, audit });
      await appendAudit(trx, audit);
      answered = true;
      return updated;
    });
  } catch (err) {
    // Two requests with one clientOrderId at once: the second answers with the first's order.
    const raced = await findOrderByClientId(deps.db, userId, clientOrderId);
    if (raced) return replay(raced);
    throw err;
  }
  if (decision && !decision.approved) {
    const first = decision.reasons[0];
    throw new AppError('unprocessable', `order rejected by risk checks: ${decision.reasons.map((r) => r.message).join('; ')}`, {
      details: { reason: first?.code ?? 'risk', orderId, reasons: decision.reasons },
    });
  }
  const sent = answered ? row : await send(deps, broker, row, market);
  return { order: await orderDto(deps.db, sent), replayed: false };
}

async function requireOpenOrder(deps: ExecutionDeps, userId: string, orderId: string): Promise<OrderRow> {
  const row = await findOrder(deps.db, userId, orderId);
  if (!row) throw new AppError('not_found', `order ${orderId} not found`);
  if (!isOpen(row.status)) throw new AppError('unprocessable', `order ${orderId} is ${row.status} and can no longer change`, { details: { reason: 'order_closed', status: row.status } });
  if (!row.broker_order_id) throw new AppError('conflict', `order ${orderId} is still being sent to the broker; try again in a moment`, { details: { reason: 'order_pending' } });
  return row;
}

async function accountOf(deps: ExecutionDeps, row: OrderRow): Promise<LinkedAccount> {
  return { id: row.account_id, userId: row.user_id, currency: row.currency };
}

/** Cancels a working order at its broker and records the answer. */
export async function cancelOrder(deps: ExecutionDeps, userId: string, orderId: string): Promise<OrderDto> {
  const row = await requireOpenOrder(deps, userId, orderId);
  const broker = await brokerFor(deps, await accountOf(deps, row));
  await deps.db.transaction().execute((trx) => appendAudit(trx, [{ accountId: row.account_id, userId, orderId, kind: 'cancel_requested', payload: { brokerOrderId: row.broker_order_id }, at: deps.clock() }]));
  const state = await broker.cancel(row.broker_order_id ?? '');
  const updated = await deps.db.transaction().execute((trx) => applyBrokerState(deps, trx, row.id, state, 'cancel'));
  return orderDto(deps.db, updated);
}

/** Replaces a working order (quantity, prices, time in force): the old one ends `replaced`, a new one works. */
export async function replaceOrder(deps: ExecutionDeps, userId: string, token: string, orderId: string, body: ReplaceOrderBody): Promise<OrderDto> {
  const row = await requireOpenOrder(deps, userId, orderId);
  const merged = {
    type: row.type as PlaceOrderBody['type'],
    timeInForce: body.timeInForce ?? (row.time_in_force as PlaceOrderBody['timeInForce']),
    quantity: body.quantity ?? row.quantity ?? undefined,
    notional: body.quantity ? undefined : (row.notional ?? undefined),
    limitPrice: body.limitPrice ?? row.limit_price ?? undefined,
    stopPrice: body.stopPrice ?? row.stop_price ?? undefined,
    trailPercent: body.trailPrice ? undefined : (body.trailPercent ?? row.trail_percent ?? undefined),
    trailPrice: body.trailPercent ? undefined : (body.trailPrice ?? row.trail_price ?? undefined),
  };
  checkOrderShape(merged);
  const norm = (v: string | undefined) => (v === undefined ? null : Decimal.from(v).toString());
  const quote = await deps.market.quote(token, row.symbol);
  const broker = await brokerFor(deps, await accountOf(deps, row));
  const clientOrderId = body.clientOrderId ?? uuidv7();
  const newId = uuidv7();
  const now = deps.clock();
  const limits = await getRiskSettings(deps.db, deps.settings, userId);
  if (limits.killSwitch) throw new AppError('unprocessable', 'order rejected by risk checks: trading is switched off for this user (kill switch)', { details: { reason: 'kill_switch' } });
  const replacement = await deps.db.transaction().execute(async (trx) => {
    const inserted = await insertOrder(trx, {
      ...row,
      id: newId,
      client_order_id: clientOrderId,
      request_hash: createHash('sha256').update(canonicalJson({ replaces: row.id, ...merged })).digest('hex'),
      broker_order_id: null,
      time_in_force: merged.timeInForce,
      quantity: norm(merged.quantity),
      notional: norm(merged.notional),
      limit_price: norm(merged.limitPrice),
      stop_price: norm(merged.stopPrice),
      trail_percent: norm(merged.trailPercent),
      trail_price: norm(merged.trailPrice),
      status: 'new',
      filled_quantity: '0',
      average_price: null,
      commission: '0',
      reject_reason: null,
      replaces: row.id,
      replaced_by: null,
      acknowledged: false,
      created_at: now,
      updated_at: now,
    });
    await trx.insertInto('order_transitions').values({ id: uuidv7(), order_id: newId, user_id: userId, status: 'new', reason: `replaces ${row.id}`, at: now }).execute();
    await appendAudit(trx, [{ accountId: row.account_id, userId, orderId, kind: 'replace_requested', payload: { replacement: newId, clientOrderId, ...merged }, at: now }]);
    return inserted;
  });
  let state: BrokerOrderState;
  try {
    state = await broker.replace(row.broker_order_id ?? '', { quantity: replacement.quantity, limitPrice: replacement.limit_price, stopPrice: replacement.stop_price, trailPercent: replacement.trail_percent, trailPrice: replacement.trail_price, timeInForce: merged.timeInForce, clientOrderId }, { price: quote.price, calendar: quote.calendar });
  } catch (err) {
    if (!(err instanceof BrokerRejection)) throw err;
    state = { brokerOrderId: '', clientOrderId, status: 'rejected', filledQuantity: '0', averagePrice: null, commission: '0', reason: err.message, replacedBy: null, updatedAt: now };
  }
  const oldState = state.status === 'rejected' ? undefined : await broker.findByClientOrderId(row.client_order_id);
  const final = await deps.db.transaction().execute(async (trx) => {
    const next = await applyBrokerState(deps, trx, newId, state, 'replace');
    if (oldState) {
      await applyBrokerState(deps, trx, row.id, oldState, 'replace');
      if (oldState.status === 'replaced') await trx.updateTable('orders').set({ replaced_by: newId }).where('id', '=', row.id).execute();
    }
    return next;
  });
  if (final.status === 'rejected') {
    throw new AppError('unprocessable', `replacement rejected: ${final.reject_reason ?? 'by the broker'}`, { details: { reason: 'replace_rejected', orderId: newId } });
  }
  return orderDto(deps.db, final);
}
