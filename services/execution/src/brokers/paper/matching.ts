import type { OrderSide, OrderType } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';

/** The paper broker's fill model: slippage against the quote, and commission per order plus per notional. */
export interface PaperFillSettings {
  slippageBps: Decimal;
  commissionPerOrder: Decimal;
  commissionBps: Decimal;
}

export interface WorkingOrder {
  side: OrderSide;
  type: OrderType;
  quantity: Decimal | null;
  notional: Decimal | null;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
  trailPercent: Decimal | null;
  trailPrice: Decimal | null;
  watermark: Decimal | null;
  triggered: boolean;
}

export interface Evaluation {
  watermark: Decimal | null;
  triggered: boolean;
  fill: { quantity: Decimal; price: Decimal; commission: Decimal } | undefined;
}

const BPS = Decimal.from('10000');
const HUNDRED = Decimal.from('100');

/** The trailing stop's level for a watermark. */
export function trailingStopLevel(order: WorkingOrder, watermark: Decimal): Decimal {
  const sell = order.side === 'sell';
  if (order.trailPercent) {
    const offset = watermark.mul(order.trailPercent).div(HUNDRED, 9);
    return sell ? watermark.sub(offset) : watermark.add(offset);
  }
  const by = order.trailPrice ?? Decimal.ZERO;
  return sell ? watermark.sub(by) : watermark.add(by);
}

/**
 * What one price does to a working order while its market is open: trailing stops move their
 * watermark, stops trigger, and a marketable order fills in full at the price with slippage
 * (never worse than its limit). Pure: the same inputs always give the same answer.
 */
export function evaluate(order: WorkingOrder, price: Decimal, settings: PaperFillSettings): Evaluation {
  const buy = order.side === 'buy';
  let watermark = order.watermark;
  let triggered = order.triggered;
  if (order.type === 'trailing_stop') {
    watermark = watermark === null ? price : buy ? Decimal.min(watermark, price) : Decimal.max(watermark, price);
    if (!triggered) {
      const level = trailingStopLevel(order, watermark);
      triggered = buy ? price.gte(level) : price.lte(level);
    }
  } else if ((order.type === 'stop' || order.type === 'stop_limit') && !triggered && order.stopPrice) {
    triggered = buy ? price.gte(order.stopPrice) : price.lte(order.stopPrice);
  }
  const stops = order.type === 'stop' || order.type === 'stop_limit' || order.type === 'trailing_stop';
  if (stops && !triggered) return { watermark, triggered, fill: undefined };

  const slip = price.mul(settings.slippageBps).div(BPS, 9);
  let fillPrice = buy ? price.add(slip) : price.sub(slip);
  if (order.type === 'limit' || order.type === 'stop_limit') {
    const limit = order.limitPrice;
    if (!limit) return { watermark, triggered, fill: undefined };
    if (buy ? price.gt(limit) : price.lt(limit)) return { watermark, triggered, fill: undefined };
    fillPrice = buy ? Decimal.min(fillPrice, limit) : Decimal.max(fillPrice, limit);
  }
  fillPrice = fillPrice.round(6);
  if (!fillPrice.isPositive()) return { watermark, triggered, fill: undefined };
  const quantity = order.quantity ?? (order.notional ? order.notional.div(fillPrice, 9, 'down') : Decimal.ZERO);
  if (!quantity.isPositive()) return { watermark, triggered, fill: undefined };
  const commission = commissionFor(quantity.mul(fillPrice), settings);
  return { watermark, triggered, fill: { quantity, price: fillPrice, commission } };
}

export function commissionFor(notional: Decimal, settings: PaperFillSettings): Decimal {
  return settings.commissionPerOrder.add(notional.mul(settings.commissionBps).div(BPS, 9)).round(2, 'up');
}

/** A buy's cost to reserve before it fills: its notional at the worst price it may fill at, plus commission. */
export function estimatedCost(order: WorkingOrder, quote: Decimal, settings: PaperFillSettings): Decimal {
  if (order.notional) return order.notional.add(commissionFor(order.notional, settings));
  const qty = order.quantity ?? Decimal.ZERO;
  let price = quote.add(quote.mul(settings.slippageBps).div(BPS, 9));
  if ((order.type === 'limit' || order.type === 'stop_limit') && order.limitPrice) price = order.limitPrice;
  else if (order.type === 'stop' && order.stopPrice) price = Decimal.max(order.stopPrice, price);
  const notional = qty.mul(price);
  return notional.add(commissionFor(notional, settings));
}
