import {
  createInstrumentBody,
  instrumentDto,
  instrumentSearchQuery,
  instrumentSearchResponse,
  instrumentSymbol,
  tickerSymbol,
  trackInstrumentBody,
  trackInstrumentResponse,
} from '@meridian/contracts';
import { authenticate, requireUser, type App } from '@meridian/platform';
import { z } from 'zod';
import type { ValuationDeps } from './deps.js';
import { toInstrumentDto } from './instruments.js';
import { createManualInstrument, getInstrument, searchInstruments } from './instruments.service.js';
import { trackSymbol } from './tracking.service.js';

export const symbolParams = z.object({ symbol: instrumentSymbol });
/** Only market tickers can be tracked. */
const tickerParams = z.object({ symbol: tickerSymbol });
const security = [{ bearer: [] }];

export function instrumentRoutes(app: App, deps: ValuationDeps): void {
  const auth = authenticate(deps.verifier);

  app.post(
    '/instruments',
    {
      onRequest: auth,
      schema: { summary: 'Create a manual instrument (only you see it and its prices)', security, body: createInstrumentBody, response: { 201: instrumentDto } },
    },
    async (request, reply) => reply.status(201).send(await createManualInstrument(deps, requireUser(request).userId, request.body)),
  );

  app.get(
    '/instruments',
    { onRequest: auth, schema: { summary: 'Search instruments', security, querystring: instrumentSearchQuery, response: { 200: instrumentSearchResponse } } },
    async (request) => {
      const { query, limit } = request.query;
      return { query, ...(await searchInstruments(deps, requireUser(request).userId, query, limit)) };
    },
  );

  app.get(
    '/instruments/:symbol',
    { onRequest: auth, schema: { summary: 'One instrument', security, params: symbolParams, response: { 200: instrumentDto } } },
    async (request) => getInstrument(deps, requireUser(request).userId, request.params.symbol),
  );

  app.post(
    '/instruments/:symbol/track',
    {
      onRequest: auth,
      schema: {
        summary: 'Start tracking a market symbol: store it, backfill its history, keep its quote current',
        security,
        params: tickerParams,
        body: trackInstrumentBody,
        response: { 200: trackInstrumentResponse, 201: trackInstrumentResponse },
      },
    },
    async (request, reply) => {
      requireUser(request);
      const result = await trackSymbol(deps, request.params.symbol, request.body ?? undefined);
      return reply.status(result.created ? 201 : 200).send({
        instrument: toInstrumentDto(result.instrument),
        backfilled: result.backfilled,
        historyFrom: result.instrument.history_from,
        simulated: result.instrument.data_source === 'SIMULATED',
      });
    },
  );
}
