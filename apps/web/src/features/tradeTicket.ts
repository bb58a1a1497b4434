import type { OrderSide, OrderType, TimeInForce } from '@meridian/contracts';
import { parseDecimalInput } from '../lib/format';

/** The price fields each order type takes (services/execution/README.md). */
export const PRICE_FIELDS: Record<OrderType, PriceField[]> = {
  market: [],
  limit: ['limitPrice'],
  stop: ['stopPrice'],
  stop_limit: ['stopPrice', 'limitPrice'],
  trailing_stop: ['trail'],
};

export type PriceField = 'limitPrice' | 'stopPrice' | 'trail';

export const TYPE_LABELS: Record<OrderType, string> = { market: 'Market', limit: 'Limit', stop: 'Stop', stop_limit: 'Stop limit', trailing_stop: 'Trailing stop' };
/** An order status in words: `partially_filled` → "partially filled". */
export const statusLabel = (s: string) => s.replace(/_/g, ' ');
export const TIF_LABELS: Record<TimeInForce, string> = { day: 'Day', gtc: 'Good till canceled', ioc: 'Immediate or cancel', fok: 'Fill or kill' };

export interface TicketValues {
  accountId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  /** Size the order by a quantity or, for a market day order, by an amount of money. */
  sizeBy: 'quantity' | 'notional';
  quantity: string;
  notional: string;
  limitPrice: string;
  stopPrice: string;
  trailBy: 'percent' | 'price';
  trail: string;
}

export type TicketField = keyof TicketValues | 'form';
export type TicketErrors = Partial<Record<TicketField, string>>;

export function emptyTicket(accountId: string): TicketValues {
  return { accountId, symbol: '', side: 'buy', type: 'market', timeInForce: 'day', sizeBy: 'quantity', quantity: '', notional: '', limitPrice: '', stopPrice: '', trailBy: 'percent', trail: '' };
}

/** A notional order must be a market day order; everything else is sized by quantity. */
export const canUseNotional = (v: Pick<TicketValues, 'type' | 'timeInForce'>) => v.type === 'market' && v.timeInForce === 'day';

/** Which time-in-force values an order type accepts (ioc and fok are for market and limit orders). */
export function timeInForceFor(type: OrderType): TimeInForce[] {
  return type === 'market' || type === 'limit' ? ['day', 'gtc', 'ioc', 'fok'] : ['day', 'gtc'];
}

/** Which inputs the ticket shows for these values. */
export function visibleFields(v: TicketValues): Array<'quantity' | 'notional' | PriceField> {
  const size = v.sizeBy === 'notional' && canUseNotional(v) ? 'notional' : 'quantity';
  return [size, ...PRICE_FIELDS[v.type]];
}

/**
 * Checks the ticket the way the execution service will and builds `POST /orders` (and
 * `/orders/preview`) body. Fields the type does not take are left out.
 */
export function validateTicket(v: TicketValues): { body: Record<string, string> } | { errors: TicketErrors } {
  const errors: TicketErrors = {};
  const body: Record<string, string> = { accountId: v.accountId, side: v.side, type: v.type, timeInForce: v.timeInForce };
  if (!v.accountId) errors.accountId = 'Choose an account.';
  const symbol = v.symbol.trim().toUpperCase();
  if (!symbol) errors.symbol = 'Symbol is required.';
  else if (!/^[A-Z0-9^][A-Z0-9.\-=^_/]{0,31}$/.test(symbol)) errors.symbol = 'Symbol must be a ticker like AAPL or BTC-USD.';
  else body.symbol = symbol;
  if (!timeInForceFor(v.type).includes(v.timeInForce)) errors.timeInForce = `${TIF_LABELS[v.timeInForce]} is for market and limit orders.`;
  const positive = (field: 'quantity' | 'notional' | 'limitPrice' | 'stopPrice' | 'trail', label: string): string | undefined => {
    const parsed = positiveDecimal(v[field], label);
    if ('error' in parsed) errors[field] = parsed.error;
    else return parsed.value;
    return undefined;
  };
  for (const field of visibleFields(v)) {
    if (field === 'quantity') setIf(body, 'quantity', positive('quantity', 'Quantity'));
    else if (field === 'notional') setIf(body, 'notional', positive('notional', 'Amount'));
    else if (field === 'limitPrice') setIf(body, 'limitPrice', positive('limitPrice', 'Limit price'));
    else if (field === 'stopPrice') setIf(body, 'stopPrice', positive('stopPrice', 'Stop price'));
    else {
      const trail = positive('trail', v.trailBy === 'percent' ? 'Trail percent' : 'Trail amount');
      if (trail && v.trailBy === 'percent' && Number(trail) >= 100) errors.trail = 'Trail percent must be below 100.';
      else setIf(body, v.trailBy === 'percent' ? 'trailPercent' : 'trailPrice', trail);
    }
  }
  if (Object.keys(errors).length) return { errors };
  return { body };
}

/**
 * A quantity or price as the API takes it (`positiveAmount`: above zero, at most 9 decimals),
 * or the sentence that says what is wrong: `positiveDecimal('0,5', 'Quantity')` → `{value: '0.5'}`.
 */
export function positiveDecimal(input: string, label: string): { value: string } | { error: string } {
  const raw = input.trim();
  if (!raw) return { error: `${label} is required.` };
  const parsed = parseDecimalInput(raw);
  if ('error' in parsed) return { error: `${label} ${parsed.error}.` };
  if (!(Number(parsed.value) > 0)) return { error: `${label} must be more than zero.` };
  if ((parsed.value.split('.')[1] ?? '').length > 9) return { error: `${label} takes at most 9 decimal places.` };
  return { value: parsed.value };
}

function setIf(body: Record<string, string>, key: string, value: string | undefined): void {
  if (value !== undefined) body[key] = value;
}

const API_FIELDS: Record<string, TicketField> = {
  accountId: 'accountId',
  symbol: 'symbol',
  side: 'side',
  type: 'type',
  timeInForce: 'timeInForce',
  quantity: 'quantity',
  notional: 'notional',
  limitPrice: 'limitPrice',
  stopPrice: 'stopPrice',
  trailPercent: 'trail',
  trailPrice: 'trail',
};

/** Maps the API's field issues (`quantity`, `body.limitPrice`…) to ticket fields; the rest go to `form`. */
export function ticketIssuesToErrors(issues: Array<{ path: string; message: string }>, fallback: string): TicketErrors {
  return issuesToErrors(issues, fallback, API_FIELDS);
}

/**
 * Puts each API issue on the form field its last path segment names (`fields` maps API names
 * to the form's); an issue about a field the form does not have goes to `form`.
 */
export function issuesToErrors<F extends string>(issues: Array<{ path: string; message: string }>, fallback: string, fields: Partial<Record<string, F>>): Partial<Record<F | 'form', string>> {
  const errors: Partial<Record<F | 'form', string>> = {};
  for (const issue of issues) {
    const key = issue.path.split(/[./]/).filter(Boolean).pop() ?? '';
    const field = fields[key];
    if (field) errors[field] ??= capitalise(issue.message);
    else errors.form ??= capitalise(issue.message);
  }
  if (Object.keys(errors).length === 0) errors.form = fallback;
  return errors;
}

/** A risk refusal (422 with `details.reasons`) as sentences for a person. */
export function riskReasons(details: Record<string, unknown>): string[] {
  const reasons = details.reasons;
  if (!Array.isArray(reasons)) return [];
  return (reasons as Array<{ message?: unknown }>).map((r) => (typeof r.message === 'string' ? capitalise(r.message) : 'Refused by a risk check'));
}

export const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
