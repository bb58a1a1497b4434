import { z } from 'zod';
import { DECIMAL_PATTERN } from '../transactions.js';

const decimal = z.string().regex(DECIMAL_PATTERN);

/** Events the execution service publishes (orders, fills, bank transfers). */
export const executionEvents = {
  /**
   * One fill of an order (an order filled in three parts publishes three). `fillId` is unique
   * and stable: the transactions service books each fill once, as a BUY or SELL with `commission` as fee.
   */
  'execution.order.filled': z.object({
    userId: z.uuid(),
    accountId: z.uuid(),
    orderId: z.uuid(),
    clientOrderId: z.string(),
    fillId: z.uuid(),
    broker: z.string(),
    symbol: z.string(),
    side: z.enum(['buy', 'sell']),
    quantity: decimal,
    price: decimal,
    commission: decimal,
    currency: z.string().length(3),
    filledAt: z.iso.datetime({ offset: true }),
    /** The order after this fill. */
    status: z.enum(['partially_filled', 'filled']),
    filledQuantity: decimal,
  }),
  /** Any other status change of an order (accepted, canceled, expired, rejected, replaced). */
  'execution.order.updated': z.object({
    userId: z.uuid(),
    accountId: z.uuid(),
    orderId: z.uuid(),
    symbol: z.string(),
    status: z.string(),
    filledQuantity: decimal,
    reason: z.string().nullable(),
  }),
  /** Money arrived in or left an account through the bank: a DEPOSIT or WITHDRAWAL to book. */
  'execution.transfer.completed': z.object({
    userId: z.uuid(),
    accountId: z.uuid(),
    transferId: z.uuid(),
    direction: z.enum(['deposit', 'withdrawal']),
    amount: decimal,
    currency: z.string().length(3),
    completedAt: z.iso.datetime({ offset: true }),
    provider: z.string(),
  }),
} as const;
