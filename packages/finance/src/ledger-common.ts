import type { NormalizedActivity } from './activities.js';
import { fxOn, segmentIndex } from './context.js';
import type { Decimal } from './decimal.js';
import { formatDate, type Day } from './dates.js';
import { OUTSIDE, type AccountInfo, type FlowList, type LedgerOutput, type Portfolio } from './state.js';
import type { Diagnostic, DiagnosticCode } from './types.js';

export function emptyFlows(capacity = 16): FlowList {
  return {
    length: 0,
    day: new Int32Array(capacity),
    from: new Int32Array(capacity),
    to: new Int32Array(capacity),
    amount: new Float64Array(capacity),
    marketQuantity: new Float64Array(capacity),
  };
}

export function emptyLedger(key: string, activities: number): LedgerOutput {
  return {
    key,
    postings: [],
    flows: emptyFlows(Math.max(4, activities + (activities >> 2))),
    positions: [],
    realised: [],
    shortfalls: new Map(),
    trades: [],
    manual: [],
    diagnostics: [],
    segments: new Set(),
  };
}

export function account(p: Portfolio, id: string): AccountInfo {
  const a = p.accounts.get(id);
  if (!a) throw new Error(`account ${id} was not registered`);
  return a;
}

/** The segment that pays for (or receives) an activity: the account's cash, or outside the portfolio. */
export function cashSide(p: Portfolio, out: LedgerOutput, acc: AccountInfo, currency: string): number {
  if (!acc.tracksCash) return OUTSIDE;
  const s = segmentIndex(p, 'cash', acc.id, currency);
  out.segments.add(s);
  return s;
}

export function post(out: LedgerOutput, segment: number, day: Day, delta: Decimal): void {
  if (segment !== OUTSIDE && !delta.isZero()) out.postings.push({ segment, day, delta });
}

/** Appends a flow; `marketQuantity` (securities valued at market later) instead of an amount. */
export function pushFlow(flows: FlowList, day: Day, from: number, to: number, amount: number, marketQuantity = Number.NaN): void {
  if (from === to || (amount === 0 && Number.isNaN(marketQuantity))) return;
  if (flows.length === flows.day.length) grow(flows);
  const i = flows.length++;
  flows.day[i] = day;
  flows.from[i] = from;
  flows.to[i] = to;
  flows.amount[i] = amount;
  flows.marketQuantity[i] = marketQuantity;
}

function grow(f: FlowList): void {
  const cap = f.day.length * 2;
  const day = new Int32Array(cap);
  day.set(f.day);
  const from = new Int32Array(cap);
  from.set(f.from);
  const to = new Int32Array(cap);
  to.set(f.to);
  const amount = new Float64Array(cap);
  amount.set(f.amount);
  const mq = new Float64Array(cap);
  mq.set(f.marketQuantity);
  f.day = day;
  f.from = from;
  f.to = to;
  f.amount = amount;
  f.marketQuantity = mq;
}

export function flow(out: LedgerOutput, day: Day, from: number, to: number, amount: number): void {
  pushFlow(out.flows, day, from, to, amount);
}

export function fxFloat(p: Portfolio, a: NormalizedActivity): number {
  return fxOn(p, a.currency, a.day);
}

export function diagnose(
  out: LedgerOutput,
  a: NormalizedActivity,
  severity: Diagnostic['severity'],
  code: DiagnosticCode,
  message: string,
): void {
  out.diagnostics.push({
    severity,
    code,
    message,
    date: formatDate(a.day),
    activityId: a.id,
    accountId: a.accountId,
    ...(a.symbol ? { symbol: a.symbol } : {}),
  });
}
