// 10,000 events, one of which its handler always refuses and one that is not even JSON:
// both end in the parking queue while every other event is applied exactly once, and the
// refused one is applied once replayed after the fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'amqplib';
import { createOutbox, createRabbitTransport, startConsumer, startRelay, type BusTables, type Transport } from '@meridian/platform';
import { createTestDatabase, requireEnv, testLogger, uniqueName, type TestDatabase } from '@meridian/platform/testing';
import { counterOf, deleteTopology, effectIds, EVENTS, ledgerHandlers, prepareSchemas, produce, RETRY_DELAYS_MS, until, type LedgerTables } from './fixture.js';

describe('a poison message in the stream', () => {
  const logger = testLogger();
  const amqpUrl = requireEnv('TEST_AMQP_URL');
  const exchange = uniqueName('rel.events');
  const prefix = uniqueName('rel');
  const queue = 'ledger';
  let database: TestDatabase;
  let transport: Transport;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await prepareSchemas(database, 'producer', 'consumer');
    transport = await createRabbitTransport({ url: amqpUrl, logger, exchange, queuePrefix: prefix, retryDelaysMs: RETRY_DELAYS_MS });
  });

  afterAll(async () => {
    await transport?.close();
    await deleteTopology(amqpUrl, exchange, prefix, queue);
    await database?.close();
  });

  it('parks the poison messages while the rest flow on, and applies the refused one once replayed', async () => {
    const producer = database.forSchema<BusTables>('producer');
    const consumerDb = database.forSchema<LedgerTables>('consumer');
    const outbox = createOutbox({ source: 'producer' });
    let refusing = true;
    const poisonEmail = 'poison@example.com';
    const consumer = await startConsumer({
      db: consumerDb,
      transport,
      queue,
      handlers: ledgerHandlers((email) => refusing && email === poisonEmail),
      logger,
      maxAttempts: 3,
    });
    const relay = startRelay({ db: producer, transport, logger, outbox, batchSize: 500 });

    const producing = produce(producer, outbox, EVENTS, { emailOf: (i) => (i === EVENTS / 2 ? poisonEmail : `user${i}@example.com`) });
    // Something no outbox would write, straight onto the exchange.
    const conn = await connect(amqpUrl);
    const ch = await conn.createConfirmChannel();
    ch.publish(exchange, 'auth.user.registered', Buffer.from('\u0000 not json'), { messageId: 'garbage' });
    await ch.waitForConfirms();
    await conn.close();

    const ids = await producing;
    const poisonId = ids[EVENTS / 2]!;
    await until('both poison messages are parked', async () => (await transport.listParked(queue)).length === 2);
    await until('every other event is applied', async () => (await counterOf(consumerDb)) >= EVENTS - 1);

    const parked = await transport.listParked(queue);
    expect(parked.map((p) => p.id).sort()).toEqual([poisonId, 'garbage'].sort());
    const refused = parked.find((p) => p.id === poisonId)!;
    expect(refused.attempts).toBe(3);
    expect(refused.reason).toContain(`refusing ${poisonEmail}`);
    expect(parked.find((p) => p.id === 'garbage')!.reason).toContain('not JSON');

    const applied = await effectIds(consumerDb);
    expect(applied).toHaveLength(EVENTS - 1);
    expect(new Set(applied)).toEqual(new Set(ids.filter((id) => id !== poisonId)));

    refusing = false;
    expect(await transport.replayParked(queue, [poisonId])).toBe(1);
    await until('the replayed event is applied', async () => (await counterOf(consumerDb)) >= EVENTS);
    expect(await counterOf(consumerDb)).toBe(EVENTS);
    expect(new Set(await effectIds(consumerDb))).toEqual(new Set(ids));
    expect((await transport.listParked(queue)).map((p) => p.id)).toEqual(['garbage']);

    await relay.stop();
    await consumer.stop();
  }, 150_000);
});
