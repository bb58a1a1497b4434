import type { ActivityType } from '@meridian/contracts';
import { Decimal, ZERO } from '@meridian/finance';
import { parseRatio, type ActivityFields } from './activities.js';

/**
 * The ledger rules a write must keep: no position goes below zero (a sell or a securities
 * transfer out of more than is held on that day) and, in an account that tracks cash, no
 * currency's cash ends a day below zero. Pure: the service loads the account's activities,
 * applies the change and asks for the violations it introduces.
 *
 * Order within a day: splits first (as @meridian/finance applies them), then what comes in
 * (buys, transfers in, deposits, income), then what goes out. Cash is checked at the end of
 * each day, so "sell, then buy with the proceeds" on one day passes whatever order it was
 * entered in. Cash effects follow @meridian/finance (ledger-cash, ledger-holding).
 */

export interface LedgerAccount {
  id: string;
  name: string;
  trackCash: boolean;
}

/** What the ledger needs of an activity; `id` may be a placeholder for one not stored yet. */
export type LedgerActivity = Pick<
  ActivityFields,
  'accountId' | 'type' | 'date' | 'symbol' | 'quantity' | 'unitPrice' | 'amount' | 'fee' | 'tax' | 'currency' | 'ratio'
> & { id: string };

export type Violation =
  | {
      kind: 'insufficient_position';
      activityId: string;
      accountId: string;
      symbol: string;
      date: string;
      type: ActivityType;
      requested: string;
      held: string;
    }
  | {
      kind: 'negative_cash';
      activityId: string;
      accountId: string;
      currency: string;
      date: string;
      balance: string;
    };

/** A stable identity, to tell new violations from ones the stored data already had. */
export function violationKey(v: Violation): string {
  return v.kind === 'insufficient_position'
    ? `pos|${v.activityId}`
    : `cash|${v.accountId}|${v.currency}|${v.date}`;
}

/** Violations of `after` that `before` did not have. */
export function newViolations(before: readonly Violation[], after: readonly Violation[]): Violation[] {
  const known = new Set(before.map(violationKey));
  return after.filter((v) => !known.has(violationKey(v)));
}

const INFLOW: ReadonlySet<ActivityType> = new Set(['BUY', 'TRANSFER_IN', 'DEPOSIT', 'DIVIDEND', 'INTEREST', 'VALUATION']);

/** 0 splits, 1 what comes in, 2 what goes out (fees and taxes too: refunds are rare). */
function phase(a: LedgerActivity): number {
  if (a.type === 'SPLIT') return 0;
  return INFLOW.has(a.type) ? 1 : 2;
}

function d(v: string | null): Decimal {
  return v === null ? ZERO : Decimal.from(v);
}

/** What an activity does to its account's cash, in its currency (finance's rules). */
export function cashDelta(a: LedgerActivity): Decimal {
  const charges = d(a.fee).add(d(a.tax));
  switch (a.type) {
    case 'BUY':
      return d(a.quantity).mul(d(a.unitPrice)).add(charges).neg();
    case 'SELL':
      return d(a.quantity).mul(d(a.unitPrice)).sub(charges);
    case 'DIVIDEND':
    case 'INTEREST':
      return (a.amount !== null ? d(a.amount) : d(a.quantity).mul(d(a.unitPrice))).sub(charges);
    case 'FEE':
    case 'TAX':
    case 'WITHDRAWAL':
      return d(a.amount).add(charges).neg();
    case 'DEPOSIT':
      return d(a.amount).sub(charges);
    case 'TRANSFER_IN':
      return a.symbol === null ? d(a.amount).sub(charges) : charges.neg();
    case 'TRANSFER_OUT':
      return a.symbol === null ? d(a.amount).add(charges).neg() : charges.neg();
    case 'SPLIT':
    case 'VALUATION':
      return ZERO;
  }
}

