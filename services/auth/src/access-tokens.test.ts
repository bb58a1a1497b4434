import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@meridian/platform';
import { SignJWT, generateKeyPair, decodeProtectedHeader, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth, type AuthHarness } from './test/harness.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  let h: AuthHarness;
  let userId: string;
  let token: string;

  beforeAll(async () => {
    h = await startAuth();
    const reg = await h.service.app.inject({
      method: 'POST',
      url: '/register',
      payload: { email: 'tokens@example.com', password: 'tangerine kayak forest' },
    });
    userId = reg.json<{ user: { id: string } }>().user.id;
    const login = await h.service.app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'tokens@example.com', password: 'tangerine kayak forest' },
    });
    token = login.json<{ accessToken: string }>().accessToken;
  });
  afterAll(async () => {
    await h?.close();
  });

  const verify = (t: string) => h.service.ctx.verifier.verify(t);
  const me = (t: string) =>
    h.service.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${t}` } });

  it('carries sub, email, sid, scope, iat, exp, jti and a kid of a key in the JWKS', async () => {
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({
      iss: ACCESS_TOKEN_ISSUER,
      aud: ACCESS_TOKEN_AUDIENCE,
      sub: userId,
      email: 'tokens@example.com',
      sid: expect.any(String),
      scope: 'read write trade',
      jti: expect.any(String),
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    const jwks = (await h.service.app.inject({ method: 'GET', url: '/jwks' })).json<{ keys: Array<{ kid: string }> }>();
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    const verified = await verify(token);
    expect(verified).toMatchObject({ userId, email: 'tokens@example.com', scopes: ['read', 'write', 'trade'] });
  });

  it('serves the same JWKS at /.well-known/jwks.json, public halves only', async () => {
    const a = (await h.service.app.inject({ method: 'GET', url: '/jwks' })).json<{ keys: Array<Record<string, unknown>> }>();
    const b = (await h.service.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    expect(b).toEqual(a);
    for (const key of a.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('rejects a token whose payload was tampered with', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = [header, b64({ ...claims, email: 'admin@example.com' }), signature].join('.');
    await expect(verify(forged)).rejects.toMatchObject({ code: 'invalid_token' });
    expect((await me(forged)).statusCode).toBe(401);
  });

  it('rejects a token with a flipped signature bit', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const sig = Buffer.from(signature, 'base64url');
    sig[0]! ^= 1;
    await expect(verify([header, payload, sig.toString('base64url')].join('.'))).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('rejects an unsigned alg:none token', async () => {
    const header = decodeProtectedHeader(token);
    const payload = token.split('.')[1]!;
    const none = `${b64({ alg: 'none', typ: 'JWT', kid: header.kid })}.${payload}.`;
    await expect(verify(none)).rejects.toMatchObject({ code: 'invalid_token' });
    expect((await me(none)).statusCode).toBe(401);
  });

  it('rejects an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const header = decodeProtectedHeader(token);
    const jwks = (await h.service.app.inject({ method: 'GET', url: '/jwks' })).json<{ keys: Array<{ x: string }> }>();
    const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const hs = await new SignJWT({ email: 'tokens@example.com', sid: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: header.kid! })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(secret);
    await expect(verify(hs)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('rejects a well-formed token signed by a key it does not know, even under a known kid', async () => {
    const header = decodeProtectedHeader(token);
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const sign = (kid: string | undefined, key: CryptoKey) =>
      new SignJWT({ email: 'tokens@example.com' })
        .setProtectedHeader(kid ? { alg: 'EdDSA', kid } : { alg: 'EdDSA' })
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(key);
    await expect(verify(await sign(header.kid, privateKey))).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(verify(await sign('some-other-kid', privateKey))).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(verify(await sign(undefined, privateKey))).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('rejects an expired token signed with the current key', async () => {
    const { kid, key } = await h.deps.keys.signingKey();
    const iat = Math.floor(Date.now() / 1000) - 3600;
    const old = await new SignJWT({ email: 'tokens@example.com', sid: 'x' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(userId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 900)
      .sign(key);
    await expect(verify(old)).rejects.toMatchObject({ code: 'invalid_token', message: 'access token expired' });
    expect((await me(old)).statusCode).toBe(401);
  });

  it('rejects a token for another audience or issuer signed with the real key', async () => {
    // Sign with the service's own current key through its store, changing only the audience.
    const { kid, key } = await h.deps.keys.signingKey();
    const base = () =>
      new SignJWT({ email: 'tokens@example.com' })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime('10m');
    const otherAudience = await base().setIssuer(ACCESS_TOKEN_ISSUER).setAudience('someone-else').sign(key);
    const otherIssuer = await base().setIssuer('evil').setAudience(ACCESS_TOKEN_AUDIENCE).sign(key);
    const good = await base().setIssuer(ACCESS_TOKEN_ISSUER).setAudience(ACCESS_TOKEN_AUDIENCE).sign(key);
    await expect(verify(otherAudience)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(verify(otherIssuer)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(verify(good)).resolves.toMatchObject({ userId });
  });
});
