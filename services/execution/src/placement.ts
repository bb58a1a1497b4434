import type { PlaceOrderBody } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';
import { createGroupCommit, uuidv7, writeTogether, type GroupCommit, type OutboxItem, type Write } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { LinkedAccount } from './accounts.service.js';
import { chainAudit, lockAuditHeads, type AuditRecord } from './audit.repository.js';
import { paperBroker, paperFillSettings } from './brokers/index.js';
import { bookState, bookWrites, loadBooks, paperState, submitToBook, type PaperBook } from './brokers/paper/paper.broker.js';
import type { BrokerAccountState, BrokerAdapter } from './brokers/types.js';
import type { ExecutionDatabase, FillRow, OrderRow, TransitionRow } from './database.js';
import type { ExecutionDeps } from './deps.js';
import type { MarketQuote } from './market.js';
import { brokerRequest, brokerStateChanges, orderUpdated } from './orders.js';
import { checkRisk, type RiskDecision } from './risk.js';
import { riskSettingsFrom } from './risk.service.js';

type Db = Kysely<ExecutionDatabase>;

/** An order ready to record: validated, its account the caller's, its broker and quote known. */
export interface Placement {
  userId: string;
  body: PlaceOrderBody;
  clientOrderId: string;
  /** SHA-256 of the request, to tell a retry from a reuse of its client order id. */
  requestHash: string;
  /**
   * The account and its broker when the caller resolved them. Without them, the batch looks
   * the account up in the copy kept from the transactions service's events: the caller's, open
   * and on the paper broker, it is placed; anything else answers `resolve`, for the caller to
   * resolve (asking the transactions service, the remote broker) and place again.
   */
  account?: LinkedAccount;
  broker?: BrokerAdapter;
  /** A remote broker's account, asked before the transaction. */
  remoteAccount?: BrokerAccountState;
  quote: MarketQuote;
  /** What the order is worth for the risk checks (a buy at the worst price it may fill at, with commission). */
  notional: Decimal;
}

export type PlacementResult =
  /** The client order id was used before: the order it placed. */
  | { kind: 'existing'; row: OrderRow }
  /** The account is not known here, not open, not the caller's, or trades through a remote broker. */
  | { kind: 'resolve' }
  | { kind: 'recorded'; row: OrderRow; transitions: TransitionRow[]; fills: FillRow[]; decision: RiskDecision; broker: BrokerAdapter };

/** The pre-trade checks for one order against its account as the broker reports it. */
export function decide(p: Pick<Placement, 'body' | 'quote' | 'notional'> & { account: LinkedAccount; broker: BrokerAdapter }, limits: Parameters<typeof checkRisk>[1], usedToday: Decimal, brokerAccount: BrokerAccountState): RiskDecision {
  const { body } = p;
  const position = brokerAccount.positions.find((q) => q.symbol === body.symbol);
  return checkRisk(
    {
      symbol: body.symbol,
      side: body.side,
      type: body.type,
      quantity: Decimal.maybe(body.quantity),
      limitPrice: Decimal.maybe(body.limitPrice),
      stopPrice: Decimal.maybe(body.stopPrice),
      notional: p.notional,
      quote: Decimal.from(p.quote.price),
      quoteCurrency: p.quote.currency,
      accountCurrency: p.account.currency,
      live: p.broker.environment === 'live',
      usedToday,
      buyingPower: Decimal.from(brokerAccount.buyingPower),
      equity: Decimal.from(brokerAccount.equity),
      position: Decimal.from(position?.quantity ?? '0'),
      positionValue: Decimal.from(position?.marketValue ?? '0'),
    },
    limits,
  );
}

/**
 * Records orders in one transaction (group commit, see `createGroupCommit`): for each, in the
 * order they came, the intent, the pre-trade risk decision and what is sent to the broker, with
 * the audit chain; for the paper broker also its answer and the fill, worked against the
 * account's book in memory, so every order sees the ones before it (buying power, today's
 * notional). A batch costs about ten statements however many orders it holds: one per table
 * read, and its writes in one (`writeTogether`).
 */
export function createPlacementDesk(deps: () => ExecutionDeps): GroupCommit<Placement, PlacementResult> {
  return createGroupCommit((items) => deps().db.transaction().execute((trx) => record(deps(), trx, items)));
}

