import { createAuthService } from '@meridian/auth';
import { signUpTestUser, TEST_AUTH_ENV } from '@meridian/auth/testing';
import { createMemoryTransport, runService, type Database, type RunningService, type Transport } from '@meridian/platform';
import { createTestDatabase, testLogger, type TestDatabaseKind, testResponse, type TestResponse } from '@meridian/platform/testing';
import { createTransactionsService } from '@meridian/transactions';
import { createValuationService } from '@meridian/valuation';
import WebSocket from 'ws';
import type { PortfolioDeps } from '../deps.js';
import { createPortfolioService } from '../index.js';

/** Cheap argon2, silent logs, no background quote refresh. */
export const TEST_ENV: Record<string, string> = {
  ...TEST_AUTH_ENV,
  MERIDIAN_DOCS: 'false',
  MERIDIAN_VALUATION_REFRESH_SECONDS: '0',
  MERIDIAN_VALUATION_BACKFILL_YEARS: '3',
};

/** A response as tests read it. */
export type Response = TestResponse;

export interface PortfolioHarness {
  auth: RunningService;
  transactions: RunningService;
  valuation: RunningService;
  portfolio: RunningService;
  deps: PortfolioDeps;
  database: Database;
  transport: Transport;
  user(email: string): Promise<{ userId: string; token: string }>;
  /** `service` is the name of the one to call, as the gateway would route `/api/<service>/…`. */
  call(service: 'transactions' | 'valuation' | 'portfolio', method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, options?: { token?: string; body?: unknown }): Promise<Response>;
  live(token: string): Promise<LiveSocket>;
  close(): Promise<void>;
}

export interface LiveMessage {
  type: 'snapshot' | 'update';
  version: number;
  reason: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read any field
  summary: any;
}

export interface LiveSocket {
  messages: LiveMessage[];
  /** The first message (from index `after` on) that satisfies `predicate`. */
  next(predicate: (m: LiveMessage) => boolean, timeoutMs?: number): Promise<LiveMessage>;
  close(): void;
}

/**
 * Auth, transactions, valuation (simulated market) and portfolio on one database and one
 * in-process bus, each on its own port, as the embedded host runs them.
 */
export async function startPortfolio(options: { kind?: TestDatabaseKind } = {}): Promise<PortfolioHarness> {
  const database = await createTestDatabase(options.kind ?? 'pglite');
  const logger = testLogger();
  const transport = await createMemoryTransport({ database, logger, retryBaseMs: 10, retryMaxMs: 50 });
  const urls = new Map<string, string>();
  const common = { database, transport, env: TEST_ENV, logger, host: '127.0.0.1', port: 0, serviceUrl: (name: string) => urls.get(name), deferRelay: true };
  const auth = await runService(createAuthService(), common);
  urls.set('auth', auth.url);
  const transactions = await runService(createTransactionsService(), common);
  urls.set('transactions', transactions.url);
  const valuation = await runService(createValuationService(), common);
  urls.set('valuation', valuation.url);
  let deps: PortfolioDeps | undefined;
  const portfolio = await runService(
    createPortfolioService({
      onReady: (d) => {
        deps ??= d;
      },
    }),
    common,
  );
  urls.set('portfolio', portfolio.url);
  const all = [auth, transactions, valuation, portfolio];
  for (const s of all) s.startRelay();
  if (!deps) throw new Error('portfolio deps were not built');
  const byName = { transactions, valuation, portfolio };

  return {
    auth,
    transactions,
    valuation,
    portfolio,
    deps,
    database,
    transport,
    async user(email) {
      return signUpTestUser(auth, email);
    },
    async call(service, method, url, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      const res = await byName[service].app.inject({ method, url, headers, ...(opts.body !== undefined ? { payload: opts.body as object } : {}) });
      return testResponse(res);
    },
    async live(token) {
      const ws = new WebSocket(`${portfolio.url.replace(/^http/, 'ws')}/live?access_token=${token}`);
      const messages: LiveMessage[] = [];
      const waiters = new Set<() => void>();
      ws.on('message', (data) => {
        messages.push(JSON.parse((data as Buffer).toString('utf8')) as LiveMessage);
        for (const w of [...waiters]) w();
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
        ws.once('error', reject);
      });
      return {
        messages,
        next(predicate, timeoutMs = 10_000) {
          return new Promise((resolve, reject) => {
            const check = () => {
              const found = messages.find(predicate);
              if (!found) return;
              waiters.delete(check);
              clearTimeout(timer);
              resolve(found);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              reject(new Error(`no matching live message in time; got ${JSON.stringify(messages.map((m) => [m.type, m.version, m.reason]))}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () => ws.close(),
      };
    },
    async close() {
      for (const s of [...all].reverse()) await s.stopAccepting();
      for (const s of [...all].reverse()) await s.stopRelay();
      for (const s of [...all].reverse()) await s.close();
      await transport.close();
      await database.close();
    },
  };
}

/** `YYYY-MM-DD` of `days` ago (UTC). */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}
