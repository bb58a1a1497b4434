import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, snapshot, startValuation, testClock, type ValuationHarness } from './test/harness.js';

const HOUSE = { symbol: 'HOUSE-AMS', name: 'Apartment in Amsterdam', currency: 'EUR', type: 'REAL_ESTATE', dataSource: 'MANUAL' };

describe('manual instruments over HTTP', () => {
  let h: ValuationHarness;
  let alice: { userId: string; token: string };
  let bob: { userId: string; token: string };
  const clock = testClock('2026-01-09T18:00:00Z');

  beforeAll(async () => {
    h = await startValuation({ clock });
    [alice, bob] = await Promise.all([h.user('alice@example.com'), h.user('bob@example.com')]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates a manual instrument with 201 and stores prices entered as a JSON array', async () => {
    const created = await h.call('POST', '/instruments', { token: alice.token, body: HOUSE });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({
      symbol: 'HOUSE-AMS',
      name: 'Apartment in Amsterdam',
      type: 'REAL_ESTATE',
      currency: 'EUR',
      exchange: null,
      sector: null,
      country: null,
      dataSource: 'MANUAL',
      manual: true,
      tracked: false,
      simulated: false,
    });
    const put = await h.call('PUT', '/instruments/HOUSE-AMS/prices', {
      token: alice.token,
      body: [
        { date: '2025-06-30', close: '450000' },
        { date: '2025-12-31', close: '465000.50' },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.json()).toEqual({ symbol: 'HOUSE-AMS', stored: 2 });
  });

  it('returns the entered prices exactly, with MANUAL provenance, as history and as the latest quote', async () => {
    const history = await h.call('GET', '/instruments/HOUSE-AMS/history?from=2025-01-01&to=2026-01-09', { token: alice.token });
    expect(history.status).toBe(200);
    expect(history.json()).toEqual({
      symbol: 'HOUSE-AMS',
      currency: 'EUR',
      from: '2025-01-01',
      to: '2026-01-09',
      prices: [
        { date: '2025-06-30', close: '450000', source: 'MANUAL', simulated: false },
        { date: '2025-12-31', close: '465000.50', source: 'MANUAL', simulated: false },
      ],
      simulated: false,
    });
    const quotes = await h.call('GET', '/quotes?symbols=HOUSE-AMS', { token: alice.token });
    expect(quotes.json()).toMatchObject({
      quotes: [{ symbol: 'HOUSE-AMS', price: '465000.50', previousClose: '450000', change: '15000.5', source: 'MANUAL', simulated: false }],
      missing: [],
      simulated: false,
    });
  });

  it('replaces the close of a day entered again', async () => {
    await h.call('PUT', '/instruments/HOUSE-AMS/prices', { token: alice.token, body: [{ date: '2025-12-31', close: '470000' }] });
    const history = await h.call('GET', '/instruments/HOUSE-AMS/history?from=2025-12-31', { token: alice.token });
    expect(history.json().prices).toEqual([{ date: '2025-12-31', close: '470000', source: 'MANUAL', simulated: false }]);
  });

  it('announces manual prices to the owner only: ownerId and subject are the owner', async () => {
    await eventually(() => h.events.some((e) => e.data.kind === 'manual'));
    const event = h.events.find((e) => e.data.kind === 'manual')!;
    expect(event.subject).toBe(alice.userId);
    expect(event.data).toMatchObject({ ownerId: alice.userId, prices: expect.arrayContaining([expect.objectContaining({ symbol: 'HOUSE-AMS', source: 'MANUAL' })]) });
  });

  it('hides a user’s manual instrument and its prices from everyone else: 404 to read or write', async () => {
    const before = await snapshot(h);
    expect((await h.call('GET', '/instruments/HOUSE-AMS', { token: bob.token })).status).toBe(404);
    expect((await h.call('GET', '/instruments/HOUSE-AMS/history', { token: bob.token })).status).toBe(404);
    const put = await h.call('PUT', '/instruments/HOUSE-AMS/prices', { token: bob.token, body: [{ date: '2025-12-31', close: '1' }] });
    expect(put.status).toBe(404);
    expect(put.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    const quotes = await h.call('GET', '/quotes?symbols=HOUSE-AMS', { token: bob.token });
    expect(quotes.json()).toEqual({ quotes: [], missing: ['HOUSE-AMS'], simulated: false });
    const search = await h.call('GET', '/instruments?query=apartment', { token: bob.token });
    expect(search.json().results).toEqual([]);
    expect(await snapshot(h)).toEqual(before);
    expect((await h.call('GET', '/instruments?query=apartment', { token: alice.token })).json().results).toHaveLength(1);
  });

  it('lets another user have a manual instrument of the same symbol, each seeing only their own', async () => {
    const mine = await h.call('POST', '/instruments', { token: bob.token, body: { ...HOUSE, name: 'Bob’s flat', currency: 'GBP' } });
    expect(mine.status).toBe(201);
    await h.call('PUT', '/instruments/HOUSE-AMS/prices', { token: bob.token, body: [{ date: '2025-12-31', close: '300000' }] });
    expect((await h.call('GET', '/instruments/HOUSE-AMS', { token: bob.token })).json()).toMatchObject({ name: 'Bob’s flat', currency: 'GBP' });
    expect((await h.call('GET', '/instruments/HOUSE-AMS', { token: alice.token })).json()).toMatchObject({ name: 'Apartment in Amsterdam' });
    const aliceHistory = (await h.call('GET', '/instruments/HOUSE-AMS/history?from=2025-12-31', { token: alice.token })).json();
    expect(aliceHistory.prices).toEqual([{ date: '2025-12-31', close: '470000', source: 'MANUAL', simulated: false }]);
  });

  it('accepts a manual symbol that is no ticker, such as a name with spaces, and finds it by its URL-encoded path', async () => {
    const res = await h.call('POST', '/instruments', { token: alice.token, body: { ...HOUSE, symbol: 'my cottage', name: 'Cottage' } });
    expect(res.status).toBe(201);
    expect(res.json().symbol).toBe('MY COTTAGE');
    const put = await h.call('PUT', '/instruments/my%20cottage/prices', { token: alice.token, body: [{ date: '2025-12-31', close: '210000' }] });
    expect(put.json()).toEqual({ symbol: 'MY COTTAGE', stored: 1 });
    expect((await h.call('GET', '/quotes?symbols=MY%20COTTAGE,HOUSE-AMS', { token: alice.token })).json().quotes).toHaveLength(2);
  });

  it('refuses a second instrument of the same symbol from the same user with 409', async () => {
    const again = await h.call('POST', '/instruments', { token: alice.token, body: HOUSE });
    expect(again.status).toBe(409);
    expect(again.json().error.code).toBe('conflict');
  });

  it('requires a valid access token', async () => {
    expect((await h.call('GET', '/instruments/HOUSE-AMS')).status).toBe(401);
    expect((await h.call('PUT', '/instruments/HOUSE-AMS/prices', { token: 'not-a-token', body: [] })).status).toBe(401);
  });

  it('erases a user’s manual instruments and prices when auth deletes the account, and nobody else’s', async () => {
    const carol = await h.user('carol@example.com');
    await h.call('POST', '/instruments', { token: carol.token, body: HOUSE });
    await h.call('PUT', '/instruments/HOUSE-AMS/prices', { token: carol.token, body: [{ date: '2025-12-31', close: '1' }] });
    const owned = (userId: string) => h.db.selectFrom('instruments').select('id').where('owner_id', '=', userId).execute();
    expect(await owned(carol.userId)).toHaveLength(1);
    const deleted = await h.auth.app.inject({
      method: 'DELETE',
      url: '/me',
      headers: { authorization: `Bearer ${carol.token}` },
      payload: { password: 'tangerine kayak forest' },
    });
    expect(deleted.statusCode).toBe(204);
    await eventually(async () => (await owned(carol.userId)).length === 0);
    expect(await owned(alice.userId)).toHaveLength(2);
    expect((await h.call('GET', '/instruments/HOUSE-AMS/history?from=2025-12-31', { token: alice.token })).json().prices).toHaveLength(1);
  });

  describe('rejects bad input with a 4xx and writes nothing', () => {
    const badInstruments: Array<[string, Record<string, unknown>]> = [
      ['an unknown currency', { ...HOUSE, symbol: 'X1', currency: 'XYZ' }],
      ['a currency that is not a code', { ...HOUSE, symbol: 'X2', currency: 'euro' }],
      ['an unknown type', { ...HOUSE, symbol: 'X3', type: 'STAMPS' }],
      ['a data source other than MANUAL', { ...HOUSE, symbol: 'X4', dataSource: 'YAHOO' }],
      ['a symbol with a slash', { ...HOUSE, symbol: 'A/B' }],
      ['an empty name', { ...HOUSE, symbol: 'X5', name: '  ' }],
      ['an unknown field', { ...HOUSE, symbol: 'X6', isin: 'NL0000000000' }],
      ['a missing field', { symbol: 'X7', name: 'x', currency: 'EUR', type: 'OTHER' }],
    ];
    it.each(badInstruments)('an instrument with %s', async (_name, body) => {
      const before = await snapshot(h);
      const res = await h.call('POST', '/instruments', { token: alice.token, body });
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: expect.objectContaining({ code: 'validation_failed', message: expect.any(String) }) });
      expect(await snapshot(h)).toEqual(before);
    });

    const badPrices: Array<[string, unknown]> = [
      ['a date in the future', [{ date: '2025-12-01', close: '1' }, { date: '2026-01-11', close: '2' }]],
      ['a zero price', [{ date: '2025-12-01', close: '0' }]],
      ['a negative price', [{ date: '2025-12-01', close: '-5' }]],
      ['a price as a JSON number', [{ date: '2025-12-01', close: 12.5 }]],
      ['a price that is not a number', [{ date: '2025-12-01', close: 'NaN' }]],
      ['an impossible date', [{ date: '2025-02-30', close: '1' }]],
      ['the same date twice', [{ date: '2025-12-01', close: '1' }, { date: '2025-12-01', close: '2' }]],
      ['an empty array', []],
      ['an object instead of an array', { date: '2025-12-01', close: '1' }],
      ['an unknown field', [{ date: '2025-12-01', close: '1', volume: '3' }]],
    ];
    it.each(badPrices)('prices with %s', async (_name, body) => {
      const before = await snapshot(h);
      const res = await h.call('PUT', '/instruments/HOUSE-AMS/prices', { token: alice.token, body });
      expect(res.status).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(await snapshot(h)).toEqual(before);
    });

    it('a history range starting in the future', async () => {
      const res = await h.call('GET', '/instruments/HOUSE-AMS/history?from=2027-01-01', { token: alice.token });
      expect(res.status).toBe(400);
    });
  });
});
