import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`npm test\`, which starts it`);
  return value;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs `meridian start --service NAME` from the sources as its own process. */
function startProcess(service: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '--conditions=@meridian/source',
      '--import',
      'tsx',
      '-e',
      `import('./apps/server/src/cli.ts').then(async (m) => { process.exitCode = await m.main(['start', '--service', '${service}']); })`,
    ],
    { cwd: repoRoot, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

async function waitReady(url: string, proc: { output: () => string }, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready in time; output:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the distributed mode (one process per service)', () => {
  const dbName = `meridian_dist_${process.pid}_${Date.now()}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-dist-'));
  const procs: Array<{ child: ChildProcess }> = [];
  let gatewayUrl = '';
  let adminUrl = '';

  beforeAll(async () => {
    adminUrl = required('TEST_DATABASE_URL');
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
    const common = {
      DATABASE_URL: databaseUrl,
      AMQP_URL: required('TEST_AMQP_URL'),
      // Names of its own on the shared broker: other suites running meanwhile never see these events.
      MERIDIAN_AMQP_EXCHANGE: `test.distributed.${process.pid}`,
      MERIDIAN_AMQP_QUEUE_PREFIX: `test-distributed-${process.pid}`,
      REDIS_URL: required('TEST_REDIS_URL'),
      // Every instance of a service shares one master key, as operators configure it.
      MERIDIAN_MASTER_KEY: randomBytes(32).toString('base64'),
      MERIDIAN_DATA_DIR: dataDir,
      MERIDIAN_AUTH_ARGON2_MEMORY_KIB: '64', MERIDIAN_AUTH_ARGON2_ITERATIONS: '1',
    };
    const [authA, authB, gw] = await Promise.all([freePort(), freePort(), freePort()]);
    // Two instances of auth on one database: both migrate at start, concurrently.
    const a = startProcess('auth', { ...common, PORT: String(authA) });
    const b = startProcess('auth', { ...common, PORT: String(authB) });
    procs.push(a, b);
    await Promise.all([waitReady(`http://127.0.0.1:${authA}`, a), waitReady(`http://127.0.0.1:${authB}`, b)]);
    const g = startProcess('gateway', {
      REDIS_URL: common.REDIS_URL,
      PORT: String(gw),
      MERIDIAN_SERVICE_AUTH_URL: `http://127.0.0.1:${authA}`,
    });
    procs.push(g);
    gatewayUrl = `http://127.0.0.1:${gw}`;
    await waitReady(gatewayUrl, g);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      procs.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dataDir, { recursive: true, force: true });
    if (adminUrl) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  });

  it('serves the auth contract through a separate gateway process on PostgreSQL', async () => {
    const credentials = { email: 'grace@example.com', password: 'a very long and unusual passphrase' };
    const reg = await fetch(`${gatewayUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    expect(reg.status).toBe(201);
    const login = await fetch(`${gatewayUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await fetch(`${gatewayUrl}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(credentials.email);
  });

  it('exits with a message naming the missing setting', async () => {
    const proc = startProcess('auth', { DATABASE_URL: '', AMQP_URL: '', PORT: '0' });
    const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
    expect(code).toBe(78);
    expect(proc.output()).toContain('DATABASE_URL');
    expect(proc.output()).toContain('AMQP_URL');
  });
});
