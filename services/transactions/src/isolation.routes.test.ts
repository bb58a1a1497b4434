import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, day, newUser, request, startHarness, type Harness, type TestUser } from './test/harness.js';

describe("one user's data is invisible and untouchable for another", () => {
  let h: Harness;
  let alice: TestUser;
  let a: ReturnType<typeof client>;
  let b: ReturnType<typeof client>;
  let aliceAccount: string;
  let aliceActivity: { id: string };
  let aliceImport: string;
  let bobAccount: string;

  beforeAll(async () => {
    h = await startHarness();
    alice = await newUser(h, 'alice');
    a = client(h, alice);
    b = client(h, await newUser(h, 'bob'));
    aliceAccount = await a.account({ name: 'Alice broker' });
    aliceActivity = await a.activity({ accountId: aliceAccount, type: 'BUY', date: day(-10), symbol: 'AAPL', quantity: '10', unitPrice: '100' });
    const imported = await a.post('/imports/csv', { accountId: aliceAccount, commit: true, content: `date,type,symbol,quantity,unitPrice\n${day(-5)},BUY,MSFT,1,300\n` });
    expect(imported.status).toBe(201);
    aliceImport = imported.json().importId;
    bobAccount = await b.account({ name: 'Bob broker' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers 404 to every read and write of another user's account", async () => {
    expect((await b.get(`/accounts/${aliceAccount}`)).status).toBe(404);
    expect((await b.get(`/accounts/${aliceAccount}/balances`)).status).toBe(404);
    expect((await b.patch(`/accounts/${aliceAccount}`, { name: 'mine now' })).status).toBe(404);
    expect((await b.delete(`/accounts/${aliceAccount}`)).status).toBe(404);
    expect((await b.delete(`/accounts/${aliceAccount}?permanent=true`)).status).toBe(404);
    expect((await b.get('/accounts')).json().items.map((x: { id: string }) => x.id)).toEqual([bobAccount]);
  });

  it("answers 404 to every read and write of another user's activity, and lists none of them", async () => {
    expect((await b.get(`/activities/${aliceActivity.id}`)).status).toBe(404);
    expect((await b.patch(`/activities/${aliceActivity.id}`, { quantity: '1' })).status).toBe(404);
    expect((await b.delete(`/activities/${aliceActivity.id}`)).status).toBe(404);
    expect((await b.get('/activities')).json().items).toEqual([]);
    expect((await b.get(`/activities?accountId=${aliceAccount}`)).json().items).toEqual([]);
  });

  it("cannot record into, move into, transfer to, import into or undo imports of another user's account", async () => {
    expect((await b.post('/activities', { accountId: aliceAccount, type: 'DEPOSIT', date: day(-1), amount: '1' })).status).toBe(404);
    const own = await b.activity({ accountId: bobAccount, type: 'BUY', date: day(-3), symbol: 'VT', quantity: '1', unitPrice: '1' });
    expect((await b.patch(`/activities/${own.id}`, { accountId: aliceAccount })).status).toBe(404);
    expect((await b.post('/transfers', { fromAccountId: bobAccount, toAccountId: aliceAccount, date: day(-1), symbol: 'VT', quantity: '1' })).status).toBe(404);
    expect((await b.post('/transfers', { fromAccountId: aliceAccount, toAccountId: bobAccount, date: day(-1), symbol: 'AAPL', quantity: '1' })).status).toBe(404);
    const csv = `date,type,symbol,quantity,unitPrice\n${day(-1)},SELL,AAPL,10,100\n`;
    expect((await b.post('/imports/csv', { accountId: aliceAccount, content: csv })).status).toBe(404);
    const mapped = await b.post('/imports/csv', { accountMap: { Broker: aliceAccount }, content: `account,${csv.replace('\n', '\nBroker,')}` });
    expect(mapped.status).toBe(200);
    expect(mapped.json().rows[0].errors[0]).toMatchObject({ field: 'account', message: expect.stringContaining('not one of your accounts') });
    expect((await b.delete(`/imports/${aliceImport}`)).status).toBe(404);
  });

  it('exports only your own data', async () => {
    const json = (await b.get('/export?format=json')).json();
    expect(json.accounts.map((x: { id: string }) => x.id)).toEqual([bobAccount]);
    expect(json.activities.every((x: { accountId: string }) => x.accountId === bobAccount)).toBe(true);
    expect((await b.get(`/export?accountId=${aliceAccount}`)).status).toBe(404);
    expect((await b.get('/export?format=csv')).text).not.toContain('AAPL');
  });

  it("leaves the other user's data exactly as it was", async () => {
    expect((await a.get(`/activities/${aliceActivity.id}`)).json()).toEqual(aliceActivity);
    expect((await a.get(`/accounts/${aliceAccount}`)).json()).toMatchObject({ name: 'Alice broker', archived: false });
    expect((await a.get('/activities')).json().items).toHaveLength(2);
  });

  it('lets a read-only API key read but not write (403)', async () => {
    const key = await request(h.auth, 'POST', '/api-keys', { token: alice.token, body: { name: 'dashboard' } });
    expect(key.status).toBe(201);
    const exchanged = await request(h.auth, 'POST', '/token', { body: { apiKey: key.json().key } });
    const readOnly = { ...alice, token: exchanged.json().accessToken as string };
    const r = client(h, readOnly);
    expect((await r.get('/activities')).status).toBe(200);
    const denied = await r.post('/activities', { accountId: aliceAccount, type: 'DEPOSIT', date: day(-1), amount: '1' });
    expect(denied.status).toBe(403);
    expect(denied.json().error.code).toBe('forbidden');
  });
});
