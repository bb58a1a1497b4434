import { startGateway } from '@meridian/gateway';
import {
  ConfigError,
  createRabbitTransport,
  createStore,
  openDatabase,
  runService,
  type Logger,
  type PlatformConfig,
} from '@meridian/platform';
import { findService, GATEWAY, serviceNames } from './services.js';

export interface Stoppable {
  url: string;
  close(): Promise<void>;
}

/**
 * One service as its own process against PostgreSQL, RabbitMQ and Redis, as run behind a
 * load balancer. Several instances of the same service may run at once.
 */
export async function startOne(
  name: string,
  config: PlatformConfig,
  env: Record<string, string | undefined>,
  logger: Logger,
): Promise<Stoppable> {
  if (name === GATEWAY) {
    const cache = createStore(config.REDIS_URL);
    const gateway = await startGateway({ env, logger, cache, host: config.HOST, port: config.PORT });
    return {
      url: gateway.url,
      async close() {
        await gateway.close();
        await cache.close();
      },
    };
  }
  const def = findService(name);
  if (!def) throw new ConfigError([`--service: unknown service "${name}" (known: ${serviceNames().join(', ')})`]);
  const missing = [
    !config.DATABASE_URL && 'DATABASE_URL: required to run a single service (PostgreSQL)',
    !config.AMQP_URL && 'AMQP_URL: required to run a single service (RabbitMQ)',
  ].filter((m): m is string => typeof m === 'string');
  if (missing.length > 0) throw new ConfigError(missing);
  if (!config.REDIS_URL) logger.warn('REDIS_URL not set: cache and rate limits stay in this process');

  const database = await openDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  const transport = await createRabbitTransport({ url: config.AMQP_URL!, logger, exchange: config.MERIDIAN_AMQP_EXCHANGE, queuePrefix: config.MERIDIAN_AMQP_QUEUE_PREFIX });
  const cache = createStore(config.REDIS_URL);
  const svc = await runService(def, { database, transport, cache, env, logger });
  return {
    url: svc.url,
    async close() {
      await svc.close();
      await transport.close();
      await cache.close();
      await database.close();
    },
  };
}
