import { oidcExchangeBody, tokenPairDto } from '@meridian/contracts';
import type { App } from '@meridian/platform';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthDeps } from './deps.js';
import { clientMeta } from './http.js';
import { OidcCallbackError, completeOidc, exchangeOidcCode, requireOidc, startOidc } from './oidc.service.js';

/** The HttpOnly cookie that binds a sign-in flow to the browser that began it. */
export const BINDING_COOKIE = 'meridian_oidc';

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Scoped to the folder of the redirect URI as the browser sees it (e.g. `/api/auth/oidc`). */
function cookieAttributes(redirectUri: URL, maxAge: number): string {
  const path = redirectUri.pathname.replace(/\/[^/]*$/, '') || '/';
  const secure = redirectUri.protocol === 'https:' ? '; Secure' : '';
  return `Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
}

function withFragment(base: string, params: Record<string, string>): string {
  return `${base.split('#')[0]}#${new URLSearchParams(params).toString()}`;
}

// Providers add their own parameters (iss, session_state, scope…): accept any, read ours.
const callbackQuery = z.looseObject({
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
});

export function oidcRoutes(app: App, deps: AuthDeps): void {
  app.get(
    '/oidc/start',
    { schema: { summary: 'Begin sign-in with the identity provider (302)' } },
    async (_request, reply) => {
      const { location, binding } = await startOidc(deps);
      const redirectUri = requireOidc(deps).settings.redirectUri;
      void reply.header('set-cookie', `${BINDING_COOKIE}=${binding}; ${cookieAttributes(redirectUri, 600)}`);
      return reply.redirect(location, 302);
    },
  );

  app.get(
    '/oidc/callback',
    { schema: { summary: 'Where the identity provider returns the browser (302 to the web app)', querystring: callbackQuery } },
    async (request, reply) => {
      const oidc = requireOidc(deps);
      const back = oidc.settings.postLoginUrl;
      const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      try {
        const code = await completeOidc(deps, {
          search,
          state: request.query.state,
          error: request.query.error,
          binding: readCookie(request, BINDING_COOKIE),
        });
        // In the fragment: it never reaches a server log or a Referer header.
        return reply.redirect(withFragment(back, { code }), 302);
      } catch (err) {
        if (!(err instanceof OidcCallbackError)) throw err;
        return reply.redirect(withFragment(back, { error: err.reason }), 302);
      }
    },
  );

  app.post(
    '/oidc/exchange',
    {
      schema: {
        summary: 'Trade the one-time sign-in code for tokens',
        body: oidcExchangeBody,
        response: { 200: tokenPairDto },
      },
    },
    async (request, reply) => {
      const pair = await exchangeOidcCode(deps, request.body, readCookie(request, BINDING_COOKIE), clientMeta(request));
      const redirectUri = requireOidc(deps).settings.redirectUri;
      void reply.header('set-cookie', `${BINDING_COOKIE}=; ${cookieAttributes(redirectUri, 0)}`);
      return pair;
    },
  );
}
