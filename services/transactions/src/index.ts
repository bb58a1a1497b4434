import type { ServiceContext, ServiceDefinition } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { accountRoutes } from './accounts.routes.js';
import { activityRoutes } from './activities.routes.js';
import { systemClock, type Clock } from './clock.js';
import type { TransactionsDatabase } from './database.js';
import type { TransactionsDeps } from './deps.js';
import { executionConsumers } from './execution.consumer.js';
import { exportRoutes } from './export.routes.js';
import { deleteIdempotencyKeysBefore } from './idempotency.repository.js';
import { importRoutes } from './imports.routes.js';
import { migrations } from './migrations/index.js';
import { userConsumers } from './users.consumer.js';

/** How long a stored response answers a retry with the same Idempotency-Key. */
const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
const CLEANUP_INTERVAL_MS = 60 * 60_000;

export interface TransactionsOptions {
  /** Replaces the system clock (tests of "the future"). */
  clock?: Clock;
  /** Receives the instance's dependencies once built (tests). */
  onReady?: (deps: TransactionsDeps) => void;
}

/**
 * The transactions service: accounts, activities, transfers, imports and exports, with the
 * ledger rules (no oversell, no negative cash where cash is tracked) checked on every write.
 * See README.md.
 *
 * @example
 * await runService(transactionsService, { database, transport });
 */
export function createTransactionsService(options: TransactionsOptions = {}): ServiceDefinition {
  const byContext = new WeakMap<ServiceContext, TransactionsDeps>();
  const depsOf = (ctx: ServiceContext): TransactionsDeps => {
    let deps = byContext.get(ctx);
    if (!deps) {
      deps = {
        db: ctx.db as Kysely<TransactionsDatabase>,
        clock: options.clock ?? systemClock,
        logger: ctx.logger,
        outbox: ctx.outbox,
        verifier: ctx.verifier,
      };
      byContext.set(ctx, deps);
      options.onReady?.(deps);
    }
    return deps;
  };

  return {
    name: 'transactions',
    description: 'Accounts, activities, transfers, imports and exports',
    migrations,
    routes(app, ctx) {
      const deps = depsOf(ctx);
      // Financial data must not be cached by browsers or proxies.
      app.addHook('onSend', async (_request, reply, payload) => {
        if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
        return payload;
      });
      accountRoutes(app, deps);
      activityRoutes(app, deps);
      importRoutes(app, deps);
      exportRoutes(app, deps);
    },
    consumers: (ctx) => ({ ...userConsumers(depsOf(ctx)), ...executionConsumers(depsOf(ctx)) }),
    start(ctx) {
      const deps = depsOf(ctx);
      const timer = setInterval(() => {
        deleteIdempotencyKeysBefore(deps.db, new Date(deps.clock().getTime() - IDEMPOTENCY_TTL_MS)).catch((err: unknown) =>
          deps.logger.error({ err }, 'idempotency key cleanup failed'),
        );
      }, CLEANUP_INTERVAL_MS);
      timer.unref();
      ctx.onClose(() => clearInterval(timer));
    },
  };
}

/** The transactions service as the embedded host and `meridian start --service transactions` run it. */
export const transactionsService: ServiceDefinition = createTransactionsService();

export type { TransactionsDeps } from './deps.js';
