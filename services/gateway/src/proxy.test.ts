import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, startUpstream, type Stack } from './test/fixtures.js';

interface Echo {
  service: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

describe('routing /api/<service>/… to the services', () => {
  let stack: Stack;
  let token: string;
  let deadUrl: string;

  beforeAll(async () => {
    // A service that was started and stopped: its port refuses connections.
    const dead = await startUpstream('dead');
    deadUrl = dead.url;
    await dead.close();
    stack = await startStack({
      env: { MERIDIAN_UPSTREAM_TIMEOUT_MS: '300', MERIDIAN_BODY_LIMIT: '2048', MERIDIAN_UPLOAD_BODY_LIMIT: '3072' },
      extraServices: { dead: deadUrl },
    });
    token = await stack.token();
  });
  afterAll(() => stack.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.gateway.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  it('strips the /api/<service> prefix and keeps the query', async () => {
    const res = await get('/api/portfolio/holdings/AAPL?from=2024-01-01&to=2024-12-31');
    expect(res.status).toBe(200);
    const echo = (await res.json()) as Echo;
    expect(echo.service).toBe('portfolio');
    expect(echo.url).toBe('/holdings/AAPL?from=2024-01-01&to=2024-12-31');
  });

  it('routes /api/auth/me to the auth service as /me', async () => {
    const res = await get('/api/auth/me');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ email: 'ada@example.com' });
    expect(stack.auth.hits.at(-1)?.url).toBe('/me');
  });

  it('forwards a POST body and the method unchanged', async () => {
    const res = await fetch(`${stack.gateway.url}/api/portfolio/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: 'AAPL', quantity: '1.5' }),
    });
    const echo = (await res.json()) as Echo;
    expect(echo.method).toBe('POST');
    expect(JSON.parse(echo.body ?? '')).toEqual({ symbol: 'AAPL', quantity: '1.5' });
  });

  it('passes the upstream status and body through', async () => {
    const res = await get('/api/auth/me', { authorization: `Bearer ${await stack.token({ sub: '6b1f7f0e-4b9a-4f8e-9d55-0d4a4f1c2a11' })}` });
    expect(await res.json()).toMatchObject({ id: '6b1f7f0e-4b9a-4f8e-9d55-0d4a4f1c2a11' });
  });

  it('passes large and chunked bodies through intact', async () => {
    const big = await get('/api/portfolio/bytes/300000');
    expect(big.headers.get('content-length')).toBe('300000');
    expect((await big.text()).length).toBe(300_000);
    const small = await get('/api/portfolio/bytes/10');
    expect(await small.text()).toBe('bbbbbbbbbb');
    const chunked = await get('/api/portfolio/chunked/250000');
    expect(chunked.headers.get('content-length')).toBeNull();
    const text = await chunked.text();
    expect(text.length).toBe(250_000);
    expect(/^c+$/.test(text)).toBe(true);
  });

  it('answers a HEAD like the service does, without a body', async () => {
    const res = await fetch(`${stack.gateway.url}/api/portfolio/bytes/100`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('100');
    expect(await res.text()).toBe('');
  });

  it('answers an unknown service with 404 not_found', async () => {
    const res = await get('/api/nope/things');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('refuses a path that climbs out of the service with ..', async () => {
    const before = stack.portfolio.hits.length;
    const res = await get('/api/portfolio/health/..%2F..%2Fadmin');
    expect(res.status).toBe(400);
    expect(stack.portfolio.hits.length).toBe(before);
  });

  it('answers 503 unavailable with the error body when the service is down', async () => {
    const res = await get('/api/dead/anything');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'unavailable', message: 'dead service is unavailable' } });
  });

  it('answers 504 gateway_timeout when the service does not answer in time', async () => {
    const res = await get('/api/portfolio/hang');
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('gateway_timeout');
  });

  it('answers 413 for a body over MERIDIAN_BODY_LIMIT before the service sees it', async () => {
    const before = stack.portfolio.hits.length;
    const res = await fetch(`${stack.gateway.url}/api/portfolio/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: 'x'.repeat(4096),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(stack.portfolio.hits.length).toBe(before);
  });

  it('lets an upload to /imports be larger than other bodies, up to MERIDIAN_UPLOAD_BODY_LIMIT', async () => {
    const send = (path: string) =>
      fetch(`${stack.gateway.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: 'z'.repeat(2500),
      });
    expect((await send('/api/portfolio/imports/csv')).status).toBe(200);
    expect((await send('/api/portfolio/orders')).status).toBe(413);
  });

  it('answers 413 for a chunked body that grows past the limit', async () => {
    async function* chunks() {
      for (let i = 0; i < 8; i++) yield Buffer.alloc(1024, 'y');
    }
    const res = await request(`${stack.gateway.url}/api/portfolio/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: Readable.from(chunks()),
    });
    expect(res.statusCode).toBe(413);
    expect(((await res.body.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('passes the request id through and sends a child span of the caller’s trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await get('/api/portfolio/trace', {
      'x-request-id': 'req-from-client-1',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(res.headers.get('x-request-id')).toBe('req-from-client-1');
    const echo = (await res.json()) as Echo;
    expect(echo.headers['x-request-id']).toBe('req-from-client-1');
    const [version, upstreamTrace, parentSpan, flags] = echo.headers.traceparent?.split('-') ?? [];
    expect(version).toBe('00');
    expect(upstreamTrace).toBe(traceId);
    expect(parentSpan).toMatch(/^[0-9a-f]{16}$/);
    expect(parentSpan).not.toBe('00f067aa0ba902b7');
    expect(flags).toBe('01');
    // The client sees the gateway's span, not the service's.
    expect(res.headers.get('traceparent')?.split('-')[1]).toBe(traceId);
  });

  it('generates a request id when the client sends none and gives it to the service', async () => {
    const res = await get('/api/portfolio/ids');
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await res.json()) as Echo).headers['x-request-id']).toBe(id);
  });

  it('tells the service who the client is with X-Forwarded-* and ignores a forged X-Forwarded-For', async () => {
    const res = await get('/api/portfolio/who', { 'x-forwarded-for': '203.0.113.9' });
    const echo = (await res.json()) as Echo;
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).toBe('http');
  });

  it('counts proxied requests by route and upstream latency by service in /metrics', async () => {
    await get('/api/portfolio/holdings');
    const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/api\/portfolio\/\*"[^}]*status="200"/);
    expect(text).toMatch(/gateway_upstream_duration_seconds_count\{[^}]*service="portfolio"[^}]*status="200"/);
    expect(text).toMatch(/gateway_upstream_duration_seconds_count\{[^}]*service="dead"[^}]*status="error"/);
  });
});
