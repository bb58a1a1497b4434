import type { ServiceContext, ServiceDefinition, TokenVerifier } from '@meridian/platform';
import { apiKeyRoutes } from './api-keys.routes.js';
import type { AuthDeps } from './deps.js';
import { runMaintenance } from './maintenance.js';
import { migrations } from './migrations/index.js';
import { oidcRoutes } from './oidc.routes.js';
import { createAuthDeps, type AuthRuntimeOptions } from './runtime.js';
import { sessionRoutes } from './sessions.routes.js';
import { signingKeyRoutes } from './signing-keys.routes.js';
import { totpRoutes } from './totp.routes.js';
import { userRoutes } from './users.routes.js';

const MAINTENANCE_INTERVAL_MS = 60 * 60_000;

/**
 * The auth service: accounts, sessions, tokens, two-factor, API keys, OIDC sign-in and
 * the signing keys behind the JWKS. See README.md.
 *
 * @example
 * await runService(authService, { database, transport });
 */
export function createAuthService(options: AuthRuntimeOptions = {}): ServiceDefinition {
  // The platform hands `verifier()` and `routes()` different context objects of one
  // instance, but `routes()` receives the verifier made here: it keys the instance's deps.
  const byVerifier = new WeakMap<TokenVerifier, AuthDeps>();
  const depsOf = async (ctx: ServiceContext): Promise<AuthDeps> => {
    const known = byVerifier.get(ctx.verifier);
    if (known) return known;
    const deps = await createAuthDeps(ctx, options);
    byVerifier.set(ctx.verifier, deps);
    return deps;
  };

  return {
    name: 'auth',
    description: 'Accounts, sessions, access and refresh tokens, two-factor, API keys, OIDC sign-in, JWKS',
    migrations,
    async verifier(ctx) {
      const deps = await createAuthDeps(ctx, options);
      byVerifier.set(deps.verifier, deps);
      return deps.verifier;
    },
    async routes(app, ctx) {
      const deps = await depsOf(ctx);
      // Token responses and account data must not be cached by browsers or proxies (RFC 6749 §5.1).
      app.addHook('onSend', async (_request, reply, payload) => {
        if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
        return payload;
      });
      userRoutes(app, deps);
      sessionRoutes(app, deps);
      totpRoutes(app, deps);
      apiKeyRoutes(app, deps);
      oidcRoutes(app, deps);
      signingKeyRoutes(app, deps);
    },
    async start(ctx) {
      const deps = await depsOf(ctx);
      const timer = setInterval(() => {
        runMaintenance(deps).catch((err: unknown) => deps.logger.error({ err }, 'auth maintenance failed'));
      }, MAINTENANCE_INTERVAL_MS);
      timer.unref();
      ctx.onClose(() => clearInterval(timer));
    },
    async ready(ctx) {
      const deps = await depsOf(ctx);
      return (await deps.keys.jwks()).keys.length > 0;
    },
  };
}

/** The auth service as the embedded host and `meridian start --service auth` run it. */
export const authService: ServiceDefinition = createAuthService();

export { runMaintenance } from './maintenance.js';
export { rotateSigningKey, type AuthRuntimeOptions } from './runtime.js';
