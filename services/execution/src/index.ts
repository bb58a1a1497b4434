import { createEnvelopeCipher, loadKeyManager, type ServiceContext, type ServiceDefinition } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { accountConsumers } from './accounts.service.js';
import { fromAlpacaOrder } from './brokers/alpaca/alpaca.js';
import { streamAlpacaTradeUpdates } from './brokers/alpaca/alpaca.broker.js';
import { alpacaCredentials } from './brokers/index.js';
import { executionSettings } from './config.js';
import type { ExecutionDatabase } from './database.js';
import type { Clock, ExecutionDeps } from './deps.js';
import { createMarketData } from './market.js';
import { migrations } from './migrations/index.js';
import { applyBrokerState } from './orders.service.js';
import { createPlacementDesk } from './placement.js';
import { expirePaperOrders, priceConsumers, reconcileOrders } from './reconcile.js';
import { executionRoutes } from './routes.js';
import { pollTransfers } from './transfers.service.js';

export interface ExecutionOptions {
  /** Replaces the system clock (tests of exchange hours). */
  clock?: Clock;
  /** Receives the instance's dependencies once built (tests). */
  onReady?: (deps: ExecutionDeps) => void;
}

/**
 * The execution service: orders through a broker adapter (the built-in paper broker, or
 * Alpaca), pre-trade risk checks, a hash-chained audit trail per account, bank transfers, and
 * reconciliation with the broker at start. See README.md.
 *
 * @example
 * await runService(executionService, { database, transport });
 */
export function createExecutionService(options: ExecutionOptions = {}): ServiceDefinition {
  const byContext = new WeakMap<ServiceContext, Promise<ExecutionDeps>>();
  const depsOf = (ctx: ServiceContext): Promise<ExecutionDeps> => {
    let deps = byContext.get(ctx);
    if (!deps) {
      deps = (async () => {
        const settings = executionSettings(ctx.env);
        const clock = options.clock ?? (() => new Date());
        const cipher = createEnvelopeCipher(await loadKeyManager({ env: ctx.env, dataDir: ctx.config.MERIDIAN_DATA_DIR }));
        const built: ExecutionDeps = {
          db: ctx.db as Kysely<ExecutionDatabase>,
          clock,
          logger: ctx.logger,
          outbox: ctx.outbox,
          verifier: ctx.verifier,
          clients: ctx.clients,
          cipher,
          settings,
          market: createMarketData(ctx.clients, clock, settings.MERIDIAN_EXECUTION_QUOTE_MAX_AGE_MS),
          placement: createPlacementDesk(() => built),
        };
        options.onReady?.(built);
        return built;
      })();
      byContext.set(ctx, deps);
    }
    return deps;
  };
  // consumers() is synchronous; its handlers wait for the instance's deps (built in routes()).
  const lazy = (ctx: ServiceContext) => {
    let resolved: ExecutionDeps | undefined;
    void depsOf(ctx).then((d) => (resolved = d));
    return () => {
      if (!resolved) throw new Error('execution deps not ready');
      return resolved;
    };
  };

  return {
    name: 'execution',
    description: 'Orders, fills, broker adapters (paper, Alpaca), pre-trade risk checks, audit trail, bank transfers',
    migrations,
    async routes(app, ctx) {
      executionRoutes(app, await depsOf(ctx));
    },
    consumers(ctx) {
      const deps = lazy(ctx);
      const prices = (d: ExecutionDeps) => priceConsumers(d)['valuation.prices.updated'];
      return {
        ...accountConsumers(),
        'valuation.prices.updated': async (event, trx) => prices(deps())?.(event, trx),
      };
    },
    async start(ctx) {
      const deps = await depsOf(ctx);
      const streams = new Map<string, { close(): Promise<void> }>();
      const watch = async (accountId: string) => {
        const creds = await alpacaCredentials(deps, accountId);
        if (!creds) return;
        await streams.get(accountId)?.close();
        const stream = streamAlpacaTradeUpdates(
          creds,
          async (update) => {
            const order = await deps.db.selectFrom('orders').select('id').where('account_id', '=', accountId).where('client_order_id', '=', update.order.client_order_id).executeTakeFirst();
            if (order) await deps.db.transaction().execute((trx) => applyBrokerState(deps, trx, order.id, fromAlpacaOrder(update.order), `stream:${update.event}`));
          },
          deps.logger,
        );
        streams.set(accountId, stream);
      };
      deps.onLinked = (accountId) => void watch(accountId).catch((err: unknown) => deps.logger.error({ err }, 'starting the Alpaca stream failed'));
      for (const link of await deps.db.selectFrom('broker_links').select('account_id').execute()) deps.onLinked(link.account_id);
      // What was sent before a crash but never recorded is settled now, before new orders.
      const first = await reconcileOrders(deps);
      if (first.checked > 0) deps.logger.info(first, 'reconciled orders with their brokers');
      const seconds = deps.settings.MERIDIAN_EXECUTION_RECONCILE_SECONDS;
      let running = false;
      const tick = async () => {
        if (running) return;
        running = true;
        try {
          await expirePaperOrders(deps);
          await reconcileOrders(deps, { graceMs: 10_000 });
          await pollTransfers(deps);
        } catch (err) {
          deps.logger.error({ err }, 'execution housekeeping failed');
        } finally {
          running = false;
        }
      };
      const timer = seconds > 0 ? setInterval(() => void tick(), seconds * 1000) : undefined;
      timer?.unref();
      ctx.onClose(async () => {
        if (timer) clearInterval(timer);
        for (const s of streams.values()) await s.close();
      });
    },
  };
}

/** The execution service as the embedded host and `meridian start --service execution` run it. */
export const executionService: ServiceDefinition = createExecutionService();

export type { ExecutionDeps } from './deps.js';
export { reconcileOrders } from './reconcile.js';