/** What an activity does to the quantity of its symbol: null when it does not touch a position. */
function positionEffect(a: LedgerActivity): { kind: 'add' | 'take'; quantity: Decimal } | { kind: 'split'; ratio: [Decimal, Decimal] } | null {
  if (a.symbol === null) return null;
  switch (a.type) {
    case 'BUY':
    case 'TRANSFER_IN':
      return { kind: 'add', quantity: d(a.quantity) };
    case 'SELL':
    case 'TRANSFER_OUT':
      return { kind: 'take', quantity: d(a.quantity) };
    case 'SPLIT': {
      const ratio = a.ratio === null ? null : parseRatio(a.ratio);
      return ratio ? { kind: 'split', ratio } : null;
    }
    case 'DIVIDEND':
    case 'INTEREST':
    case 'FEE':
    case 'TAX':
    case 'DEPOSIT':
    case 'WITHDRAWAL':
    case 'VALUATION':
      return null;
  }
}

/** Replay order: by day, then phase, then as given (stored order, new ones last). */
function ordered(activities: readonly LedgerActivity[]): LedgerActivity[] {
  return activities
    .map((a, i) => ({ a, i, p: phase(a) }))
    .sort((x, y) => (x.a.date < y.a.date ? -1 : x.a.date > y.a.date ? 1 : x.p - y.p || x.i - y.i))
    .map((x) => x.a);
}

/**
 * Where a replay stands after its last day: positions by `account|symbol`, cash by
 * `account|currency` (and since when it has been below zero), and the last day replayed. A
 * replay can start from one (see `replay`), so an append needs only what it adds.
 */
export interface LedgerState {
  positions: Map<string, Decimal>;
  cash: Map<string, { balance: Decimal; negativeSince: string | null }>;
  lastDate: string | null;
}

export function emptyLedgerState(): LedgerState {
  return { positions: new Map(), cash: new Map(), lastDate: null };
}

/** Every violation of the ledger rules in these activities (of the given accounts). */
export function findViolations(accounts: ReadonlyMap<string, LedgerAccount>, activities: readonly LedgerActivity[]): Violation[] {
  return replay(accounts, activities).violations;
}

/**
 * Replays activities, from `from` when given (the state after the activities before them,
 * none of which may be dated after these), and answers the violations and the state after.
 * `from` is copied, not changed.
 */
export function replay(
  accounts: ReadonlyMap<string, LedgerAccount>,
  activities: readonly LedgerActivity[],
  from: LedgerState = emptyLedgerState(),
): { violations: Violation[]; state: LedgerState } {
  const violations: Violation[] = [];
  const positions = new Map(from.positions);
  const cash = new Map([...from.cash].map(([k, v]) => [k, { ...v }]));
  // Per day and cash key: the balance at day end, and the outflow that last pushed it down.
  let day: string | null = null;
  const touched = new Map<string, { accountId: string; currency: string; lastOutflow: string | null }>();
  const closeDay = () => {
    if (day === null) return;
    for (const [key, t] of touched) {
      const state = cash.get(key)!;
      if (state.balance.isNegative()) {
        // One violation per stretch below zero, on its first day.
        if (state.negativeSince === null) {
          state.negativeSince = day;
          violations.push({
            kind: 'negative_cash',
            activityId: t.lastOutflow ?? '',
            accountId: t.accountId,
            currency: t.currency,
            date: day,
            balance: state.balance.toString(),
          });
        }
      } else {
        state.negativeSince = null;
      }
    }
    touched.clear();
  };

  for (const a of ordered(activities)) {
    if (a.date !== day) {
      closeDay();
      day = a.date;
    }
    const effect = positionEffect(a);
    if (effect) {
      const key = `${a.accountId}|${a.symbol}`;
      const held = positions.get(key) ?? ZERO;
      if (effect.kind === 'add') positions.set(key, held.add(effect.quantity));
      else if (effect.kind === 'split') positions.set(key, held.mulDiv(effect.ratio[0], effect.ratio[1]));
      else {
        if (effect.quantity.gt(held)) {
          violations.push({
            kind: 'insufficient_position',
            activityId: a.id,
            accountId: a.accountId,
            symbol: a.symbol!,
            date: a.date,
            type: a.type,
            requested: effect.quantity.toString(),
            held: held.toString(),
          });
          // Go on as if it had been refused: its cash does not count either, so one
          // bad line in an import does not make the lines after it look wrong.
          continue;
        }
        positions.set(key, held.sub(effect.quantity));
      }
    }
    const account = accounts.get(a.accountId);
    if (account?.trackCash) {
      const delta = cashDelta(a);
      if (!delta.isZero()) {
        const key = `${a.accountId}|${a.currency}`;
        const state = cash.get(key) ?? { balance: ZERO, negativeSince: null };
        state.balance = state.balance.add(delta);
        cash.set(key, state);
        const t = touched.get(key) ?? { accountId: a.accountId, currency: a.currency, lastOutflow: null };
        if (delta.isNegative()) t.lastOutflow = a.id;
        touched.set(key, t);
      }
    }
  }
  closeDay();
  const lastDate = day === null ? from.lastDate : from.lastDate === null || day > from.lastDate ? day : from.lastDate;
  return { violations, state: { positions, cash, lastDate } };
}

