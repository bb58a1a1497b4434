import type { OrderSide, OrderStatus, OrderType, TimeInForce } from '@meridian/contracts';

/** What the execution service sends a broker: one order, named by its client order id. */
export interface BrokerOrderRequest {
  clientOrderId: string;
  accountId: string;
  userId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  quantity: string | null;
  notional: string | null;
  limitPrice: string | null;
  stopPrice: string | null;
  trailPercent: string | null;
  trailPrice: string | null;
  currency: string;
}

/** The market around an order, as the execution service saw it when placing it. */
export interface MarketSnapshot {
  price: string;
  /** Trading calendar id (packages/finance calendar), for exchange hours and holidays. */
  calendar: string;
}

/**
 * An order as the broker reports it. Quantities are cumulative: the execution service turns
 * a growth of `filledQuantity` into one fill, so a report seen twice (stream and poll, or after
 * a restart) records nothing twice.
 */
export interface BrokerOrderState {
  brokerOrderId: string;
  clientOrderId: string;
  status: OrderStatus;
  filledQuantity: string;
  averagePrice: string | null;
  /** Cumulative commission charged. */
  commission: string;
  reason: string | null;
  /** For a replaced order: the broker id of its replacement. */
  replacedBy: string | null;
  updatedAt: Date;
}

export interface BrokerAccountState {
  currency: string;
  cash: string;
  buyingPower: string;
  /** Cash plus the market value of positions. */
  equity: string;
  positions: Array<{ symbol: string; quantity: string; marketValue: string }>;
}

/** A broker rejected a request outright (4xx): the order is rejected with this reason. */
export class BrokerRejection extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerRejection';
  }
}

/**
 * One broker, bound to one linked account. Adding a broker is one folder implementing this
 * (see brokers/alpaca). Submissions must be idempotent by `clientOrderId` at the broker, so
 * that reconciliation after a crash can ask "do you have this order?" before sending it again.
 */
export interface BrokerAdapter {
  readonly name: string;
  /** `live` trades real money and needs the user's explicit opt-in. */
  readonly environment: 'paper' | 'live';
  submit(order: BrokerOrderRequest, market: MarketSnapshot): Promise<BrokerOrderState>;
  cancel(brokerOrderId: string): Promise<BrokerOrderState>;
  /** Replaces a working order; answers the new order. */
  replace(
    brokerOrderId: string,
    changes: { quantity: string | null; limitPrice: string | null; stopPrice: string | null; trailPercent: string | null; trailPrice: string | null; timeInForce: TimeInForce; clientOrderId: string },
    market: MarketSnapshot,
  ): Promise<BrokerOrderState>;
  findByClientOrderId(clientOrderId: string): Promise<BrokerOrderState | undefined>;
  account(): Promise<BrokerAccountState>;
  /**
   * For a broker whose book lives in this database (the paper broker): the account whose book
   * it is. Placing an order then records it, the broker's answer and the fill in one
   * transaction, together or not at all; nothing is ever sent that is not recorded.
   */
  readonly local?: { readonly account: { accountId: string; userId: string; currency: string } };
}
