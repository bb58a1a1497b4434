import { createAuthService } from '@meridian/auth';
import { signUpTestUser, TEST_AUTH_ENV } from '@meridian/auth/testing';
import { eventCatalog, type CloudEvent } from '@meridian/contracts';
import { createMemoryTransport, runService, uuidv7, type Database, type RunningService, type Transport } from '@meridian/platform';
import { createTestDatabase, testLogger, type TestDatabaseKind, testResponse, type TestResponse } from '@meridian/platform/testing';
import { createTransactionsService } from '@meridian/transactions';
import { createValuationService } from '@meridian/valuation';
import type { Kysely } from 'kysely';
import type { ExecutionDatabase } from '../database.js';
import type { Clock, ExecutionDeps } from '../deps.js';
import { createExecutionService } from '../index.js';

/** Cheap argon2, silent logs, the simulated market, no background loops (tests drive them). */
export const TEST_ENV: Record<string, string> = {
  ...TEST_AUTH_ENV,
  MERIDIAN_DOCS: 'false',
  MERIDIAN_VALUATION_REFRESH_SECONDS: '0',
  MERIDIAN_VALUATION_BACKFILL_YEARS: '1',
  MERIDIAN_EXECUTION_RECONCILE_SECONDS: '0',
  MERIDIAN_PAPER_SLIPPAGE_BPS: '0',
};

/** Wednesday 11 June 2025, 11:00 in New York: the NYSE is open. */
export const SESSION_OPEN = '2025-06-11T15:00:00Z';

export function testClock(start: string) {
  let t = Date.parse(start);
  return Object.assign(() => new Date(t), {
    set(iso: string) {
      t = Date.parse(iso);
    },
  });
}

export interface Harness {
  auth: RunningService;
  transactions: RunningService;
  valuation: RunningService;
  execution: RunningService;
  deps: ExecutionDeps;
  database: Database;
  db: Kysely<ExecutionDatabase>;
  transport: Transport;
  events: CloudEvent[];
  close(): Promise<void>;
}

/** Auth, transactions, valuation (simulated market) and execution on one database and bus, as the embedded host runs them. */
export async function startHarness(options: { kind?: TestDatabaseKind; clock?: Clock; env?: Record<string, string> } = {}): Promise<Harness> {
  const database = await createTestDatabase(options.kind ?? 'pglite');
  const transport = await createMemoryTransport({ database, logger: testLogger(), retryBaseMs: 10, retryMaxMs: 50 });
  const events: CloudEvent[] = [];
  const observer = await transport.consume(
    'execution-test-observer',
    Object.keys(eventCatalog).filter((t) => t.startsWith('execution.') || t.startsWith('transactions.activity')),
    async (raw) => {
      events.push(raw as CloudEvent);
    },
    { maxAttempts: 1 },
  );
  const env = { ...TEST_ENV, ...options.env };
  const urls = new Map<string, string>();
  const common = { database, transport, env, logger: testLogger(), host: '127.0.0.1', port: 0, serviceUrl: (name: string) => urls.get(name), deferRelay: true };
  const auth = await runService(createAuthService(), common);
  urls.set('auth', auth.url);
  const transactions = await runService(createTransactionsService(), common);
  urls.set('transactions', transactions.url);
  const valuation = await runService(createValuationService(), common);
  urls.set('valuation', valuation.url);
  let deps: ExecutionDeps | undefined;
  const execution = await runService(createExecutionService({ ...(options.clock ? { clock: options.clock } : {}), onReady: (d) => (deps = d) }), common);
  urls.set('execution', execution.url);
  const all = [auth, transactions, valuation, execution];
  for (const s of all) s.startRelay();
  if (!deps) throw new Error('execution deps were not built');
  return {
    auth,
    transactions,
    valuation,
    execution,
    deps,
    database,
    db: database.forSchema<ExecutionDatabase>('execution'),
    transport,
    events,
    async close() {
      await Promise.all(all.map((s) => s.stopAccepting()));
      for (const s of [...all].reverse()) await s.stopRelay();
      for (const s of [...all].reverse()) await s.close();
      await observer.stop();
      await transport.close();
      await database.close();
    },
  };
}

/** A response as tests read it. */
export type Response = TestResponse;

export async function call(svc: RunningService, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, token?: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await svc.app.inject({ method, url, headers, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
  return testResponse(res);
}

let users = 0;

/** A user with a USD brokerage account in the transactions service. */
export async function newTrader(h: Harness, name = 'trader', account: Record<string, unknown> = {}) {
  const user = await signUpTestUser(h.auth, `${name}-${++users}-${Date.now().toString(36)}@example.com`);
  const res = await call(h.transactions, 'POST', '/accounts', user.token, { name: 'Broker', currency: 'USD', type: 'BROKERAGE', trackCash: true, ...account });
  if (res.status !== 201) throw new Error(`account failed: ${res.status} ${res.text}`);
  const accountId = res.json().id as string;
  return {
    ...user,
    accountId,
    exec: (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) => call(h.execution, method, url, user.token, body),
    tx: (method: 'GET' | 'POST', url: string, body?: unknown) => call(h.transactions, method, url, user.token, body),
  };
}

export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Publishes an intraday price update as the valuation service would. */
export async function publishPrice(h: Harness, symbol: string, close: string): Promise<string> {
  const id = uuidv7();
  await h.transport.publish([
    {
      specversion: '1.0',
      id,
      source: 'meridian/valuation',
      type: 'valuation.prices.updated',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { kind: 'intraday', prices: [{ symbol, date: '2025-06-11', close, currency: 'USD', source: 'SIMULATED', simulated: true }] },
    },
  ]);
  return id;
}
