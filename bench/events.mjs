// Event bus benchmark: outbox → relay → RabbitMQ → consumer → inbox on PostgreSQL.
//
//   node --conditions=@meridian/source --import tsx bench/events.mjs [--events 50000] [--seconds 20] [--rate 1000] [--writers 8]
//
// Starts its own PostgreSQL and RabbitMQ (scripts/real-services.mjs). As in the distributed
// mode, the consuming service is its own process (this file, forked with --consumer); this
// process writes events through the outbox and runs the relay. It measures:
//   1. throughput: events/s from the first enqueue until the consumer has committed the last
//      one, writers enqueuing as fast as they can (goal ≥ 5,000/s), once with an INSERT per
//      event and once with enqueueMany (an INSERT per transaction of 50);
//   2. latency at a steady rate: from enqueue to the consumer's commit, at 1,000 events/s,
//      one event per transaction, as p50/p95/p99/max (goal: p99 < 50 ms).
// Prints a JSON summary on the last line.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import {
  createOutbox,
  createRabbitTransport,
  migrateSchema,
  openDatabase,
  platformMigrations,
  startConsumer,
  startRelay,
} from '@meridian/platform';

const { values: args } = parseArgs({
  options: {
    consumer: { type: 'boolean', default: false },
    events: { type: 'string', default: '50000' },
    seconds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    writers: { type: 'string', default: '8' },
  },
});
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

if (args.consumer) await runConsumer();
else await runBenchmark();

// ---------------------------------------------------------------------------------------
// The consuming service (child process)

async function runConsumer() {
  const env = process.env;
  const expected = Number(env.BENCH_EXPECTED);
  const database = await openDatabase({ url: env.DATABASE_URL, poolSize: 16 });
  const transport = await createRabbitTransport({ url: env.AMQP_URL, logger, exchange: env.BENCH_EXCHANGE, queuePrefix: 'bench' });
  const samples = [];
  let handled = 0;
  // Timed around the transport's handler, so each sample is taken after the commit.
  const timed = {
    ...transport,
    consume: (queue, types, handle, opts) =>
      transport.consume(queue, types, async (raw) => {
        await handle(raw);
        const sent = Date.parse(raw.time);
        samples.push([sent, Date.now() - sent]);
        if (++handled === expected) process.send({ type: 'done', finishedAt: Date.now(), samples });
      }, opts),
  };
  const consumer = await startConsumer({
    db: database.forSchema(env.BENCH_SCHEMA),
    transport: timed,
    queue: env.BENCH_QUEUE,
    logger,
    prefetch: 256,
    handlers: { 'auth.user.registered': async () => undefined }, // the inbox row is the effect
  });
  process.send({ type: 'ready' });
  process.once('message', async () => {
    await consumer.stop();
    await transport.close();
    await database.close();
    process.exit(0);
  });
}

// ---------------------------------------------------------------------------------------
// The producing side and the measurements

async function runBenchmark() {
  const { startRealServices } = await import('../scripts/real-services.mjs');
  const say = (line) => process.stdout.write(`${line}\n`);
  const services = await startRealServices({ postgres: true, redis: false, rabbitmq: true, log: say });
  const database = await openDatabase({ url: services.env.DATABASE_URL, poolSize: Number(args.writers) + 4 });
  const publisher = await createRabbitTransport({ url: services.env.AMQP_URL, logger, exchange: 'bench.events', queuePrefix: 'bench' });
  try {
    const ctx = { services, database, publisher, say };
    // Latency first: after a throughput run the broker is still compacting its logs for a while.
    const latency = await measureLatency(ctx);
    const throughput = await measureThroughput(ctx, { many: false });
    const throughputMany = await measureThroughput(ctx, { many: true });
    const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadavg1m: loadavg()[0] };
    say(JSON.stringify({ machine, throughput, throughputMany, latency }));
  } finally {
    await publisher.close().catch(() => undefined);
    await database.close();
    await services.stop();
  }
}

