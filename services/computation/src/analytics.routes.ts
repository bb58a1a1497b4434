import { optimisationInput, optimisationResult, projectionInput, projectionResult, whatIfInput, whatIfResult } from '@meridian/contracts';
import { authenticate, requireUser, type App } from '@meridian/platform';
import { checkInput, compute } from './computation.js';
import type { ComputationDeps } from './deps.js';

/** Synchronous endpoints for requests small enough to wait for; they still run on the worker pool. */
export function analyticsRoutes(app: App, deps: ComputationDeps): void {
  const auth = authenticate(deps.verifier);
  const security = [{ bearer: [] }];

  app.post(
    '/projections',
    { onRequest: auth, schema: { summary: 'Monte Carlo projection with percentile bands', security, body: projectionInput, response: { 200: projectionResult } } },
    async (request) => {
      requireUser(request);
      checkInput('projection', request.body);
      return compute(deps.pool, 'projection', request.body);
    },
  );

  app.post(
    '/optimisations',
    {
      onRequest: auth,
      schema: { summary: 'Minimum variance, maximum Sharpe and the efficient frontier', security, body: optimisationInput, response: { 200: optimisationResult } },
    },
    async (request) => {
      requireUser(request);
      checkInput('optimisation', request.body);
      return compute(deps.pool, 'optimisation', request.body);
    },
  );

  app.post(
    '/what-if',
    { onRequest: auth, schema: { summary: 'Allocation and risk before and after a proposed trade', security, body: whatIfInput, response: { 200: whatIfResult } } },
    async (request) => {
      requireUser(request);
      return compute(deps.pool, 'what-if', request.body);
    },
  );
}
