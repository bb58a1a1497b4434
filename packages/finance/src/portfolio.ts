import { compareActivities, normalizeActivity, type NormalizedActivity } from './activities.js';
import { fxDiagnostics, fxTrack } from './context.js';
import { formatDate, parseDate, type Day } from './dates.js';
import { rebuildCashHistories, runCashLedger } from './cash.js';
import { runHoldingLedger } from './ledger-holding.js';
import { prepareMarketData, type MarketData } from './market.js';
import { buildPriceTrack } from './prices.js';
import type { AccountInfo, InstrumentInfo, LedgerOutput, Portfolio, PositionHistory } from './state.js';
import { fillCashSeries, fillPositionSeries, fillTotals, resolveMarketFlows } from './timeline.js';
import type { Account, Activity, Diagnostic, Instrument, MarketDataInput } from './types.js';

/** What {@link buildPortfolio} needs. Give `market` (from {@link prepareMarketData}) to reuse parsed quotes. */
export interface PortfolioInput extends Partial<MarketDataInput> {
  baseCurrency: string;
  /** Last day of the timeline, `YYYY-MM-DD` (the clock is a parameter). */
  asOf: string;
  accounts: readonly Account[];
  instruments: readonly Instrument[];
  activities: readonly Activity[];
  market?: MarketData;
}

/** Internal bookkeeping kept beside the public state. */
interface Internals {
  positionHistory: Map<number, PositionHistory>;
  activityDiagnostics: Map<string, Diagnostic>;
}

const internals = new WeakMap<Portfolio, Internals>();

function inner(p: Portfolio): Internals {
  const i = internals.get(p);
  if (!i) throw new Error('not a portfolio built by buildPortfolio');
  return i;
}

/** Exact position state after each day it changed, by segment index. */
export function positionHistories(p: Portfolio): ReadonlyMap<number, PositionHistory> {
  return inner(p).positionHistory;
}

/**
 * Computes everything from scratch: lots, cash, the daily timeline from the day before the
 * first activity to `asOf`, and the data behind performance, attribution and risk.
 *
 * @example
 * const p = buildPortfolio({ baseCurrency: 'USD', asOf: '2024-12-31', accounts, instruments, activities, prices, fx });
 * performance(p, { range: 'YTD' }).twr;
 */
export function buildPortfolio(input: PortfolioInput): Portfolio {
  const market = input.market ?? prepareMarketData({ prices: input.prices ?? {}, fx: input.fx ?? {} });
  const accounts = new Map<string, AccountInfo>();
  for (const a of input.accounts) {
    accounts.set(a.id, { id: a.id, currency: a.currency, tracksCash: a.tracksCash, costBasis: a.costBasis ?? 'FIFO', implicit: false });
  }
  const instruments = new Map<string, InstrumentInfo>();
  for (const i of input.instruments) {
    instruments.set(i.symbol, { symbol: i.symbol, currency: i.currency, assetClass: i.assetClass ?? 'UNKNOWN', name: i.name ?? i.symbol, implicit: false });
  }
  const asOf = parseDate(input.asOf);
  const sources = input.activities.map((activity, seq) => ({ activity, seq }));
  return assemble(input.baseCurrency, asOf, market, accounts, instruments, sources);
}

