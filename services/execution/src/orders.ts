import type { OrderDto, OrderStatus, PlaceOrderBody } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';
import { AppError, uuidv7, type OutboxItem } from '@meridian/platform';
import type { AuditRecord } from './audit.repository.js';
import type { BrokerOrderRequest, BrokerOrderState } from './brokers/types.js';
import type { FillRow, OrderRow, TransitionRow } from './database.js';

export const OPEN_STATUSES: readonly OrderStatus[] = ['new', 'accepted', 'partially_filled'];
export const FINAL_STATUSES: readonly OrderStatus[] = ['filled', 'canceled', 'expired', 'rejected', 'replaced'];

export function isOpen(status: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

/** Which status may follow which: a final status never changes again. */
export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  if (from === to) return false;
  if ((FINAL_STATUSES as readonly string[]).includes(from)) return false;
  if (to === 'new') return false;
  if (from === 'partially_filled' && to === 'accepted') return false;
  return true;
}

interface Issue {
  path: string;
  message: string;
}

/** The rules between fields that a schema alone does not say; throws a 400 naming every problem. */
export function checkOrderShape(body: Pick<PlaceOrderBody, 'type' | 'timeInForce' | 'quantity' | 'notional' | 'limitPrice' | 'stopPrice' | 'trailPercent' | 'trailPrice'>): void {
  const issues: Issue[] = [];
  const has = (v: string | undefined | null) => v !== undefined && v !== null;
  if (has(body.quantity) === has(body.notional)) issues.push({ path: 'quantity', message: 'give exactly one of quantity or notional' });
  if (has(body.notional) && (body.type !== 'market' || body.timeInForce !== 'day')) issues.push({ path: 'notional', message: 'a notional order must be a market order with timeInForce "day"' });
  const needsLimit = body.type === 'limit' || body.type === 'stop_limit';
  const needsStop = body.type === 'stop' || body.type === 'stop_limit';
  if (needsLimit && !has(body.limitPrice)) issues.push({ path: 'limitPrice', message: `a ${body.type} order needs limitPrice` });
  if (!needsLimit && has(body.limitPrice)) issues.push({ path: 'limitPrice', message: `a ${body.type} order takes no limitPrice` });
  if (needsStop && !has(body.stopPrice)) issues.push({ path: 'stopPrice', message: `a ${body.type} order needs stopPrice` });
  if (!needsStop && has(body.stopPrice)) issues.push({ path: 'stopPrice', message: `a ${body.type} order takes no stopPrice` });
  if (body.type === 'trailing_stop') {
    if (has(body.trailPercent) === has(body.trailPrice)) issues.push({ path: 'trailPercent', message: 'a trailing_stop order needs exactly one of trailPercent or trailPrice' });
    if (has(body.trailPercent) && Decimal.from(body.trailPercent ?? '0').gte('100')) issues.push({ path: 'trailPercent', message: 'must be below 100' });
  } else if (has(body.trailPercent) || has(body.trailPrice)) {
    issues.push({ path: 'trailPercent', message: 'only a trailing_stop order trails' });
  }
  if ((body.timeInForce === 'ioc' || body.timeInForce === 'fok') && body.type !== 'market' && body.type !== 'limit') {
    issues.push({ path: 'timeInForce', message: `${body.timeInForce} is for market and limit orders` });
  }
  const first = issues[0];
  if (first) throw new AppError('validation_failed', `${first.path}: ${first.message}`, { details: { issues } });
}

const dec = (v: string | null) => (v === null ? null : Decimal.from(v).toString());

export function toOrderDto(row: OrderRow, transitions: readonly TransitionRow[], fills: readonly FillRow[]): OrderDto {
  return {
    id: row.id,
    clientOrderId: row.client_order_id,
    accountId: row.account_id,
    broker: row.broker,
    brokerOrderId: row.broker_order_id,
    symbol: row.symbol,
    side: row.side as OrderDto['side'],
    type: row.type as OrderDto['type'],
    timeInForce: row.time_in_force as OrderDto['timeInForce'],
    quantity: dec(row.quantity),
    notional: dec(row.notional),
    limitPrice: dec(row.limit_price),
    stopPrice: dec(row.stop_price),
    trailPercent: dec(row.trail_percent),
    trailPrice: dec(row.trail_price),
    status: row.status as OrderStatus,
    filledQuantity: Decimal.from(row.filled_quantity).toString(),
    averagePrice: dec(row.average_price),
    commission: Decimal.from(row.commission).toString(),
    currency: row.currency,
    rejectReason: row.reject_reason,
    replaces: row.replaces,
    replacedBy: row.replaced_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    transitions: transitions.map((t) => ({ status: t.status as OrderStatus, at: new Date(t.at).toISOString(), reason: t.reason })),
    fills: fills.map((f) => ({
      id: f.id,
      quantity: Decimal.from(f.quantity).toString(),
      price: Decimal.from(f.price).toString(),
      commission: Decimal.from(f.commission).toString(),
      filledAt: new Date(f.filled_at).toISOString(),
    })),
  };
}

