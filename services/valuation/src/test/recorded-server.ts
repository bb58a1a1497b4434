import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A recorded provider response: status, headers and a fixture file (or an inline body). */
export interface RecordedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A file under src/providers/fixtures/. */
  fixture?: string;
  body?: unknown;
}

export interface Route {
  /** Matched against the path (without the query). */
  path: string | RegExp;
  /** Every listed query parameter must have this value. */
  query?: Record<string, string>;
  respond: RecordedResponse | ((url: URL) => RecordedResponse);
}

export interface RecordedRequest {
  url: URL;
  headers: IncomingHttpHeaders;
}

export interface RecordedServer {
  url: string;
  requests: RecordedRequest[];
  /** Routes are tried in order; the first that matches answers. */
  routes: Route[];
  close(): Promise<void>;
}

const FIXTURES = fileURLToPath(new URL('../providers/fixtures/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

/**
 * A local HTTP server that answers like a market-data provider with recorded responses, so
 * the real client code (URL building, headers, parsing, error handling) runs against it.
 * Unmatched requests get a 404 with a JSON body, as the providers do.
 */
export async function startRecordedServer(routes: Route[] = []): Promise<RecordedServer> {
  const requests: RecordedRequest[] = [];
  const state = { routes };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ url, headers: req.headers });
    const route = state.routes.find(
      (r) =>
        (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)) &&
        Object.entries(r.query ?? {}).every(([k, v]) => url.searchParams.get(k) === v),
    );
    const response = route ? (typeof route.respond === 'function' ? route.respond(url) : route.respond) : { status: 404, body: { error: 'not found' } };
    const text = response.fixture !== undefined ? fixture(response.fixture) : typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? {});
    res.writeHead(response.status ?? 200, { 'content-type': 'application/json', ...response.headers });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get routes() {
      return state.routes;
    },
    set routes(next: Route[]) {
      state.routes = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
