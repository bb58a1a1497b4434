import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, counts, day, eventually, newUser, request, startHarness, type Harness } from './test/harness.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./test/fixtures/${name}`, import.meta.url), 'utf8');
}

describe('imports', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const mixed = () =>
    [
      'date,type,symbol,quantity,unitPrice,fee,currency',
      `${day(-30)},BUY,AAPL,10,150,1,USD`,
      `${day(-20)},SELL,AAPL,-3,160,,USD`,
      `${day(5)},BUY,MSFT,1,300,,USD`,
      `${day(-19)},BUY,TSLA,1,200,,XXX`,
      `${day(-18)},SELL,AAPL,20,160,,USD`,
      `${day(-17)},GIFT,AAPL,1,1,,USD`,
      `,BUY,AAPL,1,1,,USD`,
      `${day(-16)},SELL,AAPL,4,170,0.5,`,
    ].join('\n');

  it("a dry run shows every row's parsed result and its errors (row, field, message), and writes nothing", async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    const before = await counts(h);
    const res = await c.post('/imports/csv', { accountId, content: mixed() });
    expect(res.status).toBe(200);
    const report = res.json();
    expect(await counts(h)).toEqual(before);
    expect(report).toMatchObject({ dryRun: true, format: 'csv', preset: 'generic', importId: null, summary: { rows: 8, new: 2, duplicates: 0, errors: 6, skipped: 0, created: 0 } });
    expect(report.rows.map((r: { row: number; status: string }) => [r.row, r.status])).toEqual([
      [2, 'new'],
      [3, 'error'],
      [4, 'error'],
      [5, 'error'],
      [6, 'error'],
      [7, 'error'],
      [8, 'error'],
      [9, 'new'],
    ]);
    expect(report.rows[0].activity).toEqual({
      accountId,
      type: 'BUY',
      date: day(-30),
      symbol: 'AAPL',
      quantity: '10',
      unitPrice: '150',
      amount: null,
      fee: '1',
      tax: '0',
      currency: 'USD',
      ratio: null,
      notes: null,
    });
    expect(report.errors).toEqual([
      { row: 3, field: 'quantity', message: 'quantity must not be negative' },
      { row: 4, field: 'date', message: `date ${day(5)} is in the future` },
      { row: 5, field: 'currency', message: 'unknown currency "XXX": expected an ISO 4217 code' },
      { row: 6, field: 'quantity', message: `the SELL on ${day(-18)} sells 20 AAPL but account "Broker" holds only 10 then` },
      { row: 7, field: 'type', message: 'unknown type "GIFT": map it with typeMap (e.g. {"typeMap": {"GIFT": "BUY"}})' },
      { row: 8, field: 'date', message: 'date is empty' },
    ]);
  });

  it('commits all or nothing: 422 with the report while any row fails, every row once none does', async () => {
    const u = await newUser(h);
    const c = client(h, u);
    const accountId = await c.account();
    const before = await counts(h);
    const refused = await c.post('/imports/csv', { accountId, content: mixed(), commit: true });
    expect(refused.status).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'unprocessable', message: '6 of 8 rows have errors; nothing was imported', details: { reason: 'import_has_errors', summary: { errors: 6 } } });
    expect(await counts(h)).toEqual(before);

    const good = mixed().split('\n').filter((_, i) => i === 0 || i === 1 || i === 8).join('\n');
    const res = await c.post('/imports/csv', { accountId, content: good, commit: true, fileName: 'trades.csv' });
    expect(res.status).toBe(201);
    const report = res.json();
    expect(report).toMatchObject({ dryRun: false, importId: expect.any(String), summary: { new: 2, created: 2 }, version: 3 });
    expect(report.rows.every((r: { activityId: string | null }) => r.activityId !== null)).toBe(true);
    const stored = (await c.get('/activities')).json().items;
    expect(stored.map((a: { importId: string; source: string }) => [a.importId, a.source])).toEqual([
      [report.importId, 'IMPORT'],
      [report.importId, 'IMPORT'],
    ]);
    expect((await c.get('/imports')).json().items).toEqual([
      { id: report.importId, format: 'csv', preset: 'generic', fileName: 'trades.csv', created: 2, skipped: 0, createdAt: expect.any(String) },
    ]);
    await eventually(() => h.events.filter((e) => e.type === 'transactions.activity.recorded' && e.subject === u.userId).length === 2);
  });

  it('flags rows that match stored activities as duplicates and skips them, unless forced', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    await c.activity({ accountId, type: 'BUY', date: day(-30), symbol: 'AAPL', quantity: '10', unitPrice: '150.00' });
    await c.activity({ accountId, type: 'DEPOSIT', date: day(-30), amount: '500' });
    const csv = [
      'date,type,symbol,quantity,unitPrice,amount',
      `${day(-30)},BUY,aapl,10.0,150,`, // the stored buy
      `${day(-30)},BUY,AAPL,10,150,`, // a second identical fill: new
      `${day(-30)},DEPOSIT,,,,500`, // the stored deposit
      `${day(-30)},DEPOSIT,,,,501`, // another amount: new
      `${day(-29)},BUY,AAPL,10,150,`, // another day: new
    ].join('\n');
    const dry = (await c.post('/imports/csv', { accountId, content: csv })).json();
    expect(dry.rows.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'new', 'duplicate', 'new', 'new']);
    expect(dry.rows[0].duplicateOf).toEqual(expect.any(String));
    expect(dry.summary).toMatchObject({ new: 3, duplicates: 2, errors: 0 });

    const committed = (await c.post('/imports/csv', { accountId, content: csv, commit: true })).json();
    expect(committed.summary).toMatchObject({ created: 3, duplicates: 2 });
    expect((await c.get('/activities')).json().items).toHaveLength(5);
    const forced = await c.post('/imports/csv', { accountId, content: csv, commit: true, force: true });
    expect(forced.json().summary).toMatchObject({ created: 5, duplicates: 0 });
    expect((await c.get('/activities')).json().items).toHaveLength(10);
  });

  it('resolves accounts named in the file, through accountMap first, and reports names it cannot find', async () => {
    const c = client(h, await newUser(h));
    const ira = await c.account({ name: 'IRA' });
    const taxable = await c.account({ name: 'Taxable' });
    const csv = ['Account,Date,Action,Ticker,Qty,Price', `ira,${day(-9)},Buy,VT,1,100`, `Joint,${day(-9)},Buy,VT,1,100`, `U999,${day(-9)},Buy,VT,1,100`].join('\n');
    const res = (await c.post('/imports/csv', { content: csv, accountMap: { U999: taxable } })).json();
    expect(res.rows.map((r: { activity: { accountId: string | null } }) => r.activity.accountId)).toEqual([ira, null, taxable]);
    expect(res.rows[1].errors).toEqual([{ row: 3, field: 'account', message: 'no account matches "Joint": map it with accountMap, pass accountId' }]);
  });

  it('reads an Interactive Brokers Flex file into a cash-tracking account, skipping the forex line', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account({ name: 'IBKR', trackCash: true });
    const res = await c.post('/imports/csv', { content: fixture('ibkr-flex.csv'), accountMap: { U1234567: accountId }, commit: true });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ preset: 'ibkr-flex', summary: { rows: 9, created: 8, skipped: 1, errors: 0 } });
    expect((await c.get(`/accounts/${accountId}/balances`)).json()).toEqual({
      accountId,
      date: null,
      positions: [{ symbol: 'VT', quantity: '150' }],
      // 20000 − 8910.1 − 10020.1 + 5179.4957 + 137.23 − 20.58 + 3.12 − 4.5
      cash: [{ currency: 'USD', balance: '6364.5657' }],
    });
  });

  it('takes the file as a text/csv body, with the options in the query', async () => {
    const u = await newUser(h);
    const accountId = await client(h, u).account();
    const res = await request(h.service, 'POST', `/imports/csv?accountId=${accountId}&preset=schwab&commit=true`, {
      token: u.token,
      rawBody: fixture('schwab.csv'),
      contentType: 'text/csv',
    });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ preset: 'schwab', summary: { created: 7, skipped: 1 } });
  });

  it("imports a Ghostfolio JSON export: its accounts matched by name or created, its activities' days and amounts kept", async () => {
    const c = client(h, await newUser(h));
    const broker = await c.account({ name: 'Ghost Broker' });
    const data = JSON.parse(fixture('ghostfolio.json'));
    const without = (await c.post('/imports/json', { data })).json();
    expect(without.rows.filter((r: { status: string }) => r.status === 'error').map((r: { errors: { field: string }[] }) => r.errors[0]!.field)).toEqual(['account', 'account', 'account']);

    const dry = (await c.post('/imports/json', { data, createAccounts: true })).json();
    expect(dry).toMatchObject({ format: 'json', preset: 'ghostfolio', summary: { rows: 7, new: 6, skipped: 1, errors: 0 } });
    expect(dry.accountsToCreate).toEqual([{ id: expect.any(String), name: 'Euro Depot', currency: 'EUR' }]);

    const res = await c.post('/imports/json', { data, createAccounts: true, commit: true });
    expect(res.status).toBe(201);
    const accounts = (await c.get('/accounts')).json().items;
    expect(accounts.map((a: { name: string; currency: string }) => [a.name, a.currency])).toEqual([
      ['Ghost Broker', 'USD'],
      ['Euro Depot', 'EUR'],
    ]);
    const activities = (await c.get(`/activities?accountId=${broker}`)).json().items;
    expect(activities.map((a: { type: string; date: string; symbol: string; quantity: string | null; amount: string | null; fee: string }) => [a.type, a.date, a.symbol, a.quantity, a.amount, a.fee])).toEqual([
      ['SELL', '2024-03-20', 'AAPL', '4', null, '0.5'],
      ['BUY', '2024-03-15', 'AAPL', '10', null, '1'],
      ['DIVIDEND', '2023-10-05', 'VGSH', null, '2.169332124', '0.33'],
    ]);
    // The same file again: everything is already there.
    const again = (await c.post('/imports/json', { content: JSON.stringify(data), createAccounts: true })).json();
    expect(again.summary).toMatchObject({ new: 0, duplicates: 6, skipped: 1 });
    expect(again.accountsToCreate).toEqual([]);
  });

  it('round-trips: a CSV or JSON export imported again is all duplicates, and into another user it rebuilds the same data', async () => {
    const c = client(h, await newUser(h));
    const broker = await c.account({ name: 'Broker', costBasisMethod: 'AVERAGE' });
    const bank = await c.account({ name: 'Bank', type: 'BANK', currency: 'EUR', trackCash: true });
    await c.activity({ accountId: bank, type: 'DEPOSIT', date: day(-90), amount: '5000' });
    await c.activity({ accountId: bank, type: 'INTEREST', date: day(-60), amount: '1.23' });
    await c.activity({ accountId: broker, type: 'BUY', date: day(-80), symbol: 'AAPL', quantity: '10', unitPrice: '150.25', fee: '1' });
    await c.activity({ accountId: broker, type: 'BUY', date: day(-80), symbol: 'AAPL', quantity: '10', unitPrice: '150.25', fee: '1' });
    await c.activity({ accountId: broker, type: 'SPLIT', date: day(-70), symbol: 'AAPL', ratio: '4:1' });
    await c.activity({ accountId: broker, type: 'SELL', date: day(-60), symbol: 'AAPL', quantity: '30', unitPrice: '40', notes: 'rebalance, "quoted"\nnote' });
    await c.activity({ accountId: broker, type: 'DIVIDEND', date: day(-50), symbol: 'AAPL', amount: '12.4', tax: '1.86' });
    await c.post('/transfers', { fromAccountId: broker, toAccountId: bank, date: day(-40), symbol: 'AAPL', quantity: '5' });

    const csv = await c.get('/export?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe('date,type,account,accountId,symbol,quantity,unitPrice,amount,fee,tax,currency,ratio,transferId,notes,id');
    const fromCsv = (await c.post('/imports/csv', { content: csv.text })).json();
    expect(fromCsv).toMatchObject({ preset: 'meridian', summary: { rows: 9, new: 0, duplicates: 9, errors: 0 } });

    const json = (await c.get('/export?format=json')).json();
    expect(json).toMatchObject({ format: 'meridian', version: 1, accounts: [{ name: 'Broker' }, { name: 'Bank' }] });
    const fromJson = (await c.post('/imports/json', { data: json })).json();
    expect(fromJson.summary).toMatchObject({ rows: 9, new: 0, duplicates: 9, errors: 0 });
    expect((await c.post('/imports/json', { data: json, commit: true })).json().summary.created).toBe(0);

    // Into a fresh user: accounts are created, the transfer legs linked again, the ledger valid.
    const other = client(h, await newUser(h));
    const rebuilt = await other.post('/imports/csv', { content: csv.text, commit: true });
    expect(rebuilt.status).toBe(422);
    expect(rebuilt.json().error.details.errors[0]).toMatchObject({ field: 'account' });
    const viaJson = await other.post('/imports/json', { data: json, createAccounts: true, commit: true });
    expect(viaJson.status).toBe(201);
    const strip = (e: { activities: Record<string, unknown>[] }) =>
      e.activities.map(({ type, date, symbol, quantity, unitPrice, amount, fee, tax, currency, ratio, notes, transferId }) => ({
        type, date, symbol, quantity, unitPrice, amount, fee, tax, currency, ratio, notes, linked: transferId !== null,
      }));
    expect(strip((await other.get('/export?format=json')).json())).toEqual(strip(json));
    expect((await other.post('/imports/csv', { content: (await other.get('/export?format=csv')).text })).json().summary.new).toBe(0);
  });

  it('undoes an import: its activities go (events published) unless the ledger needs them', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    const res = (await c.post('/imports/csv', { accountId, commit: true, content: `date,type,symbol,quantity,unitPrice\n${day(-9)},BUY,VT,5,100\n` })).json();
    const sell = await c.activity({ accountId, type: 'SELL', date: day(-1), symbol: 'VT', quantity: '5', unitPrice: '101' });
    expect((await c.delete(`/imports/${res.importId}`)).status).toBe(422);
    await c.delete(`/activities/${sell.id}`);
    expect((await c.delete(`/imports/${res.importId}`)).status).toBe(204);
    expect((await c.get('/activities')).json().items).toEqual([]);
    expect((await c.get('/imports')).json().items).toEqual([]);
  });

  it('takes files larger than the 1 MB limit of other requests', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    const note = 'x'.repeat(600);
    const lines = Array.from({ length: 2000 }, (_, i) => `${day(-(i % 300) - 1)},DEPOSIT,${i + 1},${note}`);
    const content = ['date,type,amount,notes', ...lines].join('\n');
    expect(content.length).toBeGreaterThan(1_100_000);
    const res = await c.post('/imports/csv', { accountId, content });
    expect(res.status).toBe(200);
    expect(res.json().summary).toMatchObject({ rows: 2000, new: 2000 });
  });

  it('refuses an unreadable upload as a whole with a clear 4xx', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    expect((await c.post('/imports/csv', { accountId })).status).toBe(400);
    expect((await c.post('/imports/csv', { accountId, content: 'when,what\nx,y' })).json().error.details.reason).toBe('unknown_format');
    expect((await c.post('/imports/csv', { accountId, content: 'date,type\n1,2', mapping: { symbol: 'Ticker' } })).status).toBe(422);
    expect((await c.post('/imports/json', { accountId, content: '{nope' })).status).toBe(400);
    expect((await c.post('/imports/json', { accountId, data: { rows: [] } })).status).toBe(422);
  });
});
