import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { createHttpApp } from './app.js';

async function makeApp(ready?: () => Promise<Record<string, boolean>>) {
  const app = await createHttpApp({
    name: 'test',
    logger: createLogger({ name: 'test', level: 'silent' }),
    metrics: createMetricsRegistry('test', { defaults: false }),
    bodyLimit: 1024,
    ...(ready ? { ready } : {}),
  });
  app.post(
    '/items',
    { schema: { body: z.strictObject({ name: z.string().min(1), qty: z.number().int() }) } },
    async (request, reply) => reply.status(201).send({ name: request.body.name }),
  );
  app.get('/boom', async () => {
    throw new Error('secret database detail');
  });
  app.get('/missing', async () => {
    throw new AppError('not_found', 'item not found');
  });
  app.get('/ctx', async (request) => ({ requestId: request.ctx.requestId, traceId: request.ctx.traceId }));
  await app.ready();
  return app;
}

describe('the HTTP app every service uses', () => {
  it('accepts a valid body', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'POST', url: '/items', payload: { name: 'a', qty: 1 } });
    expect(res.statusCode).toBe(201);
  });

  it('answers wrong types with 400 validation_failed naming the field', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'POST', url: '/items', payload: { name: 'a', qty: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(res.json().error.message).toContain('qty');
  });

  it('answers unknown fields with 400', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'POST', url: '/items', payload: { name: 'a', qty: 1, admin: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
  });

  it('answers malformed JSON with 400 bad_request', async () => {
    const app = await makeApp();
    const res = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "a",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'bad_request', message: 'request body is not valid JSON' } });
  });

  it('answers an oversized body with 413', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'POST', url: '/items', payload: { name: 'x'.repeat(5000), qty: 1 } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('answers an unsupported content type with 415', async () => {
    const app = await makeApp();
    const res = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/x-weird' },
      payload: 'x',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('maps domain errors to their status and hides unknown ones behind internal', async () => {
    const app = await makeApp();
    const missing = await app.inject({ method: 'GET', url: '/missing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: 'item not found' } });
    const boom = await app.inject({ method: 'GET', url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('secret');
    expect(boom.json().error.code).toBe('internal');
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ code: 'not_found', message: 'no route for GET /nope' });
  });

  it('keeps a given request id and trace id and echoes them', async () => {
    const app = await makeApp();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await app.inject({
      method: 'GET',
      url: '/ctx',
      headers: { 'x-request-id': 'req-123', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.json()).toEqual({ requestId: 'req-123', traceId });
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(String(res.headers.traceparent)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('reports readiness from its checks', async () => {
    let dbUp = true;
    const app = await makeApp(async () => ({ database: dbUp }));
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    dbUp = false;
    const down = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json().checks).toEqual({ database: false });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });

  it('exposes Prometheus metrics with request durations', async () => {
    const app = await makeApp();
    await app.inject({ method: 'POST', url: '/items', payload: { name: 'a', qty: 1 } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/items"[^}]*\} 1/);
  });

  it('serves the OpenAPI document generated from the zod schemas', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.paths['/items'].post.requestBody.content['application/json'].schema.required).toEqual(['name', 'qty']);
  });
});
