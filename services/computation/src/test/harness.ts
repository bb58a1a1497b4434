import { createAuthService } from '@meridian/auth';
import { signUpTestUser, TEST_AUTH_ENV } from '@meridian/auth/testing';
import { createMemoryTransport, runService, type Database, type RunningService, type Transport } from '@meridian/platform';
import { createTestDatabase, testLogger, testResponse, type TestResponse } from '@meridian/platform/testing';
import type { Kysely } from 'kysely';
import type { ComputationDatabase } from '../database.js';
import { createComputationService, type ComputationOptions } from '../index.js';

/** Settings for tests: the auth service's test settings (cheap argon2, silent, in memory). */
export const TEST_ENV: Record<string, string> = { ...TEST_AUTH_ENV };

export interface Harness {
  auth: RunningService;
  service: RunningService;
  database: Database;
  db: Kysely<ComputationDatabase>;
  transport: Transport;
  /** Stops the computation service (as a shutdown does) and starts a fresh instance on the same database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** The real auth service (for real tokens) and the computation service on one database, as the embedded host runs them. */
export async function startHarness(options: ComputationOptions = {}): Promise<Harness> {
  const database = await createTestDatabase('pglite');
  const transport = await createMemoryTransport({ database, logger: testLogger(), retryBaseMs: 10, retryMaxMs: 50 });
  const auth = await runService(createAuthService(), { database, transport, env: TEST_ENV, logger: testLogger(), host: '127.0.0.1', port: 0 });
  const start = () =>
    runService(createComputationService({ pool: { maxThreads: 2 }, ...options }), {
      database,
      transport,
      env: TEST_ENV,
      logger: testLogger(),
      host: '127.0.0.1',
      port: 0,
      serviceUrl: (name) => (name === 'auth' ? auth.url : undefined),
    });
  const h: Harness = {
    auth,
    service: await start(),
    database,
    db: database.forSchema<ComputationDatabase>('computation'),
    transport,
    async restart() {
      await h.service.close();
      h.service = await start();
    },
    async close() {
      await h.service.close();
      await auth.close();
      await transport.close();
      await database.close();
    },
  };
  return h;
}

/** A response as tests read it. */
export type Response = TestResponse;

export interface TestUser {
  userId: string;
  token: string;
}

let users = 0;

/** Registers and signs in a fresh user through the auth service. */
export async function newUser(h: Harness, name = 'user'): Promise<TestUser> {
  return signUpTestUser(h.auth, `${name}-${++users}-${Date.now().toString(36)}@example.com`);
}

/** A JSON request against the computation service with app.inject (no sockets). */
export async function request(h: Harness, method: 'GET' | 'POST', url: string, options: { token?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await h.service.app.inject({ method, url, headers, ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}) });
  return testResponse(res);
}

/** Polls a job until it finishes, returning every progress value seen on the way. */
export async function waitForJob(h: Harness, user: TestUser, id: string, timeoutMs = 20_000): Promise<{ job: any; progress: number[] }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read any field
  const end = Date.now() + timeoutMs;
  const progress: number[] = [];
  for (;;) {
    const res = await request(h, 'GET', `/jobs/${id}`, { token: user.token });
    if (res.status !== 200) throw new Error(`GET job failed: ${res.status} ${res.text}`);
    const job = res.json();
    progress.push(job.progress);
    if (job.status === 'succeeded' || job.status === 'failed') return { job, progress };
    if (Date.now() > end) throw new Error('job did not finish in time');
    await new Promise((r) => setTimeout(r, 15));
  }
}
