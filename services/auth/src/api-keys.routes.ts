import {
  accessTokenDto,
  apiKeyListDto,
  createApiKeyBody,
  createdApiKeyDto,
  idParams,
  tokenExchangeBody,
} from '@meridian/contracts';
import { authenticate, requireUser, type App } from '@meridian/platform';
import { createApiKey, deleteOwnApiKey, exchangeApiKey, listOwnApiKeys } from './api-keys.service.js';
import type { AuthDeps } from './deps.js';
import { clientMeta } from './http.js';

export function apiKeyRoutes(app: App, deps: AuthDeps): void {
  const auth = authenticate(deps.verifier);
  const security = [{ bearer: [] }];

  app.post(
    '/api-keys',
    {
      onRequest: auth,
      schema: { summary: 'Create a personal API key (shown once)', security, body: createApiKeyBody, response: { 201: createdApiKeyDto } },
    },
    async (request, reply) => reply.status(201).send(await createApiKey(deps, requireUser(request), request.body)),
  );

  app.get(
    '/api-keys',
    { onRequest: auth, schema: { summary: 'Personal API keys', security, response: { 200: apiKeyListDto } } },
    async (request) => ({ apiKeys: await listOwnApiKeys(deps, requireUser(request)) }),
  );

  app.delete(
    '/api-keys/:id',
    { onRequest: auth, schema: { summary: 'Revoke a personal API key', security, params: idParams } },
    async (request, reply) => {
      await deleteOwnApiKey(deps, requireUser(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/token',
    { schema: { summary: 'Exchange an API key for an access token', body: tokenExchangeBody, response: { 200: accessTokenDto } } },
    async (request) => {
      const issued = await exchangeApiKey(deps, request.body.apiKey, clientMeta(request));
      return { accessToken: issued.token, expiresIn: issued.expiresIn, tokenType: 'Bearer' as const };
    },
  );
}
