import type { OrderSide, OrderType, RiskSettingsDto } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';

export type RiskCode =
  | 'kill_switch'
  | 'live_trading_disabled'
  | 'symbol_denied'
  | 'symbol_not_allowed'
  | 'currency_mismatch'
  | 'max_order_notional'
  | 'max_daily_notional'
  | 'price_collar'
  | 'buying_power'
  | 'insufficient_position'
  | 'max_position_weight';

export interface RiskReason {
  code: RiskCode;
  message: string;
}

export interface RiskInput {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: Decimal | null;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
  /** What the order is worth at the price it may fill at. */
  notional: Decimal;
  quote: Decimal;
  quoteCurrency: string;
  accountCurrency: string;
  live: boolean;
  usedToday: Decimal;
  buyingPower: Decimal;
  equity: Decimal;
  /** Shares held now, and their market value. */
  position: Decimal;
  positionValue: Decimal;
}

export interface RiskDecision {
  approved: boolean;
  reasons: RiskReason[];
}

const HUNDRED = Decimal.from('100');

/**
 * The pre-trade checks, in the order a trader reads them. Pure: every input, the user's limits
 * included, is a parameter, and every failed check is reported (not only the first).
 */
export function checkRisk(input: RiskInput, limits: RiskSettingsDto): RiskDecision {
  const reasons: RiskReason[] = [];
  const fail = (code: RiskCode, message: string) => reasons.push({ code, message });
  const ccy = input.accountCurrency;
  if (limits.killSwitch) fail('kill_switch', 'trading is switched off for this user (kill switch)');
  if (input.live && !limits.liveTrading) fail('live_trading_disabled', 'live trading is off: turn it on explicitly in the risk settings first');
  if (limits.denySymbols.includes(input.symbol)) fail('symbol_denied', `${input.symbol} is on the deny list`);
  if (limits.allowSymbols.length > 0 && !limits.allowSymbols.includes(input.symbol)) fail('symbol_not_allowed', `${input.symbol} is not on the allow list`);
  if (input.quoteCurrency !== input.accountCurrency) fail('currency_mismatch', `${input.symbol} trades in ${input.quoteCurrency}, the account holds ${input.accountCurrency}`);
  if (limits.maxOrderNotional !== null && input.notional.gt(limits.maxOrderNotional)) {
    fail('max_order_notional', `order notional ${input.notional.toFixed(2)} ${ccy} exceeds the per-order limit of ${limits.maxOrderNotional}`);
  }
  if (limits.maxDailyNotional !== null && input.usedToday.add(input.notional).gt(limits.maxDailyNotional)) {
    fail('max_daily_notional', `today's orders would reach ${input.usedToday.add(input.notional).toFixed(2)} ${ccy}, above the daily limit of ${limits.maxDailyNotional}`);
  }
  if (limits.priceCollarPercent !== null) {
    const band = input.quote.mul(limits.priceCollarPercent).div(HUNDRED, 9);
    for (const [name, price] of [['limit', input.limitPrice], ['stop', input.stopPrice]] as const) {
      if (price && (price.gt(input.quote.add(band)) || price.lt(input.quote.sub(band)))) {
        fail('price_collar', `${name} price ${price.toString()} is more than ${limits.priceCollarPercent}% away from the current quote ${input.quote.toString()}`);
      }
    }
  }
  if (input.side === 'buy') {
    if (input.notional.gt(input.buyingPower)) fail('buying_power', `insufficient buying power: the order needs ${input.notional.toFixed(2)} ${ccy}, available ${input.buyingPower.toFixed(2)}`);
    if (limits.maxPositionWeightPercent !== null) {
      const after = input.positionValue.add(input.notional);
      const weight = input.equity.isPositive() ? after.mul(HUNDRED).div(input.equity, 4) : null;
      if (weight === null || weight.gt(limits.maxPositionWeightPercent)) {
        fail('max_position_weight', `${input.symbol} would be ${weight ? weight.toFixed(2) : 'all'}% of the account, above the limit of ${limits.maxPositionWeightPercent}%`);
      }
    }
  } else if (input.quantity && input.quantity.gt(input.position)) {
    fail('insufficient_position', `sells ${input.quantity.toString()} ${input.symbol}, the account holds ${input.position.toString()}`);
  }
  return { approved: reasons.length === 0, reasons };
}
