#!/usr/bin/env node
// HTTP benchmark of the gateway: GET /api/auth/me through the gateway vs. straight to the
// auth service, with autocannon (64 connections, ~10 s each), in two layouts:
//   embedded  – auth service and gateway in one process (as `npm start` runs them)
//   separate  – auth service and gateway in two processes (as the distributed mode runs them)
// plus two calibration runs with the same tool in the same run: a Fastify hello world and
// one @fastify/http-proxy hop in front of it (the anchors of ../shared/ANCHORS.md).
// The load generator always runs in a process of its own.
//
//   node --conditions=@meridian/source --import tsx bench/http.mjs [options]
//     --duration <s>       seconds per measurement (default 10)
//     --connections <n>    concurrent connections (default 64)
//     --layouts <list>     embedded,separate (default both)
//     --upstreams <list>   real,standin,echo (default all three): the real auth service; a
//                          stand-in that verifies the JWT on every request like auth does;
//                          an echo that trusts the gateway and answers from the token's
//                          claims (what the gateway itself can carry)
//     --no-anchors         skip the calibration runs
//     --json <file>        also write the results as JSON
//
// "real" is @meridian/auth with PGlite in memory (falls back to the stand-in, and says so,
// if it cannot start); "standin" answers /me from the verified token alone, so the numbers
// show what the gateway itself costs.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SELF = fileURLToPath(import.meta.url);
const NODE_ARGS = ['--conditions=@meridian/source', '--import', 'tsx'];

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    layouts: { type: 'string', default: 'embedded,separate' },
    upstreams: { type: 'string', default: 'real,standin,echo' },
    upstream: { type: 'string', default: 'real' },
    'no-anchors': { type: 'boolean', default: false },
    json: { type: 'string' },
    // Internal: the roles of the child processes.
    role: { type: 'string' },
    auth: { type: 'string' },
    load: { type: 'string' },
  },
});

// The gateway as it runs in production, except that the user budget must not cut the
// benchmark short: the limiter still counts every request.
const GATEWAY_ENV = {
  ...process.env,
  LOG_LEVEL: 'info',
  MERIDIAN_RATE_LIMIT_USER: '1000000000',
  MERIDIAN_RATE_LIMIT_ANON: '1000000000',
  MERIDIAN_RATE_LIMIT_AUTH: '1000000000',
};
const SERVICE_ENV = {
  ...process.env,
  LOG_LEVEL: 'warn',
  // Registration in the benchmark is not what is measured; the OWASP floor still applies.
  MERIDIAN_AUTH_REGISTER_MAX_PER_IP: '100000',
};

// ---------------------------------------------------------------------------------------
// Roles

/** Access-log lines go to /dev/null with a synchronous write each, as to a terminal or pipe. */
async function devNullLogger(level = 'info') {
  const { pino } = await import('pino');
  return pino({ level, base: { service: 'meridian' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: '/dev/null', sync: true }));
}

/** The auth service: the real one when available, else a stand-in with the same contract for /me. */
async function startAuth(env) {
  if (opts.upstream === 'standin') return startStandInAuth({ verify: true });
  if (opts.upstream === 'echo') return startStandInAuth({ verify: false });
  try {
    const { authService } = await import('@meridian/auth');
    const platform = await import('@meridian/platform');
    const logger = await devNullLogger('warn');
    const database = await platform.openDatabase({ dataDir: 'memory://' });
    const transport = await platform.createMemoryTransport({ database, logger });
    const svc = await platform.runService(authService, {
      database,
      transport,
      env,
      logger,
      host: '127.0.0.1',
      port: 0,
      serviceUrl: () => undefined,
    });
    return {
      kind: 'real auth service (PGlite in memory)',
      url: svc.url,
      close: async () => {
        await svc.close();
        await transport.close();
        await database.close();
      },
    };
  } catch (err) {
    process.stderr.write(`real auth service unavailable (${err instanceof Error ? err.message : err}); using the stand-in\n`);
    return startStandInAuth({ verify: true });
  }
}

/**
 * Signs EdDSA tokens like auth. With `verify`, /me checks the token through the platform's
 * verifier on every request, as auth does; without, it answers from the token's claims
 * (the gateway verified them), so only the gateway's own cost is left.
 */