function assemble(
  baseCurrency: string,
  asOf: Day,
  market: MarketData,
  accounts: Map<string, AccountInfo>,
  instruments: Map<string, InstrumentInfo>,
  sources: readonly { activity: Activity; seq: number }[],
): Portfolio {
  const activityDiagnostics = new Map<string, Diagnostic>();
  const activities = new Map<string, NormalizedActivity>();
  let firstDay = Number.POSITIVE_INFINITY;
  const pending: NormalizedActivity[] = [];
  for (const { activity, seq } of sources) {
    const n = admit(baseCurrency, asOf, accounts, instruments, activity, seq, activityDiagnostics);
    if (!n) continue;
    pending.push(n);
    if (n.day < firstDay) firstDay = n.day;
  }
  const startDay = Number.isFinite(firstDay) ? firstDay - 1 : asOf;
  const length = Math.max(1, asOf - startDay + 1);
  const p: Portfolio = {
    baseCurrency,
    asOf,
    startDay,
    length,
    market,
    accounts,
    instruments,
    activities,
    sources: new Map(sources.map((s) => [s.activity.id, s])),
    nextSeq: sources.reduce((m, s) => Math.max(m, s.seq + 1), 0),
    ledgerActivities: new Map(),
    ledgers: new Map(),
    ledgerOrder: [],
    pairs: new Map(),
    segments: [],
    segmentByKey: new Map(),
    segmentOrder: [],
    fx: new Map(),
    prices: new Map(),
    cash: new Map(),
    cashDiagnostics: new Map(),
    total: new Float64Array(length),
  };
  internals.set(p, { positionHistory: new Map(), activityDiagnostics });
  for (const n of pending) {
    activities.set(n.id, n);
    let list = p.ledgerActivities.get(n.ledger);
    if (!list) {
      list = [];
      p.ledgerActivities.set(n.ledger, list);
    }
    list.push(n);
  }
  for (const list of p.ledgerActivities.values()) list.sort(compareActivities);
  p.ledgerOrder = [...p.ledgerActivities.keys()].sort();
  for (const c of [...new Set([baseCurrency, ...[...accounts.values()].map((a) => a.currency), ...[...instruments.values()].map((i) => i.currency)])].sort()) {
    fxTrack(p, c);
  }
  pairTransfers(p, new Set(pending.filter((a) => a.transferId).map((a) => a.transferId!)));
  for (const key of p.ledgerOrder) replayLedger(p, key);
  const cashSegments = new Set<number>();
  for (const s of p.segments) if (s.kind === 'cash') cashSegments.add(s.index);
  rebuildCashHistories(p, cashSegments);
  for (const s of p.segments) fillSegment(p, s.index, 0);
  fillTotals(p, 0);
  return p;
}

/** Normalises an activity, registering unknown accounts and instruments; null if it cannot be used. */
function admit(
  baseCurrency: string,
  asOf: Day,
  accounts: Map<string, AccountInfo>,
  instruments: Map<string, InstrumentInfo>,
  activity: Activity,
  seq: number,
  diagnostics: Map<string, Diagnostic>,
): NormalizedActivity | null {
  diagnostics.delete(activity.id);
  const n = normalizeActivity(activity, seq, { baseCurrency, accounts, instruments });
  if (!('ledger' in n)) {
    diagnostics.set(activity.id, n);
    return null;
  }
  if (n.day > asOf) {
    diagnostics.set(activity.id, {
      severity: 'info',
      code: 'FUTURE_ACTIVITY',
      message: `${n.type} ${n.id} is dated after ${formatDate(asOf)}: not included yet`,
      activityId: n.id,
      date: activity.date,
    });
    return null;
  }
  if (!accounts.has(n.accountId)) {
    accounts.set(n.accountId, { id: n.accountId, currency: baseCurrency, tracksCash: false, costBasis: 'FIFO', implicit: true });
  }
  if (n.symbol && !instruments.has(n.symbol)) {
    instruments.set(n.symbol, { symbol: n.symbol, currency: n.currency, assetClass: 'UNKNOWN', name: n.symbol, implicit: true });
  }
  return n;
}

