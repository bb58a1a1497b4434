import { recoveryCodesDto, totpConfirmBody, totpDisableBody, totpEnrollBody, totpEnrollDto } from '@meridian/contracts';
import { authenticate, requireUser, type App } from '@meridian/platform';
import type { AuthDeps } from './deps.js';
import { confirmTotpEnrollment, disableTotp, enrollTotp, regenerateRecoveryCodes } from './totp.service.js';

export function totpRoutes(app: App, deps: AuthDeps): void {
  const auth = authenticate(deps.verifier);
  const security = [{ bearer: [] }];

  app.post(
    '/totp/enroll',
    {
      onRequest: auth,
      schema: { summary: 'Start two-factor enrolment', security, body: totpEnrollBody.nullish(), response: { 200: totpEnrollDto } },
    },
    async (request) => enrollTotp(deps, requireUser(request), request.body?.password),
  );

  app.post(
    '/totp/confirm',
    {
      onRequest: auth,
      schema: { summary: 'Turn two-factor on with a code', security, body: totpConfirmBody, response: { 200: recoveryCodesDto } },
    },
    async (request) => ({ recoveryCodes: await confirmTotpEnrollment(deps, requireUser(request), request.body.code) }),
  );

  app.post(
    '/totp/disable',
    { onRequest: auth, schema: { summary: 'Turn two-factor off', security, body: totpDisableBody } },
    async (request, reply) => {
      await disableTotp(deps, requireUser(request), request.body);
      return reply.status(204).send();
    },
  );

  app.post(
    '/totp/recovery-codes',
    {
      onRequest: auth,
      schema: { summary: 'Replace the recovery codes', security, body: totpDisableBody, response: { 200: recoveryCodesDto } },
    },
    async (request) => ({ recoveryCodes: await regenerateRecoveryCodes(deps, requireUser(request), request.body) }),
  );
}
