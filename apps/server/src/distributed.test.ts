import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, freePort, requiredEnv, startServiceProcess, stopAll, waitReady, type ServiceProcess } from './test/processes.js';

describe('the distributed mode (one process per service)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-dist-'));
  const procs: ServiceProcess[] = [];
  let gatewayUrl = '';
  let database: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;

  beforeAll(async () => {
    database = await createScratchDatabase('meridian_dist');
    const common = {
      DATABASE_URL: database.url,
      AMQP_URL: requiredEnv('TEST_AMQP_URL'),
      // Names of its own on the shared broker: other suites running meanwhile never see these events.
      MERIDIAN_AMQP_EXCHANGE: `test.distributed.${process.pid}`,
      MERIDIAN_AMQP_QUEUE_PREFIX: `test-distributed-${process.pid}`,
      REDIS_URL: requiredEnv('TEST_REDIS_URL'),
      // Every instance of a service shares one master key, as operators configure it.
      MERIDIAN_MASTER_KEY: randomBytes(32).toString('base64'),
      MERIDIAN_DATA_DIR: dataDir,
      MERIDIAN_AUTH_ARGON2_MEMORY_KIB: '64', MERIDIAN_AUTH_ARGON2_ITERATIONS: '1',
    };
    const [authA, authB, gw] = await Promise.all([freePort(), freePort(), freePort()]);
    // Two instances of auth on one database: both migrate at start, concurrently.
    const a = startServiceProcess('auth', { ...common, PORT: String(authA) });
    const b = startServiceProcess('auth', { ...common, PORT: String(authB) });
    procs.push(a, b);
    await Promise.all([waitReady(`http://127.0.0.1:${authA}`, a), waitReady(`http://127.0.0.1:${authB}`, b)]);
    const g = startServiceProcess('gateway', {
      REDIS_URL: common.REDIS_URL,
      PORT: String(gw),
      MERIDIAN_SERVICE_AUTH_URL: `http://127.0.0.1:${authA}`,
    });
    procs.push(g);
    gatewayUrl = `http://127.0.0.1:${gw}`;
    await waitReady(gatewayUrl, g);
  }, 120_000);

  afterAll(async () => {
    await stopAll(procs);
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
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
    const proc = startServiceProcess('auth', { DATABASE_URL: '', AMQP_URL: '', PORT: '0' });
    const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
    expect(code).toBe(78);
    expect(proc.output()).toContain('DATABASE_URL');
    expect(proc.output()).toContain('AMQP_URL');
  });
});
