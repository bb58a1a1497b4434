// Execution, end to end on the embedded platform (`npm start`'s layout: every service and the
// gateway in one process, PGlite on a fresh data dir, the in-process bus), through the gateway:
//   1. latency, one order at a time: POST /api/execution/orders (market buy, paper broker, every
//      risk check on) → the order answered filled → the portfolio WebSocket update
//      (/api/portfolio/live) whose version covers the BUY the transactions service booked;
//   2. throughput: orders placed and filled per second with --concurrency requests in flight,
//      then how long until every fill is booked and pushed.
// BTC-USD trades around the clock, so the paper market is open whatever the time of the run.
//   node --conditions=@meridian/source --import tsx bench/execution.mjs [--latency 200] [--orders 500] [--concurrency 16]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@meridian/platform';
import WebSocket from 'ws';
import { startEmbedded } from '../apps/server/src/embedded.ts';

const { values: opts } = parseArgs({ options: { latency: { type: 'string', default: '200' }, orders: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '16' } } });
const SYMBOL = 'BTC-USD';
const env = {
  ...process.env,
  LOG_LEVEL: 'warn',
  MERIDIAN_ACCESS_LOG: 'false',
  MERIDIAN_RATE_LIMIT_USER: '1000000000',
  MERIDIAN_RATE_LIMIT_ANON: '1000000000',
  MERIDIAN_RATE_LIMIT_AUTH: '1000000000',
  MERIDIAN_VALUATION_REFRESH_SECONDS: '0',
  MERIDIAN_EXECUTION_RECONCILE_SECONDS: '0',
  MERIDIAN_EXECUTION_MAX_DAILY_NOTIONAL: 'off',
};
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x) => `${x.toFixed(1)} ms`;

const dir = mkdtempSync(join(os.tmpdir(), 'meridian-bench-execution-'));
const platform = await startEmbedded({ env, logger: createLogger({ name: 'bench', level: 'warn' }), dataDir: dir, host: '127.0.0.1', port: 0 });
try {
  const call = async (method, path, body, token, expect = [200, 201]) => {
    const res = await fetch(`${platform.url}/api${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const email = `bench-${Date.now()}@example.com`;
  const password = 'correct horse battery staple 42';
  await call('POST', '/auth/register', { email, password });
  const { accessToken: token } = (await call('POST', '/auth/login', { email, password })).body;
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

  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.table({
    [`order placed → answered filled, 1 at a time (${live.length})`]: { p50: ms(pct(answered, 50)), p99: ms(pct(answered, 99)), max: ms(answered.at(-1)) },
    'order placed → portfolio update pushed (BUY booked)': { p50: ms(pct(live, 50)), p99: ms(pct(live, 99)), max: ms(live.at(-1)) },
    [`${n} orders, ${opts.concurrency} in flight: placed and filled`]: { p50: `${(n / placed).toFixed(0)} orders/s`, p99: '', max: '' },
    [`${n} orders, ${opts.concurrency} in flight: until all booked and pushed`]: { p50: `${(n / booked).toFixed(0)} orders/s`, p99: '', max: '' },
  });
} finally {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
}
