import type { Kysely } from 'kysely';
import { createOutbox, platformMigrations, scheduleMaintenance, startConsumer, startRelay } from './bus/index.js';
import type { Transport } from './bus/types.js';
import { createMemoryStore, type KeyValueStore } from './cache.js';
import { createServiceClients } from './client.js';
import { loadConfig, platformConfigSchema, serviceUrlFromEnv, type PlatformConfig } from './config.js';
import type { Database } from './db/database.js';
import { migrateSchema } from './db/migrate.js';
import { createHttpApp } from './http/app.js';
import { createJwksVerifier } from './http/auth.js';
import { createLogger, type Logger } from './logger.js';
import { createMetricsRegistry } from './metrics.js';
import type { App, ServiceContext, ServiceDefinition } from './service-types.js';
import { initTracing } from './tracing.js';

export interface ServiceRuntime {
  database: Database;
  transport: Transport;
  cache?: KeyValueStore;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Address to listen on; port 0 takes a free one. Defaults: HOST and PORT from env. */
  host?: string;
  port?: number;
  /** Resolves other services' base URLs (the embedded host knows them; else env). */
  serviceUrl?: (name: string) => string | undefined;
  /**
   * Leave the outbox relay stopped until `startRelay()`. The embedded host starts every
   * service's consumers first: the in-process bus, like an exchange without bound queues,
   * has nowhere to deliver an event whose consumers have not subscribed yet.
   */
  deferRelay?: boolean;
}

export interface RunningService {
  readonly name: string;
  readonly url: string;
  readonly app: App;
  readonly ctx: ServiceContext;
  /** Starts the outbox relay (when the runtime deferred it). */
  startRelay(): void;
  /** Stops taking requests and waits for those in flight. */
  stopAccepting(): Promise<void>;
  /** Publishes what the outbox still holds, then stops the relay. */
  stopRelay(): Promise<void>;
  /** All of the above, then stops consuming and closes what the service opened. */
  close(): Promise<void>;
}

/**
 * Runs one service: migrates its schema, builds its HTTP app, starts its outbox relay and
 * event consumers, then listens. The embedded host and `meridian start --service` both
 * call this, so the two modes run the same code.
 */
export async function runService(def: ServiceDefinition, runtime: ServiceRuntime): Promise<RunningService> {
  const env = runtime.env ?? process.env;
  const config: PlatformConfig = loadConfig(platformConfigSchema, env);
  const logger = (runtime.logger ?? createLogger({ name: 'meridian', level: config.LOG_LEVEL })).child({
    service: def.name,
  });
  const { database, transport } = runtime;
  const db: Kysely<any> = database.forSchema(def.name); // eslint-disable-line @typescript-eslint/no-explicit-any -- the service narrows it

  await migrateSchema(database, def.name, platformMigrations, { tableName: 'platform_migration' });
  await migrateSchema(database, def.name, def.migrations);

  const closers: Array<() => Promise<void> | void> = [];
  const cache = runtime.cache ?? createMemoryStore();
  const serviceUrl = (name: string) => runtime.serviceUrl?.(name) ?? serviceUrlFromEnv(name, env);
  const clients = createServiceClients(serviceUrl);
  closers.push(() => clients.close());
  const metrics = createMetricsRegistry(def.name);
  const tracing = initTracing(config.OTEL_SERVICE_NAME ?? `meridian-${def.name}`, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (tracing) closers.push(() => tracing.shutdown());
  const outbox = createOutbox({ source: `meridian/${def.name}` });

  const base: Omit<ServiceContext, 'verifier'> = {
    name: def.name,
    config,
    env,
    logger,
    db,
    database,
    outbox,
    transport,
    cache,
    clients,
    metrics,
    onClose: (fn) => {
      closers.push(fn);
    },
  };
  const verifier = def.verifier
    ? await def.verifier(base)
    : lazyJwksVerifier(() => `${clients.url('auth')}/jwks`);
  const ctx: ServiceContext = { ...base, verifier };

  const app = await createHttpApp({
    name: def.name,
    logger,
    metrics,
    bodyLimit: config.MERIDIAN_BODY_LIMIT,
    docs: config.MERIDIAN_DOCS,
    accessLog: false,
    tracing,
    ready: async () => ({
      database: await database.ping().then(
        () => true,
        () => false,
      ),
      events: await transport.ready(),
      cache: await cache.ready(),
      ...(def.ready ? { service: await def.ready(ctx) } : {}),
    }),
  });
  await app.register(async (scoped) => def.routes(scoped as App, ctx));

  const handlers = def.consumers?.(ctx);
  const consumer =
    handlers && Object.keys(handlers).length > 0
      ? await startConsumer({
          db,
          transport,
          queue: def.name,
          handlers,
          logger,
          maxAttempts: config.MERIDIAN_EVENT_MAX_ATTEMPTS,
          // PGlite has one connection: transactions "in parallel" only queue for it, and the
          // events behind them would go one transaction each. One at a time, with enough in
          // flight, the events that arrive meanwhile commit together (group commit).
          ...(database.kind === 'pglite' ? { parallelism: 1, prefetch: 64 } : {}),
        })
      : undefined;

  let relay: ReturnType<typeof startRelay> | undefined;
  const beginRelay = () => {
    relay ??= startRelay({ db, transport, logger, outbox });
  };
  if (!runtime.deferRelay) beginRelay();
  if (config.MERIDIAN_MAINTENANCE_INTERVAL_SECONDS > 0) {
    const maintenance = scheduleMaintenance({
      database,
      schema: def.name,
      inboxRetentionDays: config.MERIDIAN_INBOX_RETENTION_DAYS,
      intervalMs: config.MERIDIAN_MAINTENANCE_INTERVAL_SECONDS * 1000,
      logger,
    });
    closers.push(() => maintenance.stop());
  }

  const address = await app.listen({ host: runtime.host ?? config.HOST, port: runtime.port ?? config.PORT });
  const url = address.replace('[::1]', '127.0.0.1');
  await def.start?.(ctx);
  logger.info({ url }, `${def.name} service listening`);

  let stoppingHttp: Promise<void> | undefined;
  let stoppingRelay: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  const stopAccepting = () => (stoppingHttp ??= app.close());
  // Relay before consumers: a relay flushing to the in-process bus waits on the consumers.
  const stopRelay = () => (stoppingRelay ??= stopAccepting().then(() => relay?.stop()));
  return {
    name: def.name,
    url,
    app,
    ctx,
    startRelay: beginRelay,
    stopAccepting,
    stopRelay,
    close() {
      closing ??= (async () => {
        await stopRelay();
        await consumer?.stop();
        for (const fn of closers.reverse()) await fn();
      })();
      return closing;
    },
  };
}

/** The JWKS URL is known only once the auth service listens, so resolve it on first use. */
function lazyJwksVerifier(jwksUrl: () => string) {
  let verifier: ReturnType<typeof createJwksVerifier> | undefined;
  return {
    verify(token: string) {
      verifier ??= createJwksVerifier(jwksUrl());
      return verifier.verify(token);
    },
  };
}
