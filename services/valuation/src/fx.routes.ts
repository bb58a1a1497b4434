import { fxLatestQuery, fxLatestResponse, fxQuery, fxResponse } from '@meridian/contracts';
import { authenticate, requireUser, type App } from '@meridian/platform';
import type { ValuationDeps } from './deps.js';
import { getFxLatest, getFxSeries } from './fx.service.js';

const security = [{ bearer: [] }];

export function fxRoutes(app: App, deps: ValuationDeps): void {
  const auth = authenticate(deps.verifier);

  app.get(
    '/fx',
    { onRequest: auth, schema: { summary: 'Daily FX rates: units of `quote` per one `base`', security, querystring: fxQuery, response: { 200: fxResponse } } },
    async (request) => {
      requireUser(request);
      const { base, quote, from, to } = request.query;
      return getFxSeries(deps, base, quote, { from, to });
    },
  );

  app.get(
    '/fx/latest',
    { onRequest: auth, schema: { summary: 'Latest FX rates (`quote=USD,GBP`)', security, querystring: fxLatestQuery, response: { 200: fxLatestResponse } } },
    async (request) => {
      requireUser(request);
      return getFxLatest(deps, request.query.base, request.query.quote);
    },
  );
}
