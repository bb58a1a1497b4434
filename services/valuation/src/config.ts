import { ConfigError, loadConfig } from '@meridian/platform';
import { z } from 'zod';
import { ALPACA_DATA_BASE_URL } from './providers/alpaca.js';
import { ALPHAVANTAGE_BASE_URL } from './providers/alphavantage.js';
import { COINGECKO_BASE_URL, COINGECKO_PRO_BASE_URL } from './providers/coingecko.js';
import { FRANKFURTER_BASE_URL } from './providers/frankfurter.js';
import type { RateLimit } from './providers/rate-limit.js';
import { YAHOO_BASE_URL } from './providers/yahoo.js';

export const PROVIDER_NAMES = ['simulated', 'frankfurter', 'coingecko', 'alpaca', 'yahoo', 'alphavantage'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Settings of the valuation service (environment variables; documented in the README). */
export const valuationConfigSchema = z.object({
  MERIDIAN_VALUATION_PROVIDERS: z.string().optional(),
  MERIDIAN_VALUATION_REFRESH_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  MERIDIAN_VALUATION_BACKFILL_YEARS: z.coerce.number().int().min(0).max(30).default(5),
  MERIDIAN_VALUATION_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  MERIDIAN_VALUATION_BREAKER_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  MERIDIAN_VALUATION_BREAKER_COOLDOWN_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** A jump no second source confirmed is accepted once seen again this much later. */
  MERIDIAN_VALUATION_JUMP_CONFIRM_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  MERIDIAN_YAHOO_BASE_URL: z.url().default(YAHOO_BASE_URL),
  MERIDIAN_COINGECKO_BASE_URL: z.url().optional(),
  MERIDIAN_COINGECKO_KEY: z.string().min(1).optional(),
  MERIDIAN_COINGECKO_PRO: flag.default(false),
  MERIDIAN_FRANKFURTER_BASE_URL: z.url().default(FRANKFURTER_BASE_URL),
  MERIDIAN_ALPACA_DATA_BASE_URL: z.url().default(ALPACA_DATA_BASE_URL),
  MERIDIAN_ALPACA_KEY_ID: z.string().min(1).optional(),
  MERIDIAN_ALPACA_SECRET: z.string().min(1).optional(),
  MERIDIAN_ALPACA_FEED: z.enum(['iex', 'sip', 'delayed_sip']).default('iex'),
  MERIDIAN_ALPHAVANTAGE_BASE_URL: z.url().default(ALPHAVANTAGE_BASE_URL),
  MERIDIAN_ALPHAVANTAGE_KEY: z.string().min(1).optional(),
});

/** Each provider's published (or polite) budget; `MERIDIAN_<NAME>_PER_MINUTE` / `_PER_DAY` override. */
const DEFAULT_LIMITS: Record<ProviderName, RateLimit> = {
  simulated: {},
  frankfurter: { perMinute: 60 },
  coingecko: { perMinute: 30 },
  alpaca: { perMinute: 200 },
  yahoo: { perMinute: 60 },
  alphavantage: { perMinute: 5, perDay: 25 },
};

export interface ValuationSettings {
  /** Providers in priority order. */
  providers: ProviderName[];
  refreshSeconds: number;
  backfillYears: number;
  timeoutMs: number;
  breaker: { failureThreshold: number; cooldownMs: number; maxCooldownMs: number };
  jumpConfirmMs: number;
  rateLimits: Record<ProviderName, RateLimit>;
  yahoo: { baseUrl: string };
  coingecko: { baseUrl: string; apiKey: string | undefined; pro: boolean };
  frankfurter: { baseUrl: string };
  alpaca: { baseUrl: string; keyId: string | undefined; secret: string | undefined; feed: string };
  alphavantage: { baseUrl: string; apiKey: string | undefined };
}

function positiveInt(env: Record<string, string | undefined>, name: string, problems: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    problems.push(`${name}: expected a positive integer (got "${raw}")`);
    return undefined;
  }
  return n;
}

