import { createJobBody, idParams, jobCreatedDto, jobDto } from '@meridian/contracts';
import { authenticate, requireUser, type App } from '@meridian/platform';
import type { ComputationDeps } from './deps.js';
import type { JobRunner } from './jobs.service.js';

export function jobRoutes(app: App, deps: ComputationDeps, jobs: JobRunner): void {
  const auth = authenticate(deps.verifier);
  const security = [{ bearer: [] }];

  app.post(
    '/jobs',
    {
      onRequest: auth,
      schema: { summary: 'Start a background computation (projection, optimisation or what-if)', security, body: createJobBody, response: { 202: jobCreatedDto } },
    },
    async (request, reply) => reply.status(202).send(await jobs.create(requireUser(request).userId, request.body.kind, request.body.input)),
  );

  app.get(
    '/jobs/:id',
    { onRequest: auth, schema: { summary: 'A job of yours: status, progress 0..1, result when done', security, params: idParams, response: { 200: jobDto } } },
    async (request) => jobs.get(requireUser(request).userId, request.params.id),
  );
}