/** Schemas for one phase, the consumer process (ready once its queue is bound) and a relay. */
async function phase(name, { services, database, publisher }, { expected }) {
  const producerSchema = `${name}_producer`;
  const consumerSchema = `${name}_consumer`;
  await migrateSchema(database, producerSchema, platformMigrations, { tableName: 'platform_migration' });
  await migrateSchema(database, consumerSchema, platformMigrations, { tableName: 'platform_migration' });
  const child = fork(fileURLToPath(import.meta.url), ['--consumer'], {
    // BENCH_PROFILE=dir writes a CPU profile of the consumer process there.
    execArgv: [
      '--conditions=@meridian/source',
      '--import',
      'tsx',
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    ],
    env: {
      ...process.env,
      DATABASE_URL: services.env.DATABASE_URL,
      AMQP_URL: services.env.AMQP_URL,
      BENCH_EXCHANGE: 'bench.events',
      BENCH_SCHEMA: consumerSchema,
      BENCH_QUEUE: name,
      BENCH_EXPECTED: String(expected),
    },
  });
  const message = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (m) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`consumer process exited with ${code}`)));
    });
  await message('ready');
  const done = message('done');
  done.catch(() => undefined);
  const outbox = createOutbox({ source: 'bench' });
  const producer = database.forSchema(producerSchema);
  const relay = startRelay({ db: producer, transport: publisher, logger, outbox, batchSize: 500 });
  return {
    outbox,
    producer,
    done,
    async close() {
      await relay.stop();
      child.send({ type: 'stop' });
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

function data() {
  return { userId: randomUUID(), email: 'bench@example.com', registeredAt: new Date().toISOString() };
}

/**
 * `many: false`: each event is its own INSERT (a request that records one thing);
 * `many: true`: `enqueueMany`, one INSERT per transaction (an import of many activities).
 */
async function measureThroughput(ctx, { many }) {
  const total = Number(args.events);
  const writers = Number(args.writers);
  const name = many ? 'throughput_many' : 'throughput';
  ctx.say(`${name}: ${total} events, ${writers} writers, 50 events per transaction, ${many ? 'enqueueMany' : 'enqueue'}`);
  const p = await phase(name, ctx, { expected: total });
  const started = Date.now();
  let next = 0;
  const writer = async () => {
    while (next < total) {
      const n = Math.min(50, total - next);
      next += n;
      await p.producer.transaction().execute(async (trx) => {
        if (many) {
          await p.outbox.enqueueMany(trx, Array.from({ length: n }, () => ({ type: 'auth.user.registered', data: data() })));
        } else {
          for (let i = 0; i < n; i++) await p.outbox.enqueue(trx, 'auth.user.registered', data());
        }
      });
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const written = Date.now();
  const { finishedAt } = await p.done;
  await p.close();
  const result = {
    events: total,
    eventsPerSecond: Math.round(total / ((finishedAt - started) / 1000)),
    enqueuedPerSecond: Math.round(total / ((written - started) / 1000)),
    seconds: Number(((finishedAt - started) / 1000).toFixed(2)),
  };
  ctx.say(`${name}: ${JSON.stringify(result)}`);
  return result;
}

async function measureLatency(ctx) {
  const rate = Number(args.rate);
  const seconds = Number(args.seconds);
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const ticks = Math.round((seconds * 1000) / tickMs);
  const expected = ticks * perTick;
  ctx.say(`latency: ${rate} events/s for ${seconds} s, one event per transaction`);
  const p = await phase('latency', ctx, { expected });
  const warmupEnds = Date.now() + 2000;
  const started = performance.now();
  const writes = [];
  for (let tick = 0; tick < ticks; tick++) {
    // Paced against the start, so a late tick is caught up and the rate holds on average.
    const wait = started + tick * tickMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let i = 0; i < perTick; i++) writes.push(p.outbox.enqueue(p.producer, 'auth.user.registered', data()));
    if (writes.length > 2000) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  const elapsed = (performance.now() - started) / 1000;
  const { samples: pairs } = await p.done;
  await p.close();
  // The first two seconds warm up the JIT, the pools and the queues.
  const samples = pairs.filter(([sent]) => sent >= warmupEnds).map(([, ms]) => ms);
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  const result = {
    targetPerSecond: rate,
    achievedPerSecond: Math.round(expected / elapsed),
    events: expected,
    measured: samples.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: samples[samples.length - 1],
  };
  ctx.say(`latency: ${JSON.stringify(result)}`);
  return result;
}
