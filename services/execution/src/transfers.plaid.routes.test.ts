import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlaidFake } from './testing/plaid-fake.js';
import { newTrader, SESSION_OPEN, startHarness, testClock, eventually, type Harness } from './test/harness.js';
import { pollTransfers } from './transfers.service.js';

const PLAID = { clientId: 'client-id-1', secret: 'sandbox-secret', accessToken: 'access-sandbox-1234', accountId: 'plaid-account-1' };

describe('bank transfers through Plaid Transfer (a local fake of its API)', () => {
  const fake = startPlaidFake(PLAID);
  let h: Harness;
  beforeAll(async () => {
    const url = await fake.listen();
    h = await startHarness({
      clock: testClock(SESSION_OPEN),
      env: { MERIDIAN_PLAID_BASE_URL: url, MERIDIAN_PLAID_CLIENT_ID: PLAID.clientId, MERIDIAN_PLAID_SECRET: PLAID.secret, MERIDIAN_PLAID_ACCESS_TOKEN: PLAID.accessToken, MERIDIAN_PLAID_ACCOUNT_ID: PLAID.accountId },
    });
  });
  afterAll(async () => {
    await h?.close();
    await fake.close();
  });

  const deposits = async (t: Awaited<ReturnType<typeof newTrader>>) => (await t.tx('GET', `/activities?accountId=${t.accountId}`)).json().items.filter((a: { type: string }) => a.type === 'DEPOSIT');

  it('authorizes and creates a debit, stays pending until Plaid settles it, then books one DEPOSIT', async () => {
    const t = await newTrader(h, 'plaid');
    const res = await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount: '1250.5', currency: 'USD' });
    expect(res.status).toBe(201);
    const transfer = res.json();
    expect(transfer).toMatchObject({ status: 'pending', provider: 'plaid', amount: '1250.5' });
    const auth = fake.calls.find((c) => c.path === '/transfer/authorization/create' && c.body.idempotency_key === transfer.id);
    expect(auth?.body).toMatchObject({ access_token: PLAID.accessToken, account_id: PLAID.accountId, type: 'debit', network: 'ach', amount: '1250.50', ach_class: 'ppd' });
    const plaidTransfer = [...fake.transfers.values()].find((x) => x.key === transfer.id);
    if (!plaidTransfer) throw new Error('Plaid got no transfer');

    fake.setStatus(plaidTransfer.id, 'posted');
    await pollTransfers(h.deps);
    expect((await t.exec('GET', `/transfers/${transfer.id}`)).json().status).toBe('pending');

    fake.setStatus(plaidTransfer.id, 'settled');
    await pollTransfers(h.deps);
    await pollTransfers(h.deps);
    expect((await t.exec('GET', `/transfers/${transfer.id}`)).json()).toMatchObject({ status: 'completed' });
    await eventually(async () => (await deposits(t)).length === 1);
    expect(await deposits(t)).toEqual([expect.objectContaining({ id: transfer.id, amount: '1250.5', currency: 'USD' })]);
    const broker = (await t.exec('GET', `/accounts/${t.accountId}/broker`)).json();
    expect(broker.cash).toBe('1250.5');
  });

  it('marks a returned transfer failed with Plaid’s reason and books nothing', async () => {
    const t = await newTrader(h, 'plaid-returned');
    const transfer = (await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount: '80', currency: 'USD' })).json();
    const plaidTransfer = [...fake.transfers.values()].find((x) => x.key === transfer.id);
    if (!plaidTransfer) throw new Error('Plaid got no transfer');
    fake.setStatus(plaidTransfer.id, 'returned', { ach_return_code: 'R01', description: 'Insufficient funds' });
    await pollTransfers(h.deps);
    expect((await t.exec('GET', `/transfers/${transfer.id}`)).json()).toMatchObject({ status: 'failed', failureReason: 'Insufficient funds' });
    expect(await deposits(t)).toEqual([]);
  });

  it('answers 422 with Plaid’s rationale when the authorization is declined', async () => {
    const t = await newTrader(h, 'plaid-declined');
    fake.declineNext({ code: 'NSF', description: 'Transaction declined due to insufficient funds in the account.' });
    const res = await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount: '5000', currency: 'USD' });
    expect(res.status).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'unprocessable', details: { reason: 'transfer_declined', providerCode: 'NSF' } });
    expect(res.json().error.message).toContain('insufficient funds');
  });

  it('answers 422 for an error the user can act on (the bank login needs renewing)', async () => {
    const t = await newTrader(h, 'plaid-item');
    fake.failNext(400, { error_type: 'ITEM_ERROR', error_code: 'ITEM_LOGIN_REQUIRED', error_message: 'the login details of this item have changed', display_message: 'Please sign in to your bank again.' });
    const res = await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount: '10', currency: 'USD' });
    expect(res.status).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'unprocessable', details: { reason: 'bank_refused', providerCode: 'ITEM_LOGIN_REQUIRED' } });
  });

  it('answers 502, never 500, when Plaid fails on its side or refuses Meridian’s request', async () => {
    const t = await newTrader(h, 'plaid-down');
    fake.failNext(500, { error_type: 'API_ERROR', error_code: 'INTERNAL_SERVER_ERROR', error_message: 'an unexpected error occurred', display_message: null });
    const down = await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount: '10', currency: 'USD' });
    expect(down.status).toBe(502);
    expect(down.json().error).toMatchObject({ code: 'bad_gateway', details: { reason: 'bank_error', providerCode: 'INTERNAL_SERVER_ERROR' } });
    fake.failNext(400, { error_type: 'INVALID_INPUT', error_code: 'INVALID_API_KEYS', error_message: 'invalid client_id or secret provided', display_message: null });
    const keys = await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount: '10', currency: 'USD' });
    expect(keys.status).toBe(502);
    expect(keys.json().error.message).toContain('INVALID_API_KEYS');
    // Nothing was stored for either attempt.
    expect(await h.db.selectFrom('transfers').selectAll().where('account_id', '=', t.accountId).execute()).toEqual([]);
  });

  it('refuses an amount in fractions of a cent before calling Plaid', async () => {
    const t = await newTrader(h, 'plaid-cents');
    const before = fake.calls.length;
    const res = await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount: '10.005', currency: 'USD' });
    expect(res.status).toBe(400);
    expect(fake.calls.length).toBe(before);
  });
});

describe('Plaid unreachable', () => {
  let h: Harness;
  beforeAll(async () => {
    // A port nothing listens on: the fake is started and closed again.
    const gone = startPlaidFake(PLAID);
    const url = await gone.listen();
    await gone.close();
    h = await startHarness({ env: { MERIDIAN_PLAID_BASE_URL: url, MERIDIAN_PLAID_CLIENT_ID: PLAID.clientId, MERIDIAN_PLAID_SECRET: PLAID.secret, MERIDIAN_PLAID_ACCESS_TOKEN: PLAID.accessToken, MERIDIAN_PLAID_ACCOUNT_ID: PLAID.accountId } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 502 with a clear message', async () => {
    const t = await newTrader(h, 'plaid-unreachable');
    const res = await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount: '10', currency: 'USD' });
    expect(res.status).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'bad_gateway', details: { reason: 'bank_unreachable' } });
  });
});
