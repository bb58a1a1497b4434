import type { Kysely } from 'kysely';
import type { ExecutionDatabase, FillRow, NewOrderRow, OrderRow, TransitionRow } from './database.js';

type Db = Kysely<ExecutionDatabase>;

export function findOrder(db: Db, userId: string, orderId: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('user_id', '=', userId).where('id', '=', orderId).executeTakeFirst();
}

export function lockOrder(db: Db, orderId: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
}

export function findOrderByClientId(db: Db, userId: string, clientOrderId: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('user_id', '=', userId).where('client_order_id', '=', clientOrderId).executeTakeFirst();
}

export async function insertOrder(db: Db, row: NewOrderRow): Promise<OrderRow> {
  return db.insertInto('orders').values(row).returningAll().executeTakeFirstOrThrow();
}

export function transitionsOf(db: Db, orderIds: readonly string[]): Promise<TransitionRow[]> {
  if (orderIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('order_transitions').selectAll().where('order_id', 'in', [...orderIds]).orderBy('at').orderBy('id').execute();
}

export function fillsOf(db: Db, orderIds: readonly string[]): Promise<FillRow[]> {
  if (orderIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('fills').selectAll().where('order_id', 'in', [...orderIds]).orderBy('filled_at').orderBy('id').execute();
}

export function listOrders(db: Db, userId: string, filter: { accountId?: string | undefined; open?: boolean | undefined }, limit: number): Promise<OrderRow[]> {
  let q = db.selectFrom('orders').selectAll().where('user_id', '=', userId);
  if (filter.accountId) q = q.where('account_id', '=', filter.accountId);
  if (filter.open === true) q = q.where('status', 'in', ['new', 'accepted', 'partially_filled']);
  if (filter.open === false) q = q.where('status', 'not in', ['new', 'accepted', 'partially_filled']);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Orders a broker has not acknowledged yet, or that still work there: what reconciliation asks about. */
export function ordersToReconcile(db: Db, broker: string | undefined, olderThan: Date): Promise<OrderRow[]> {
  let q = db
    .selectFrom('orders')
    .selectAll()
    .where('status', 'in', ['new', 'accepted', 'partially_filled'])
    .where('updated_at', '<=', olderThan);
  if (broker) q = q.where('broker', '=', broker);
  return q.orderBy('created_at').limit(500).execute();
}
