import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, counts, day, newUser, request, startHarness, type Harness, type Response, type TestUser } from './test/harness.js';

type Client = ReturnType<typeof client>;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('bad input gets a clear 4xx and writes nothing', () => {
  let user: TestUser;
  let c: Client;
  let broker: string;
  let bank: string;

  beforeAll(async () => {
    user = await newUser(h);
    c = client(h, user);
    broker = await c.account({ name: 'Broker' });
    bank = await c.account({ name: 'Bank', type: 'BANK', trackCash: true });
    await c.activity({ accountId: broker, type: 'BUY', date: day(-30), symbol: 'AAPL', quantity: '10', unitPrice: '150' });
    await c.activity({ accountId: bank, type: 'DEPOSIT', date: day(-30), amount: '100' });
  });

  /** Sends a request and checks the status, the error body and that no row changed. */
  async function expectRejected(send: () => Promise<Response>, status: number) {
    const before = await counts(h);
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.json()).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
    expect(await counts(h)).toEqual(before);
    return res.json().error as { code: string; message: string; details?: Record<string, unknown> };
  }

  const valid = () => ({ accountId: broker, type: 'BUY', date: day(-1), symbol: 'AAPL', quantity: '1', unitPrice: '100' });

  const activityCases: Array<[string, () => Record<string, unknown>, number, string]> = [
    ['a negative quantity', () => ({ ...valid(), quantity: '-5' }), 400, 'quantity must not be negative'],
    ['a zero quantity', () => ({ ...valid(), quantity: '0' }), 400, 'quantity must be greater than zero'],
    ['an unknown currency', () => ({ ...valid(), currency: 'XYZ' }), 400, 'unknown currency'],
    ['a date in the future', () => ({ ...valid(), date: day(3) }), 400, 'is in the future'],
    ['a day that does not exist', () => ({ ...valid(), date: '2023-02-30' }), 400, 'must be a date'],
    ['a date before 1900', () => ({ ...valid(), date: '1899-12-31' }), 400, 'must not be before 1900-01-01'],
    ['a quantity as a JSON number', () => ({ ...valid(), quantity: 1 }), 400, 'quantity'],
    ['a quantity with more than 18 decimals', () => ({ ...valid(), quantity: '0.0000000000000000001' }), 400, 'decimal'],
    ['a quantity that is not a number', () => ({ ...valid(), quantity: '1e5' }), 400, 'decimal'],
    ['a BUY without symbol', () => ({ ...valid(), symbol: undefined }), 400, 'symbol is required for BUY'],
    ['a BUY without unitPrice', () => ({ ...valid(), unitPrice: undefined }), 400, 'unitPrice is required for BUY'],
    ['a BUY whose amount is not quantity × unitPrice', () => ({ ...valid(), amount: '99' }), 400, 'amount 99 does not match quantity × unitPrice (100, or 100 with charges)'],
    ['a BUY whose amount ÷ quantity is no exact price', () => ({ ...valid(), quantity: '3', unitPrice: undefined, amount: '100' }), 400, 'not an exact price'],
    ['a negative fee', () => ({ ...valid(), fee: '-1' }), 400, 'fee must not be negative'],
    ['a negative price', () => ({ ...valid(), unitPrice: '-1' }), 400, 'unitPrice must not be negative'],
    ['an unknown type', () => ({ ...valid(), type: 'GIFT' }), 400, 'type'],
    ['an unknown field', () => ({ ...valid(), price: '100' }), 400, 'price'],
    ['a DEPOSIT with a negative amount', () => ({ accountId: broker, type: 'DEPOSIT', date: day(-1), amount: '-50' }), 400, 'use WITHDRAWAL instead'],
    ['a DEPOSIT with a symbol', () => ({ accountId: broker, type: 'DEPOSIT', date: day(-1), amount: '50', symbol: 'AAPL' }), 400, 'symbol is not used for DEPOSIT'],
    ['a SPLIT without ratio', () => ({ accountId: broker, type: 'SPLIT', date: day(-1), symbol: 'AAPL' }), 400, 'ratio is required'],
    ['a SPLIT with a zero part', () => ({ accountId: broker, type: 'SPLIT', date: day(-1), symbol: 'AAPL', ratio: '0:1' }), 400, 'two positive parts'],
    ['a DIVIDEND without amount', () => ({ accountId: broker, type: 'DIVIDEND', date: day(-1), symbol: 'AAPL' }), 400, 'amount is required for DIVIDEND'],
    ['a malformed account id', () => ({ ...valid(), accountId: 'nope' }), 400, 'accountId'],
    ['an account that does not exist', () => ({ ...valid(), accountId: '00000000-0000-4000-8000-000000000000' }), 404, 'not found'],
    ['a sell larger than the position', () => ({ ...valid(), type: 'SELL', quantity: '10.5' }), 422, 'holds only 10'],
    ['a sell of a symbol not held', () => ({ ...valid(), type: 'SELL', symbol: 'MSFT' }), 422, 'holds only 0'],
    ['a withdrawal below zero cash', () => ({ accountId: bank, type: 'WITHDRAWAL', date: day(-1), amount: '100.01' }), 422, 'would be -0.01'],
    ['a buy the cash cannot pay', () => ({ accountId: bank, type: 'BUY', date: day(-1), symbol: 'VT', quantity: '1', unitPrice: '99', fee: '1.5' }), 422, 'cash of account "Bank" would be -0.5'],
  ];

  it.each(activityCases)('POST /activities with %s', async (_name, body, status, message) => {
    const error = await expectRejected(() => c.post('/activities', body()), status);
    expect(error.message).toContain(message);
  });

  const accountCases: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown currency', { name: 'X', currency: 'ABC' }, 'unknown currency'],
    ['a missing currency', { name: 'X' }, 'currency'],
    ['an empty name', { name: '  ', currency: 'USD' }, 'name'],
    ['an unknown type', { name: 'X', currency: 'USD', type: 'PIGGY_BANK' }, 'type'],
    ['an unknown cost basis method', { name: 'X', currency: 'USD', costBasisMethod: 'LIFO' }, 'costBasisMethod'],
    ['trackCash as a string', { name: 'X', currency: 'USD', trackCash: 'yes' }, 'trackCash'],
    ['an unknown field', { name: 'X', currency: 'USD', owner: 'me' }, 'owner'],
  ];

  it.each(accountCases)('POST /accounts with %s', async (_name, body, message) => {
    const error = await expectRejected(() => c.post('/accounts', body), 400);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain(message);
  });

  it('malformed JSON is a 400', async () => {
    const error = await expectRejected(() => request(h.service, 'POST', '/activities', { token: user.token, rawBody: '{"type": "BUY",' }), 400);
    expect(error.code).toBe('bad_request');
  });

  it('a request without a token is a 401', async () => {
    await expectRejected(() => request(h.service, 'POST', '/activities', { body: valid() }), 401);
  });

  it('a PATCH with a negative quantity or a future date is a 400 and leaves the activity as it was', async () => {
    const a = await c.activity({ accountId: broker, type: 'DIVIDEND', date: day(-2), symbol: 'AAPL', amount: '2.4' });
    for (const patch of [{ amount: '-1' }, { date: day(5) }, { currency: 'QQQ' }, {}]) {
      await expectRejected(() => c.patch(`/activities/${a.id}`, patch), 400);
    }
    expect((await c.get(`/activities/${a.id}`)).json()).toEqual(a);
  });
});

