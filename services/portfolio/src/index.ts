import type { ServiceContext, ServiceDefinition } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { portfolioConsumers } from './consumers.js';
import type { PortfolioDatabase } from './database.js';
import type { PortfolioDeps } from './deps.js';
import { PortfolioEngine, type EngineOptions } from './engine.js';
import { registerLive } from './live.js';
import { MarketCache } from './market.js';
import { migrations } from './migrations/index.js';
import { connectPeers, type Peers } from './peers.js';
import { readVersion } from './readmodel.repository.js';
import { portfolioRoutes } from './routes.js';
import { summaryOf } from './views.js';

export interface PortfolioOptions {
  engine?: EngineOptions;
  /** Receives the instance's dependencies once built (tests). */
  onReady?: (deps: PortfolioDeps) => void;
}

/**
 * The portfolio service: the per-user read model of holdings, performance, attribution,
 * allocations and risk, fed by the transactions and valuation events, pushed live over a
 * WebSocket. See README.md.
 *
 * @example
 * await runService(portfolioService, { database, transport });
 */
export function createPortfolioService(options: PortfolioOptions = {}): ServiceDefinition {
  const byContext = new WeakMap<ServiceContext, PortfolioDeps & { connect(): Promise<void> }>();
  const depsOf = (ctx: ServiceContext) => {
    let deps = byContext.get(ctx);
    if (!deps) {
      const db = ctx.db as Kysely<PortfolioDatabase>;
      const market = new MarketCache(() => ctx.clients.get('valuation'), ctx.logger);
      const engine = new PortfolioEngine(db, market, ctx.logger, options.engine);
      ctx.onClose(() => engine.close());
      // Connected once the service runs (start); until then there is nobody to tell.
      let connected: Peers | undefined;
      const peers: Peers = {
        changed: (userId, version) => connected?.changed(userId, version),
        prices: (prices, ownerId) => connected?.prices(prices, ownerId),
        fx: (base, quote, rates) => connected?.fx(base, quote, rates),
        close: async () => connected?.close(),
      };
      deps = {
        db,
        engine,
        market,
        peers,
        async connect() {
          connected = await connectPeers(ctx.cache, engine, market, ctx.logger);
          ctx.onClose(() => peers.close());
        },
        verifier: ctx.verifier,
        logger: ctx.logger,
        readVersion: (userId) => readVersion(db, userId),
        notifySettings: (view) => engine.notify(view, 'settings'),
      };
      byContext.set(ctx, deps);
      options.onReady?.(deps);
    }
    return deps;
  };

  return {
    name: 'portfolio',
    description: 'Holdings, performance, attribution, allocations and risk, live',
    migrations,
    routes(app, ctx) {
      const deps = depsOf(ctx);
      app.addHook('onSend', async (_request, reply, payload) => {
        if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
        return payload;
      });
      portfolioRoutes(app, deps);
      registerLive(app, {
        engine: deps.engine,
        verifier: deps.verifier,
        logger: deps.logger,
        summary: (view) => {
          let body = view.responses.get('/summary');
          if (body === undefined) view.responses.set('/summary', (body = JSON.stringify(summaryOf(view, deps.market))));
          return body;
        },
      });
    },
    consumers: (ctx) => portfolioConsumers(depsOf(ctx)),
    start: (ctx) => depsOf(ctx).connect(),
  };
}

/** The portfolio service as the embedded host and `meridian start --service portfolio` run it. */
export const portfolioService: ServiceDefinition = createPortfolioService();

export type { PortfolioDeps } from './deps.js';
