import { createAuthService } from '@meridian/auth';
import { signUpTestUser, TEST_AUTH_ENV } from '@meridian/auth/testing';
import type { CloudEvent } from '@meridian/contracts';
import { createMemoryTransport, runService, type Database, type RunningService, type Transport } from '@meridian/platform';
import { createTestDatabase, testLogger, type TestDatabaseKind, testResponse, type TestResponse } from '@meridian/platform/testing';
import type { Kysely } from 'kysely';
import type { ValuationDatabase } from '../database.js';
import type { ValuationDeps } from '../deps.js';
import { createValuationService } from '../index.js';
import type { MarketDataProvider } from '../providers/types.js';

/** The real auth service signs the tokens the valuation service verifies (cheap argon2 for tests). */
const AUTH_ENV: Record<string, string> = { ...TEST_AUTH_ENV };

/** No background refresh (tests run cycles themselves), one year of backfill. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  MERIDIAN_DOCS: 'false',
  MERIDIAN_VALUATION_REFRESH_SECONDS: '0',
  MERIDIAN_VALUATION_BACKFILL_YEARS: '1',
};

/** A clock tests can set and move. */
export function testClock(start: string | number) {
  let t = typeof start === 'string' ? Date.parse(start) : start;
  const clock = () => new Date(t);
  return Object.assign(clock, {
    set(iso: string) {
      t = Date.parse(iso);
    },
    advance(ms: number) {
      t += ms;
    },
  });
}

export interface ValuationHarness {
  service: RunningService;
  auth: RunningService;
  deps: ValuationDeps;
  database: Database;
  db: Kysely<ValuationDatabase>;
  transport: Transport;
  /** Events as a consumer received them. */
  events: CloudEvent<'valuation.prices.updated'>[];
  /** `valuation.fx.updated` events as a consumer received them. */
  fxEvents: CloudEvent<'valuation.fx.updated'>[];
  user(email: string): Promise<{ userId: string; token: string }>;
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, options?: { token?: string; body?: unknown; rawBody?: string }): Promise<Response>;
  close(): Promise<void>;
}

/** A response as tests read it. */
export type Response = TestResponse;

export async function startValuation(
  options: { env?: Record<string, string>; clock?: () => Date; providers?: MarketDataProvider[]; kind?: TestDatabaseKind } = {},
): Promise<ValuationHarness> {
  const database = await createTestDatabase(options.kind ?? 'pglite');
  const logger = testLogger();
  const transport = await createMemoryTransport({ database, logger, retryBaseMs: 10, retryMaxMs: 50 });
  const events: CloudEvent<'valuation.prices.updated'>[] = [];
  const fxEvents: CloudEvent<'valuation.fx.updated'>[] = [];
  const observer = await transport.consume(
    'valuation-test-observer',
    ['valuation.prices.updated', 'valuation.fx.updated'],
    async (raw) => {
      const event = raw as CloudEvent;
      if (event.type === 'valuation.fx.updated') fxEvents.push(event as CloudEvent<'valuation.fx.updated'>);
      else events.push(event as CloudEvent<'valuation.prices.updated'>);
    },
    { maxAttempts: 1 },
  );
  const auth = await runService(createAuthService(), { database, transport, env: AUTH_ENV, logger, host: '127.0.0.1', port: 0 });
  let deps: ValuationDeps | undefined;
  const service = await runService(
    createValuationService({
      onReady: (d) => {
        deps ??= d;
      },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.providers ? { providers: options.providers } : {}),
    }),
    {
      database,
      transport,
      env: { ...TEST_ENV, ...options.env },
      logger,
      host: '127.0.0.1',
      port: 0,
      serviceUrl: (name) => (name === 'auth' ? auth.url : undefined),
    },
  );
  if (!deps) throw new Error('valuation deps were not built');

  const call: ValuationHarness['call'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | undefined;
    if (opts.rawBody !== undefined) {
      payload = opts.rawBody;
      headers['content-type'] = 'application/json';
    } else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await service.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
    return testResponse(res);
  };

  return {
    service,
    auth,
    deps,
    database,
    db: database.forSchema<ValuationDatabase>('valuation'),
    transport,
    events,
    fxEvents,
    call,
    async user(email) {
      const { userId, token } = await signUpTestUser(auth, email);
      return { userId, token };
    },
    async close() {
      await service.close();
      await auth.close();
      await observer.stop();
      await transport.close();
      await database.close();
    },
  };
}

/** Waits until `predicate` holds (events arrive through the relay, a moment after commit). */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Every row of the valuation tables and how many events were published, once the relay has
 * drained the outbox: comparing two snapshots proves a rejected request wrote nothing and
 * announced nothing.
 */
export async function snapshot(h: ValuationHarness): Promise<Record<string, unknown>> {
  const outbox = h.db as unknown as Kysely<{ outbox: { id: string } }>;
  const end = Date.now() + 5000;
  let seen = -1;
  for (;;) {
    const pending = await outbox.selectFrom('outbox').select('id').execute();
    if (pending.length === 0 && h.events.length === seen) break;
    if (Date.now() > end) throw new Error('the outbox did not drain');
    seen = h.events.length;
    await new Promise((r) => setTimeout(r, 15));
  }
  const db = h.db;
  return {
    instruments: await db.selectFrom('instruments').selectAll().orderBy('id').execute(),
    prices: await db.selectFrom('prices').selectAll().orderBy('instrument_id').orderBy('date').execute(),
    quotes: await db.selectFrom('quotes').selectAll().orderBy('instrument_id').execute(),
    eventsPublished: h.events.length,
  };
}
