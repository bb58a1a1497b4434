import type { RiskSettingsDto } from '@meridian/contracts';
import { Decimal } from '@meridian/finance';
import type { z } from 'zod';
import type { updateRiskSettingsBody } from '@meridian/contracts';
import type { Kysely } from 'kysely';
import type { ExecutionSettings } from './config.js';
import type { ExecutionDatabase, RiskSettingsRow } from './database.js';

type Db = Kysely<ExecutionDatabase>;

const dec = (v: string | null) => (v === null ? null : Decimal.from(v).toString());

function fromRow(row: RiskSettingsRow): RiskSettingsDto {
  return {
    killSwitch: row.kill_switch,
    liveTrading: row.live_trading,
    maxOrderNotional: dec(row.max_order_notional),
    maxDailyNotional: dec(row.max_daily_notional),
    priceCollarPercent: dec(row.price_collar_percent),
    maxPositionWeightPercent: dec(row.max_position_weight_percent),
    allowSymbols: JSON.parse(row.allow_symbols) as string[],
    denySymbols: JSON.parse(row.deny_symbols) as string[],
  };
}

/** The limits a user starts with: the operator's defaults, live trading off. */
export function defaultRiskSettings(settings: ExecutionSettings): RiskSettingsDto {
  return {
    killSwitch: false,
    liveTrading: false,
    maxOrderNotional: settings.MERIDIAN_EXECUTION_MAX_ORDER_NOTIONAL,
    maxDailyNotional: settings.MERIDIAN_EXECUTION_MAX_DAILY_NOTIONAL,
    priceCollarPercent: settings.MERIDIAN_EXECUTION_PRICE_COLLAR_PERCENT,
    maxPositionWeightPercent: settings.MERIDIAN_EXECUTION_MAX_POSITION_WEIGHT_PERCENT,
    allowSymbols: [],
    denySymbols: [],
  };
}

/** A user's limits from their row, or the defaults when they never set any. */
export function riskSettingsFrom(row: RiskSettingsRow | undefined, settings: ExecutionSettings): RiskSettingsDto {
  return row ? fromRow(row) : defaultRiskSettings(settings);
}

export async function getRiskSettings(db: Db, settings: ExecutionSettings, userId: string): Promise<RiskSettingsDto> {
  return riskSettingsFrom(await db.selectFrom('risk_settings').selectAll().where('user_id', '=', userId).executeTakeFirst(), settings);
}

export async function updateRiskSettings(db: Db, settings: ExecutionSettings, userId: string, patch: z.infer<typeof updateRiskSettingsBody>): Promise<RiskSettingsDto> {
  return db.transaction().execute(async (trx) => {
    const current = await getRiskSettings(trx, settings, userId);
    const next: RiskSettingsDto = {
      ...current,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    };
    const values = {
      kill_switch: next.killSwitch,
      live_trading: next.liveTrading,
      max_order_notional: next.maxOrderNotional,
      max_daily_notional: next.maxDailyNotional,
      price_collar_percent: next.priceCollarPercent,
      max_position_weight_percent: next.maxPositionWeightPercent,
      allow_symbols: JSON.stringify([...new Set(next.allowSymbols)]),
      deny_symbols: JSON.stringify([...new Set(next.denySymbols)]),
      updated_at: new Date(),
    };
    const row = await trx
      .insertInto('risk_settings')
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  });
}
