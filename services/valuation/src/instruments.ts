import type { InstrumentDto, PriceSource } from '@meridian/contracts';
import type { InstrumentRow } from './database.js';
import { calendarFor, type MarketCalendar } from './market-hours.js';
import type { InstrumentInfo, InstrumentRef } from './providers/types.js';

/** Hints for a symbol no provider knows (from a recorded activity, or the track request). */
export interface TrackHints {
  name?: string | undefined;
  type?: InstrumentInfo['type'] | undefined;
  currency?: string | undefined;
}

export function parseProviderIds(text: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** How the provider chain sees a stored instrument. */
export function toRef(row: InstrumentRow): InstrumentRef {
  return { symbol: row.symbol, type: row.type, currency: row.currency, exchange: row.exchange, providerIds: parseProviderIds(row.provider_ids) };
}

export function calendarOf(row: Pick<InstrumentRow, 'type' | 'exchange' | 'symbol' | 'currency'>): MarketCalendar {
  return calendarFor(row);
}

export function toInstrumentDto(row: InstrumentRow): InstrumentDto {
  return {
    symbol: row.symbol,
    name: row.name,
    type: row.type,
    currency: row.currency,
    exchange: row.exchange,
    sector: row.sector,
    country: row.country,
    dataSource: row.data_source,
    manual: row.owner_id !== null,
    tracked: row.tracked_at !== null,
    simulated: row.data_source === 'SIMULATED',
  };
}

/** A provider's answer about a symbol Meridian does not track (yet). */
export function infoToDto(info: InstrumentInfo, source: PriceSource, simulated: boolean): InstrumentDto {
  return {
    symbol: info.symbol,
    name: info.name,
    type: info.type,
    currency: info.currency,
    exchange: info.exchange,
    sector: info.sector,
    country: info.country,
    dataSource: source,
    manual: false,
    tracked: false,
    simulated,
  };
}
