import type { EventData } from '@meridian/contracts';
import { migrateSchema, uuidv7, type Database } from '@meridian/platform';
import { createTestDatabase, testDatabases, testLogger } from '@meridian/platform/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortfolioDatabase } from './database.js';
import { PortfolioEngine } from './engine.js';
import { MarketCache } from './market.js';
import { migrations } from './migrations/index.js';
import { loadUser, saveAccount, saveActivity } from './readmodel.repository.js';

type Activity = EventData<'transactions.activity.recorded'>;

/**
 * Events of one user are consumed concurrently and may commit out of order. The read model's
 * version must say "everything up to here is applied", never just "the highest seen", or a
 * reader waiting for version 4 would be handed a portfolio missing 2 and 3.
 */
describe.each(testDatabases())('the read model with events out of order (%s)', (kind) => {
  let database: Database;
  let db: Kysely<PortfolioDatabase>;
  const userId = uuidv7();
  const accountId = uuidv7();
  const activity = (version: number, id: string, quantity: string): Activity => ({
    userId,
    version,
    activityId: id,
    accountId,
    type: 'BUY',
    date: '2024-01-02',
    symbol: 'ACME',
    quantity,
    unitPrice: '10',
    amount: null,
    fee: '0',
    tax: '0',
    currency: 'USD',
    ratio: null,
    transferId: null,
    source: 'MANUAL',
    importId: null,
  });
  const inTrx = (fn: (trx: Kysely<PortfolioDatabase>) => Promise<void>) => db.transaction().execute(fn);
  const [first, second, third] = [uuidv7(), uuidv7(), uuidv7()];
  const newEngine = () =>
    new PortfolioEngine(db, new MarketCache(() => {
      throw new Error('no market data in this test');
    }, testLogger()), testLogger());

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await migrateSchema(database, 'portfolio', migrations);
    db = database.forSchema<PortfolioDatabase>('portfolio');
  });
  afterAll(async () => {
    await database?.close();
  });

  it('keeps the version at the last one with nothing missing below it', async () => {
    await inTrx((trx) =>
      saveAccount(trx, { userId, version: 1, accountId, name: 'Broker', type: 'BROKERAGE', currency: 'USD', institution: null, trackCash: false, costBasisMethod: 'FIFO', archived: false }, {}),
    );
    await inTrx((trx) => saveActivity(trx, activity(4, third, '4'), false));
    await inTrx((trx) => saveActivity(trx, activity(3, second, '3'), false));
    let data = await loadUser(db, userId);
    expect(data.version).toBe(1);
    expect(data.ahead.sort()).toEqual([3, 4]);
    await inTrx((trx) => saveActivity(trx, activity(2, first, '2'), false));
    data = await loadUser(db, userId);
    expect(data.version).toBe(4);
    expect(data.ahead).toEqual([]);
    // A redelivered old event changes nothing.
    await inTrx((trx) => saveActivity(trx, activity(2, first, '999'), false));
    expect((await loadUser(db, userId)).activities.find((a) => a.activity_id === first)?.quantity).toBe('2');
  });

  it('a view loaded across a gap catches up when the missing event arrives, and a late event does not revive a deletion', async () => {
    const engine = newEngine();
    const other = uuidv7();
    const deleted = { ...activity(7, other, '5') };
    await inTrx((trx) => saveActivity(trx, deleted, true));
    await inTrx((trx) => saveActivity(trx, activity(6, uuidv7(), '1'), false));
    const view = await engine.load(userId, undefined);
    expect(view.version).toBe(4);
    // Version 5 (the recording of what 7 deleted) arrives late, in memory.
    engine.apply(userId, { kind: 'activity', version: 5, activity: activity(5, other, '5'), deleted: false });
    expect(view.version).toBe(7);
    expect(view.activities.has(other)).toBe(false);
    engine.close();
  });

  it("reports in the first account's currency whichever account event is applied first", async () => {
    const engine = newEngine();
    const user = uuidv7();
    const [usd, eur] = [uuidv7(), uuidv7()];
    const account = (version: number, id: string, currency: string) =>
      ({ userId: user, version, accountId: id, name: currency, type: 'BANK', currency, institution: null, trackCash: true, costBasisMethod: 'FIFO', archived: false }) as const;
    // The EUR account was created second (version 2) but its event commits first.
    await inTrx((trx) => saveAccount(trx, account(2, eur, 'EUR'), {}));
    const view = await engine.load(user, undefined);
    expect(view.baseCurrency).toBe('EUR');
    await inTrx((trx) => saveAccount(trx, account(1, usd, 'USD'), {}));
    const row = (await loadUser(db, user)).accounts.find((a) => a.account_id === usd);
    engine.apply(user, { kind: 'account', version: 1, account: row ?? null, accountId: usd });
    expect(view.baseCurrency).toBe('USD');
    engine.close();
    // A fresh load agrees with the incremental one.
    const again = newEngine();
    expect((await again.load(user, undefined)).baseCurrency).toBe('USD');
    again.close();
  });
});
