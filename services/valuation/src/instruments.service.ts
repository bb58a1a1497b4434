import type { CreateInstrumentBody, InstrumentDto } from '@meridian/contracts';
import { AppError, uuidv7 } from '@meridian/platform';
import type { InstrumentRow } from './database.js';
import { isUniqueViolation } from './db-errors.js';
import type { ValuationDeps } from './deps.js';
import { infoToDto, toInstrumentDto } from './instruments.js';
import { findVisibleInstrument, insertInstrument, searchVisibleInstruments } from './instruments.repository.js';
import type { LookupResult } from './providers/chain.js';

const LOOKUP_TTL_MS = 24 * 3_600_000;
const SEARCH_TTL_MS = 3_600_000;

/**
 * Creates a manual instrument owned by `userId`: only that user sees it and its prices,
 * which the user enters (`PUT /instruments/{symbol}/prices`).
 */
export async function createManualInstrument(deps: ValuationDeps, userId: string, body: CreateInstrumentBody): Promise<InstrumentDto> {
  const now = deps.clock();
  const row: InstrumentRow = {
    id: uuidv7(),
    symbol: body.symbol,
    owner_id: userId,
    name: body.name,
    type: body.type,
    currency: body.currency,
    exchange: body.exchange ?? null,
    sector: body.sector ?? null,
    country: body.country ?? null,
    data_source: 'MANUAL',
    provider_ids: '{}',
    history_from: null,
    tracked_at: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await insertInstrument(deps.db, row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', `you already have an instrument with the symbol ${body.symbol}`);
    throw err;
  }
  return toInstrumentDto(row);
}

/** The instrument a symbol means to the caller, or 404 (another user's manual instruments do not exist for them). */
export async function requireVisibleInstrument(deps: ValuationDeps, userId: string, symbol: string): Promise<InstrumentRow> {
  const row = await findVisibleInstrument(deps.db, userId, symbol);
  if (!row) throw new AppError('not_found', `no instrument ${symbol}`);
  return row;
}

/** A provider's description of a symbol, cached for a day (symbols rarely change). */
export async function lookupSymbol(deps: ValuationDeps, symbol: string): Promise<LookupResult | undefined> {
  const key = `valuation:lookup:${symbol}`;
  const cached = await deps.cache.get(key);
  if (cached) return cached === 'none' ? undefined : (JSON.parse(cached) as LookupResult);
  const found = await deps.chain.lookup(symbol);
  await deps.cache.set(key, found ? JSON.stringify(found) : 'none', found ? LOOKUP_TTL_MS : 10 * 60_000);
  return found;
}

/** The caller's or the shared instrument, else what a provider says about the symbol (not tracked). */
export async function getInstrument(deps: ValuationDeps, userId: string, symbol: string): Promise<InstrumentDto> {
  const row = await findVisibleInstrument(deps.db, userId, symbol);
  if (row) return toInstrumentDto(row);
  const found = await lookupSymbol(deps, symbol);
  if (!found) throw new AppError('not_found', `no instrument ${symbol}`);
  return infoToDto(found.info, found.source, found.simulated);
}

/**
 * Instruments matching `query`: the caller's own and the tracked ones first, then what the
 * providers find (cached for an hour per query).
 */
export async function searchInstruments(
  deps: ValuationDeps,
  userId: string,
  query: string,
  limit: number,
): Promise<{ results: InstrumentDto[]; simulated: boolean }> {
  const local = (await searchVisibleInstruments(deps.db, userId, query, limit)).map(toInstrumentDto);
  const key = `valuation:search:${query.toUpperCase()}:${limit}`;
  let remote: LookupResult[];
  const cached = await deps.cache.get(key);
  if (cached) remote = JSON.parse(cached) as LookupResult[];
  else {
    remote = await deps.chain.search(query, limit);
    await deps.cache.set(key, JSON.stringify(remote), SEARCH_TTL_MS);
  }
  const seen = new Set(local.map((i) => i.symbol));
  const results = [...local];
  for (const r of remote) {
    if (results.length >= limit) break;
    if (seen.has(r.info.symbol)) continue;
    seen.add(r.info.symbol);
    results.push(infoToDto(r.info, r.source, r.simulated));
  }
  return { results, simulated: results.some((r) => r.simulated) };
}
