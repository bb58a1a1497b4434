import { uuidv7, type BusTables } from '@meridian/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, day, eventually, newUser, request, startHarness, type Harness } from './test/harness.js';

describe('auth.user.deleted', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const rowsOf = async (userId: string) => {
    const out: Record<string, number> = {};
    for (const table of ['accounts', 'activities', 'imports', 'idempotency_keys', 'user_versions'] as const) {
      out[table] = (await h.db.selectFrom(table).select('user_id').where('user_id', '=', userId).execute()).length;
    }
    return out;
  };

  it("erases the deleted user's accounts, activities, imports and keys when auth publishes it, and nobody else's", async () => {
    const alice = await newUser(h, 'alice');
    const bob = await newUser(h, 'bob');
    for (const u of [alice, bob]) {
      const c = client(h, u);
      const accountId = await c.account();
      await c.post('/activities', { accountId, type: 'DEPOSIT', date: day(-3), amount: '10' }, { 'idempotency-key': 'k' });
      await c.post('/imports/csv', { accountId, commit: true, content: `date,type,amount\n${day(-2)},DEPOSIT,5\n` });
    }
    expect(await rowsOf(alice.userId)).toEqual({ accounts: 1, activities: 2, imports: 1, idempotency_keys: 1, user_versions: 1 });

    const deleted = await request(h.auth, 'DELETE', '/me', { token: alice.token, body: { password: 'tangerine kayak forest' } });
    expect(deleted.status).toBe(204);
    await eventually(async () => (await rowsOf(alice.userId)).accounts === 0);
    expect(await rowsOf(alice.userId)).toEqual({ accounts: 0, activities: 0, imports: 0, idempotency_keys: 0, user_versions: 0 });
    expect(await rowsOf(bob.userId)).toEqual({ accounts: 1, activities: 2, imports: 1, idempotency_keys: 1, user_versions: 1 });
  });

  it('handles a redelivered event once: data written after the erase stays', async () => {
    const carol = await newUser(h, 'carol');
    const c = client(h, carol);
    await c.account({ name: 'Before' });
    const event = {
      specversion: '1.0',
      id: uuidv7(),
      source: 'meridian/auth',
      type: 'auth.user.deleted',
      time: new Date().toISOString(),
      subject: carol.userId,
      datacontenttype: 'application/json',
      data: { userId: carol.userId, deletedAt: new Date().toISOString() },
    } as const;
    await h.transport.publish([event]);
    await eventually(async () => (await rowsOf(carol.userId)).accounts === 0);
    await c.account({ name: 'After' });
    await h.transport.publish([event]);
    // A marker event published after the duplicate is handled after it.
    const marker = { ...event, id: uuidv7(), subject: uuidv7(), data: { userId: uuidv7(), deletedAt: new Date().toISOString() } };
    await h.transport.publish([marker]);
    const inbox = h.database.forSchema<BusTables>('transactions');
    await eventually(async () => (await inbox.selectFrom('inbox').select('event_id').where('event_id', '=', marker.id).execute()).length === 1);
    expect((await c.get('/accounts')).json().items.map((a: { name: string }) => a.name)).toEqual(['After']);
  });
});
