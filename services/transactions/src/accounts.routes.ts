import {
  accountDto,
  accountList,
  accountListQuery,
  balancesDto,
  balancesQuery,
  createAccountBody,
  deleteAccountQuery,
  updateAccountBody,
} from '@meridian/contracts';
import { authenticate, type App } from '@meridian/platform';
import { z } from 'zod';
import { accountBalances, createAccount, deleteAccount, getAccount, listAccounts, updateAccount } from './accounts.service.js';
import type { TransactionsDeps } from './deps.js';
import { handleWrite, requireScope } from './http.js';

const idParams = z.strictObject({ id: z.uuid() });
const security = [{ bearer: [] }];

export function accountRoutes(app: App, deps: TransactionsDeps): void {
  const auth = authenticate(deps.verifier);

  app.post(
    '/accounts',
    { onRequest: auth, schema: { summary: 'Open an account', security, body: createAccountBody, response: { 201: accountDto } } },
    async (request, reply) => handleWrite(deps, request, reply, (trx, w) => createAccount(deps, trx, w, request.body)),
  );

  app.get(
    '/accounts',
    { onRequest: auth, schema: { summary: 'The accounts (archived ones with includeArchived=true)', security, querystring: accountListQuery, response: { 200: accountList } } },
    async (request) => ({ items: await listAccounts(deps, requireScope(request, 'read').userId, request.query.includeArchived) }),
  );

  app.get(
    '/accounts/:id',
    { onRequest: auth, schema: { summary: 'One account', security, params: idParams, response: { 200: accountDto } } },
    async (request) => getAccount(deps, requireScope(request, 'read').userId, request.params.id),
  );

  app.patch(
    '/accounts/:id',
    { onRequest: auth, schema: { summary: 'Change an account (archived: false unarchives)', security, params: idParams, body: updateAccountBody, response: { 200: accountDto } } },
    async (request, reply) => handleWrite(deps, request, reply, (trx, w) => updateAccount(deps, trx, w, request.params.id, request.body)),
  );

  app.delete(
    '/accounts/:id',
    {
      onRequest: auth,
      schema: {
        summary: 'Archive an account (permanent=true deletes one without activities)',
        security,
        params: idParams,
        querystring: deleteAccountQuery,
        response: { 200: accountDto },
      },
    },
    async (request, reply) =>
      handleWrite(deps, request, reply, (trx, w) => deleteAccount(deps, trx, w, request.params.id, request.query.permanent)),
  );

  app.get(
    '/accounts/:id/balances',
    { onRequest: auth, schema: { summary: 'Positions and cash at the end of a day', security, params: idParams, querystring: balancesQuery, response: { 200: balancesDto } } },
    async (request) => accountBalances(deps, requireScope(request, 'read').userId, request.params.id, request.query.date),
  );
}
