import type { ServiceContext, ServiceDefinition } from '@meridian/platform';
import type { ValuationDeps } from './deps.js';
import { fxRoutes } from './fx.routes.js';
import { instrumentRoutes } from './instruments.routes.js';
import { migrations } from './migrations/index.js';
import { priceRoutes } from './prices.routes.js';
import { quoteRoutes } from './quotes.routes.js';
import { startRefresher } from './refresh.js';
import { createValuationDeps, type ValuationRuntimeOptions } from './runtime.js';
import { activityConsumers } from './activities.consumer.js';
import { userConsumers } from './users.consumer.js';

/**
 * The valuation service: instruments, quotes, daily history and FX rates behind a chain
 * of market-data providers (the simulated market when none is configured). See README.md.
 *
 * @example
 * await runService(valuationService, { database, transport });
 */
export function createValuationService(options: ValuationRuntimeOptions = {}): ServiceDefinition {
  // routes(), consumers() and start() receive the same context object of one instance.
  const byContext = new WeakMap<ServiceContext, ValuationDeps>();
  const depsOf = (ctx: ServiceContext): ValuationDeps => {
    let deps = byContext.get(ctx);
    if (!deps) {
      deps = createValuationDeps(ctx, options);
      byContext.set(ctx, deps);
    }
    return deps;
  };

  return {
    name: 'valuation',
    description: 'Instruments, quotes, daily history and FX rates from a provider chain (simulated market offline)',
    migrations,
    routes(app, ctx) {
      const deps = depsOf(ctx);
      instrumentRoutes(app, deps);
      priceRoutes(app, deps);
      quoteRoutes(app, deps);
      fxRoutes(app, deps);
    },
    consumers(ctx) {
      return { ...userConsumers(depsOf(ctx)), ...activityConsumers() };
    },
    start(ctx) {
      const deps = depsOf(ctx);
      if (deps.settings.refreshSeconds === 0) return;
      const refresher = startRefresher(deps);
      ctx.onClose(() => refresher.stop());
    },
  };
}

/** The valuation service as the embedded host and `meridian start --service valuation` run it. */
export const valuationService: ServiceDefinition = createValuationService();

export type { ValuationDeps } from './deps.js';
export type { ValuationRuntimeOptions } from './runtime.js';
export { drainTrackRequests, requestTracking, trackSymbol } from './tracking.service.js';
export { runRefreshCycle } from './refresh.js';
