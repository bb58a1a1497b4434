// 10,000 events through outbox → RabbitMQ → consumer, whose process is killed with SIGKILL
// mid-stream and started again: every event's effect is applied exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox, createRabbitTransport, startRelay, type BusTables, type Transport } from '@meridian/platform';
import { createTestDatabase, requireEnv, testLogger, uniqueName, type TestDatabase } from '@meridian/platform/testing';
import { counterOf, deleteTopology, effectIds, EVENTS, prepareSchemas, produce, RETRY_DELAYS_MS, until, type LedgerTables } from './fixture.js';

const consumerScript = fileURLToPath(new URL('./consumer-process.ts', import.meta.url));

describe('a consumer killed mid-stream', () => {
  const logger = testLogger();
  const amqpUrl = requireEnv('TEST_AMQP_URL');
  const exchange = uniqueName('rel.events');
  const prefix = uniqueName('rel');
  const queue = 'ledger';
  let database: TestDatabase;
  let transport: Transport;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await prepareSchemas(database, 'producer', 'consumer');
    transport = await createRabbitTransport({ url: amqpUrl, logger, exchange, queuePrefix: prefix, retryDelaysMs: RETRY_DELAYS_MS });
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await transport?.close();
    await deleteTopology(amqpUrl, exchange, prefix, queue);
    await database?.close();
  });

  /** Starts the consumer process and resolves once its queue is bound. */
  function startConsumerProcess(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--conditions=@meridian/source', '--import', 'tsx', consumerScript], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        AMQP_URL: amqpUrl,
        EXCHANGE: exchange,
        QUEUE_PREFIX: prefix,
        QUEUE: queue,
        SCHEMA: 'consumer',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready\n')) resolve(child);
      });
      child.on('exit', (code) => reject(new Error(`consumer process exited with ${code} before it was ready`)));
    });
  }

  it('applies every event exactly once when the consumer process is SIGKILLed and restarted', async () => {
    const producer = database.forSchema<BusTables>('producer');
    const consumer = database.forSchema<LedgerTables>('consumer');
    const outbox = createOutbox({ source: 'producer' });

    let child = await startConsumerProcess();
    const relay = startRelay({ db: producer, transport, logger, outbox, batchSize: 500, maxBackoffMs: 1000 });
    const producing = produce(producer, outbox, EVENTS);

    await until('the consumer is well into the stream', async () => (await counterOf(consumer)) >= EVENTS * 0.3);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const atKill = await counterOf(consumer);
    expect(atKill).toBeLessThan(EVENTS);

    child = await startConsumerProcess();
    const ids = await producing;
    await until('every event is applied', async () => (await counterOf(consumer)) >= EVENTS);
    await relay.stop();

    const applied = await effectIds(consumer);
    expect(applied).toHaveLength(EVENTS);
    expect(new Set(applied)).toEqual(new Set(ids));
    expect(await counterOf(consumer)).toBe(EVENTS);
    expect(await producer.selectFrom('outbox').select('id').execute()).toEqual([]);
    expect(await transport.listParked(queue)).toEqual([]);

    const stopped = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await stopped;
  }, 150_000);
});
