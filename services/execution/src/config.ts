import { Decimal } from '@meridian/finance';
import { loadConfig } from '@meridian/platform';
import { z } from 'zod';

const decimal = z
  .string()
  .regex(/^\d{1,20}(\.\d{1,9})?$/, 'a decimal number like "5" or "0.25"')
  .transform((v) => Decimal.from(v));
const optionalLimit = z
  .string()
  .regex(/^(\d{1,20}(\.\d{1,9})?|off)$/, 'a decimal number, or "off"')
  .transform((v) => (v === 'off' ? null : v));

const schema = z.object({
  MERIDIAN_PAPER_SLIPPAGE_BPS: decimal.default(Decimal.from('5')),
  MERIDIAN_PAPER_COMMISSION: decimal.default(Decimal.from('0')),
  MERIDIAN_PAPER_COMMISSION_BPS: decimal.default(Decimal.from('0')),
  MERIDIAN_EXECUTION_MAX_ORDER_NOTIONAL: optionalLimit.prefault('250000'),
  MERIDIAN_EXECUTION_MAX_DAILY_NOTIONAL: optionalLimit.prefault('1000000'),
  MERIDIAN_EXECUTION_PRICE_COLLAR_PERCENT: optionalLimit.prefault('10'),
  MERIDIAN_EXECUTION_MAX_POSITION_WEIGHT_PERCENT: optionalLimit.prefault('off'),
  /** A quote younger than this is reused for risk checks and paper fills. */
  MERIDIAN_EXECUTION_QUOTE_MAX_AGE_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
  /** Remote orders not yet acknowledged, and working ones, are reconciled this often (0 = only at start). */
  MERIDIAN_EXECUTION_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  MERIDIAN_ALPACA_TRADING_PAPER_URL: z.url().default('https://paper-api.alpaca.markets'),
  MERIDIAN_ALPACA_TRADING_LIVE_URL: z.url().default('https://api.alpaca.markets'),
  /** Plaid Transfer: set all three to move money through Plaid instead of the simulated bank. */
  MERIDIAN_PLAID_CLIENT_ID: z.string().min(1).optional(),
  MERIDIAN_PLAID_SECRET: z.string().min(1).optional(),
  MERIDIAN_PLAID_ACCESS_TOKEN: z.string().min(1).optional(),
  MERIDIAN_PLAID_ACCOUNT_ID: z.string().min(1).optional(),
  MERIDIAN_PLAID_BASE_URL: z.url().default('https://sandbox.plaid.com'),
});

export type ExecutionSettings = z.output<typeof schema>;

/** The execution service's settings from the environment (a bad value stops the start, naming it). */
export function executionSettings(env: Record<string, string | undefined>): ExecutionSettings {
  return loadConfig(schema, env);
}
