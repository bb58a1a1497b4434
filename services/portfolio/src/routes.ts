import { isoCurrency } from '@meridian/contracts';
import { formatDate, type Filter, type RangeName, type RangeSpec } from '@meridian/finance';
import { AppError, authenticate, bearerToken, requireUser, type App } from '@meridian/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { UserView } from './engine.js';
import type { PortfolioDeps } from './deps.js';
import { saveBaseCurrency } from './readmodel.repository.js';
import {
  allocationsOf,
  attributionOf,
  benchmarkOf,
  holdingOf,
  holdingsOf,
  performanceOf,
  realizedGainsCsv,
  realizedGainsOf,
  riskOf,
  summaryOf,
  yearsOf,
  type Selection,
} from './views.js';

const security = [{ bearer: [] }];
const RANGES: readonly RangeName[] = ['1D', 'WTD', 'MTD', 'YTD', '1Y', '3Y', '5Y', 'MAX'];
const day = z.iso.date();
const list = z
  .string()
  .trim()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .optional();

const versionQuery = { minVersion: z.coerce.number().int().positive().optional() };
const selectionQuery = z.object({
  ...versionQuery,
  range: z
    .string()
    .trim()
    .toUpperCase()
    .refine((r) => (RANGES as readonly string[]).includes(r) || /^\d{4}$/.test(r), { message: `expected one of ${RANGES.join(', ')} or a year such as 2023` })
    .optional(),
  from: day.optional(),
  to: day.optional(),
  accountId: z.uuid().optional(),
  assetClass: list,
  symbol: list,
});
type SelectionQuery = z.infer<typeof selectionQuery>;

function selectionOf(q: SelectionQuery, view: UserView): Selection {
  let range: RangeSpec = 'MAX';
  if (q.from || q.to) {
    if (q.range) throw new AppError('validation_failed', 'give either range or from/to, not both');
    const from = q.from ?? '1900-01-01';
    const to = q.to ?? view.asOf;
    if (from > to) throw new AppError('validation_failed', 'from must not be after to');
    if (to > view.asOf) throw new AppError('validation_failed', `to must not be after ${view.asOf}`);
    range = { from, to };
  } else if (q.range) {
    range = /^\d{4}$/.test(q.range) ? { year: Number(q.range) } : (q.range as RangeName);
  }
  const filter: Filter = {};
  if (q.accountId) {
    if (!view.accounts.has(q.accountId)) throw new AppError('not_found', 'no such account');
    filter.accounts = [q.accountId];
  }
  if (q.assetClass?.length) filter.assetClasses = q.assetClass.map((c) => c.toUpperCase());
  if (q.symbol?.length) filter.symbols = q.symbol.map((s) => s.toUpperCase());
  return { range, filter };
}

function minVersionOf(request: FastifyRequest, fromQuery: number | undefined): number | undefined {
  if (fromQuery !== undefined) return fromQuery;
  const header = request.headers['meridian-min-version'];
  if (typeof header !== 'string') return undefined;
  const n = Number(header);
  if (!Number.isSafeInteger(n) || n < 1) throw new AppError('validation_failed', 'Meridian-Min-Version must be a positive integer');
  return n;
}

/** The cache key of a read: its path and query without minVersion (the answer does not depend on it). */
function cacheKey(request: FastifyRequest): string {
  const url = request.url;
  return url.includes('minVersion') ? url.replace(/([?&])minVersion=[^&]*&?/, '$1').replace(/[?&]$/, '') : url;
}