/** Links the two legs of each transfer id when they make a valid pair. */
function pairTransfers(p: Portfolio, ids: ReadonlySet<string>): void {
  if (ids.size === 0) return;
  const legs = new Map<string, NormalizedActivity[]>();
  for (const a of p.activities.values()) {
    if (a.transferId && ids.has(a.transferId) && (a.type === 'TRANSFER_IN' || a.type === 'TRANSFER_OUT')) {
      let list = legs.get(a.transferId);
      if (!list) {
        list = [];
        legs.set(a.transferId, list);
      }
      list.push(a);
    }
  }
  for (const id of ids) {
    for (const a of legs.get(id) ?? []) p.pairs.delete(a.id);
  }
  for (const list of legs.values()) {
    if (list.length !== 2) continue;
    const [x, y] = list as [NormalizedActivity, NormalizedActivity];
    if (x.type === y.type || x.day !== y.day) continue;
    const outLeg = x.type === 'TRANSFER_OUT' ? x : y;
    const inLeg = x.type === 'TRANSFER_OUT' ? y : x;
    const ok = outLeg.symbol
      ? outLeg.symbol === inLeg.symbol && outLeg.quantity!.eq(inLeg.quantity!) && outLeg.accountId !== inLeg.accountId
      : !inLeg.symbol && p.accounts.get(outLeg.accountId)!.tracksCash && p.accounts.get(inLeg.accountId)!.tracksCash;
    if (!ok) continue;
    p.pairs.set(outLeg.id, inLeg);
    p.pairs.set(inLeg.id, outLeg);
  }
}

function replayLedger(p: Portfolio, key: string): LedgerOutput {
  const acts = p.ledgerActivities.get(key) ?? [];
  const what = key.slice(2);
  const out = key.startsWith('I:') ? runHoldingLedger(p, key, what, acts) : runCashLedger(p, key, what, acts);
  p.ledgers.set(key, out);
  const { positionHistory } = inner(p);
  for (const h of out.positions) positionHistory.set(h.segment, h);
  if (key.startsWith('I:')) {
    const track = buildPriceTrack(p, what, out.manual, out.trades);
    p.prices.set(what, track);
    resolveMarketFlows(p, out, track, p.instruments.get(what)!.currency);
  }
  return out;
}

function fillSegment(p: Portfolio, index: number, from: number): void {
  const seg = p.segments[index]!;
  if (seg.kind === 'cash') fillCashSeries(p, index, p.cash.get(index), from);
  else fillPositionSeries(p, index, inner(p).positionHistory.get(index), p.prices.get(seg.symbol!), from);
}

/** Changes to apply with {@link applyChanges}. */
export interface PortfolioChanges {
  /** New activities, or new versions of existing ones (matched by id). */
  upsert?: readonly Activity[];
  /** Ids of activities to delete. */
  remove?: readonly string[];
}

/**
 * Applies new, changed or deleted activities in place and returns the same portfolio.
 * Only the ledgers they touch are replayed (one instrument, or one account's cash), and the
 * daily series are recomputed from the earliest changed date on. The result is identical to
 * {@link buildPortfolio} over the new activity list (in the order: existing ones by their
 * original position, new ones appended). A change before the first activity rebuilds everything.
 */
