import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, call, eventually, registerAndLogin, snapshot, startAuth, type AuthHarness } from './test/harness.js';
import { signInAtProvider, startTestProvider, type TestProvider } from './test/oidc-provider.js';

// As the browser sees it: through the gateway, where the prefix /api/auth is stripped.
const REDIRECT_URI = 'http://127.0.0.1:5173/api/auth/oidc/callback';
const POST_LOGIN = 'http://127.0.0.1:5173/login/oidc';

describe('sign-in with an external OpenID Connect provider (oidc-provider on loopback)', () => {
  let provider: TestProvider;
  let h: AuthHarness;

  beforeAll(async () => {
    provider = await startTestProvider({ clientId: 'meridian', clientSecret: 'meridian-test-secret', redirectUri: REDIRECT_URI });
    h = await startAuth({
      env: {
        MERIDIAN_OIDC_ISSUER: provider.issuer,
        MERIDIAN_OIDC_CLIENT_ID: 'meridian',
        MERIDIAN_OIDC_CLIENT_SECRET: 'meridian-test-secret',
        MERIDIAN_OIDC_REDIRECT_URI: REDIRECT_URI,
        MERIDIAN_OIDC_POST_LOGIN_URL: POST_LOGIN,
        MERIDIAN_OIDC_ALLOW_HTTP: 'true',
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await provider?.close();
  });

  /** /oidc/start → the provider's pages → /oidc/callback, as a browser would. */
  async function signIn(loginId: string, options: { cookie?: (binding: string) => string } = {}) {
    const start = await call(h, 'GET', '/oidc/start');
    expect(start.status).toBe(302);
    const authorize = new URL(String(start.headers.location));
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    const setCookie = String(start.headers['set-cookie']);
    expect(setCookie).toMatch(/^meridian_oidc=[A-Za-z0-9_-]{43}; Path=\/api\/auth\/oidc; Max-Age=600; HttpOnly; SameSite=Lax$/);
    const binding = setCookie.slice('meridian_oidc='.length, setCookie.indexOf(';'));
    const cookie = options.cookie ? options.cookie(binding) : `meridian_oidc=${binding}`;

    const back = await signInAtProvider(authorize.href, loginId, REDIRECT_URI);
    const callback = await call(h, 'GET', `/oidc/callback${back.search}`, { headers: { cookie } });
    expect(callback.status).toBe(302);
    const location = String(callback.headers.location);
    expect(location.startsWith(`${POST_LOGIN}#`)).toBe(true);
    return { result: new URLSearchParams(location.split('#')[1]), cookie, callbackSearch: back.search };
  }

  const exchange = (code: string, cookie: string, totp?: string) =>
    call(h, 'POST', '/oidc/exchange', { body: { code, ...(totp ? { totp } : {}) }, headers: { cookie } });

  it('creates an account for a new identity, hands the browser a one-time code and trades it for tokens', async () => {
    provider.accounts.set('sub-carol', { email: 'Carol@Example.com', emailVerified: true });
    const { result, cookie } = await signIn('sub-carol');
    const code = result.get('code');
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const res = await exchange(code!, cookie);
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toMatch(/^meridian_oidc=; .*Max-Age=0/);
    const pair = res.json();
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const me = (await call(h, 'GET', '/me', { token: pair.accessToken })).json();
    expect(me).toMatchObject({ email: 'carol@example.com', hasPassword: false });
    const identity = await h.db.selectFrom('identities').selectAll().where('user_id', '=', me.id).executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ issuer: provider.issuer, subject: 'sub-carol' });
    await eventually(() => h.events.some((e) => e.type === 'auth.user.registered' && e.subject === me.id));
    const sessions = (await call(h, 'GET', '/sessions', { token: pair.accessToken })).json().sessions;
    expect(sessions[0]).toMatchObject({ method: 'oidc', current: true });

    // The code is spent.
    const again = await exchange(code!, cookie);
    expect(again.status).toBe(401);
  });

  it('signs the same identity into the same account next time', async () => {
    const first = await signIn('sub-carol');
    const a = (await exchange(first.result.get('code')!, first.cookie)).json();
    const idA = (await call(h, 'GET', '/me', { token: a.accessToken })).json().id;
    const second = await signIn('sub-carol');
    const b = (await exchange(second.result.get('code')!, second.cookie)).json();
    expect((await call(h, 'GET', '/me', { token: b.accessToken })).json().id).toBe(idA);
  });

  it('links to an existing password account when the provider says the email is verified', async () => {
    const dave = await registerAndLogin(h, 'dave@example.com');
    provider.accounts.set('sub-dave', { email: 'dave@example.com', emailVerified: true });
    const { result, cookie } = await signIn('sub-dave');
    const pair = (await exchange(result.get('code')!, cookie)).json();
    expect((await call(h, 'GET', '/me', { token: pair.accessToken })).json().id).toBe(dave.userId);
    // The password still works too.
    expect((await call(h, 'POST', '/login', { body: { email: 'dave@example.com', password: PASSWORD } })).status).toBe(200);
  });

  it('refuses to link to an existing account when the provider has not verified the email', async () => {
    const ellen = await registerAndLogin(h, 'ellen@example.com');
    provider.accounts.set('sub-mallory', { email: 'ellen@example.com', emailVerified: false });
    const before = await snapshot(h);
    const { result } = await signIn('sub-mallory');
    expect(result.get('error')).toBe('email_not_verified');
    expect(result.get('code')).toBeNull();
    const after = await snapshot(h);
    expect(after.identities).toEqual(before.identities);
    expect(after.oidc_login_codes).toEqual(before.oidc_login_codes);
    expect(await h.db.selectFrom('identities').select('id').where('user_id', '=', ellen.userId).execute()).toHaveLength(0);
  });

  it('refuses a callback from another browser (no or a wrong binding cookie), against login CSRF', async () => {
    provider.accounts.set('sub-frank', { email: 'frank@example.com', emailVerified: true });
    const missing = await signIn('sub-frank', { cookie: () => '' });
    expect(missing.result.get('error')).toBe('invalid_state');
    const wrong = await signIn('sub-frank', { cookie: () => `meridian_oidc=${'A'.repeat(43)}` });
    expect(wrong.result.get('error')).toBe('invalid_state');
    expect(await h.db.selectFrom('users').select('id').where('email', '=', 'frank@example.com').execute()).toHaveLength(0);
  });

  it('accepts each state once: a replayed callback fails', async () => {
    provider.accounts.set('sub-gina', { email: 'gina@example.com', emailVerified: true });
    const { result, cookie, callbackSearch } = await signIn('sub-gina');
    expect(result.get('code')).toBeTruthy();
    const replay = await call(h, 'GET', `/oidc/callback${callbackSearch}`, { headers: { cookie } });
    expect(new URLSearchParams(String(replay.headers.location).split('#')[1]).get('error')).toBe('invalid_state');
  });

  it('only lets the browser that started the flow exchange the code', async () => {
    provider.accounts.set('sub-hank', { email: 'hank@example.com', emailVerified: true });
    const { result, cookie } = await signIn('sub-hank');
    const stolen = await exchange(result.get('code')!, `meridian_oidc=${'B'.repeat(43)}`);
    expect(stolen.status).toBe(401);
    expect((await exchange(result.get('code')!, cookie)).status).toBe(200);
  });

  it('asks for the TOTP code of an account with two-factor on before issuing tokens', async () => {
    provider.accounts.set('sub-ivy', { email: 'ivy@example.com', emailVerified: true });
    const first = await signIn('sub-ivy');
    const session = (await exchange(first.result.get('code')!, first.cookie)).json();
    const enrolled = (await call(h, 'POST', '/totp/enroll', { token: session.accessToken, body: {} })).json();
    const confirm = await call(h, 'POST', '/totp/confirm', {
      token: session.accessToken,
      body: { code: await generate({ secret: enrolled.secret }) },
    });
    expect(confirm.status).toBe(200);

    const { result, cookie } = await signIn('sub-ivy');
    const code = result.get('code')!;
    const missing = await exchange(code, cookie);
    expect(missing.status).toBe(401);
    expect(missing.json().error.code).toBe('totp_required');
    const recovery = confirm.json().recoveryCodes[0] as string;
    expect((await exchange(code, cookie, recovery)).status).toBe(200);
  });

  it('reports a provider that refuses the sign-in back to the web app', async () => {
    const start = await call(h, 'GET', '/oidc/start');
    const setCookie = String(start.headers['set-cookie']);
    const cookie = setCookie.slice(0, setCookie.indexOf(';'));
    const state = new URL(String(start.headers.location)).searchParams.get('state')!;
    const res = await call(h, 'GET', `/oidc/callback?error=access_denied&state=${state}`, { headers: { cookie } });
    expect(res.status).toBe(302);
    expect(String(res.headers.location)).toBe(`${POST_LOGIN}#error=access_denied`);
  });
});

describe('OpenID Connect when it is not configured', () => {
  it('answers its routes with 404', async () => {
    const h = await startAuth();
    try {
      expect((await call(h, 'GET', '/oidc/start')).status).toBe(404);
      expect((await call(h, 'GET', '/oidc/callback?state=x&code=y')).status).toBe(404);
      expect((await call(h, 'POST', '/oidc/exchange', { body: { code: 'x' } })).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
