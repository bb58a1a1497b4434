import { jwksDto } from '@meridian/contracts';
import type { App } from '@meridian/platform';
import type { AuthDeps } from './deps.js';

export function signingKeyRoutes(app: App, deps: AuthDeps): void {
  for (const path of ['/jwks', '/.well-known/jwks.json']) {
    app.get(
      path,
      { schema: { summary: 'Public keys that verify access tokens', response: { 200: jwksDto } } },
      async (_request, reply) => {
        // Short, so a key published ahead of its activation is seen before tokens carry it.
        void reply.header('cache-control', 'public, max-age=60');
        const { keys } = await deps.keys.jwks();
        return { keys: keys.map((k) => ({ ...k })) };
      },
    );
  }
}
