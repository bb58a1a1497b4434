import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from './maintenance.js';
import { call, registerAndLogin, startAuth, testClock, type AuthHarness } from './test/harness.js';

const DAY = 86_400;

describe('auth maintenance', () => {
  let h: AuthHarness;
  const clock = testClock();
  beforeAll(async () => {
    h = await startAuth({ clock, env: { MERIDIAN_AUTH_SIGNING_KEY_MAX_AGE_DAYS: '30' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('deletes long-ended sessions and abandoned OIDC flows, and rotates a signing key past its age', async () => {
    const a = await registerAndLogin(h, 'old@example.com');
    await call(h, 'POST', '/logout', { body: { refreshToken: a.refreshToken } });
    await h.db
      .insertInto('oidc_flows')
      .values({ state_hash: 'x', binding_hash: 'y', code_verifier: 'v', nonce: 'n', created_at: clock(), expires_at: clock() })
      .execute();
    const keysBefore = await h.db.selectFrom('signing_keys').select('kid').execute();

    clock.advance(31 * DAY);
    await runMaintenance(h.deps);

    expect(await h.db.selectFrom('sessions').select('id').where('user_id', '=', a.userId).execute()).toHaveLength(0);
    expect(await h.db.selectFrom('oidc_flows').select('state_hash').execute()).toHaveLength(0);
    const keysAfter = await h.db.selectFrom('signing_keys').selectAll().execute();
    expect(keysAfter).toHaveLength(keysBefore.length + 1);
    expect(keysAfter.filter((k) => k.retires_at === null)).toHaveLength(1);
  });

  it('keeps live sessions', async () => {
    const b = await registerAndLogin(h, 'live@example.com');
    await runMaintenance(h.deps);
    expect((await call(h, 'POST', '/refresh', { body: { refreshToken: b.refreshToken } })).status).toBe(200);
  });
});