export function valuationSettings(env: Record<string, string | undefined>): ValuationSettings {
  const c = loadConfig(valuationConfigSchema, env);
  const problems: string[] = [];
  const hasAlpaca = c.MERIDIAN_ALPACA_KEY_ID !== undefined && c.MERIDIAN_ALPACA_SECRET !== undefined;
  if ((c.MERIDIAN_ALPACA_KEY_ID === undefined) !== (c.MERIDIAN_ALPACA_SECRET === undefined)) {
    problems.push('MERIDIAN_ALPACA_KEY_ID and MERIDIAN_ALPACA_SECRET: set both or neither');
  }
  const hasAlphaVantage = c.MERIDIAN_ALPHAVANTAGE_KEY !== undefined;

  let providers: ProviderName[];
  if (c.MERIDIAN_VALUATION_PROVIDERS) {
    const names = c.MERIDIAN_VALUATION_PROVIDERS.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean);
    providers = [];
    for (const name of names) {
      if (!(PROVIDER_NAMES as readonly string[]).includes(name)) {
        problems.push(`MERIDIAN_VALUATION_PROVIDERS: unknown provider "${name}" (known: ${PROVIDER_NAMES.join(', ')})`);
      } else if (!providers.includes(name as ProviderName)) providers.push(name as ProviderName);
    }
    if (providers.includes('alpaca') && !hasAlpaca) problems.push('MERIDIAN_VALUATION_PROVIDERS: alpaca needs MERIDIAN_ALPACA_KEY_ID and MERIDIAN_ALPACA_SECRET');
    if (providers.includes('alphavantage') && !hasAlphaVantage) problems.push('MERIDIAN_VALUATION_PROVIDERS: alphavantage needs MERIDIAN_ALPHAVANTAGE_KEY');
    // Simulated prices next to real ones would value a real portfolio with invented numbers.
    if (providers.includes('simulated') && providers.length > 1) problems.push('MERIDIAN_VALUATION_PROVIDERS: simulated cannot be mixed with real providers');
    if (providers.length === 0) problems.push('MERIDIAN_VALUATION_PROVIDERS: name at least one provider');
  } else if (hasAlpaca || hasAlphaVantage || c.MERIDIAN_COINGECKO_KEY !== undefined) {
    // FX and crypto specialists first: they serve only their own kinds, so they shadow nothing.
    providers = ['frankfurter', 'coingecko', ...(hasAlpaca ? (['alpaca'] as const) : []), 'yahoo', ...(hasAlphaVantage ? (['alphavantage'] as const) : [])];
  } else {
    providers = ['simulated'];
  }

  const rateLimits = { ...DEFAULT_LIMITS };
  for (const name of PROVIDER_NAMES) {
    const upper = name.toUpperCase();
    const perMinute = positiveInt(env, `MERIDIAN_${upper}_PER_MINUTE`, problems);
    const perDay = positiveInt(env, `MERIDIAN_${upper}_PER_DAY`, problems);
    rateLimits[name] = { perMinute: perMinute ?? DEFAULT_LIMITS[name].perMinute, perDay: perDay ?? DEFAULT_LIMITS[name].perDay };
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    providers,
    refreshSeconds: c.MERIDIAN_VALUATION_REFRESH_SECONDS,
    backfillYears: c.MERIDIAN_VALUATION_BACKFILL_YEARS,
    timeoutMs: c.MERIDIAN_VALUATION_PROVIDER_TIMEOUT_MS,
    breaker: {
      failureThreshold: c.MERIDIAN_VALUATION_BREAKER_FAILURES,
      cooldownMs: c.MERIDIAN_VALUATION_BREAKER_COOLDOWN_SECONDS * 1000,
      maxCooldownMs: 10 * 60_000,
    },
    jumpConfirmMs: c.MERIDIAN_VALUATION_JUMP_CONFIRM_MINUTES * 60_000,
    rateLimits,
    yahoo: { baseUrl: c.MERIDIAN_YAHOO_BASE_URL },
    coingecko: {
      baseUrl: c.MERIDIAN_COINGECKO_BASE_URL ?? (c.MERIDIAN_COINGECKO_PRO ? COINGECKO_PRO_BASE_URL : COINGECKO_BASE_URL),
      apiKey: c.MERIDIAN_COINGECKO_KEY,
      pro: c.MERIDIAN_COINGECKO_PRO,
    },
    frankfurter: { baseUrl: c.MERIDIAN_FRANKFURTER_BASE_URL },
    alpaca: { baseUrl: c.MERIDIAN_ALPACA_DATA_BASE_URL, keyId: c.MERIDIAN_ALPACA_KEY_ID, secret: c.MERIDIAN_ALPACA_SECRET, feed: c.MERIDIAN_ALPACA_FEED },
    alphavantage: { baseUrl: c.MERIDIAN_ALPHAVANTAGE_BASE_URL, apiKey: c.MERIDIAN_ALPHAVANTAGE_KEY },
  };
}