export function portfolioRoutes(app: App, deps: PortfolioDeps): void {
  const auth = authenticate(deps.verifier);
  const { engine, market } = deps;

  const viewFor = async (request: FastifyRequest, minVersion: number | undefined): Promise<UserView> => {
    const user = requireUser(request);
    if (!user.scopes.includes('read')) throw new AppError('forbidden', 'this token lacks the "read" scope');
    return engine.view(user.userId, bearerToken(request.headers.authorization)!, minVersionOf(request, minVersion));
  };

  /** Sends a view's answer, computing and keeping it until the portfolio changes. */
  const cached = (reply: FastifyReply, view: UserView, key: string, compute: () => unknown): FastifyReply => {
    let body = view.responses.get(key);
    if (body === undefined) {
      body = JSON.stringify(compute());
      view.responses.set(key, body);
    }
    return reply.header('meridian-version', String(view.version)).type('application/json; charset=utf-8').send(body);
  };

  app.get(
    '/summary',
    { onRequest: auth, schema: { summary: 'Net worth, today’s change and totals', security, querystring: z.object(versionQuery) } },
    async (request, reply) => {
      const view = await viewFor(request, request.query.minVersion);
      return cached(reply, view, '/summary', () => summaryOf(view, market));
    },
  );

  app.get(
    '/holdings',
    { onRequest: auth, schema: { summary: 'Holdings with value, cost, gains, income and weight', security, querystring: z.object({ ...versionQuery, accountId: z.uuid().optional() }) } },
    async (request, reply) => {
      const view = await viewFor(request, request.query.minVersion);
      const { accountId } = request.query;
      if (accountId && !view.accounts.has(accountId)) throw new AppError('not_found', 'no such account');
      return cached(reply, view, cacheKey(request), () => holdingsOf(view, market, accountId));
    },
  );

  app.get(
    '/holdings/:symbol',
    {
      onRequest: auth,
      schema: { summary: 'One holding: lots, activities and daily series', security, params: z.object({ symbol: z.string().min(1).max(64) }), querystring: z.object({ ...versionQuery, accountId: z.uuid().optional() }) },
    },
    async (request, reply) => {
      const view = await viewFor(request, request.query.minVersion);
      const symbol = request.params.symbol.toUpperCase();
      const { accountId } = request.query;
      if (accountId && !view.accounts.has(accountId)) throw new AppError('not_found', 'no such account');
      return cached(reply, view, cacheKey(request), () => {
        const h = holdingOf(view, market, symbol, accountId);
        if (!h) throw new AppError('not_found', `no holding ${symbol}`);
        return h;
      });
    },
  );

  app.get(
    '/performance',
    { onRequest: auth, schema: { summary: 'TWR, XIRR, Modified Dietz and the value series of a range', security, querystring: selectionQuery } },
    async (request, reply) => {
      const view = await viewFor(request, request.query.minVersion);
      const sel = selectionOf(request.query, view);
      return cached(reply, view, cacheKey(request), () => performanceOf(view, sel));
    },
  );

  app.get(
    '/performance/years',
    { onRequest: auth, schema: { summary: 'Calendar-year returns', security, querystring: selectionQuery } },
    async (request, reply) => {
      const view = await viewFor(request, request.query.minVersion);
      const sel = selectionOf(request.query, view);
      return cached(reply, view, cacheKey(request), () => yearsOf(view, sel.filter));
    },
  );

  app.get(
    '/attribution',
    { onRequest: auth, schema: { summary: 'Return split into price, income, currency, fees and taxes', security, querystring: selectionQuery } },
    async (request, reply) => {
      const view = await viewFor(request, request.query.minVersion);
      const sel = selectionOf(request.query, view);
      return cached(reply, view, cacheKey(request), () => attributionOf(view, sel));
    },
  );

  app.get(
    '/allocations',
    { onRequest: auth, schema: { summary: 'Allocation by asset class, currency, account, sector and country', security, querystring: z.object({ ...versionQuery, accountId: z.uuid().optional() }) } },
    async (request, reply) => {
      const view = await viewFor(request, request.query.minVersion);
      const { accountId } = request.query;
      if (accountId && !view.accounts.has(accountId)) throw new AppError('not_found', 'no such account');
      return cached(reply, view, cacheKey(request), () => allocationsOf(view, market, accountId));
    },
  );

  const benchmarkRows = async (request: FastifyRequest, view: UserView, symbol: string) => {
    const user = requireUser(request);
    const rows = await market.history(user.userId, bearerToken(request.headers.authorization)!, symbol, formatDate(view.portfolio.startDay), view.asOf);
    if (rows.length < 2) throw new AppError('not_found', `no price history for ${symbol}`);
    return rows;
  };

  app.get(
    '/risk',
    {
      onRequest: auth,
      schema: { summary: 'Volatility, drawdown, Sharpe, Sortino, beta and correlation', security, querystring: selectionQuery.extend({ benchmark: z.string().trim().toUpperCase().min(1).max(64).optional() }) },
    },
    async (request, reply) => {
      const view = await viewFor(request, request.query.minVersion);
      const sel = selectionOf(request.query, view);
      const { benchmark } = request.query;
      const rows = benchmark ? await benchmarkRows(request, view, benchmark) : null;
      return cached(reply, view, cacheKey(request), () => riskOf(view, sel, rows));
    },
  );

  app.get(
    '/benchmark',
    {
      onRequest: auth,
      schema: { summary: 'The portfolio against any instrument over the same range', security, querystring: selectionQuery.extend({ symbol: z.string().trim().toUpperCase().min(1).max(64) }) },
    },
    async (request, reply) => {
      const view = await viewFor(request, request.query.minVersion);
      const sel = selectionOf({ ...request.query, symbol: undefined }, view);
      const rows = await benchmarkRows(request, view, request.query.symbol);
      return cached(reply, view, cacheKey(request), () => benchmarkOf(view, sel, request.query.symbol, rows));
    },
  );

  app.get(
    '/realized-gains',
    {
      onRequest: auth,
      schema: {
        summary: 'Realised gains per tax year and per lot (CSV with format=csv)',
        security,
        querystring: z.object({
          ...versionQuery,
          format: z.enum(['json', 'csv']).default('json'),
          taxYearStart: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected MM-DD, e.g. 04-06').optional(),
          accountId: z.uuid().optional(),
        }),
      },
    },
    async (request, reply) => {
      const view = await viewFor(request, request.query.minVersion);
      const { format, taxYearStart, accountId } = request.query;
      if (accountId && !view.accounts.has(accountId)) throw new AppError('not_found', 'no such account');
      const result = realizedGainsOf(view, taxYearStart, accountId);
      if (format === 'csv') {
        return reply
          .header('content-disposition', 'attachment; filename="realized-gains.csv"')
          .type('text/csv; charset=utf-8')
          .send(realizedGainsCsv(result));
      }
      return reply.header('meridian-version', String(view.version)).send(result);
    },
  );

  app.get('/version', { onRequest: auth, schema: { summary: 'The last transactions version applied for the caller', security } }, async (request) => {
    const user = requireUser(request);
    const held = engine.peek(user.userId);
    const stored = await deps.readVersion(user.userId);
    return { version: Math.max(held?.version ?? 0, stored) };
  });

  app.get('/settings', { onRequest: auth, schema: { summary: 'Reporting preferences', security } }, async (request) => {
    const view = await viewFor(request, undefined);
    return { baseCurrency: view.baseCurrency, chosen: view.baseCurrencyChosen };
  });

  app.put(
    '/settings',
    { onRequest: auth, schema: { summary: 'Change the reporting currency', security, body: z.strictObject({ baseCurrency: isoCurrency }) } },
    async (request) => {
      const user = requireUser(request);
      if (!user.scopes.includes('write')) throw new AppError('forbidden', 'this token lacks the "write" scope');
      await saveBaseCurrency(deps.db, user.userId, request.body.baseCurrency);
      engine.invalidate(user.userId);
      const view = await engine.view(user.userId, bearerToken(request.headers.authorization)!);
      deps.notifySettings(view);
      return { baseCurrency: view.baseCurrency, chosen: true };
    },
  );
}
