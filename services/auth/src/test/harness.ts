import type { CloudEvent } from '@meridian/contracts';
import { createMemoryTransport, runService, type Database, type RunningService, type Transport } from '@meridian/platform';
import { createTestDatabase, testLogger, type TestDatabaseKind } from '@meridian/platform/testing';
import type { Kysely } from 'kysely';
import { createAuthService } from '../index.js';
import type { AuthDatabase } from '../database.js';
import type { AuthDeps } from '../deps.js';

/** A fixed master key so a test database can be reopened by a second instance. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * Settings for tests: argon2 at a tiny cost (production refuses this; see README), silent
 * logs, no docs, an in-memory data dir.
 */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  MERIDIAN_DATA_DIR: 'memory://',
  MERIDIAN_DOCS: 'false',
  MERIDIAN_MASTER_KEY: TEST_MASTER_KEY,
  MERIDIAN_AUTH_ARGON2_MEMORY_KIB: '64',
  MERIDIAN_AUTH_ARGON2_ITERATIONS: '1',
};

/** A clock tests can move. */
export function testClock(start = Date.now()) {
  let t = start;
  const clock = () => new Date(t);
  return Object.assign(clock, {
    advance(seconds: number) {
      t += seconds * 1000;
    },
    set(ms: number) {
      t = ms;
    },
  });
}

export interface AuthHarness {
  service: RunningService;
  /** The running instance's internals (key store, settings…). */
  deps: AuthDeps;
  url: string;
  database: Database;
  db: Kysely<AuthDatabase>;
  transport: Transport;
  /** Events the service published, as a consumer received them. */
  events: CloudEvent[];
  close(): Promise<void>;
}

export async function startAuth(
  options: { env?: Record<string, string>; clock?: () => Date; database?: Database; kind?: TestDatabaseKind } = {},
): Promise<AuthHarness> {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase(options.kind ?? 'pglite'));
  const transport = await createMemoryTransport({ database, logger: testLogger(), retryBaseMs: 10, retryMaxMs: 50 });
  const events: CloudEvent[] = [];
  const consumer = await transport.consume(
    'auth-test-observer',
    ['auth.user.registered', 'auth.user.deleted'],
    async (raw) => {
      events.push(raw as CloudEvent);
    },
    { maxAttempts: 1 },
  );
  let deps: AuthDeps | undefined;
  const onReady = (d: AuthDeps) => {
    deps ??= d;
  };
  const service = await runService(createAuthService({ onReady, ...(options.clock ? { clock: options.clock } : {}) }), {
    database,
    transport,
    env: { ...TEST_ENV, ...options.env },
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
  });
  if (!deps) throw new Error('auth deps were not built');
  return {
    service,
    deps,
    url: service.url,
    database,
    db: database.forSchema<AuthDatabase>('auth'),
    transport,
    events,
    async close() {
      await service.close();
      await consumer.stop();
      await transport.close();
      if (ownsDatabase) await database.close();
    },
  };
}

/** Waits until `predicate` holds (events arrive through the relay, a moment after commit). */
export async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A JSON request against the service with app.inject (no sockets). */
export async function call(
  h: AuthHarness,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; rawBody?: string } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.rawBody !== undefined) {
    payload = options.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await h.service.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  return {
    status: res.statusCode,
    headers: res.headers,
    text: res.body,
    json: () => JSON.parse(res.body) as Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read any field
  };
}

export const PASSWORD = 'tangerine kayak forest';

export async function registerAndLogin(h: AuthHarness, email: string, password = PASSWORD) {
  const reg = await call(h, 'POST', '/register', { body: { email, password } });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${reg.text}`);
  const login = await call(h, 'POST', '/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  const pair = login.json();
  return {
    userId: reg.json().user.id as string,
    email,
    accessToken: pair.accessToken as string,
    refreshToken: pair.refreshToken as string,
  };
}

const TABLES = [
  ['users', 'id'],
  ['sessions', 'id'],
  ['refresh_tokens', 'id'],
  ['signing_keys', 'kid'],
  ['totp_credentials', 'user_id'],
  ['recovery_codes', 'id'],
  ['api_keys', 'id'],
  ['identities', 'id'],
  ['oidc_flows', 'state_hash'],
  ['oidc_login_codes', 'code_hash'],
] as const;

/** Every row of every auth table, to prove a rejected request changed nothing. */
export async function snapshot(h: AuthHarness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, key] of TABLES) {
    out[table] = await h.db.selectFrom(table).selectAll().orderBy(key).execute();
  }
  return out;
}
