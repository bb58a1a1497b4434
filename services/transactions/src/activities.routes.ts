import {
  activityDto,
  activityPage,
  createActivityBody,
  createTransferBody,
  listActivitiesQuery,
  transferDto,
  updateActivityBody,
  versionDto,
} from '@meridian/contracts';
import { authenticate, type App } from '@meridian/platform';
import { z } from 'zod';
import { createActivity, createTransfer, deleteActivity, getActivity, listActivities, updateActivity } from './activities.service.js';
import type { TransactionsDeps } from './deps.js';
import { handleWrite, requireScope } from './http.js';
import { readUserVersion } from './versions.repository.js';

const idParams = z.strictObject({ id: z.uuid() });
const security = [{ bearer: [] }];

export function activityRoutes(app: App, deps: TransactionsDeps): void {
  const auth = authenticate(deps.verifier);

  app.post(
    '/activities',
    { onRequest: auth, schema: { summary: 'Record an activity', security, body: createActivityBody, response: { 201: activityDto } } },
    async (request, reply) => handleWrite(deps, request, reply, (trx, w) => createActivity(deps, trx, w, request.body)),
  );

  app.get(
    '/activities',
    { onRequest: auth, schema: { summary: 'Activities, newest first, filtered and paginated', security, querystring: listActivitiesQuery, response: { 200: activityPage } } },
    async (request) => listActivities(deps, requireScope(request, 'read').userId, request.query),
  );

  app.get(
    '/activities/:id',
    { onRequest: auth, schema: { summary: 'One activity', security, params: idParams, response: { 200: activityDto } } },
    async (request) => getActivity(deps, requireScope(request, 'read').userId, request.params.id),
  );

  app.patch(
    '/activities/:id',
    { onRequest: auth, schema: { summary: 'Change an activity', security, params: idParams, body: updateActivityBody, response: { 200: activityDto } } },
    async (request, reply) => handleWrite(deps, request, reply, (trx, w) => updateActivity(deps, trx, w, request.params.id, request.body)),
  );

  app.delete(
    '/activities/:id',
    { onRequest: auth, schema: { summary: 'Delete an activity (both legs of a transfer)', security, params: idParams } },
    async (request, reply) => handleWrite(deps, request, reply, (trx, w) => deleteActivity(deps, trx, w, request.params.id)),
  );

  app.post(
    '/transfers',
    { onRequest: auth, schema: { summary: 'Move cash or securities between two of your accounts', security, body: createTransferBody, response: { 201: transferDto } } },
    async (request, reply) => handleWrite(deps, request, reply, (trx, w) => createTransfer(deps, trx, w, request.body)),
  );

  app.get(
    '/version',
    { onRequest: auth, schema: { summary: 'Your change counter (events carry it: wait for read models with it)', security, response: { 200: versionDto } } },
    async (request) => ({ version: await readUserVersion(deps.db, requireScope(request, 'read').userId) }),
  );
}
