import type { OrderDto, TimeInForce } from '@meridian/contracts';
import { ApiError, errorMessage } from '../lib/api';
import { isOpenOrder } from '../lib/queries';
import { capitalise, issuesToErrors, positiveDecimal, PRICE_FIELDS, statusLabel, TIF_LABELS, timeInForceFor, type PriceField } from './tradeTicket';

/** What `PATCH /execution/orders/{id}` may change: the size, the prices of the order's type, the time in force. */
export interface ModifyValues {
  quantity: string;
  limitPrice: string;
  stopPrice: string;
  trailBy: 'percent' | 'price';
  trail: string;
  timeInForce: TimeInForce;
}

export type ModifyField = 'quantity' | 'limitPrice' | 'stopPrice' | 'trail' | 'timeInForce';
export type ModifyErrors = Partial<Record<ModifyField | 'form', string>>;

/** The execution service replaces an order that still works and that its broker has acknowledged. */
export const canModify = (o: Pick<OrderDto, 'status' | 'brokerOrderId'>) => isOpenOrder(o) && Boolean(o.brokerOrderId);

/** The form starts from the order as it is. */
export function modifyValues(o: OrderDto): ModifyValues {
  return {
    quantity: o.quantity ?? '',
    limitPrice: o.limitPrice ?? '',
    stopPrice: o.stopPrice ?? '',
    trailBy: o.trailPrice ? 'price' : 'percent',
    trail: o.trailPrice ?? o.trailPercent ?? '',
    timeInForce: o.timeInForce,
  };
}

/** The inputs for this order: its size, then the prices its type takes (the type itself cannot change). */
export const modifyFields = (o: Pick<OrderDto, 'type'>): Array<'quantity' | PriceField> => ['quantity', ...PRICE_FIELDS[o.type]];

const LABELS = { quantity: 'Quantity', limitPrice: 'Limit price', stopPrice: 'Stop price' } as const;

/** `'0050.10'` and `'50.1'` are the same price. */
function sameDecimal(a: string, b: string): boolean {
  const canonical = (v: string) => {
    const [whole = '', fraction = ''] = v.split('.');
    const f = fraction.replace(/0+$/, '');
    return `${whole.replace(/^0+(?=\d)/, '')}${f ? `.${f}` : ''}`;
  };
  return canonical(a) === canonical(b);
}

/**
 * Checks the form the way the execution service will (`replaceOrderBody` and the order-shape
 * rules) and builds the body with only what changed. An order sized by an amount keeps it while
 * the quantity stays empty, and stays a day order.
 */
export function validateModify(o: OrderDto, v: ModifyValues): { body: Record<string, string> } | { errors: ModifyErrors } {
  const errors: ModifyErrors = {};
  const body: Record<string, string> = {};
  const was = modifyValues(o);
  for (const field of modifyFields(o)) {
    if (field === 'trail') {
      const parsed = positiveDecimal(v.trail, v.trailBy === 'percent' ? 'Trail percent' : 'Trail amount');
      if ('error' in parsed) errors.trail = parsed.error;
      else if (v.trailBy === 'percent' && Number(parsed.value) >= 100) errors.trail = 'Trail percent must be below 100.';
      else if (v.trailBy !== was.trailBy || !sameDecimal(parsed.value, was.trail)) body[v.trailBy === 'percent' ? 'trailPercent' : 'trailPrice'] = parsed.value;
      continue;
    }
    if (field === 'quantity' && o.notional && !v.quantity.trim()) continue;
    const parsed = positiveDecimal(v[field], LABELS[field]);
    if ('error' in parsed) errors[field] = parsed.error;
    else if (!sameDecimal(parsed.value, was[field])) body[field] = parsed.value;
  }
  if (!timeInForceFor(o.type).includes(v.timeInForce)) errors.timeInForce = `${TIF_LABELS[v.timeInForce]} is for market and limit orders.`;
  else if (o.notional && !body.quantity && v.timeInForce !== 'day') errors.timeInForce = 'An order for an amount of money is a day order: give a quantity to change this.';
  else if (v.timeInForce !== o.timeInForce) body.timeInForce = v.timeInForce;
  if (Object.keys(errors).length > 0) return { errors };
  if (Object.keys(body).length === 0) return { errors: { form: 'Nothing has changed: edit a value first.' } };
  return { body };
}

const API_FIELDS: Record<string, ModifyField> = {
  quantity: 'quantity',
  notional: 'quantity',
  limitPrice: 'limitPrice',
  stopPrice: 'stopPrice',
  trailPercent: 'trail',
  trailPrice: 'trail',
  timeInForce: 'timeInForce',
};

/** The API's refusal of a replacement, in plain words and on the field it is about. */
export function modifyErrors(err: unknown): ModifyErrors {
  if (!(err instanceof ApiError)) return { form: errorMessage(err) };
  if (err.code === 'validation_failed') return issuesToErrors(err.issues, capitalise(err.message), API_FIELDS);
  const { reason, status } = err.details;
  switch (reason) {
    case 'order_closed':
      return { form: `This order is ${typeof status === 'string' ? statusLabel(status) : 'closed'} now and can no longer be changed.` };
    case 'replace_rejected':
      return { form: `The change was refused: ${err.message.replace(/^replacement rejected:\s*/, '')}.` };
    default:
      return { form: capitalise(err.message.replace(/^order rejected by risk checks:\s*/, 'refused by the risk checks: ')) };
  }
}
