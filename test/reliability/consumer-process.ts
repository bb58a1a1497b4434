// A consuming service in its own process, for the test that kills it with SIGKILL:
//   node --conditions=@meridian/source --import tsx test/reliability/consumer-process.ts
// Configured by environment; prints "ready" once its queue is declared and bound.
import { pino } from 'pino';
import { createRabbitTransport, openDatabase, startConsumer } from '@meridian/platform';
import { ledgerHandlers, RETRY_DELAYS_MS } from './fixture.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
const database = await openDatabase({ url: env('DATABASE_URL'), poolSize: 10 });
const transport = await createRabbitTransport({
  url: env('AMQP_URL'),
  logger,
  exchange: env('EXCHANGE'),
  queuePrefix: env('QUEUE_PREFIX'),
  retryDelaysMs: RETRY_DELAYS_MS,
});
const consumer = await startConsumer({
  db: database.forSchema(env('SCHEMA')),
  transport,
  queue: env('QUEUE'),
  handlers: ledgerHandlers(),
  logger,
  maxAttempts: 5,
});
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void (async () => {
    await consumer.stop();
    await transport.close();
    await database.close();
    process.exit(0);
  })();
});
