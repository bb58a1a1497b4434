import type { ServiceContext } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from './clock.js';
import { valuationSettings } from './config.js';
import type { ValuationDatabase } from './database.js';
import type { ValuationDeps } from './deps.js';
import { createHttpClient } from './providers/http.js';
import { buildProviderChain } from './providers/registry.js';
import type { MarketDataProvider } from './providers/types.js';

export interface ValuationRuntimeOptions {
  /** Replaces the system clock (tests of market hours, staleness, backfill ranges). */
  clock?: Clock;
  /** Replaces the configured providers, in priority order (tests of the chain). */
  providers?: MarketDataProvider[];
  /** Receives the instance's dependencies once built (tests; operator tooling). */
  onReady?: (deps: ValuationDeps) => void;
}

const USER_AGENT = 'Meridian/0.1 (self-hosted wealth platform; market data client)';

/** Builds what the valuation features share, once per running instance. */
export function createValuationDeps(ctx: ServiceContext, options: ValuationRuntimeOptions = {}): ValuationDeps {
  const settings = valuationSettings(ctx.env);
  const clock = options.clock ?? systemClock;
  const http = createHttpClient({ timeoutMs: settings.timeoutMs, userAgent: USER_AGENT });
  ctx.onClose(() => http.close());
  const chain = buildProviderChain({
    settings,
    http,
    cache: ctx.cache,
    clock,
    logger: ctx.logger,
    metrics: ctx.metrics,
    ...(options.providers ? { providers: options.providers } : {}),
  });
  const deps: ValuationDeps = {
    db: ctx.db as Kysely<ValuationDatabase>,
    settings,
    clock,
    logger: ctx.logger,
    outbox: ctx.outbox,
    cache: ctx.cache,
    chain,
    verifier: ctx.verifier,
  };
  if (chain.simulated) ctx.logger.info('market data: the simulated market (no provider configured); every price is labelled simulated');
  else ctx.logger.info({ providers: settings.providers }, 'market data: provider chain');
  options.onReady?.(deps);
  return deps;
}
