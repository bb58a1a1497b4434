import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import type { App } from '@meridian/platform';
import helmet, { strictTransportSecurity } from 'helmet';

/**
 * Content Security Policy for a React SPA built by Vite and served from this origin: scripts
 * only from files of this origin (Vite emits no inline script), inline styles allowed (React
 * style props, D3), data:/blob: images for charts and exports, API and WebSocket calls to
 * this origin, no framing, no plugins. No `upgrade-insecure-requests`: a self-hosted instance
 * on plain http in a LAN would break; HSTS covers https deployments.
 */
export const contentSecurityPolicy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * helmet's headers, computed once. @fastify/helmet rebuilds helmet's middleware (and its CSP
 * string) on every request; for a fixed policy the output never changes, so the gateway
 * asks helmet once and copies the result onto each reply.
 */
export function securityHeaders(): { always: Array<[string, string]>; hsts: string } {
  const always = collectHeaders(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
      strictTransportSecurity: false,
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  const hsts = collectHeaders(strictTransportSecurity({ maxAge: 31_536_000, includeSubDomains: true }));
  return { always, hsts: hsts[0]?.[1] ?? 'max-age=31536000; includeSubDomains' };
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

function collectHeaders(middleware: Middleware): Array<[string, string]> {
  const headers = new Map<string, string>();
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
      return res;
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  middleware({ headers: {} } as IncomingMessage, res as unknown as ServerResponse, (err) => {
    if (err) throw err instanceof Error ? err : new Error('helmet failed to compute its headers');
  });
  return [...headers];
}

/** Adds the security headers to every reply; HSTS only over https (directly or per X-Forwarded-Proto from a trusted proxy). */
export function registerSecurityHeaders(app: App): void {
  const { always, hsts } = securityHeaders();
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of always) void reply.header(name, value);
    if (request.protocol === 'https') void reply.header('strict-transport-security', hsts);
    done();
  });
}

/**
 * CORS for the listed origins only. With none listed nothing is registered: browsers then
 * allow same-origin calls only, which is what the bundled web app needs.
 */
export async function registerCors(app: App, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'traceparent', 'tracestate', 'idempotency-key'],
    exposedHeaders: [
      'x-request-id',
      'traceparent',
      'retry-after',
      'ratelimit-limit',
      'ratelimit-remaining',
      'ratelimit-reset',
      'idempotent-replayed',
      'meridian-version',
    ],
    // Tokens travel in the Authorization header, never in cookies.
    credentials: false,
    maxAge: 600,
  });
}
