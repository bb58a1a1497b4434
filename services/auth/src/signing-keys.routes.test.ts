import { createJwksVerifier } from '@meridian/platform';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSigningKey } from './index.js';
import { TEST_ENV, call, registerAndLogin, startAuth, testClock, type AuthHarness } from './test/harness.js';
import { testLogger } from '@meridian/platform/testing';

describe('signing key rotation over HTTP', () => {
  let h: AuthHarness;
  const clock = testClock();
  beforeAll(async () => {
    h = await startAuth({ clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  const kids = async () => ((await call(h, 'GET', '/jwks')).json().keys as Array<{ kid: string }>).map((k) => k.kid).sort();

  it('keeps tokens of the old key valid until they expire, with both keys in the JWKS meanwhile', async () => {
    const a = await registerAndLogin(h, 'rotation@example.com');
    const oldKid = decodeProtectedHeader(a.accessToken).kid!;
    expect(await kids()).toEqual([oldKid]);

    const newKid = await h.deps.keys.rotate({ immediate: true });
    expect(await kids()).toEqual([oldKid, newKid].sort());

    const fresh = (await call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } })).json();
    expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(newKid);
    expect((await call(h, 'GET', '/me', { token: a.accessToken })).status).toBe(200);
    expect((await call(h, 'GET', '/me', { token: fresh.accessToken })).status).toBe(200);

    // Another service verifies through the published JWKS, as the gateway does.
    const remote = createJwksVerifier(`${h.url}/jwks`);
    await expect(remote.verify(a.accessToken)).resolves.toMatchObject({ userId: a.userId });
    await expect(remote.verify(fresh.accessToken)).resolves.toMatchObject({ userId: a.userId });

    clock.advance(900 + 61);
    expect(await kids()).toEqual([newKid]);
    expect((await call(h, 'GET', '/me', { token: a.accessToken })).status).toBe(401);
    expect((await call(h, 'GET', '/me', { token: fresh.accessToken })).status).toBe(200);
  });

  it('serves the JWKS with a short public cache lifetime and token responses with no-store', async () => {
    expect((await call(h, 'GET', '/jwks')).headers['cache-control']).toBe('public, max-age=60');
    const res = await call(h, 'POST', '/login', { body: { email: 'rotation@example.com', password: 'nope nope nope' } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('rotates from an operator command against the same database, keeping one current key', async () => {
    const before = await h.db.selectFrom('signing_keys').select('kid').execute();
    const kid = await rotateSigningKey({ database: h.database, env: TEST_ENV, logger: testLogger() });
    const rows = await h.db.selectFrom('signing_keys').select(['kid', 'retires_at']).execute();
    expect(rows).toHaveLength(before.length + 1);
    expect(rows.filter((r) => r.retires_at === null).map((r) => r.kid)).toEqual([kid]);
  });
});
