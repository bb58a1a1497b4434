import { createAuthService } from '@meridian/auth';
import { signUpTestUser, TEST_AUTH_ENV } from '@meridian/auth/testing';
import { eventCatalog, type CloudEvent } from '@meridian/contracts';
import { createMemoryTransport, runService, type Database, type RunningService, type Transport } from '@meridian/platform';
import { createTestDatabase, testLogger, type TestDatabaseKind, testResponse, type TestResponse } from '@meridian/platform/testing';
import type { Kysely } from 'kysely';
import type { TransactionsDatabase } from '../database.js';
import type { TransactionsDeps } from '../deps.js';
import { createTransactionsService } from '../index.js';

/** Settings for tests: the auth service's test settings (cheap argon2, silent, in memory). */
export const TEST_ENV: Record<string, string> = { ...TEST_AUTH_ENV };

/** A clock tests can set (days are checked against it). */
export function testClock(start = Date.now()) {
  let t = start;
  return Object.assign(() => new Date(t), {
    set(ms: number) {
      t = ms;
    },
  });
}

export interface Harness {
  auth: RunningService;
  service: RunningService;
  deps: TransactionsDeps;
  database: Database;
  db: Kysely<TransactionsDatabase>;
  transport: Transport;
  /** transactions.* events as a consumer received them, in arrival order. */
  events: CloudEvent[];
  close(): Promise<void>;
}

/**
 * The real auth service (for real tokens and real `auth.user.deleted` events) and the
 * transactions service on one database and one in-process transport, as the embedded host
 * runs them.
 */
export async function startHarness(options: { kind?: TestDatabaseKind; clock?: () => Date } = {}): Promise<Harness> {
  const database = await createTestDatabase(options.kind ?? 'pglite');
  const transport = await createMemoryTransport({ database, logger: testLogger(), retryBaseMs: 10, retryMaxMs: 50 });
  const events: CloudEvent[] = [];
  const observer = await transport.consume(
    'transactions-test-observer',
    Object.keys(eventCatalog).filter((t) => t.startsWith('transactions.')),
    async (raw) => {
      events.push(raw as CloudEvent);
    },
    { maxAttempts: 1 },
  );
  const auth = await runService(createAuthService(), { database, transport, env: TEST_ENV, logger: testLogger(), host: '127.0.0.1', port: 0 });
  let deps: TransactionsDeps | undefined;
  const service = await runService(
    createTransactionsService({
      onReady: (d) => {
        deps ??= d;
      },
      ...(options.clock ? { clock: options.clock } : {}),
    }),
    {
      database,
      transport,
      env: TEST_ENV,
      logger: testLogger(),
      host: '127.0.0.1',
      port: 0,
      serviceUrl: (name) => (name === 'auth' ? auth.url : undefined),
    },
  );
  if (!deps) throw new Error('transactions deps were not built');
  return {
    auth,
    service,
    deps,
    database,
    db: database.forSchema<TransactionsDatabase>('transactions'),
    transport,
    events,
    async close() {
      await service.close();
      await auth.close();
      await observer.stop();
      await transport.close();
      await database.close();
    },
  };
}

/** A response as tests read it. */
export type Response = TestResponse;

/** A request against a service with app.inject (no sockets). */
export async function request(
  app: RunningService,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; rawBody?: string; contentType?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.rawBody !== undefined) {
    payload = options.rawBody;
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await app.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  return testResponse(res);
}

export interface TestUser {
  userId: string;
  email: string;
  token: string;
}

let users = 0;

/** Registers and signs in a fresh user through the auth service. */
export async function newUser(h: Harness, name = 'user'): Promise<TestUser> {
  return signUpTestUser(h.auth, `${name}-${++users}-${Date.now().toString(36)}@example.com`);
}

/** A client bound to one user's token. */
export function client(h: Harness, user: TestUser) {
  const send = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>) =>
    request(h.service, method, url, { token: user.token, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) });
  return {
    get: (url: string) => send('GET', url),
    post: (url: string, body: unknown, headers?: Record<string, string>) => send('POST', url, body, headers),
    patch: (url: string, body: unknown, headers?: Record<string, string>) => send('PATCH', url, body, headers),
    delete: (url: string, headers?: Record<string, string>) => send('DELETE', url, undefined, headers),
    /** Opens an account and returns its id. */
    async account(body: Record<string, unknown> = {}): Promise<string> {
      const res = await send('POST', '/accounts', { name: 'Broker', currency: 'USD', type: 'BROKERAGE', trackCash: false, costBasisMethod: 'FIFO', ...body });
      if (res.status !== 201) throw new Error(`account failed: ${res.status} ${res.text}`);
      return res.json().id;
    },
    /** Records an activity and returns it (throws unless 201). */
    async activity(body: Record<string, unknown>) {
      const res = await send('POST', '/activities', body);
      if (res.status !== 201) throw new Error(`activity failed: ${res.status} ${res.text}`);
      return res.json();
    },
  };
}

/** Rows per table: what a rejected request must leave unchanged. */
export async function counts(h: Harness): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['accounts', 'activities', 'imports', 'idempotency_keys', 'user_versions'] as const) {
    const rows = await h.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(rows.n);
  }
  return out;
}

/** Waits until `predicate` holds (events arrive through the relay, a moment after commit). */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A day relative to today (UTC): `day(-10)` is ten days ago. */
export function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}
