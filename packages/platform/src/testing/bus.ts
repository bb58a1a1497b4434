import { connect } from 'amqplib';
import type { Logger } from 'pino';
import { createMemoryTransport } from '../bus/memory-transport.js';
import { createRabbitTransport } from '../bus/rabbit-transport.js';
import type { Transport } from '../bus/types.js';
import type { Database } from '../db/database.js';
import { requireEnv } from './database.js';
import { testLogger, uniqueName } from './helpers.js';

export type TestTransportKind = 'memory' | 'rabbitmq';

/** The transports every event test runs on, for `describe.each(testTransports())`. */
export function testTransports(): TestTransportKind[] {
  return ['memory', 'rabbitmq'];
}

/** Short retry delays so a poison message is parked within a test. */
const RETRY_DELAYS_MS = [20, 100];

/**
 * A transport of the given kind with quick retries. The RabbitMQ one (on TEST_AMQP_URL) has
 * its own exchange and queue prefix, so tests running at the same time never receive each
 * other's events, and deletes its queues and exchange on `close()`.
 */
export async function createTestTransport(
  kind: TestTransportKind,
  options: {
    database?: Database;
    logger?: Logger;
    /** Another connection to the same exchange and queues (a second instance of a service); it leaves their removal to the first. */
    sameBrokerAs?: Transport;
  } = {},
): Promise<Transport> {
  const logger = options.logger ?? testLogger();
  if (kind === 'memory') {
    if (!options.database) throw new Error('the memory transport keeps parked events in a database: pass one');
    return createMemoryTransport({ database: options.database, logger, retryBaseMs: 10, retryMaxMs: 100 });
  }

  const url = requireEnv('TEST_AMQP_URL');
  const shared = options.sameBrokerAs ? topologies.get(options.sameBrokerAs) : undefined;
  if (options.sameBrokerAs && !shared) throw new Error('sameBrokerAs: not a RabbitMQ test transport');
  const exchange = shared?.exchange ?? uniqueName('test.events');
  const queuePrefix = shared?.queuePrefix ?? uniqueName('test');
  const transport = await createRabbitTransport({ url, logger, exchange, queuePrefix, retryDelaysMs: RETRY_DELAYS_MS, publishTimeoutMs: 10_000 });
  const queues = new Set<string>();
  const wrapped: Transport = {
    ...transport,
    kind: transport.kind,
    consume(queue, types, handle, opts) {
      queues.add(queue);
      return transport.consume(queue, types, handle, opts);
    },
    async close() {
      await transport.close();
      if (shared) return;
      await deleteTopology(url, exchange, [...queues].flatMap((q) => {
        const main = `${queuePrefix}.${q}`;
        return [main, `${main}.parking`, ...RETRY_DELAYS_MS.map((ms) => `${main}.retry.${ms}`)];
      }));
    },
  };
  topologies.set(wrapped, { exchange, queuePrefix });
  return wrapped;
}

const topologies = new WeakMap<Transport, { exchange: string; queuePrefix: string }>();

async function deleteTopology(url: string, exchange: string, queues: string[]): Promise<void> {
  const conn = await connect(url);
  try {
    const ch = await conn.createChannel();
    for (const queue of queues) await ch.deleteQueue(queue);
    await ch.deleteExchange(exchange);
    await ch.close();
  } finally {
    await conn.close();
  }
}
