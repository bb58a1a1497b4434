import type { OrderStatus } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';
import type { BrokerOrderState } from '../types.js';

/** An order as Alpaca's Trading API answers it (the fields Meridian reads). */
export interface AlpacaOrder {
  id: string;
  client_order_id: string;
  created_at: string;
  updated_at: string | null;
  submitted_at: string | null;
  filled_at: string | null;
  symbol: string;
  qty: string | null;
  notional: string | null;
  filled_qty: string;
  filled_avg_price: string | null;
  type: string;
  order_type?: string;
  side: string;
  time_in_force: string;
  limit_price: string | null;
  stop_price: string | null;
  trail_percent?: string | null;
  trail_price?: string | null;
  status: string;
  replaced_by: string | null;
  replaces: string | null;
}

/** One message of the `trade_updates` stream. */
export interface AlpacaTradeUpdate {
  event: string;
  order: AlpacaOrder;
  timestamp?: string;
  price?: string;
  qty?: string;
  position_qty?: string;
  execution_id?: string;
}

/** Alpaca's order statuses onto Meridian's lifecycle (Alpaca's `new` is a broker-acknowledged order). */
export function mapAlpacaStatus(status: string): OrderStatus {
  switch (status) {
    case 'partially_filled':
      return 'partially_filled';
    case 'filled':
      return 'filled';
    case 'canceled':
      return 'canceled';
    case 'expired':
      return 'expired';
    case 'replaced':
      return 'replaced';
    case 'rejected':
    case 'suspended':
      return 'rejected';
    default:
      // new, pending_new, accepted, accepted_for_bidding, pending_cancel, pending_replace,
      // calculated, stopped, held, done_for_day: the order still works (or may) at the broker.
      return 'accepted';
  }
}

export function fromAlpacaOrder(o: AlpacaOrder): BrokerOrderState {
  return {
    brokerOrderId: o.id,
    clientOrderId: o.client_order_id,
    status: mapAlpacaStatus(o.status),
    filledQuantity: Decimal.from(o.filled_qty || '0').toString(),
    averagePrice: o.filled_avg_price ? Decimal.from(o.filled_avg_price).toString() : null,
    // Alpaca charges no commission on equities; regulatory fees are not on the order.
    commission: '0',
    reason: o.status === 'rejected' ? 'rejected by Alpaca' : null,
    replacedBy: o.replaced_by,
    updatedAt: new Date(o.updated_at ?? o.created_at),
  };
}
