import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { AppError, type App } from '@meridian/platform';

/** apps/web/dist of this checkout (the same from src/ and from dist/). */
export const defaultWebRoot = fileURLToPath(new URL('../../../apps/web/dist', import.meta.url));

/** A directory holding an index.html, or undefined. */
export function usableWebRoot(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  const root = path.resolve(dir);
  try {
    return statSync(root).isDirectory() && existsSync(path.join(root, 'index.html')) ? root : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the web app's build at `/`: each file by its path (the list is read once at
 * start-up, a build directory does not change under a running server), hashed assets as
 * immutable, and index.html for any other GET that is not under /api and does not name a
 * file, so the SPA's client-side routes survive a reload. Without a build, `/` says that
 * Meridian is running and links to each service's API docs and health.
 */
export async function registerWeb(app: App, root: string | undefined, services: readonly string[]): Promise<void> {
  if (!root) {
    const page = landingPage(services);
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
    return;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: ['index.html'],
    // Vite puts content-hashed files under assets/; everything else must be revalidated.
    setHeaders(reply, file) {
      const hashed = file.includes(`${path.sep}assets${path.sep}`);
      void reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split('?', 1)[0] ?? '/';
    if (pathname === '/api' || pathname.startsWith('/api/') || path.posix.extname(pathname) !== '') {
      throw new AppError('not_found', `no route for GET ${pathname}`);
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}

function landingPage(services: readonly string[]): string {
  const rows = services
    .map(
      (s) =>
        `<li><strong>${s}</strong>: <a href="/api/${s}/docs">API docs</a> · <a href="/api/${s}/health/ready">health</a></li>`,
    )
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Meridian</title>
  </head>
  <body>
    <h1>Meridian is running</h1>
    <p>The web app is not built here (build apps/web, or set MERIDIAN_WEB_ROOT). The API is served under
      <code>/api/&lt;service&gt;/…</code>; each service documents its paths without that prefix.</p>
    <p>Gateway: <a href="/health/ready">readiness</a> · <a href="/metrics">metrics</a></p>
    <ul>
      ${rows}
    </ul>
  </body>
</html>
`;
}
