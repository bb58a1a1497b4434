import { createHash } from 'node:crypto';
import type { OrderDto, PlaceOrderBody, ReplaceOrderBody } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';
import { AppError, uuidv7 } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { requireAccount, type LinkedAccount } from './accounts.service.js';
import { appendAudit } from './audit.repository.js';
import { canonicalJson } from './audit.js';
import { brokerFor, paperFillSettings } from './brokers/index.js';
import { commissionFor, estimatedCost } from './brokers/paper/matching.js';
import type { WorkingOrder } from './brokers/paper/matching.js';
import { BrokerRejection, type BrokerAdapter, type BrokerOrderState } from './brokers/types.js';
import type { ExecutionDatabase, OrderRow } from './database.js';
import type { ExecutionDeps } from './deps.js';
import { brokerRequest, brokerStateChanges, checkOrderShape, isOpen, toOrderDto } from './orders.js';
import { fillsOf, findOrder, findOrderByClientId, insertOrder, lockOrder, transitionsOf } from './orders.repository.js';
import { decide, type Placement, type PlacementResult } from './placement.js';
import type { RiskDecision } from './risk.js';
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

function hashRequest(body: PlaceOrderBody): string {
  const { clientOrderId: _ignored, ...rest } = body;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/**
 * Records what a broker says about an order, in the caller's transaction (see
 * `brokerStateChanges`): new fills, transitions, the order's totals, the audit entry and the
 * events. Seeing the same state twice records nothing.
 */
export async function applyBrokerState(deps: ExecutionDeps, trx: Db, orderId: string, state: BrokerOrderState, source: string): Promise<OrderRow> {
  const row = await lockOrder(trx, orderId);
  if (!row) throw new Error(`order ${orderId} vanished`);
  const changes = brokerStateChanges(row, state, source, deps.clock());
  if (changes.fills.length > 0) await trx.insertInto('fills').values(changes.fills).execute();
  if (changes.transitions.length > 0) await trx.insertInto('order_transitions').values(changes.transitions).execute();
  if (!changes.changed) return row;
  const { id: _id, ...values } = changes.row;
  await trx.updateTable('orders').set(values).where('id', '=', row.id).execute();
  await appendAudit(trx, changes.audit);
  await deps.outbox.enqueueMany(trx, changes.events);
  return changes.row;
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

/** What an order is worth for the risk checks: a buy at the worst price it may fill at, with commission. */
function orderNotional(deps: ExecutionDeps, body: PlaceOrderBody, quote: string): { work: WorkingOrder; notional: Decimal } {
  const work: WorkingOrder = {
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
  const quotePrice = Decimal.from(quote);
  const notional = body.side === 'buy' ? estimatedCost(work, quotePrice, paperFillSettings(deps)) : (work.notional ?? (work.quantity ?? Decimal.ZERO).mul(quotePrice));
  return { work, notional };
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
  const brokerAccount = await broker.account();
  const day = deps.clock().toISOString().slice(0, 10);
  const usage = await deps.db.selectFrom('daily_usage').select('notional').where('user_id', '=', userId).where('day', '=', day).executeTakeFirst();
  const { work, notional } = orderNotional(deps, body, quote.price);
  const limits = await getRiskSettings(deps.db, deps.settings, userId);
  const decision = decide({ body, account, broker, quote, notional }, limits, Decimal.from(usage?.notional ?? '0'), brokerAccount);
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
 * Places an order: validates it, checks the account is the caller's, gets a fresh quote, then
 * records the intent, the pre-trade risk decision and what is sent, with the audit chain, in
 * one transaction shared with the orders placed at the same moment (`createPlacementDesk`). On
 * the paper broker the fill commits in that transaction too; a remote broker is sent the order
 * after it, and its answer recorded. The same `clientOrderId` answers with the order it placed.
 */
export async function placeOrder(deps: ExecutionDeps, userId: string, token: string, body: PlaceOrderBody): Promise<Placed> {
  checkOrderShape(body);
  const clientOrderId = body.clientOrderId ?? uuidv7();
  const requestHash = hashRequest(body);
  const replay = async (existing: OrderRow): Promise<Placed> => {
    if (existing.request_hash !== requestHash) {
      throw new AppError('conflict', `clientOrderId ${clientOrderId} was already used for a different order`, { details: { reason: 'client_order_id_reused', orderId: existing.id } });
    }
    return { order: await orderDto(deps.db, existing), replayed: true };
  };
  /** A failure, unless the order was placed before (a retry) or at the same moment (a race): then that order. */
  const placedAlready = async (err: unknown): Promise<Placed> => {
    const found = await findOrderByClientId(deps.db, userId, clientOrderId);
    if (found) return replay(found);
    throw err;
  };
  let placement: Placement;
  let result: PlacementResult;
  try {
    const quote = await deps.market.quote(token, body.symbol);
    placement = { userId, body, clientOrderId, requestHash, quote, notional: orderNotional(deps, body, quote.price).notional };
    result = await deps.placement.add(placement);
    if (result.kind === 'resolve') {
      // Not an open paper account of the caller's known here: ask the transactions service (a
      // 404 for another user's), and a remote broker for its account, then place it again.
      const account = await requireAccount(deps, userId, token, body.accountId);
      const broker = await brokerFor(deps, account);
      const remoteAccount = broker.local ? undefined : await broker.account();
      result = await deps.placement.add({ ...placement, account, broker, ...(remoteAccount ? { remoteAccount } : {}) });
    }
  } catch (err) {
    return placedAlready(err);
  }
  if (result.kind === 'existing') return replay(result.row);
  if (result.kind === 'resolve') throw new Error(`order ${clientOrderId}: its account was resolved and still is not`);
  const { row, decision, broker } = result;
  if (!decision.approved) {
    const first = decision.reasons[0];
    throw new AppError('unprocessable', `order rejected by risk checks: ${decision.reasons.map((r) => r.message).join('; ')}`, {
      details: { reason: first?.code ?? 'risk', orderId: row.id, reasons: decision.reasons },
    });
  }
  if (broker.local) return { order: toOrderDto(row, result.transitions, result.fills), replayed: false };
  const sent = await send(deps, broker, row, { price: placement.quote.price, calendar: placement.quote.calendar });
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
