import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './test/fixtures.js';

describe('personal API keys (bearer mrd_…)', () => {
  let stack: Stack;
  const userId = randomUUID();
  const apiKey = `mrd_${randomUUID().replace(/-/g, '')}`;

  beforeAll(async () => {
    stack = await startStack();
    stack.auth.apiKeys.set(apiKey, userId);
  });
  afterAll(() => stack.close());

  const call = (key: string, path = '/api/portfolio/holdings') =>
    fetch(`${stack.gateway.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('exchanges the key for an access token and forwards that token, never the key', async () => {
    const res = await call(apiKey);
    expect(res.status).toBe(200);
    const forwarded = stack.portfolio.hits.at(-1)?.headers.authorization;
    expect(forwarded).toMatch(/^Bearer ey/);
    expect(forwarded).not.toContain(apiKey);
    const exchange = stack.auth.hits.find((h) => h.url === '/token');
    expect(JSON.parse(exchange?.body ?? '{}')).toEqual({ apiKey });
  });

  it('identifies the key’s user: the service gets a token for that user', async () => {
    const res = await call(apiKey, '/api/auth/me');
    expect(await res.json()).toMatchObject({ id: userId });
  });

  it('exchanges a key once and answers later requests from the cache', async () => {
    const before = stack.auth.exchanges;
    await Promise.all(Array.from({ length: 20 }, () => call(apiKey)));
    expect(stack.auth.exchanges).toBe(before);
  });

  it('shares one exchange between concurrent first uses of a new key', async () => {
    const fresh = `mrd_${randomUUID().replace(/-/g, '')}`;
    stack.auth.apiKeys.set(fresh, randomUUID());
    const before = stack.auth.exchanges;
    const statuses = await Promise.all(Array.from({ length: 10 }, async () => (await call(fresh)).status));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(stack.auth.exchanges).toBe(before + 1);
  });

  it('keeps only a hash of the key in the cache', async () => {
    const fresh = `mrd_${randomUUID().replace(/-/g, '')}`;
    stack.auth.apiKeys.set(fresh, randomUUID());
    await call(fresh);
    const hashed = createHash('sha256').update(fresh).digest('base64url');
    expect(await stack.store.get(`gateway:apikey:${hashed}`)).toContain('accessToken');
    expect(await stack.store.get(`gateway:apikey:${fresh}`)).toBeUndefined();
  });

  it('answers an unknown key with 401 invalid_token and does not ask again for a while', async () => {
    const unknown = `mrd_${randomUUID().replace(/-/g, '')}`;
    const hits = stack.portfolio.hits.length;
    const before = stack.auth.exchanges;
    const first = await call(unknown);
    expect(first.status).toBe(401);
    expect(((await first.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
    const second = await call(unknown);
    expect(second.status).toBe(401);
    expect(stack.auth.exchanges).toBe(before + 1);
    expect(stack.portfolio.hits.length).toBe(hits);
  });
});
