import { request } from 'undici';

/**
 * The gateway is ready when every service it routes to answers its own `/health/ready` with
 * 200; the body of the gateway's `/health/ready` lists each service's result.
 */
export function servicesReady(services: Record<string, string>, timeoutMs = 2_000) {
  const entries = Object.entries(services);
  return async (): Promise<Record<string, boolean>> => {
    const results = await Promise.all(entries.map(([, url]) => isReady(`${url}/health/ready`, timeoutMs)));
    return Object.fromEntries(entries.map(([name], i) => [name, results[i] ?? false]));
  };
}

async function isReady(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await request(url, {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}
