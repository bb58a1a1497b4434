// Execution, end to end on the embedded platform (`npm start`'s layout: every service and the
// gateway in one process, PGlite on a fresh data dir, the in-process bus), through the gateway:
//   1. latency, one order at a time: POST /api/execution/orders (market buy, paper broker, every
//      risk check on) → the order answered filled → the portfolio WebSocket update
//      (/api/portfolio/live) whose version covers the BUY the transactions service booked;
//   2. throughput: orders placed and filled per second with --concurrency requests in flight,
//      then how long until every fill is booked and pushed;
//   3. the execution service on its own: one more execution instance in a process of its own
//      (its own PGlite, as a distributed deployment gives each service its own database
//      connection), asking the embedded platform's auth, transactions and valuation, taking
//      --solo-orders orders with --solo-concurrency in flight, every risk check on, each one
//      filled by the paper broker, audited and its events written to the outbox.
// BTC-USD trades around the clock, so the paper market is open whatever the time of the run.
//   node --conditions=@meridian/source --import tsx bench/execution.mjs [--latency 200] [--orders 500] [--concurrency 16] [--solo-orders 5000] [--solo-concurrency 128]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '@meridian/platform';
import WebSocket from 'ws';
import { startEmbedded } from '../apps/server/src/embedded.ts';
import { startRealServices } from '../scripts/real-services.mjs';
import { apiClient, pct, PLATFORM_ENV, signUp } from './platform.mjs';

const { values: opts } = parseArgs({
  options: {
    latency: { type: 'string', default: '200' },
    orders: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '16' },
    'solo-orders': { type: 'string', default: '5000' },
    'solo-concurrency': { type: 'string', default: '128' },
    role: { type: 'string' },
    services: { type: 'string' },
  },
});
const SYMBOL = 'BTC-USD';
const env = { ...PLATFORM_ENV, MERIDIAN_EXECUTION_RECONCILE_SECONDS: '0', MERIDIAN_EXECUTION_MAX_DAILY_NOTIONAL: 'off' };
const ms = (x) => `${x.toFixed(1)} ms`;

if (opts.role === 'execution') {
  // Phase 3's process: the execution service alone, on a PGlite of its own and an in-process bus.
  // With DATABASE_URL and AMQP_URL: PostgreSQL and RabbitMQ, as `meridian start --service execution` runs it.
  const { createMemoryTransport, createRabbitTransport, openDatabase, runService } = await import('@meridian/platform');
  const { createExecutionService } = await import('@meridian/execution');
  const services = JSON.parse(opts.services);
  const dataDir = mkdtempSync(join(os.tmpdir(), 'meridian-bench-execution-solo-'));
  const database = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, poolSize: 10 } : { dataDir });
  const logger = createLogger({ name: 'bench-execution', level: 'warn' });
  const transport = process.env.AMQP_URL ? await createRabbitTransport({ url: process.env.AMQP_URL, logger }) : await createMemoryTransport({ database, logger });
  const svc = await runService(createExecutionService(), { database, transport, env: { ...env, MERIDIAN_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0' }, logger, serviceUrl: (name) => services[name] });
  process.stdout.write(`${JSON.stringify({ url: svc.url })}\n`);
  let mark = process.cpuUsage();
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'mark') {
      mark = process.cpuUsage();
      globalThis.__qtime = true; // bench/count-statements.mjs, when preloaded, counts from here
    }
    else if (line === 'cpu') {
      const used = process.cpuUsage(mark);
      process.stdout.write(`${JSON.stringify({ cpuMicros: used.user + used.system })}\n`);
    } else if (line === 'stop') {
      void svc.close().then(async () => {
        await transport.close();
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  await new Promise(() => {});
}

/** Phase 3's process, answering one JSON line per request. */
function soloExecution(services, extraEnv = {}) {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const proc = spawn(process.execPath, [...process.execArgv, ...profile, fileURLToPath(import.meta.url), '--role', 'execution', '--services', JSON.stringify(services)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...env, ...extraEnv } });
  const waiting = [];
  createInterface({ input: proc.stdout }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  proc.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`the execution process exited with ${code}`));
  });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const ready = next();
  return {
    ready,
    ask: (line) => {
      const answer = next();
      proc.stdin.write(`${line}\n`);
      return answer;
    },
    tell: (line) => proc.stdin.write(`${line}\n`),
    exited: new Promise((resolve) => proc.once('exit', resolve)),
  };
}

