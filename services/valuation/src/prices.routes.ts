import { historyQuery, historyResponse, manualPricesBody, manualPricesResponse } from '@meridian/contracts';
import { authenticate, requireUser, type App } from '@meridian/platform';
import type { ValuationDeps } from './deps.js';
import { symbolParams } from './instruments.routes.js';
import { getHistory, putManualPrices } from './prices.service.js';

const security = [{ bearer: [] }];

export function priceRoutes(app: App, deps: ValuationDeps): void {
  const auth = authenticate(deps.verifier);

  app.put(
    '/instruments/:symbol/prices',
    {
      onRequest: auth,
      schema: {
        summary: 'Enter daily closes of your manual instrument (a JSON array; replaces closes of the same days)',
        security,
        params: symbolParams,
        body: manualPricesBody,
        response: { 200: manualPricesResponse },
      },
    },
    async (request) => {
      const stored = await putManualPrices(deps, requireUser(request).userId, request.params.symbol, request.body);
      return { symbol: request.params.symbol, stored };
    },
  );

  app.get(
    '/instruments/:symbol/history',
    {
      onRequest: auth,
      schema: { summary: 'Daily closes with their provenance', security, params: symbolParams, querystring: historyQuery, response: { 200: historyResponse } },
    },
    async (request) => getHistory(deps, requireUser(request).userId, request.params.symbol, request.query),
  );
}
