import { AppError, type VerifiedToken } from '@meridian/platform';
import { describe, expect, it } from 'vitest';
import { cachingVerifier } from './token-cache.js';

function fakeVerifier(expiresAt: number) {
  const calls: string[] = [];
  return {
    calls,
    async verify(token: string): Promise<VerifiedToken> {
      calls.push(token);
      if (token === 'bad') throw new AppError('invalid_token', 'invalid access token');
      return { userId: `user-${token}`, email: 'a@example.com', sessionId: undefined, scopes: [], expiresAt };
    },
  };
}

describe('the verified-token cache', () => {
  it('verifies a token once and then answers from memory', async () => {
    let now = 1_000_000;
    const inner = fakeVerifier(now / 1000 + 600);
    const cache = cachingVerifier(inner, { ttlMs: 30_000, now: () => now });
    await cache.verify('a');
    now += 10_000;
    expect(cache.peek('a')?.userId).toBe('user-a');
    expect((await cache.verify('a')).userId).toBe('user-a');
    expect(inner.calls).toEqual(['a']);
  });

  it('checks the signature again once the cache time is up', async () => {
    let now = 1_000_000;
    const inner = fakeVerifier(now / 1000 + 600);
    const cache = cachingVerifier(inner, { ttlMs: 30_000, now: () => now });
    await cache.verify('a');
    now += 30_001;
    expect(cache.peek('a')).toBeUndefined();
    await cache.verify('a');
    expect(inner.calls).toEqual(['a', 'a']);
  });

  it('never keeps a token past its expiry', async () => {
    let now = 1_000_000;
    const inner = fakeVerifier(now / 1000 + 5);
    const cache = cachingVerifier(inner, { ttlMs: 30_000, now: () => now });
    await cache.verify('a');
    now += 5_000;
    expect(cache.peek('a')).toBeUndefined();
  });

  it('shares one verification between concurrent checks of the same token', async () => {
    const inner = fakeVerifier(Date.now() / 1000 + 600);
    const cache = cachingVerifier(inner, { ttlMs: 30_000 });
    await Promise.all([cache.verify('a'), cache.verify('a'), cache.verify('a')]);
    expect(inner.calls).toEqual(['a']);
  });

  it('does not remember failures', async () => {
    const inner = fakeVerifier(Date.now() / 1000 + 600);
    const cache = cachingVerifier(inner, { ttlMs: 30_000 });
    await expect(cache.verify('bad')).rejects.toThrow('invalid access token');
    await expect(cache.verify('bad')).rejects.toThrow('invalid access token');
    expect(inner.calls).toEqual(['bad', 'bad']);
  });

  it('holds at most maxEntries tokens, dropping the oldest', async () => {
    const inner = fakeVerifier(Date.now() / 1000 + 600);
    const cache = cachingVerifier(inner, { ttlMs: 30_000, maxEntries: 2 });
    await cache.verify('a');
    await cache.verify('b');
    await cache.verify('c');
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.peek('b')?.userId).toBe('user-b');
    expect(cache.peek('c')?.userId).toBe('user-c');
  });

  it('caches nothing with a ttl of 0', async () => {
    const inner = fakeVerifier(Date.now() / 1000 + 600);
    const cache = cachingVerifier(inner, { ttlMs: 0 });
    await cache.verify('a');
    await cache.verify('a');
    expect(inner.calls).toEqual(['a', 'a']);
  });
});
