import { migrateSchema, platformMigrations, uuidv7 } from '@meridian/platform';
import { createTestDatabase, testDatabases, type TestDatabase, type TestDatabaseKind } from '@meridian/platform/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstrumentRow, ValuationDatabase } from './database.js';
import { latestFxRates, listFxRates, upsertFxRates } from './fx.repository.js';
import { findVisibleInstrument, findVisibleInstruments, insertInstrument, listTrackedInstruments, searchVisibleInstruments } from './instruments.repository.js';
import { migrations } from './migrations/index.js';
import { lastPriceDates, latestCloses, listPrices, recentCloses, upsertPrices } from './prices.repository.js';
import { dueTrackRequests, enqueueTrackRequest, postponeTrackRequest } from './tracking.repository.js';

const now = new Date('2026-01-09T18:00:00Z');

function instrument(overrides: Partial<InstrumentRow>): InstrumentRow {
  return {
    id: uuidv7(),
    symbol: 'AAPL',
    owner_id: null,
    name: 'Apple Inc.',
    type: 'EQUITY',
    currency: 'USD',
    exchange: 'XNAS',
    sector: null,
    country: null,
    data_source: 'SIMULATED',
    provider_ids: '{}',
    history_from: null,
    tracked_at: now,
    created_at: now,
    updated_at: now,
    ...overrides,
  };
}

describe.each(testDatabases())('the valuation repositories on %s', (kind: TestDatabaseKind) => {
  let database: TestDatabase;
  let db: Kysely<ValuationDatabase>;
  const alice = uuidv7();
  const bob = uuidv7();
  const shared = instrument({ symbol: 'HOUSE' });
  const alices = instrument({ symbol: 'HOUSE', owner_id: alice, data_source: 'MANUAL', name: 'Alice’s house 100% mine_', tracked_at: null });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await migrateSchema(database, 'valuation', platformMigrations, { tableName: 'platform_migration' });
    await migrateSchema(database, 'valuation', migrations);
    db = database.forSchema<ValuationDatabase>('valuation');
    await insertInstrument(db, shared);
    await insertInstrument(db, alices);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('scopes instruments by owner: one’s own shadows the shared one, another’s never shows', async () => {
    expect((await findVisibleInstrument(db, alice, 'HOUSE'))?.id).toBe(alices.id);
    expect((await findVisibleInstrument(db, bob, 'HOUSE'))?.id).toBe(shared.id);
    expect((await findVisibleInstruments(db, alice, ['HOUSE', 'NONE'])).get('HOUSE')?.id).toBe(alices.id);
    expect((await findVisibleInstruments(db, bob, ['HOUSE'])).get('HOUSE')?.id).toBe(shared.id);
    expect((await listTrackedInstruments(db)).map((i) => i.id)).toEqual([shared.id]);
  });

  it('searches with the query taken literally, never as a LIKE pattern', async () => {
    expect((await searchVisibleInstruments(db, alice, '100%', 10)).map((i) => i.id)).toEqual([alices.id]);
    // As a pattern "A%e" would match "Alice’s house"; as text it is nowhere.
    expect(await searchVisibleInstruments(db, alice, 'A%e', 10)).toEqual([]);
    expect((await searchVisibleInstruments(db, alice, 'mine_', 10)).map((i) => i.id)).toEqual([alices.id]);
    expect((await searchVisibleInstruments(db, bob, 'alice', 10)).map((i) => i.id)).toEqual([]);
  });

  it('refuses a manual instrument without an owner and a second one of the same symbol per owner', async () => {
    await expect(insertInstrument(db, instrument({ symbol: 'ORPHAN', data_source: 'MANUAL' }))).rejects.toThrow();
    await expect(insertInstrument(db, instrument({ symbol: 'HOUSE', owner_id: alice, data_source: 'MANUAL' }))).rejects.toMatchObject({ code: '23505' });
    await expect(insertInstrument(db, instrument({ symbol: 'HOUSE' }))).rejects.toMatchObject({ code: '23505' });
  });

  it('keeps prices exact, replaces a day written again, and refuses a non-positive close', async () => {
    const row = (date: string, close: string) => ({ instrument_id: shared.id, date, close, source: 'YAHOO' as const, simulated: false, confirmed_by: null, updated_at: now });
    await upsertPrices(db, [row('2026-01-07', '0.000000012345678901'), row('2026-01-08', '123456789012.123456789')]);
    await upsertPrices(db, [row('2026-01-08', '245.12'), row('2026-01-09', '246.00')]);
    expect((await listPrices(db, shared.id, '2026-01-01', '2026-01-31')).map((p) => [p.date, p.close])).toEqual([
      ['2026-01-07', '0.000000012345678901'],
      ['2026-01-08', '245.12'],
      ['2026-01-09', '246.00'],
    ]);
    await expect(upsertPrices(db, [row('2026-01-10', '0')])).rejects.toThrow();
    expect((await recentCloses(db, [shared.id], '2026-01-08')).get(shared.id)).toEqual([
      { date: '2026-01-09', close: '246.00' },
      { date: '2026-01-08', close: '245.12' },
    ]);
    expect((await latestCloses(db, [shared.id])).get(shared.id)?.map((p) => p.date)).toEqual(['2026-01-09', '2026-01-08']);
    expect((await lastPriceDates(db, [shared.id, alices.id])).get(shared.id)).toBe('2026-01-09');
  });

  it('stores FX rates per pair and finds the latest of each', async () => {
    const rate = (quote: string, date: string, value: string) => ({ base: 'EUR', quote, date, rate: value, source: 'FRANKFURTER' as const, simulated: false, updated_at: now });
    await upsertFxRates(db, [rate('USD', '2026-01-08', '1.0389'), rate('USD', '2026-01-09', '1.0412'), rate('GBP', '2026-01-08', '0.86415')]);
    expect((await listFxRates(db, 'EUR', 'USD', '2026-01-01', '2026-01-31')).map((r) => r.rate)).toEqual(['1.0389', '1.0412']);
    const latest = await latestFxRates(db, 'EUR', ['USD', 'GBP', 'JPY'], '2026-01-01');
    expect([...latest.entries()].map(([q, r]) => [q, r.date])).toEqual([
      ['USD', '2026-01-09'],
      ['GBP', '2026-01-08'],
    ]);
  });

  it('queues a symbol once and postpones a failed attempt', async () => {
    await enqueueTrackRequest(db, { symbol: 'MSFT', hints: null, now });
    await enqueueTrackRequest(db, { symbol: 'MSFT', hints: '{"currency":"USD"}', now });
    expect(await dueTrackRequests(db, now, 10)).toEqual([expect.objectContaining({ symbol: 'MSFT', hints: null, attempts: 0 })]);
    await postponeTrackRequest(db, 'MSFT', 'provider down', new Date(now.getTime() + 60_000));
    expect(await dueTrackRequests(db, now, 10)).toEqual([]);
    expect(await dueTrackRequests(db, new Date(now.getTime() + 60_000), 10)).toEqual([expect.objectContaining({ attempts: 1, last_error: 'provider down' })]);
  });
});
