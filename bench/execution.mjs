// Execution: order placed → paper fill → BUY activity recorded by the transactions service,
// embedded (PGlite in memory, in-process bus), with risk checks on.
//   node --conditions=@meridian/source --import tsx bench/execution.mjs [--orders 300] [--concurrency 16]
// The portfolio service is not in this branch yet: latency is measured up to the activity recorded.
import { parseArgs } from 'node:util';
import { createAuthService } from '@meridian/auth';
import { signUpTestUser, TEST_AUTH_ENV } from '@meridian/auth/testing';
import { createExecutionService } from '@meridian/execution';
import { createMemoryTransport, openDatabase, runService } from '@meridian/platform';
import { createTransactionsService } from '@meridian/transactions';
import { createValuationService } from '@meridian/valuation';
import { pino } from 'pino';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '16' } } });
const N = Number(values.orders);
const C = Number(values.concurrency);
const logger = pino({ level: 'silent' });
const env = { ...TEST_AUTH_ENV, MERIDIAN_DOCS: 'false', MERIDIAN_VALUATION_REFRESH_SECONDS: '0', MERIDIAN_EXECUTION_RECONCILE_SECONDS: '0', MERIDIAN_EXECUTION_MAX_DAILY_NOTIONAL: 'off' };
const database = await openDatabase({ dataDir: 'memory://' });
const transport = await createMemoryTransport({ database, logger });
const urls = new Map();
const common = { database, transport, env, logger, host: '127.0.0.1', port: 0, serviceUrl: (n) => urls.get(n), deferRelay: true };
// A Wednesday mid-session in New York, so the paper broker's market is open whatever the real time.
const clock = () => new Date('2025-06-11T15:00:00Z');
const services = [];
for (const [name, def] of [['auth', createAuthService()], ['transactions', createTransactionsService()], ['valuation', createValuationService()], ['execution', createExecutionService({ clock })]]) {
  const svc = await runService(def, common);
  urls.set(name, svc.url);
  services.push(svc);
}
for (const s of services) s.startRelay();
const [auth, transactions, , execution] = services;
const recorded = new Map();
const observer = await transport.consume('bench-observer', ['transactions.activity.recorded'], async (e) => {
  if (e.data.type === 'BUY') recorded.set(e.data.activityId, performance.now());
}, { maxAttempts: 1 });
const user = await signUpTestUser(auth, `bench-${Date.now()}@example.com`);
const inject = (svc, method, url, body) => svc.app.inject({ method, url, headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const account = JSON.parse((await inject(transactions, 'POST', '/accounts', { name: 'Bench', currency: 'USD', trackCash: false })).body).id;
await inject(execution, 'POST', '/transfers', { accountId: account, direction: 'deposit', amount: '100000000', currency: 'USD' });
// Warm-up: tracks the symbol and fills the quote cache.
await inject(execution, 'POST', '/orders', { accountId: account, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '0.001' });

const placedAt = new Map();
const fillIds = new Map();
const t0 = performance.now();
let next = 0;
async function worker() {
  while (next < N) {
    const i = next++;
    const start = performance.now();
    const res = await inject(execution, 'POST', '/orders', { accountId: account, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '0.01', clientOrderId: `bench-${i}` });
    const order = JSON.parse(res.body);
    if (res.statusCode !== 201 || order.status !== 'filled') throw new Error(`order ${i}: ${res.statusCode} ${res.body}`);
    placedAt.set(i, start);
    fillIds.set(i, order.fills[0].id);
  }
}
await Promise.all(Array.from({ length: C }, worker));
const placeSeconds = (performance.now() - t0) / 1000;
const deadline = Date.now() + 60_000;
while ([...fillIds.values()].some((id) => !recorded.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
const lat = [...fillIds.entries()].map(([i, id]) => (recorded.get(id) ?? NaN) - placedAt.get(i)).sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))].toFixed(1);
console.table({
  'orders (risk checks on, paper fills)': { value: N },
  'orders/s placed and filled': { value: (N / placeSeconds).toFixed(0) },
  'placed → BUY recorded p50 ms': { value: pct(50) },
  'placed → BUY recorded p99 ms': { value: pct(99) },
  'activities recorded': { value: lat.filter((x) => Number.isFinite(x)).length },
});
await observer.stop();
await Promise.all(services.map((s) => s.stopAccepting()));
for (const s of [...services].reverse()) await s.stopRelay();
for (const s of [...services].reverse()) await s.close();
await transport.close();
await database.close();