describe('the position and cash rules hold through edits and deletes', () => {
  it('rejects a sell larger than the position at its date, naming what was held then', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    await c.activity({ accountId, type: 'BUY', date: day(-20), symbol: 'AAPL', quantity: '10', unitPrice: '150' });
    await c.activity({ accountId, type: 'BUY', date: day(-5), symbol: 'AAPL', quantity: '10', unitPrice: '160' });
    const early = await c.post('/activities', { accountId, type: 'SELL', date: day(-10), symbol: 'AAPL', quantity: '15', unitPrice: '155' });
    expect(early.status).toBe(422);
    expect(early.json().error).toMatchObject({
      code: 'unprocessable',
      message: `the SELL on ${day(-10)} sells 15 AAPL but account "Broker" holds only 10 then`,
      details: { reason: 'insufficient_position', field: 'quantity', violations: [{ requested: '15', held: '10', symbol: 'AAPL', date: day(-10) }] },
    });
    expect((await c.post('/activities', { accountId, type: 'SELL', date: day(-1), symbol: 'AAPL', quantity: '20', unitPrice: '170' })).status).toBe(201);
  });

  it('rejects deleting an earlier buy that a later sell needs', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    const buy = await c.activity({ accountId, type: 'BUY', date: day(-20), symbol: 'AAPL', quantity: '10', unitPrice: '150' });
    await c.activity({ accountId, type: 'SELL', date: day(-10), symbol: 'AAPL', quantity: '8', unitPrice: '155' });
    const before = await counts(h);
    const res = await c.delete(`/activities/${buy.id}`);
    expect(res.status).toBe(422);
    expect(res.json().error.message).toBe(`deleting this activity would break the ledger: the SELL on ${day(-10)} sells 8 AAPL but account "Broker" holds only 0 then`);
    expect(await counts(h)).toEqual(before);
  });

  it('rejects editing an earlier buy below what a later sell needs, moving it after the sell, or to another account', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    const other = await c.account({ name: 'Other' });
    const buy = await c.activity({ accountId, type: 'BUY', date: day(-20), symbol: 'AAPL', quantity: '10', unitPrice: '150' });
    await c.activity({ accountId, type: 'SELL', date: day(-10), symbol: 'AAPL', quantity: '8', unitPrice: '155' });
    for (const patch of [{ quantity: '7.999' }, { date: day(-9) }, { accountId: other }, { symbol: 'MSFT' }, { type: 'SELL' }]) {
      const res = await c.patch(`/activities/${buy.id}`, patch);
      expect(res.status, JSON.stringify(patch)).toBe(422);
      expect(res.json().error.details.reason).toBe('insufficient_position');
    }
    expect((await c.get(`/activities/${buy.id}`)).json()).toEqual(buy);
    expect((await c.patch(`/activities/${buy.id}`, { quantity: '8', date: day(-10) })).status).toBe(200);
  });

  it('applies a split before the trades of its day, whenever it was entered', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    await c.activity({ accountId, type: 'BUY', date: day(-20), symbol: 'NVDA', quantity: '5', unitPrice: '1000' });
    await c.activity({ accountId, type: 'SELL', date: day(-10), symbol: 'NVDA', quantity: '5', unitPrice: '110' });
    await c.activity({ accountId, type: 'SPLIT', date: day(-10), symbol: 'NVDA', ratio: '10:1' });
    // 5 shares became 50 before the day's sell of 5: 45 are left to sell.
    expect((await c.post('/activities', { accountId, type: 'SELL', date: day(-10), symbol: 'NVDA', quantity: '45', unitPrice: '110' })).status).toBe(201);
    expect((await c.post('/activities', { accountId, type: 'SELL', date: day(-1), symbol: 'NVDA', quantity: '0.01', unitPrice: '110' })).status).toBe(422);
  });

  it('rejects a cash-tracking account going negative, through a withdrawal or by deleting the deposit', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account({ name: 'Checking', currency: 'EUR', type: 'BANK', trackCash: true });
    const deposit = await c.activity({ accountId, type: 'DEPOSIT', date: day(-20), amount: '500' });
    await c.activity({ accountId, type: 'WITHDRAWAL', date: day(-10), amount: '200' });
    const over = await c.post('/activities', { accountId, type: 'WITHDRAWAL', date: day(-15), amount: '300.01' });
    expect(over.status).toBe(422);
    expect(over.json().error.message).toBe(
      `the EUR cash of account "Checking" would be -0.01 at the end of ${day(-10)}; cash-tracking accounts cannot go negative (record the deposit first, or turn off trackCash)`,
    );
    expect((await c.delete(`/activities/${deposit.id}`)).status).toBe(422);
    expect((await c.patch(`/activities/${deposit.id}`, { date: day(-5) })).status).toBe(422);
    // The day's end counts: a sell funds a buy of the same day.
    await c.activity({ accountId, type: 'BUY', date: day(-9), symbol: 'SAP', quantity: '1', unitPrice: '300' });
    expect((await c.post('/activities', { accountId, type: 'BUY', date: day(-7), symbol: 'ASML', quantity: '1', unitPrice: '600' })).status).toBe(422);
    await c.activity({ accountId, type: 'SELL', date: day(-7), symbol: 'SAP', quantity: '1', unitPrice: '600' });
    expect((await c.post('/activities', { accountId, type: 'BUY', date: day(-7), symbol: 'ASML', quantity: '1', unitPrice: '600' })).status).toBe(201);
  });
});