/** Positions and cash of one account at the end of `date` (or after everything). */
export function balances(
  account: LedgerAccount,
  activities: readonly LedgerActivity[],
  date: string | null,
): { positions: Map<string, Decimal>; cash: Map<string, Decimal> } {
  const positions = new Map<string, Decimal>();
  const cash = new Map<string, Decimal>();
  for (const a of ordered(activities)) {
    if (a.accountId !== account.id) continue;
    if (date !== null && a.date > date) break;
    const effect = positionEffect(a);
    if (effect && a.symbol !== null) {
      const held = positions.get(a.symbol) ?? ZERO;
      if (effect.kind === 'add') positions.set(a.symbol, held.add(effect.quantity));
      else if (effect.kind === 'split') positions.set(a.symbol, held.mulDiv(effect.ratio[0], effect.ratio[1]));
      else positions.set(a.symbol, Decimal.max(ZERO, held.sub(effect.quantity)));
    }
    if (account.trackCash) {
      const delta = cashDelta(a);
      if (!delta.isZero()) cash.set(a.currency, (cash.get(a.currency) ?? ZERO).add(delta));
    }
  }
  return { positions, cash };
}

/** A sentence a user can act on. */
export function describeViolation(v: Violation, accounts: ReadonlyMap<string, LedgerAccount>): string {
  const name = accounts.get(v.accountId)?.name ?? v.accountId;
  if (v.kind === 'insufficient_position') {
    const verb = v.type === 'SELL' ? 'sells' : 'transfers out';
    return `the ${v.type} on ${v.date} ${verb} ${v.requested} ${v.symbol} but account "${name}" holds only ${v.held} then`;
  }
  return `the ${v.currency} cash of account "${name}" would be ${v.balance} at the end of ${v.date}; cash-tracking accounts cannot go negative (record the deposit first, or turn off trackCash)`;
}

const ADDS_TO_POSITION: ReadonlySet<ActivityType> = new Set(['BUY', 'TRANSFER_IN']);

/**
 * When a change only adds activities to accounts that do not track cash, only positions can
 * break, and each symbol's position depends on that symbol's activities alone: the replay needs
 * just the symbols that can go down (sells, transfers out, splits). An added buy or securities
 * transfer in can only raise a position, so it needs no replay at all; this keeps booking a fill
 * from costing a replay of the account's whole history. Answers the symbols to replay, or
 * undefined when the whole accounts must be replayed.
 */
export function symbolsToReplay(
  accounts: ReadonlyMap<string, LedgerAccount>,
  change: { remove?: unknown; replace?: unknown; accounts?: unknown; add?: Iterable<LedgerActivity> },
): string[] | undefined {
  if (change.remove || change.replace || change.accounts) return undefined;
  const added = [...(change.add ?? [])];
  if ([...accounts.values()].some((a) => a.trackCash)) return undefined;
  if (added.some((a) => !accounts.has(a.accountId))) return undefined;
  const symbols = new Set<string>();
  for (const a of added) {
    if (a.symbol !== null && !ADDS_TO_POSITION.has(a.type)) symbols.add(a.symbol);
  }
  return [...symbols];
}
