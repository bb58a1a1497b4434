// 10,000 events through outbox → RabbitMQ → consumer while the broker is stopped and started
// again mid-stream: publishes in flight fail and are retried, consumers reconnect, and every
// event's effect is applied exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox, createRabbitTransport, startConsumer, startRelay, type BusTables, type Transport } from '@meridian/platform';
import { createTestDatabase, testLogger, uniqueName, type TestDatabase } from '@meridian/platform/testing';
import { startRealServices } from '../../scripts/real-services.mjs';
import { counterOf, effectIds, EVENTS, ledgerHandlers, prepareSchemas, produce, RETRY_DELAYS_MS, until, type LedgerTables } from './fixture.js';

describe('a broker restarted mid-stream', () => {
  const logger = testLogger();
  // Its own broker: restarting the shared one would disturb the other test files.
  let broker: Awaited<ReturnType<typeof startRealServices>>;
  let database: TestDatabase;
  let publisher: Transport;
  let subscriber: Transport;

  beforeAll(async () => {
    [broker, database] = await Promise.all([
      startRealServices({ postgres: false, redis: false, rabbitmq: true }),
      createTestDatabase('postgres'),
    ]);
    await prepareSchemas(database, 'producer', 'consumer');
    const url = broker.env.AMQP_URL!;
    const exchange = uniqueName('rel.events');
    const queuePrefix = uniqueName('rel');
    // Two connections, as two services would have.
    publisher = await createRabbitTransport({ url, logger, exchange, queuePrefix, retryDelaysMs: RETRY_DELAYS_MS });
    subscriber = await createRabbitTransport({ url, logger, exchange, queuePrefix, retryDelaysMs: RETRY_DELAYS_MS });
  }, 120_000);

  afterAll(async () => {
    await publisher?.close();
    await subscriber?.close();
    await database?.close();
    await broker?.stop();
  });

  it('applies every event exactly once across a full stop and start of RabbitMQ', async () => {
    const producer = database.forSchema<BusTables>('producer');
    const consumerDb = database.forSchema<LedgerTables>('consumer');
    const outbox = createOutbox({ source: 'producer' });
    const consumer = await startConsumer({ db: consumerDb, transport: subscriber, queue: 'ledger', handlers: ledgerHandlers(), logger, maxAttempts: 5 });
    const relay = startRelay({ db: producer, transport: publisher, logger, outbox, batchSize: 500, maxBackoffMs: 1000 });
    const producing = produce(producer, outbox, EVENTS);

    await until('the consumer is well into the stream', async () => (await counterOf(consumerDb)) >= EVENTS * 0.3);
    await broker.restartRabbit();
    const afterRestart = await counterOf(consumerDb);
    expect(afterRestart).toBeLessThan(EVENTS);

    const ids = await producing;
    await until('every event is applied', async () => (await counterOf(consumerDb)) >= EVENTS);
    await relay.stop();
    await consumer.stop();

    const applied = await effectIds(consumerDb);
    expect(applied).toHaveLength(EVENTS);
    expect(new Set(applied)).toEqual(new Set(ids));
    expect(await counterOf(consumerDb)).toBe(EVENTS);
    expect(await producer.selectFrom('outbox').select('id').execute()).toEqual([]);
    expect(await subscriber.ready()).toBe(true);
    expect(await subscriber.listParked('ledger')).toEqual([]);
  }, 150_000);
});
