/** POST routes of the auth service that a client calls before it holds an access token. */
const AUTH_PUBLIC_POST = new Set(['/register', '/login', '/refresh', '/logout', '/token']);
const AUTH_PUBLIC_GET = new Set(['/jwks', '/.well-known/jwks.json']);
/** Brute-forceable credential checks get their own, stricter budget. */
const AUTH_CREDENTIAL_POST = new Set(['/login', '/register']);

export type RouteAccess = 'protected' | 'public' | 'credentials';

/**
 * Whether the gateway lets a request through without an access token. `path` is the part
 * after `/api/<service>`, without the query. Anything not listed is protected; a path the
 * upstream would normalise differently (`//x`, encoded slashes) falls to protected too, and
 * `..` segments are refused by the proxy before they reach a service.
 *
 * Public: the auth routes that issue tokens, the JWKS, the OIDC flow, every service's
 * `/health/*`, and `/docs*` (the OpenAPI documents of an open-source API are not secrets).
 */
export function routeAccess(method: string, service: string, path: string): RouteAccess {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const read = method === 'GET' || method === 'HEAD';
  if (read && (p === '/health' || p.startsWith('/health/') || p === '/docs' || p.startsWith('/docs/'))) {
    return 'public';
  }
  if (service !== 'auth') return 'protected';
  if (p === '/oidc' || p.startsWith('/oidc/')) return 'public';
  if (method === 'POST' && AUTH_PUBLIC_POST.has(p)) return AUTH_CREDENTIAL_POST.has(p) ? 'credentials' : 'public';
  if (read && AUTH_PUBLIC_GET.has(p)) return 'public';
  return 'protected';
}

/** Splits `/api/<service>/<rest>?<query>` into service and rest (rest starts with `/` or is empty). */
export function splitApiPath(url: string): { service: string; path: string } {
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  const slash = pathname.indexOf('/', 5); // after "/api/"
  if (slash === -1) return { service: pathname.slice(5), path: '' };
  return { service: pathname.slice(5, slash), path: pathname.slice(slash) };
}
