import type { ServiceContext, ServiceDefinition } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { analyticsRoutes } from './analytics.routes.js';
import type { ComputationDatabase } from './database.js';
import type { ComputationDeps } from './deps.js';
import { jobRoutes } from './jobs.routes.js';
import { createJobRunner, type JobRunner } from './jobs.service.js';
import { migrations } from './migrations/index.js';
import { createPool, type PoolOptions } from './pool.js';

const DEFAULT_LEASE_MS = 60_000;

export interface ComputationOptions {
  pool?: PoolOptions;
  /** Unfinished jobs whose instance has not renewed them for this long are failed (default 60 s). */
  leaseMs?: number;
  maxActiveJobsPerUser?: number;
  /** Receives the instance's dependencies once built (tests). */
  onReady?: (deps: ComputationDeps) => void;
}

/**
 * The computation service: Monte Carlo projections, portfolio optimisation and what-if
 * analysis on a pool of worker threads, synchronously or as jobs. See README.md.
 *
 * @example
 * await runService(computationService, { database, transport });
 */
export function createComputationService(options: ComputationOptions = {}): ServiceDefinition {
  const byContext = new WeakMap<ServiceContext, { deps: ComputationDeps; jobs: JobRunner }>();
  const instanceOf = (ctx: ServiceContext) => {
    let instance = byContext.get(ctx);
    if (!instance) {
      const deps: ComputationDeps = {
        db: ctx.db as Kysely<ComputationDatabase>,
        pool: createPool(options.pool),
        logger: ctx.logger,
        verifier: ctx.verifier,
        leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
        maxActiveJobsPerUser: options.maxActiveJobsPerUser ?? 5,
      };
      const jobs = createJobRunner(deps);
      instance = { deps, jobs };
      byContext.set(ctx, instance);
      ctx.onClose(() => jobs.close());
      options.onReady?.(deps);
    }
    return instance;
  };

  return {
    name: 'computation',
    description: 'Monte Carlo projections, portfolio optimisation and what-if analysis on worker threads',
    migrations,
    routes(app, ctx) {
      const { deps, jobs } = instanceOf(ctx);
      app.addHook('onSend', async (_request, reply, payload) => {
        if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
        return payload;
      });
      analyticsRoutes(app, deps);
      jobRoutes(app, deps, jobs);
    },
    async start(ctx) {
      const { deps, jobs } = instanceOf(ctx);
      const sweep = () => jobs.sweep().catch((err: unknown) => deps.logger.error({ err }, 'computation job sweep failed'));
      await sweep();
      const timer = setInterval(() => void sweep(), Math.max(50, Math.floor(deps.leaseMs / 3)));
      timer.unref();
      ctx.onClose(() => clearInterval(timer));
    },
  };
}

/** The computation service as the embedded host and `meridian start --service computation` run it. */
export const computationService: ServiceDefinition = createComputationService();

export { createPool, type ComputationPool } from './pool.js';