async function startStandInAuth({ verify }) {
  const jose = await import('jose');
  const platform = await import('@meridian/platform');
  const { privateKey, publicKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' };
  const verifier = platform.createKeyVerifier(jose.createLocalJWKSet({ keys: [jwk] }));
  const users = new Map();
  const logger = await devNullLogger('warn');
  const app = await platform.createHttpApp({ name: 'auth', logger, metrics: platform.createMetricsRegistry('auth'), docs: false, accessLog: false });
  app.get('/jwks', async () => ({ keys: [jwk] }));
  app.post('/register', async (request, reply) => {
    const id = randomUUID();
    users.set(request.body.email, id);
    return reply.status(201).send({ user: { id, email: request.body.email } });
  });
  app.post('/login', async (request) => {
    const sub = users.get(request.body.email);
    const accessToken = await new jose.SignJWT({ email: request.body.email, sid: randomUUID() })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
      .setSubject(sub)
      .setIssuer('meridian-auth')
      .setAudience('meridian-api')
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(privateKey);
    return { accessToken, refreshToken: randomUUID(), expiresIn: 900, tokenType: 'Bearer' };
  });
  if (verify) {
    app.get('/me', { onRequest: platform.authenticate(verifier) }, async (request) => ({ id: request.user.userId, email: request.user.email }));
  } else {
    app.get('/me', async (request) => {
      const claims = jose.decodeJwt(platform.bearerToken(request.headers.authorization) ?? '');
      return { id: claims.sub, email: claims.email };
    });
  }
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const kind = verify ? 'stand-in: verifies the EdDSA JWT on each request' : 'echo: answers from the token claims';
  return { kind, url, close: () => app.close() };
}

async function startGatewayFor(authUrl) {
  const { startGateway } = await import('@meridian/gateway');
  const logger = await devNullLogger('info');
  const gw = await startGateway({ services: { auth: authUrl }, env: GATEWAY_ENV, logger, host: '127.0.0.1', port: 0 });
  return { url: gw.url, close: () => gw.close() };
}

/** Calibration: Fastify hello world, and one @fastify/http-proxy hop in front of it. */
async function startAnchors() {
  const { default: Fastify } = await import('fastify');
  const { default: proxy } = await import('@fastify/http-proxy');
  const hello = Fastify();
  hello.get('/', async () => ({ hello: 'world' }));
  const helloUrl = await hello.listen({ host: '127.0.0.1', port: 0 });
  const hop = Fastify();
  await hop.register(proxy, { upstream: helloUrl });
  const hopUrl = await hop.listen({ host: '127.0.0.1', port: 0 });
  return { helloUrl, hopUrl, close: async () => { await hop.close(); await hello.close(); } };
}

async function runLoad(config) {
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({ ...config, timeout: 10 });
  return {
    requestsPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

// A child process prints one JSON line with what it started, then waits to be stopped.
async function serveRole(role) {
  let started;
  if (role === 'auth') started = await startAuth(SERVICE_ENV);
  else if (role === 'gateway') started = await startGatewayFor(opts.auth);
  else if (role === 'embedded') {
    const auth = await startAuth(SERVICE_ENV);
    const gw = await startGatewayFor(auth.url);
    started = { kind: auth.kind, url: auth.url, gatewayUrl: gw.url, close: async () => { await gw.close(); await auth.close(); } };
  } else if (role === 'anchors') started = await startAnchors();
  else if (role === 'load') {
    process.stdout.write(`${JSON.stringify(await runLoad(JSON.parse(opts.load)))}\n`);
    return;
  } else throw new Error(`unknown role ${role}`);
  const { close, ...info } = started;
  process.stdout.write(`${JSON.stringify(info)}\n`);
  // CPU time spent by this process during a measurement, per request served (see measure()).
  let mark = process.cpuUsage();
  process.on('SIGUSR1', () => {
    mark = process.cpuUsage();
  });
  process.on('SIGUSR2', () => {
    const used = process.cpuUsage(mark);
    process.stdout.write(`${JSON.stringify({ cpuMicros: used.user + used.system })}\n`);
  });
  const stop = async () => {
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// ---------------------------------------------------------------------------------------
// Orchestration

function child(role, extra = []) {
  const proc = spawn(process.execPath, [...NODE_ARGS, SELF, '--role', role, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  proc.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`${role} process exited with ${code}`));
  });
  /** The next JSON line the child prints. */
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  return { proc, ready: next(), next };
}

async function stopChild(proc) {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

const duration = Number(opts.duration);
const connections = Number(opts.connections);

/** One autocannon run (after a 2 s warm-up); with `server`, also its CPU time per request. */
async function measure(label, url, headers = {}, server = undefined) {
  await child('load', ['--load', JSON.stringify({ url, headers, connections, duration: 2 })]).ready;
  server?.proc.kill('SIGUSR1');
  const result = await child('load', ['--load', JSON.stringify({ url, headers, connections, duration })]).ready;
  if (server) {
    const cpu = server.next();
    server.proc.kill('SIGUSR2');
    result.serverCpuMicrosPerRequest = Math.round(((await cpu).cpuMicros / result.total) * 10) / 10;
  }
  const cpuNote = result.serverCpuMicrosPerRequest === undefined ? '' : `  server CPU ${result.serverCpuMicrosPerRequest} µs/req`;
  process.stderr.write(
    `  ${label.padEnd(44)} ${Math.round(result.requestsPerSec).toString().padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  non-2xx ${result.non2xx}  errors ${result.errors}${cpuNote}\n`,
  );
  return { label, url, ...result };
}

async function signIn(gatewayUrl) {
  const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
  const password = `bench-${randomUUID()}`;
  const post = (path, body) =>
    fetch(`${gatewayUrl}/api/auth${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const reg = await post('/register', { email, password });
  if (reg.status !== 201 && reg.status !== 200) throw new Error(`register answered ${reg.status}: ${await reg.text()}`);
  const login = await post('/login', { email, password });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const { accessToken } = await login.json();
  const me = await fetch(`${gatewayUrl}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (me.status !== 200) throw new Error(`/me answered ${me.status}: ${await me.text()}`);
  return accessToken;
}

async function benchLayout(layout, upstream) {
  process.stderr.write(`\n${layout} layout, ${upstream} auth\n`);
  const as = ['--upstream', upstream];
  const procs = [];
  try {
    let authUrl;
    let gatewayUrl;
    let kind;
    let authProc;
    let gatewayProc;
    if (layout === 'embedded') {
      const host = child('embedded', as);
      procs.push(host.proc);
      ({ url: authUrl, gatewayUrl, kind } = await host.ready);
      authProc = host;
      gatewayProc = host;
    } else {
      const auth = child('auth', as);
      procs.push(auth.proc);
      ({ url: authUrl, kind } = await auth.ready);
      const gw = child('gateway', ['--auth', authUrl]);
      procs.push(gw.proc);
      ({ url: gatewayUrl } = await gw.ready);
      authProc = auth;
      gatewayProc = gw;
    }
    const token = await signIn(gatewayUrl);
    const headers = { authorization: `Bearer ${token}` };
    const name = `${layout}, ${upstream}`;
    const direct = await measure(`${name}: auth /me direct`, `${authUrl}/me`, headers, authProc);
    const gateway = await measure(`${name}: gateway → auth /me`, `${gatewayUrl}/api/auth/me`, headers, gatewayProc);
    return { layout, upstream, kind, direct, gateway, ratio: gateway.requestsPerSec / direct.requestsPerSec };
  } finally {
    for (const proc of procs.reverse()) await stopChild(proc);
  }
}

async function benchAnchors() {
  process.stderr.write('\ncalibration (same tool, same run)\n');
  const anchors = child('anchors');
  try {
    const { helloUrl, hopUrl } = await anchors.ready;
    return {
      hello: await measure('Fastify hello world', helloUrl, {}, anchors),
      hop: await measure('@fastify/http-proxy → Fastify', hopUrl, {}, anchors),
    };
  } finally {
    await stopChild(anchors.proc);
  }
}

async function main() {
  const machine = { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.release()}` };
  machine.loadavg = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stderr.write(`machine: ${machine.nproc} × ${machine.cpu}, Node ${machine.node}, load ${machine.loadavg}; ${connections} connections, ${duration} s per run\n`);
  const layouts = [];
  const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const upstream of list(opts.upstreams)) for (const layout of list(opts.layouts)) layouts.push(await benchLayout(layout, upstream));
  const anchors = opts['no-anchors'] ? undefined : await benchAnchors();

  const rows = [];
  const row = (name, r, note = '') =>
    rows.push(`| ${name} | ${Math.round(r.requestsPerSec).toLocaleString('en-US')} | ${r.p50} | ${r.p99} | ${r.serverCpuMicrosPerRequest ?? ''} | ${note} |`);
  for (const l of layouts) {
    row(`${l.layout}, ${l.upstream}: auth /me direct`, l.direct, l.kind);
    row(`${l.layout}, ${l.upstream}: gateway → auth /me`, l.gateway, `gateway/direct = ${l.ratio.toFixed(2)}`);
  }
  if (anchors) {
    row('Fastify hello world (calibration)', anchors.hello, 'anchor: 54k req/s, p99 2.9 ms (wrk)');
    row('@fastify/http-proxy → Fastify (calibration)', anchors.hop, 'anchor: 9.2k req/s, p99 11 ms');
  }
  process.stdout.write(
    `\n| run | req/s | p50 ms | p99 ms | CPU µs/req | note |\n|---|---:|---:|---:|---:|---|\n${rows.join('\n')}\n` +
      `\nload average after the run: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`,
  );
  const summary = { date: new Date().toISOString(), machine, connections, duration, layouts, anchors };
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(summary, null, 2)}\n`);
  // Last line: the summary as one JSON object, for tooling (as the other benchmarks do).
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

if (opts.role) await serveRole(opts.role);
else await main();