export function applyChanges(p: Portfolio, changes: PortfolioChanges): Portfolio {
  const { activityDiagnostics, positionHistory } = inner(p);
  const touched: NormalizedActivity[] = [];
  const transferIds = new Set<string>();
  let earliest = Number.POSITIVE_INFINITY;
  const drop = (id: string): void => {
    const old = p.activities.get(id);
    if (old) {
      touched.push(old);
      earliest = Math.min(earliest, old.day);
      if (old.transferId) transferIds.add(old.transferId);
      p.activities.delete(id);
      const list = p.ledgerActivities.get(old.ledger)!;
      list.splice(list.indexOf(old), 1);
    }
  };
  for (const id of changes.remove ?? []) {
    drop(id);
    p.sources.delete(id);
    activityDiagnostics.delete(id);
  }
  const added: NormalizedActivity[] = [];
  for (const activity of changes.upsert ?? []) {
    const existing = p.sources.get(activity.id);
    drop(activity.id);
    const seq = existing ? existing.seq : p.nextSeq++;
    p.sources.set(activity.id, { activity, seq });
    const n = admit(p.baseCurrency, p.asOf, p.accounts, p.instruments, activity, seq, activityDiagnostics);
    if (!n) continue;
    added.push(n);
    earliest = Math.min(earliest, n.day);
    if (n.transferId) transferIds.add(n.transferId);
  }
  if (!Number.isFinite(earliest)) return p;
  let firstDay = Number.POSITIVE_INFINITY;
  for (const a of p.activities.values()) if (a.day < firstDay) firstDay = a.day;
  for (const a of added) if (a.day < firstDay) firstDay = a.day;
  if (firstDay - 1 !== p.startDay) return rebuild(p);

  const ledgers = new Set<string>();
  for (const a of touched) ledgers.add(a.ledger);
  for (const a of added) {
    p.activities.set(a.id, a);
    let list = p.ledgerActivities.get(a.ledger);
    if (!list) {
      list = [];
      p.ledgerActivities.set(a.ledger, list);
      p.ledgerOrder = [...p.ledgerActivities.keys()].sort();
    }
    let at = list.length;
    while (at > 0 && compareActivities(list[at - 1]!, a) > 0) at--;
    list.splice(at, 0, a);
    ledgers.add(a.ledger);
  }
  // Both legs of any transfer whose pairing may have changed are replayed.
  for (const a of touched) p.pairs.delete(a.id);
  if (transferIds.size > 0) {
    for (const a of p.activities.values()) {
      if (a.transferId && transferIds.has(a.transferId)) {
        ledgers.add(a.ledger);
        earliest = Math.min(earliest, a.day);
      }
    }
    pairTransfers(p, transferIds);
  }

  const affected = new Set<number>();
  let emptied = false;
  for (const key of ledgers) {
    const old = p.ledgers.get(key);
    if (old) {
      for (const s of old.segments) affected.add(s);
      for (const h of old.positions) positionHistory.delete(h.segment);
    }
    if ((p.ledgerActivities.get(key)?.length ?? 0) === 0) {
      // Nothing left in this ledger: forget it, as a full build would never have made it.
      p.ledgers.delete(key);
      p.ledgerActivities.delete(key);
      if (key.startsWith('I:')) p.prices.delete(key.slice(2));
      emptied = true;
      continue;
    }
    const out = replayLedger(p, key);
    for (const s of out.segments) affected.add(s);
  }
  if (emptied) p.ledgerOrder = [...p.ledgerActivities.keys()].sort();
  const from = Math.max(0, earliest - p.startDay);
  const cashSegments = new Set<number>();
  for (const s of affected) if (p.segments[s]!.kind === 'cash') cashSegments.add(s);
  rebuildCashHistories(p, cashSegments);
  for (const s of affected) fillSegment(p, s, from);
  fillTotals(p, from);
  return p;
}

function rebuild(p: Portfolio): Portfolio {
  const sources = [...p.sources.values()].sort((a, b) => a.seq - b.seq);
  const explicitAccounts = new Map([...p.accounts].filter(([, a]) => !a.implicit));
  const explicitInstruments = new Map([...p.instruments].filter(([, i]) => !i.implicit));
  const fresh = assemble(p.baseCurrency, p.asOf, p.market, explicitAccounts, explicitInstruments, sources);
  Object.assign(p, fresh);
  internals.set(p, inner(fresh));
  return p;
}

/** Every diagnostic: invalid activities, then each ledger's, then cash, then FX. */
export function diagnostics(p: Portfolio): Diagnostic[] {
  const { activityDiagnostics } = inner(p);
  const out: Diagnostic[] = [];
  const bySeq = [...activityDiagnostics.entries()].sort((a, b) => (p.sources.get(a[0])?.seq ?? 0) - (p.sources.get(b[0])?.seq ?? 0));
  for (const [, d] of bySeq) out.push(d);
  for (const key of p.ledgerOrder) out.push(...(p.ledgers.get(key)?.diagnostics ?? []));
  for (const s of p.segmentOrder) out.push(...(p.cashDiagnostics.get(s) ?? []));
  out.push(...fxDiagnostics(p));
  return out;
}
