import { z } from 'zod';

/**
 * HTTP DTOs of the execution service (orders, transfers, risk settings, broker links, audit).
 * Public contract: see services/execution/README.md. Quantities, prices and amounts are exact
 * decimals carried as strings.
 */

/** A positive exact decimal as a string (up to 20 integer and 9 fractional digits). */
export const positiveAmount = z
  .string()
  .trim()
  .regex(/^\d{1,20}(\.\d{1,9})?$/, { message: 'must be a positive decimal number as a string, like "12.50"' })
  .refine((v) => /[1-9]/.test(v), { message: 'must be greater than zero' });

export const ORDER_SIDES = ['buy', 'sell'] as const;
export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] as const;
export const TIME_IN_FORCE = ['day', 'gtc', 'ioc', 'fok'] as const;
/** A broker's order lifecycle; every transition is recorded. */
export const ORDER_STATUSES = ['new', 'accepted', 'partially_filled', 'filled', 'canceled', 'expired', 'rejected', 'replaced'] as const;

export type OrderSide = (typeof ORDER_SIDES)[number];
export type OrderType = (typeof ORDER_TYPES)[number];
export type TimeInForce = (typeof TIME_IN_FORCE)[number];
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Accepts `BUY`, `stop-limit`, `Trailing Stop`…: case and separators do not matter. */
function loose<T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase().replace(/[-\s]/g, '_') : v), z.enum(values));
}

export const orderSymbol = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9^][A-Z0-9.\-=^_/]{0,31}$/, { message: 'must be a ticker like "AAPL" or "BTC-USD"' }));

export const placeOrderBody = z.strictObject({
  accountId: z.uuid(),
  symbol: orderSymbol,
  side: loose(ORDER_SIDES),
  type: loose(ORDER_TYPES),
  timeInForce: loose(TIME_IN_FORCE),
  quantity: positiveAmount.optional(),
  notional: positiveAmount.optional(),
  limitPrice: positiveAmount.optional(),
  stopPrice: positiveAmount.optional(),
  /** trailing_stop: the stop trails the best price by this percent… */
  trailPercent: positiveAmount.optional(),
  /** …or by this amount. */
  trailPrice: positiveAmount.optional(),
  /** Makes placement idempotent: the same id answers with the order it placed. */
  clientOrderId: z.string().trim().min(1).max(48).regex(/^[\x21-\x7e]+$/, { message: 'must be visible ASCII' }).optional(),
});
export type PlaceOrderBody = z.infer<typeof placeOrderBody>;

export const replaceOrderBody = z.strictObject({
  quantity: positiveAmount.optional(),
  limitPrice: positiveAmount.optional(),
  stopPrice: positiveAmount.optional(),
  trailPercent: positiveAmount.optional(),
  trailPrice: positiveAmount.optional(),
  timeInForce: loose(TIME_IN_FORCE).optional(),
  clientOrderId: z.string().trim().min(1).max(48).regex(/^[\x21-\x7e]+$/).optional(),
});
export type ReplaceOrderBody = z.infer<typeof replaceOrderBody>;

export const orderFillDto = z.object({
  id: z.uuid(),
  quantity: z.string(),
  price: z.string(),
  commission: z.string(),
  filledAt: z.string(),
});

export const orderTransitionDto = z.object({
  status: z.enum(ORDER_STATUSES),
  at: z.string(),
  reason: z.string().nullable(),
});

export const orderDto = z.object({
  id: z.uuid(),
  clientOrderId: z.string(),
  accountId: z.uuid(),
  broker: z.string(),
  brokerOrderId: z.string().nullable(),
  symbol: z.string(),
  side: z.enum(ORDER_SIDES),
  type: z.enum(ORDER_TYPES),
  timeInForce: z.enum(TIME_IN_FORCE),
  quantity: z.string().nullable(),
  notional: z.string().nullable(),
  limitPrice: z.string().nullable(),
  stopPrice: z.string().nullable(),
  trailPercent: z.string().nullable(),
  trailPrice: z.string().nullable(),
  status: z.enum(ORDER_STATUSES),
  filledQuantity: z.string(),
  averagePrice: z.string().nullable(),
  commission: z.string(),
  currency: z.string(),
  rejectReason: z.string().nullable(),
  replaces: z.uuid().nullable(),
  replacedBy: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  transitions: z.array(orderTransitionDto),
  fills: z.array(orderFillDto),
});
export type OrderDto = z.infer<typeof orderDto>;

