// Portfolio benchmarks (issue targets):
//   1. GET /api/portfolio/summary through the gateway at concurrency 64 (goal ≥ 3,000 req/s on 2 cores);
//   2. a new activity posted → the portfolio WebSocket's update received (goal p99 < 100 ms embedded).
// The platform runs embedded (`npm start`'s layout, one process) on a fresh data dir with the
// demo portfolio (five years, ~500 activities, three currencies) as the user's data.
//
//   node --conditions=@meridian/source --import tsx bench/portfolio.mjs [--duration 10] [--posts 200]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PLATFORM_ENV } from './platform.mjs';

const SELF = fileURLToPath(import.meta.url);
const NODE_ARGS = ['--conditions=@meridian/source', '--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])];
const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    posts: { type: 'string', default: '200' },
    role: { type: 'string' },
    load: { type: 'string' },
    dir: { type: 'string' },
  },
});

async function platformRole() {
  const { createLogger } = await import('@meridian/platform');
  const { startEmbedded } = await import('../apps/server/src/embedded.ts');
  const { demoCredentials, seedDemo } = await import('../apps/server/src/demo.ts');
  const logger = createLogger({ name: 'bench', level: 'warn' });
  const platform = await startEmbedded({ env: PLATFORM_ENV, logger, dataDir: opts.dir, host: '127.0.0.1', port: 0 });
  const credentials = demoCredentials(opts.dir);
  const seeded = performance.now();
  await seedDemo(platform.url, opts.dir, logger);
  const services = Object.fromEntries([...platform.services].map(([name, svc]) => [name, svc.url]));
  process.stdout.write(`${JSON.stringify({ url: platform.url, services, ...credentials, seedMs: Math.round(performance.now() - seeded) })}\n`);
  let mark = process.cpuUsage();
  process.on('SIGUSR1', () => (mark = process.cpuUsage()));
  process.on('SIGUSR2', () => {
    const used = process.cpuUsage(mark);
    process.stdout.write(`${JSON.stringify({ cpuMicros: used.user + used.system })}\n`);
  });
  const stop = async () => {
    await platform.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
}

/** A second gateway in its own process, in front of the embedded platform's services (the distributed hop). */
async function gatewayRole() {
  const { createLogger, createMemoryStore } = await import('@meridian/platform');
  const { startGateway } = await import('@meridian/gateway');
  const logger = createLogger({ name: 'bench-gateway', level: 'warn' });
  const gateway = await startGateway({ services: JSON.parse(opts.load), env: PLATFORM_ENV, logger, cache: createMemoryStore(), host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ url: gateway.url })}\n`);
  process.on('SIGTERM', async () => {
    await gateway.close();
    process.exit(0);
  });
}

async function loadRole() {
  const { default: autocannon } = await import('autocannon');
  const { url, headers, connections, duration } = JSON.parse(opts.load);
  const r = await autocannon({ url, headers, connections, duration });
  process.stdout.write(
    `${JSON.stringify({ requestsPerSec: r.requests.average, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors })}\n`,
  );
}

function child(role, extra = []) {
  const proc = spawn(process.execPath, [...NODE_ARGS, SELF, '--role', role, ...extra], { stdio: ['ignore', 'pipe', 'inherit'], env: PLATFORM_ENV });
  const lines = createInterface({ input: proc.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  proc.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`${role} exited with ${code}`));
  });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  return { proc, ready: next(), next };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const dir = mkdtempSync(join(os.tmpdir(), 'meridian-bench-portfolio-'));
  const platform = child('platform', ['--dir', dir]);
  try {
    const info = await platform.ready;
    process.stderr.write(`  machine: ${os.cpus().length} × ${os.cpus()[0]?.model}; demo seeded through the API in ${info.seedMs} ms\n`);
    const login = await fetch(`${info.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: info.email, password: info.password }) });
    const { accessToken } = await login.json();
    const auth = { authorization: `Bearer ${accessToken}` };
    const version = (await (await fetch(`${info.url}/api/transactions/version`, { headers: auth })).json()).version;
    const first = performance.now();
    const summary = await (await fetch(`${info.url}/api/portfolio/summary?minVersion=${version}`, { headers: auth })).json();
    process.stderr.write(`  first summary (build of ${version} events' portfolio, market data fetched): ${Math.round(performance.now() - first)} ms; net worth ${summary.netWorth} ${summary.baseCurrency}\n`);

    // 1. Summary throughput.
    const url = `${info.url}/api/portfolio/summary`;
    await child('load', ['--load', JSON.stringify({ url, headers: auth, connections: Number(opts.connections), duration: 2 })]).ready;
    platform.proc.kill('SIGUSR1');
    const r = await child('load', ['--load', JSON.stringify({ url, headers: auth, connections: Number(opts.connections), duration: Number(opts.duration) })]).ready;
    const cpu = platform.next();
    platform.proc.kill('SIGUSR2');
    const cpuPerReq = (await cpu).cpuMicros / r.total;
    process.stderr.write(
      `  GET /api/portfolio/summary via gateway, c=${opts.connections}: ${Math.round(r.requestsPerSec)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  non-2xx ${r.non2xx}  errors ${r.errors}  platform CPU ${cpuPerReq.toFixed(0)} µs/req\n`,
    );

    // 1b. The same through a gateway in its own process (the distributed layout's hop: two cores at work).
    const gateway = child('gateway', ['--load', JSON.stringify(info.services)]);
    const { url: gatewayUrl } = await gateway.ready;
    const separateUrl = `${gatewayUrl}/api/portfolio/summary`;
    await child('load', ['--load', JSON.stringify({ url: separateUrl, headers: auth, connections: Number(opts.connections), duration: 2 })]).ready;
    const r2 = await child('load', ['--load', JSON.stringify({ url: separateUrl, headers: auth, connections: Number(opts.connections), duration: Number(opts.duration) })]).ready;
    process.stderr.write(
      `  GET /api/portfolio/summary via a gateway process of its own, c=${opts.connections}: ${Math.round(r2.requestsPerSec)} req/s  p50 ${r2.p50} ms  p99 ${r2.p99} ms  non-2xx ${r2.non2xx}  errors ${r2.errors}\n`,
    );
    gateway.proc.kill('SIGTERM');

    // 2. Activity posted → live update received.
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(`${info.url.replace(/^http/, 'ws')}/api/portfolio/live?access_token=${accessToken}`);
    const waiters = [];
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString('utf8'));
      for (const w of waiters.splice(0)) if (m.version >= w.version) w.resolve(performance.now());
      else waiters.push(w);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const post = async (path, body) => {
      const res = await fetch(`${info.url}/api/transactions${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return { body: await res.json(), version: Number(res.headers.get('meridian-version')) };
    };
    const account = (await post('/accounts', { name: 'Bench', currency: 'USD', type: 'BROKERAGE', trackCash: false, costBasisMethod: 'FIFO' })).body.id;
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const latencies = [];
    const writes = [];
    for (let i = 0; i < Number(opts.posts); i++) {
      const started = performance.now();
      const { version: v } = await post('/activities', { accountId: account, type: i % 2 === 0 ? 'BUY' : 'SELL', date: day, symbol: 'VTI', quantity: '1', unitPrice: '300.00', currency: 'USD' });
      writes.push(performance.now() - started);
      const received = await new Promise((resolve) => waiters.push({ version: v, resolve }));
      latencies.push(received - started);
      await new Promise((r) => setTimeout(r, 10));
    }
    ws.close();
    latencies.sort((a, b) => a - b);
    writes.sort((a, b) => a - b);
    process.stderr.write(
      `  activity POST → WebSocket update (${latencies.length} posts, portfolio of ${version} events): p50 ${percentile(latencies, 50).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms  max ${latencies.at(-1).toFixed(1)} ms (the POST alone: p50 ${percentile(writes, 50).toFixed(1)} ms, p99 ${percentile(writes, 99).toFixed(1)} ms)\n`,
    );
  } finally {
    platform.proc.kill('SIGTERM');
    await new Promise((r) => platform.proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (opts.role === 'platform') await platformRole();
else if (opts.role === 'gateway') await gatewayRole();
else if (opts.role === 'load') await loadRole();
else await main();