/** What a broker's report changes about an order: computed first, written by the caller. */
export interface OrderChanges {
  /** The order after the report (the same object when nothing changed). */
  row: OrderRow;
  changed: boolean;
  fills: FillRow[];
  transitions: TransitionRow[];
  events: OutboxItem[];
  audit: AuditRecord[];
}

/** An `execution.order.updated` event for a status change that is not a fill. */
export function orderUpdated(row: OrderRow, status: OrderStatus, reason: string | null): OutboxItem {
  return {
    type: 'execution.order.updated',
    data: { userId: row.user_id, accountId: row.account_id, orderId: row.id, symbol: row.symbol, status, filledQuantity: Decimal.from(row.filled_quantity).toString(), reason },
    subject: row.user_id,
  };
}

/**
 * What a broker says about an order: a growth of the cumulative filled quantity becomes one
 * fill (with `execution.order.filled`), a new status one transition (with
 * `execution.order.updated` unless it is a fill). Seeing the same state twice changes nothing,
 * so the stream, polling and reconciliation after a crash can all report the same order. Pure.
 */
export function brokerStateChanges(row: OrderRow, state: BrokerOrderState, source: string, now: Date): OrderChanges {
  const recorded = Decimal.from(row.filled_quantity);
  const reported = Decimal.from(state.filledQuantity);
  let filled = recorded;
  let average = Decimal.maybe(row.average_price);
  let commission = Decimal.from(row.commission);
  let status = row.status as OrderStatus;
  const fills: FillRow[] = [];
  if (reported.gt(recorded) && state.averagePrice !== null) {
    const delta = reported.sub(recorded);
    const totalAfter = reported.mul(state.averagePrice);
    const totalBefore = recorded.mul(average ?? Decimal.ZERO);
    const price = totalAfter.sub(totalBefore).div(delta, 9);
    const fillCommission = Decimal.max(Decimal.ZERO, Decimal.from(state.commission).sub(commission));
    fills.push({ id: uuidv7(), order_id: row.id, user_id: row.user_id, cumulative_quantity: reported.toString(), quantity: delta.toString(), price: price.toString(), commission: fillCommission.toString(), filled_at: state.updatedAt });
    filled = reported;
    average = Decimal.from(state.averagePrice);
    commission = commission.add(fillCommission);
  }
  const target = state.status === 'accepted' && filled.isPositive() ? 'partially_filled' : state.status;
  const wanted: Array<{ status: OrderStatus; reason: string | null }> = [];
  if (row.status === 'new' && target !== 'accepted' && target !== 'rejected') wanted.push({ status: 'accepted', reason: null });
  if (canMove(status, target) || (wanted.length > 0 && target !== 'accepted')) wanted.push({ status: target, reason: state.reason });
  const transitions: TransitionRow[] = [];
  for (const t of wanted) {
    if (!canMove(status, t.status)) continue;
    status = t.status;
    transitions.push({ id: uuidv7(), order_id: row.id, user_id: row.user_id, status: t.status, reason: t.reason, at: now });
  }
  const changed = status !== row.status || fills.length > 0 || !row.acknowledged || row.broker_order_id !== state.brokerOrderId;
  if (!changed) return { row, changed, fills, transitions, events: [], audit: [] };
  const updated: OrderRow = {
    ...row,
    status,
    filled_quantity: filled.toString(),
    average_price: average?.toString() ?? null,
    commission: commission.toString(),
    broker_order_id: state.brokerOrderId,
    acknowledged: true,
    reject_reason: status === 'rejected' ? (state.reason ?? row.reject_reason) : row.reject_reason,
    updated_at: now,
  };
  const events: OutboxItem[] = fills.map((f) => ({
    type: 'execution.order.filled',
    data: {
      userId: row.user_id,
      accountId: row.account_id,
      orderId: row.id,
      clientOrderId: row.client_order_id,
      fillId: f.id,
      broker: row.broker,
      symbol: row.symbol,
      side: row.side as 'buy' | 'sell',
      quantity: Decimal.from(f.quantity).toString(),
      price: Decimal.from(f.price).toString(),
      commission: Decimal.from(f.commission).toString(),
      currency: row.currency,
      filledAt: state.updatedAt.toISOString(),
      status: status === 'filled' ? 'filled' : 'partially_filled',
      filledQuantity: filled.toString(),
    },
    subject: row.user_id,
  }));
  for (const t of transitions) {
    if (t.status !== 'filled' && t.status !== 'partially_filled') events.push(orderUpdated(updated, t.status as OrderStatus, t.reason));
  }
  const audit: AuditRecord[] = [{ accountId: row.account_id, userId: row.user_id, orderId: row.id, kind: 'broker_update', payload: { source, ...state, updatedAt: state.updatedAt.toISOString() }, at: now }];
  return { row: updated, changed, fills, transitions, events, audit };
}

/** What is sent to the broker for an order. */
export function brokerRequest(row: OrderRow): BrokerOrderRequest {
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
