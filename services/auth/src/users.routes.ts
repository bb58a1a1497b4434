import {
  changePasswordBody,
  deleteAccountBody,
  meDto,
  registerBody,
  registerResponse,
} from '@meridian/contracts';
import { authenticate, requireUser, type App } from '@meridian/platform';
import type { AuthDeps } from './deps.js';
import { clientMeta } from './http.js';
import { changePassword, deleteAccount, getMe, register } from './users.service.js';

export function userRoutes(app: App, deps: AuthDeps): void {
  const auth = authenticate(deps.verifier);

  app.post(
    '/register',
    { schema: { summary: 'Create an account', body: registerBody, response: { 201: registerResponse } } },
    async (request, reply) => {
      const user = await register(deps, request.body, clientMeta(request));
      return reply.status(201).send({ user });
    },
  );

  app.get(
    '/me',
    { onRequest: auth, schema: { summary: 'The signed-in account', security: [{ bearer: [] }], response: { 200: meDto } } },
    async (request) => getMe(deps, requireUser(request)),
  );

  app.delete(
    '/me',
    {
      onRequest: auth,
      schema: { summary: 'Delete the account and its data', security: [{ bearer: [] }], body: deleteAccountBody },
    },
    async (request, reply) => {
      await deleteAccount(deps, requireUser(request), request.body);
      return reply.status(204).send();
    },
  );

  app.post(
    '/password',
    {
      onRequest: auth,
      schema: { summary: 'Change the password (signs out other sessions)', security: [{ bearer: [] }], body: changePasswordBody },
    },
    async (request, reply) => {
      await changePassword(deps, requireUser(request), request.body);
      return reply.status(204).send();
    },
  );
}
