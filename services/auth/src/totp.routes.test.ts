import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, call, registerAndLogin, startAuth, testClock, type AuthHarness } from './test/harness.js';

describe('two-factor authentication with TOTP', () => {
  let h: AuthHarness;
  // A clock aligned to the start of a 30-second step, so "the next step" is exact.
  const clock = testClock(Math.floor(Date.now() / 30_000) * 30_000 + 1000);
  const codeAt = (secret: string, offsetSeconds = 0) =>
    generate({ secret, epoch: Math.floor(clock().getTime() / 1000) + offsetSeconds });
  const login = (email: string, totp?: string) =>
    call(h, 'POST', '/login', { body: { email, password: PASSWORD, ...(totp === undefined ? {} : { totp }) } });

  let account: Awaited<ReturnType<typeof registerAndLogin>>;
  let secret: string;
  let recoveryCodes: string[];

  beforeAll(async () => {
    h = await startAuth({ clock });
    account = await registerAndLogin(h, 'otp.user@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses to enrol without the current password', async () => {
    const none = await call(h, 'POST', '/totp/enroll', { token: account.accessToken, body: {} });
    expect(none.status).toBe(400);
    const wrong = await call(h, 'POST', '/totp/enroll', { token: account.accessToken, body: { password: 'not the password' } });
    expect(wrong.status).toBe(401);
  });

  it('enrols: returns a secret and an otpauth URI, and stores the secret encrypted', async () => {
    const res = await call(h, 'POST', '/totp/enroll', { token: account.accessToken, body: { password: PASSWORD } });
    expect(res.status).toBe(200);
    const body = res.json();
    secret = body.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(body.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Meridian');
    expect(decodeURIComponent(uri.pathname)).toContain('otp.user@example.com');
    const row = await h.db.selectFrom('totp_credentials').selectAll().where('user_id', '=', account.userId).executeTakeFirstOrThrow();
    expect(row.secret.startsWith('mrd1.')).toBe(true);
    expect(row.secret).not.toContain(secret);
    expect(row.confirmed_at).toBeNull();
  });

  it('does not require a code at sign-in before the enrolment is confirmed', async () => {
    expect((await login(account.email)).status).toBe(200);
  });

  it('rejects a wrong confirmation code and turns two-factor on with a right one, returning ten recovery codes', async () => {
    const wrong = await call(h, 'POST', '/totp/confirm', { token: account.accessToken, body: { code: '000000' } });
    expect(wrong.status).toBe(401);
    const ok = await call(h, 'POST', '/totp/confirm', { token: account.accessToken, body: { code: await codeAt(secret) } });
    expect(ok.status).toBe(200);
    recoveryCodes = ok.json().recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(new Set(recoveryCodes).size).toBe(10);
    const stored = await h.db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', account.userId).execute();
    expect(stored).toHaveLength(10);
    for (const c of recoveryCodes) expect(stored.map((s) => s.code_hash)).not.toContain(c);
    expect((await call(h, 'GET', '/me', { token: account.accessToken })).json().twoFactorEnabled).toBe(true);
  });

  it("answers a sign-in without a code with 401 'totp_required'", async () => {
    const res = await login(account.email);
    expect(res.status).toBe(401);
    expect(res.json().error.code).toBe('totp_required');
  });

  it('rejects a wrong code', async () => {
    const res = await login(account.email, '123456');
    expect(res.status).toBe(401);
    expect(res.json().error.code).toBe('invalid_credentials');
  });

  it('refuses a replay of the code already used to confirm', async () => {
    expect((await login(account.email, await codeAt(secret))).status).toBe(401);
  });

  it('accepts the next step’s code once, and refuses the same code a second time', async () => {
    clock.advance(30);
    const code = await codeAt(secret);
    const first = await login(account.email, code);
    expect(first.status).toBe(200);
    const replay = await login(account.email, code);
    expect(replay.status).toBe(401);
    expect(replay.json().error.code).toBe('invalid_credentials');
  });

  it('refuses a code from the step before the last accepted one', async () => {
    clock.advance(30);
    expect((await login(account.email, await codeAt(secret, -30))).status).toBe(401);
    expect((await login(account.email, await codeAt(secret))).status).toBe(200);
  });

  it('accepts a recovery code once, in any case and with or without dashes', async () => {
    const code = recoveryCodes[0]!;
    const first = await login(account.email, code.replace(/-/g, '').toUpperCase());
    expect(first.status).toBe(200);
    expect((await login(account.email, code)).status).toBe(401);
  });

  it('requires the code to delete the account', async () => {
    const res = await call(h, 'DELETE', '/me', { token: account.accessToken, body: { password: PASSWORD } });
    expect(res.status).toBe(401);
    expect(res.json().error.code).toBe('totp_required');
  });

  it('turns two-factor off only with the password and a code', async () => {
    clock.advance(30);
    const noPassword = await call(h, 'POST', '/totp/disable', { token: account.accessToken, body: { code: await codeAt(secret) } });
    expect(noPassword.status).toBe(400);
    const badCode = await call(h, 'POST', '/totp/disable', {
      token: account.accessToken,
      body: { password: PASSWORD, code: '111111' },
    });
    expect(badCode.status).toBe(401);
    const ok = await call(h, 'POST', '/totp/disable', {
      token: account.accessToken,
      body: { password: PASSWORD, code: await codeAt(secret) },
    });
    expect(ok.status).toBe(204);
    const left = await h.db.selectFrom('recovery_codes').select('id').where('user_id', '=', account.userId).execute();
    expect(left).toHaveLength(0);
    expect((await login(account.email)).status).toBe(200);
  });
});
