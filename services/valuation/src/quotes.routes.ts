import { providerStatusResponse, quotesQuery, quotesResponse } from '@meridian/contracts';
import { authenticate, requireUser, type App } from '@meridian/platform';
import type { ValuationDeps } from './deps.js';
import { getQuotes } from './quotes.service.js';

const security = [{ bearer: [] }];

export function quoteRoutes(app: App, deps: ValuationDeps): void {
  const auth = authenticate(deps.verifier);

  app.get(
    '/quotes',
    { onRequest: auth, schema: { summary: 'Latest quotes (`symbols=A,B`)', security, querystring: quotesQuery, response: { 200: quotesResponse } } },
    async (request) => getQuotes(deps, requireUser(request).userId, request.query.symbols),
  );

  app.get(
    '/providers',
    { onRequest: auth, schema: { summary: 'The market-data provider chain and its circuit states', security, response: { 200: providerStatusResponse } } },
    async (request) => {
      requireUser(request);
      return { providers: deps.chain.status(), simulated: deps.chain.simulated };
    },
  );
}