export const listOrdersQuery = z.object({
  accountId: z.uuid().optional(),
  status: z.enum(['open', 'closed', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const orderPage = z.object({ items: z.array(orderDto) });

export const bankTransferBody = z.strictObject({
  accountId: z.uuid(),
  direction: z.enum(['deposit', 'withdrawal']),
  amount: positiveAmount,
  currency: z
    .string()
    .trim()
    .transform((s) => s.toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code like "USD"' })),
});
export type BankTransferBody = z.infer<typeof bankTransferBody>;

export const bankTransferDto = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  direction: z.enum(['deposit', 'withdrawal']),
  amount: z.string(),
  currency: z.string(),
  status: z.enum(['pending', 'completed', 'failed']),
  provider: z.string(),
  failureReason: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
export type BankTransferDto = z.infer<typeof bankTransferDto>;

const nullableLimit = positiveAmount.nullable();
const symbolList = z.array(orderSymbol).max(500);

/** Pre-trade risk limits of a user; `null` turns a limit off. */
export const riskSettingsDto = z.object({
  killSwitch: z.boolean(),
  liveTrading: z.boolean(),
  maxOrderNotional: z.string().nullable(),
  maxDailyNotional: z.string().nullable(),
  /** A limit or stop price may be at most this percent away from the current quote. */
  priceCollarPercent: z.string().nullable(),
  /** A buy may not make one position more than this percent of the account's value. */
  maxPositionWeightPercent: z.string().nullable(),
  allowSymbols: z.array(z.string()),
  denySymbols: z.array(z.string()),
});
export type RiskSettingsDto = z.infer<typeof riskSettingsDto>;

export const updateRiskSettingsBody = z.strictObject({
  killSwitch: z.boolean().optional(),
  liveTrading: z.boolean().optional(),
  maxOrderNotional: nullableLimit.optional(),
  maxDailyNotional: nullableLimit.optional(),
  priceCollarPercent: nullableLimit.optional(),
  maxPositionWeightPercent: nullableLimit.optional(),
  allowSymbols: symbolList.optional(),
  denySymbols: symbolList.optional(),
});

export const brokerLinkBody = z.strictObject({
  broker: z.literal('alpaca'),
  environment: z.enum(['paper', 'live']),
  keyId: z.string().trim().min(1).max(128),
  secretKey: z.string().trim().min(1).max(256),
});

export const brokerLinkDto = z.object({
  accountId: z.uuid(),
  broker: z.enum(['paper', 'alpaca']),
  environment: z.enum(['paper', 'live']),
  keyId: z.string().nullable(),
});

export const brokerAccountDto = z.object({
  accountId: z.uuid(),
  broker: z.string(),
  currency: z.string(),
  cash: z.string(),
  buyingPower: z.string(),
  positions: z.array(z.object({ symbol: z.string(), quantity: z.string() })),
});

export const auditVerifyDto = z.object({
  valid: z.boolean(),
  entries: z.number().int(),
  /** The sequence number of the first entry that does not match the chain. */
  brokenAt: z.number().int().nullable(),
});

export const auditEntryDto = z.object({
  seq: z.number().int(),
  kind: z.string(),
  orderId: z.string().nullable(),
  payload: z.unknown(),
  at: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});

/** `POST /orders/preview`: what placing the order would answer, and what it would cost; nothing is placed. */
export const orderPreviewDto = z.object({
  approved: z.boolean(),
  /** Every failed pre-trade check (empty when approved). */
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  quote: z.string(),
  quoteCurrency: z.string(),
  /** The account's currency, in which the amounts below are. */
  currency: z.string(),
  /** The quantity, or for a notional order the quantity the notional buys at the quote. */
  estimatedQuantity: z.string().nullable(),
  estimatedPrice: z.string(),
  /** Quote × quantity (or the notional). */
  grossAmount: z.string(),
  estimatedCommission: z.string(),
  /** A buy's gross plus commission; a sell's gross minus commission. */
  estimatedTotal: z.string(),
  buyingPower: z.string(),
});
export type OrderPreviewDto = z.infer<typeof orderPreviewDto>;
export type AuditVerifyDto = z.infer<typeof auditVerifyDto>;
export type AuditEntryDto = z.infer<typeof auditEntryDto>;
