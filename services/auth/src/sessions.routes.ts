import { idParams, loginBody, logoutBody, refreshBody, sessionListDto, tokenPairDto } from '@meridian/contracts';
import { authenticate, bearerToken, requireUser, type App } from '@meridian/platform';
import type { AuthDeps } from './deps.js';
import { clientMeta } from './http.js';
import { login } from './login.service.js';
import { listSessions, logout, refresh, revokeOwnSession } from './sessions.service.js';

export function sessionRoutes(app: App, deps: AuthDeps): void {
  const auth = authenticate(deps.verifier);

  app.post(
    '/login',
    { schema: { summary: 'Sign in with email and password', body: loginBody, response: { 200: tokenPairDto } } },
    async (request) => login(deps, request.body, clientMeta(request)),
  );

  app.post(
    '/refresh',
    { schema: { summary: 'Rotate a refresh token', body: refreshBody, response: { 200: tokenPairDto } } },
    async (request) => refresh(deps, request.body.refreshToken, clientMeta(request)),
  );

  app.post(
    '/logout',
    { schema: { summary: 'End the session of a refresh token or of the bearer token', body: logoutBody.nullish() } },
    async (request, reply) => {
      const refreshToken = request.body?.refreshToken;
      const bearer = bearerToken(request.headers.authorization);
      const user = !refreshToken && bearer ? await deps.verifier.verify(bearer) : undefined;
      await logout(deps, { refreshToken, user });
      return reply.status(204).send();
    },
  );

  app.get(
    '/sessions',
    { onRequest: auth, schema: { summary: 'Signed-in sessions', security: [{ bearer: [] }], response: { 200: sessionListDto } } },
    async (request) => ({ sessions: await listSessions(deps, requireUser(request)) }),
  );

  app.delete(
    '/sessions/:id',
    { onRequest: auth, schema: { summary: 'Sign out a session', security: [{ bearer: [] }], params: idParams } },
    async (request, reply) => {
      await revokeOwnSession(deps, requireUser(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
