import { Decimal } from '@meridian/finance';
import type { EventHandlers } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { brokerFor, paperFillSettings } from './brokers/index.js';
import { paperOnPrices } from './brokers/paper/paper.broker.js';
import type { BrokerOrderState } from './brokers/types.js';
import type { ExecutionDatabase } from './database.js';
import type { ExecutionDeps } from './deps.js';
import { brokerRequest } from './orders.js';
import { applyBrokerState } from './orders.service.js';
import { ordersToReconcile } from './orders.repository.js';

type Db = Kysely<ExecutionDatabase>;

/** Records paper broker updates against the orders that placed them (by the paper order's id, unique across accounts). */
async function applyPaperStates(deps: ExecutionDeps, trx: Db, states: readonly BrokerOrderState[], source: string): Promise<void> {
  for (const state of states) {
    const order = await trx.selectFrom('orders').select('id').where('broker', '=', 'paper').where('broker_order_id', '=', state.brokerOrderId).executeTakeFirst();
    if (order) await applyBrokerState(deps, trx, order.id, state, source);
  }
}

/**
 * `valuation.prices.updated` (intraday and end of day): the paper broker works its open orders
 * against the new prices, and what filled, triggered or expired is recorded, all in the
 * consumer's transaction (with its inbox row, so a redelivery fills nothing twice).
 */
export function priceConsumers(deps: ExecutionDeps): EventHandlers {
  return {
    'valuation.prices.updated': async (event, trx) => {
      if (event.data.kind !== 'intraday' && event.data.kind !== 'eod') return;
      const prices = new Map<string, Decimal>();
      for (const p of event.data.prices) {
        prices.set(p.symbol, Decimal.from(p.close));
        deps.market.observe(p.symbol, p.close);
      }
      const db = trx as unknown as Db;
      await applyPaperStates(deps, db, await paperOnPrices(db, prices, deps.clock, paperFillSettings(deps)), 'price_update');
    },
  };
}

/** Expires paper day orders whose session closed (between price updates). */
export async function expirePaperOrders(deps: ExecutionDeps): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await applyPaperStates(deps, trx, await paperOnPrices(trx, new Map(), deps.clock, paperFillSettings(deps)), 'expiry');
  });
}

/**
 * Asks each broker about orders it has not acknowledged, or that still work there, by client
 * order id. An order the broker never received is sent again (brokers refuse a duplicate client
 * order id, so a send that did arrive cannot be doubled); one it has is recorded as it stands,
 * fills included. Runs at start, so a crash between sending and recording loses nothing.
 */
export async function reconcileOrders(deps: ExecutionDeps, options: { graceMs?: number } = {}): Promise<{ checked: number; resent: number }> {
  const rows = await ordersToReconcile(deps.db, undefined, new Date(deps.clock().getTime() - (options.graceMs ?? 0)));
  let resent = 0;
  for (const row of rows) {
    if (row.broker === 'paper' && row.acknowledged) continue; // paper fills arrive with price events
    try {
      const broker = await brokerFor(deps, { id: row.account_id, userId: row.user_id, currency: row.currency });
      let state = await broker.findByClientOrderId(row.client_order_id);
      if (!state && !row.acknowledged) {
        const quote = deps.market.calendarOf(row.symbol);
        state = await broker.submit(
          brokerRequest(row),
          { price: row.limit_price ?? row.stop_price ?? '0', calendar: quote ?? 'WEEKDAYS' },
        );
        resent++;
      }
      if (state) {
        const found = state;
        await deps.db.transaction().execute((trx) => applyBrokerState(deps, trx, row.id, found, 'reconcile'));
      }
    } catch (err) {
      deps.logger.warn({ err, orderId: row.id }, 'reconciling an order failed; trying again later');
    }
  }
  return { checked: rows.length, resent };
}