const dir = mkdtempSync(join(os.tmpdir(), 'meridian-bench-execution-'));
const platform = await startEmbedded({ env, logger: createLogger({ name: 'bench', level: 'warn' }), dataDir: dir, host: '127.0.0.1', port: 0 });
try {
  const call = apiClient(platform.url);
  const token = await signUp(call, `bench-${Date.now()}@example.com`);
  const account = (await call('POST', '/transactions/accounts', { name: 'Paper', currency: 'USD', type: 'BROKERAGE', trackCash: false, costBasisMethod: 'FIFO' }, token)).body.id;
  await call('POST', '/execution/transfers', { accountId: account, direction: 'deposit', amount: '1000000000', currency: 'USD' }, token);

  // Every message of the live feed carries the transactions version it reflects.
  let latest = 0;
  const waiters = [];
  const ws = new WebSocket(`${platform.url.replace(/^http/, 'ws')}/api/portfolio/live?access_token=${token}`);
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString('utf8'));
    latest = Math.max(latest, m.version);
    for (const w of waiters.splice(0)) if (m.version >= w.version) w.resolve(performance.now());
    else waiters.push(w);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const pushed = (version) => (latest >= version ? Promise.resolve(performance.now()) : new Promise((resolve) => waiters.push({ version, resolve })));
  const version = async () => Number((await call('GET', '/transactions/version', undefined, token)).body.version);
  const order = (i, prefix) => call('POST', '/execution/orders', { accountId: account, symbol: SYMBOL, side: 'buy', type: 'market', timeInForce: 'gtc', quantity: '0.0001', clientOrderId: `${prefix}-${i}` }, token, [201]);

  // Warm-up: tracks the symbol, fills the quote cache, builds the portfolio.
  for (let i = 0; i < 20; i++) await order(i, 'warm');
  await pushed(await version());

  globalThis.__qtime = true;
  // 1. One at a time: each fill is one BUY, so the version to wait for is the one before plus one.
  const answered = [];
  const live = [];
  for (let i = 0; i < Number(opts.latency); i++) {
    const before = await version();
    const started = performance.now();
    const { body } = await order(i, 'lat');
    answered.push(performance.now() - started);
    if (body.status !== 'filled') throw new Error(`order ${i} is ${body.status}`);
    live.push((await pushed(before + 1)) - started);
  }
  answered.sort((a, b) => a - b);
  live.sort((a, b) => a - b);

  globalThis.__qtime = false;
  // 2. Throughput with requests in flight.
  const n = Number(opts.orders);
  const before = await version();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Number(opts.concurrency) }, async () => {
      while (next < n) {
        const { body } = await order(next++, 'tput');
        if (body.status !== 'filled') throw new Error(`an order is ${body.status}`);
      }
    }),
  );
  const placed = (performance.now() - t0) / 1000;
  await pushed(before + n);
  const booked = (performance.now() - t0) / 1000;
  ws.close();

  // 3. The execution service on its own: on a PGlite of its own, then on PostgreSQL and RabbitMQ.
  const services = Object.fromEntries([...platform.services].map(([name, svc]) => [name, svc.url]));
  const soloRun = async (label, extraEnv) => {
    const solo = soloExecution(services, extraEnv);
    const { url: soloUrl } = await solo.ready;
    const soloCall = async (path, body) => {
      const res = await fetch(`${soloUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = await res.json();
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    await soloCall('/transfers', { accountId: account, direction: 'deposit', amount: '1000000000', currency: 'USD' });
    const soloOrder = (i, prefix) => soloCall('/orders', { accountId: account, symbol: SYMBOL, side: 'buy', type: 'market', timeInForce: 'gtc', quantity: '0.0001', clientOrderId: `${prefix}-${i}` });
    for (let i = 0; i < 50; i++) await soloOrder(i, 'solo-warm');
    const soloN = Number(opts['solo-orders']);
    const latency = [];
    let soloNext = 0;
    solo.tell('mark');
    const s0 = performance.now();
    await Promise.all(
      Array.from({ length: Number(opts['solo-concurrency']) }, async () => {
        while (soloNext < soloN) {
          const started = performance.now();
          const body = await soloOrder(soloNext++, 'solo');
          latency.push(performance.now() - started);
          if (body.status !== 'filled') throw new Error(`an order is ${body.status}`);
        }
      }),
    );
    const seconds = (performance.now() - s0) / 1000;
    const { cpuMicros } = await solo.ask('cpu');
    solo.tell('stop');
    await solo.exited;
    latency.sort((a, b) => a - b);
    return {
      [`execution service alone, ${label}: ${soloN} orders, ${opts['solo-concurrency']} in flight`]: { p50: `${(soloN / seconds).toFixed(0)} orders/s`, p99: '', max: '' },
      [`  ${label}: request latency`]: { p50: ms(pct(latency, 50)), p99: ms(pct(latency, 99)), max: ms(latency.at(-1)) },
      [`  ${label}: its CPU per order`]: { p50: `${(cpuMicros / soloN / 1000).toFixed(2)} ms`, p99: '', max: '' },
    };
  };
  const soloPglite = await soloRun('PGlite', {});
  const real = await startRealServices({ postgres: true, rabbitmq: true, redis: false, log: () => {} });
  let soloPostgres;
  try {
    soloPostgres = await soloRun('PostgreSQL + RabbitMQ', { DATABASE_URL: real.env.DATABASE_URL, AMQP_URL: real.env.AMQP_URL });
  } finally {
    await real.stop();
  }

  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.table({
    [`order placed → answered filled, 1 at a time (${live.length})`]: { p50: ms(pct(answered, 50)), p99: ms(pct(answered, 99)), max: ms(answered.at(-1)) },
    'order placed → portfolio update pushed (BUY booked)': { p50: ms(pct(live, 50)), p99: ms(pct(live, 99)), max: ms(live.at(-1)) },
    [`${n} orders, ${opts.concurrency} in flight: placed and filled`]: { p50: `${(n / placed).toFixed(0)} orders/s`, p99: '', max: '' },
    [`${n} orders, ${opts.concurrency} in flight: until all booked and pushed`]: { p50: `${(n / booked).toFixed(0)} orders/s`, p99: '', max: '' },
    ...soloPglite,
    ...soloPostgres,
  });
} finally {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
}