async function record(deps: ExecutionDeps, trx: Db, items: Placement[]): Promise<PlacementResult[]> {
  const now = deps.clock();
  const day = now.toISOString().slice(0, 10);
  const seen = new Set<string>();
  for (const p of items) {
    const key = `${p.userId}/${p.clientOrderId}`;
    // The same order twice in one batch: the batch is run again an order at a time, where the
    // second finds the first.
    if (seen.has(key)) throw new Error(`client order id ${p.clientOrderId} twice in one batch`);
    seen.add(key);
  }
  const existing = await trx
    .selectFrom('orders')
    .selectAll()
    .where((eb) => eb(eb.refTuple('user_id', 'client_order_id'), 'in', items.map((p) => eb.tuple(p.userId, p.clientOrderId))))
    .execute();
  const known = new Map(existing.map((r) => [`${r.user_id}/${r.client_order_id}`, r]));
  const resolved = await resolveAccounts(deps, trx, items.filter((p) => !p.broker && !known.has(`${p.userId}/${p.clientOrderId}`)));
  type Ready = Placement & { account: LinkedAccount; broker: BrokerAdapter };
  const ready = new Map<Placement, Ready>();
  for (const p of items) {
    if (known.has(`${p.userId}/${p.clientOrderId}`)) continue;
    const r = p.broker && p.account ? { account: p.account, broker: p.broker } : resolved.get(p);
    if (r) ready.set(p, { ...p, ...r });
  }
  const fresh = [...ready.values()];
  const users = [...new Set(fresh.map((p) => p.userId))].sort();
  const usage = new Map<string, Decimal>();
  const limits = new Map<string, ReturnType<typeof riskSettingsFrom>>();
  let books = new Map<string, PaperBook>();
  if (users.length > 0) {
    // Creates today's usage rows on first use and locks them, in one statement.
    const used = await trx
      .insertInto('daily_usage')
      .values(users.map((u) => ({ user_id: u, day, notional: '0' })))
      .onConflict((oc) => oc.columns(['user_id', 'day']).doUpdateSet((eb) => ({ day: eb.ref('excluded.day') })))
      .returning(['user_id', 'notional'])
      .execute();
    for (const u of used) usage.set(u.user_id, Decimal.from(u.notional));
    const settings = await trx.selectFrom('risk_settings').selectAll().where('user_id', 'in', users).execute();
    const byUser = new Map(settings.map((s) => [s.user_id, s]));
    for (const u of users) limits.set(u, riskSettingsFrom(byUser.get(u), deps.settings));
    books = await loadBooks(trx, fresh.flatMap((p) => (p.broker.local ? [p.broker.local.account] : [])));
  }
  const heads = await lockAuditHeads(trx, fresh.map((p) => p.account.id));
  const fillSettings = paperFillSettings(deps);
  const out = { orders: [] as OrderRow[], transitions: [] as TransitionRow[], fills: [] as FillRow[], audit: [] as AuditRecord[], events: [] as OutboxItem[] };
  const usageChanged = new Set<string>();
  const results = items.map((item): PlacementResult => {
    const prior = known.get(`${item.userId}/${item.clientOrderId}`);
    if (prior) return { kind: 'existing', row: prior };
    const p = ready.get(item);
    if (!p) return { kind: 'resolve' };
    const book = p.broker.local ? books.get(p.broker.local.account.accountId) : undefined;
    const brokerAccount = p.remoteAccount ?? (book ? bookState(book) : undefined);
    if (!brokerAccount) throw new Error(`broker ${p.broker.name} answered no account`);
    const usedToday = usage.get(p.userId) ?? Decimal.ZERO;
    const decision = decide(p, limits.get(p.userId) ?? riskSettingsFrom(undefined, deps.settings), usedToday, brokerAccount);
    const rejected = !decision.approved;
    const reason = rejected ? decision.reasons.map((r) => r.message).join('; ') : null;
    const orderId = uuidv7();
    let row: OrderRow = {
      id: orderId,
      user_id: p.userId,
      account_id: p.account.id,
      client_order_id: p.clientOrderId,
      request_hash: p.requestHash,
      broker: p.broker.name,
      broker_order_id: null,
      symbol: p.body.symbol,
      side: p.body.side,
      type: p.body.type,
      time_in_force: p.body.timeInForce,
      quantity: p.body.quantity ?? null,
      notional: p.body.notional ?? null,
      limit_price: p.body.limitPrice ?? null,
      stop_price: p.body.stopPrice ?? null,
      trail_percent: p.body.trailPercent ?? null,
      trail_price: p.body.trailPrice ?? null,
      status: rejected ? 'rejected' : 'new',
      filled_quantity: '0',
      average_price: null,
      commission: '0',
      currency: p.account.currency,
      reject_reason: reason,
      replaces: null,
      replaced_by: null,
      acknowledged: rejected,
      created_at: now,
      updated_at: now,
    };
    const transitions: TransitionRow[] = [{ id: uuidv7(), order_id: orderId, user_id: p.userId, status: 'new', reason: null, at: now }];
    const orderFills: FillRow[] = [];
    const audit: AuditRecord[] = [
      { accountId: p.account.id, userId: p.userId, orderId, kind: 'order_intent', payload: { ...p.body, clientOrderId: p.clientOrderId }, at: now },
      { accountId: p.account.id, userId: p.userId, orderId, kind: 'risk_decision', payload: { approved: decision.approved, reasons: decision.reasons, quote: p.quote.price, estimatedNotional: p.notional.toString(), buyingPower: brokerAccount.buyingPower }, at: now },
    ];
    if (rejected) {
      transitions.push({ id: uuidv7(), order_id: orderId, user_id: p.userId, status: 'rejected', reason, at: now });
      out.events.push(orderUpdated(row, 'rejected', reason));
    } else {
      usage.set(p.userId, usedToday.add(p.notional));
      usageChanged.add(p.userId);
      audit.push({ accountId: p.account.id, userId: p.userId, orderId, kind: 'order_sent', payload: { broker: p.broker.name, environment: p.broker.environment, request: brokerRequest(row) }, at: now });
      if (book) {
        // The paper broker's book is in this database: its answer commits with the intent.
        const paper = submitToBook(book, brokerRequest(row), { price: p.quote.price, calendar: p.quote.calendar }, now, fillSettings);
        const changes = brokerStateChanges(row, paperState(paper), 'submit', now);
        row = changes.row;
        transitions.push(...changes.transitions);
        orderFills.push(...changes.fills);
        audit.push(...changes.audit);
        out.events.push(...changes.events);
      }
    }
    out.orders.push(row);
    out.transitions.push(...transitions);
    out.fills.push(...orderFills);
    out.audit.push(...audit);
    return { kind: 'recorded', row, transitions, fills: orderFills, decision, broker: p.broker };
  });
  // Every write of the batch in one statement, then its events.
  const writes: Array<Write<ExecutionDatabase>> = [];
  if (out.orders.length > 0) writes.push((qc) => qc.insertInto('orders').values(out.orders));
  if (out.transitions.length > 0) writes.push((qc) => qc.insertInto('order_transitions').values(out.transitions));
  if (out.fills.length > 0) writes.push((qc) => qc.insertInto('fills').values(out.fills));
  writes.push(...bookWrites(books.values()));
  if (usageChanged.size > 0) {
    const rows = [...usageChanged].map((u) => ({ user_id: u, day, notional: (usage.get(u) ?? Decimal.ZERO).toString() }));
    writes.push((qc) => qc.insertInto('daily_usage').values(rows).onConflict((oc) => oc.columns(['user_id', 'day']).doUpdateSet((eb) => ({ notional: eb.ref('excluded.notional') }))));
  }
  writes.push(...chainAudit(heads, out.audit));
  await writeTogether(trx, writes);
  await deps.outbox.enqueueMany(trx, out.events);
  return results;
}

/**
 * The accounts of orders placed without one resolved, from the copy of the transactions
 * service's accounts, in two statements for the batch: the caller's open accounts with no
 * remote broker linked trade on the paper broker. The others are left out, to be resolved.
 */
async function resolveAccounts(deps: ExecutionDeps, trx: Db, items: Placement[]): Promise<Map<Placement, { account: LinkedAccount; broker: BrokerAdapter }>> {
  const out = new Map<Placement, { account: LinkedAccount; broker: BrokerAdapter }>();
  if (items.length === 0) return out;
  const ids = [...new Set(items.map((p) => p.body.accountId))];
  const rows = new Map((await trx.selectFrom('accounts').selectAll().where('id', 'in', ids).execute()).map((r) => [r.id, r]));
  const linked = new Set((await trx.selectFrom('broker_links').select('account_id').where('account_id', 'in', ids).execute()).map((r) => r.account_id));
  for (const p of items) {
    const row = rows.get(p.body.accountId);
    if (!row || row.user_id !== p.userId || row.archived || linked.has(row.id)) continue;
    const account = { id: row.id, userId: row.user_id, currency: row.currency };
    out.set(p, { account, broker: paperBroker(deps, account) });
  }
  return out;
}
