import { Decimal } from '@meridian/finance';
import { AppError } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { activityFromRow } from './activities.js';
import type { Account } from './accounts.js';
import { activitiesOfAccounts, activitiesOfSymbols } from './activities.repository.js';
import type { TransactionsDatabase } from './database.js';
import { describeViolation, emptyLedgerState, findViolations, newViolations, replay, symbolsToReplay, type LedgerAccount, type LedgerActivity, type LedgerState, type Violation } from './ledger.js';
import type { UserWrite } from './writes.js';

export interface LedgerChange {
  /** Stored activities that go away. */
  remove?: Iterable<string>;
  /** New versions of stored activities (by id): they keep their place in the replay order. */
  replace?: Iterable<LedgerActivity>;
  /** Activities that do not exist yet. */
  add?: Iterable<LedgerActivity>;
  /** Accounts as they will be after the change (trackCash turned on, say), if they change. */
  accounts?: Iterable<Account>;
}

function ledgerAccounts(accounts: Iterable<Account>): Map<string, LedgerAccount> {
  return new Map([...accounts].map((a) => [a.id, { id: a.id, name: a.name, trackCash: a.trackCash }]));
}

/**
 * The violations a change would introduce in the given accounts: the stored activities of
 * those accounts are replayed before and after the change, and only what is new counts, so
 * data that predates a rule never blocks an unrelated write.
 *
 * Within a user's write (`w`), an append needs no replay: each account's replay state after the
 * last write that checked it is kept (`ledger_snapshots`, saved in the write's transaction
 * with the version it committed at). When it is the state of the write's start version, clean,
 * and no added activity is dated before its last day, the additions are replayed from it alone.
 * A full replay saves the state for the next write.
 */
export async function violationsOfChange(
  db: Kysely<TransactionsDatabase>,
  userId: string,
  accounts: readonly Account[],
  change: LedgerChange,
  w?: UserWrite,
): Promise<{ violations: Violation[]; accounts: Map<string, LedgerAccount> }> {
  const before = ledgerAccounts(accounts);
  const after = ledgerAccounts(accounts);
  for (const [id, a] of ledgerAccounts(change.accounts ?? [])) after.set(id, a);
  const added = [...(change.add ?? [])];
  // Accounts without cash tracking replay only the symbols that can go down (often none).
  const appended = symbolsToReplay(before, change);
  if (appended && appended.length === 0) return { violations: [], accounts: after };
  // A whole replay is due: an append with nothing written yet by this write (each change
  // takes a version) can start from the kept state instead.
  if (!appended && w !== undefined && w.version === w.start && !change.remove && !change.replace && !change.accounts) {
    const from = await snapshotsAt(db, userId, [...after.values()], added, w.start);
    if (from) {
      const result = replay(after, added, from);
      if (result.violations.length === 0) saveSnapshots(db, w, userId, after, result.state);
      return { violations: result.violations, accounts: after };
    }
  }
  const rows = appended ? await activitiesOfSymbols(db, userId, [...before.keys()], appended) : await activitiesOfAccounts(db, userId, [...before.keys()]);
  const stored: LedgerActivity[] = rows.map(activityFromRow);
  const removed = new Set(change.remove ?? []);
  const replaced = new Map([...(change.replace ?? [])].map((a) => [a.id, a]));
  const next = stored
    .filter((a) => !removed.has(a.id))
    .map((a) => replaced.get(a.id) ?? a)
    .concat(added);
  const result = replay(after, next);
  const violations = newViolations(findViolations(before, stored), result.violations);
  // Only a replay of whole accounts knows their state; one with violations left is not kept.
  if (w && !appended && result.violations.length === 0) saveSnapshots(db, w, userId, after, result.state);
  return { violations, accounts: after };
}

interface StoredSnapshot {
  trackCash: boolean;
  lastDate: string | null;
  positions: Record<string, string>;
  cash: Record<string, { balance: string; negativeSince: string | null }>;
}

/**
 * The replay state of these accounts at `version`, merged, when every one of them has it and
 * no added activity is dated before its last day; else undefined.
 */
async function snapshotsAt(db: Kysely<TransactionsDatabase>, userId: string, accounts: readonly LedgerAccount[], added: readonly LedgerActivity[], version: number): Promise<LedgerState | undefined> {
  const rows = await db
    .selectFrom('ledger_snapshots')
    .select(['account_id', 'version', 'state'])
    .where('user_id', '=', userId)
    .where('account_id', 'in', accounts.map((a) => a.id))
    .execute();
  const byAccount = new Map(rows.map((r) => [r.account_id, r]));
  const state = emptyLedgerState();
  for (const account of accounts) {
    const row = byAccount.get(account.id);
    if (!row || Number(row.version) !== version) return undefined;
    const snapshot = (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as StoredSnapshot;
    if (snapshot.trackCash !== account.trackCash) return undefined;
    if (snapshot.lastDate !== null && added.some((a) => a.accountId === account.id && a.date < snapshot.lastDate!)) return undefined;
    for (const [key, q] of Object.entries(snapshot.positions)) state.positions.set(key, Decimal.from(q));
    for (const [key, c] of Object.entries(snapshot.cash)) state.cash.set(key, { balance: Decimal.from(c.balance), negativeSince: c.negativeSince });
    if (snapshot.lastDate !== null && (state.lastDate === null || snapshot.lastDate > state.lastDate)) state.lastDate = snapshot.lastDate;
  }
  return state;
}

/** Keeps each account's part of `state` for the write's end, at the version it commits at. */
function saveSnapshots(db: Kysely<TransactionsDatabase>, w: UserWrite, userId: string, accounts: ReadonlyMap<string, LedgerAccount>, state: LedgerState): void {
  for (const account of accounts.values()) {
    const prefix = `${account.id}|`;
    const own = <T>(m: Map<string, T>) => [...m].filter(([key]) => key.startsWith(prefix));
    const snapshot: StoredSnapshot = {
      trackCash: account.trackCash,
      lastDate: state.lastDate,
      positions: Object.fromEntries(own(state.positions).map(([k, q]) => [k, q.toString()])),
      cash: Object.fromEntries(own(state.cash).map(([k, c]) => [k, { balance: c.balance.toString(), negativeSince: c.negativeSince }])),
    };
    w.atEnd(`ledger:${account.id}`, async (version) => {
      const row = { account_id: account.id, user_id: userId, version, state: JSON.stringify(snapshot) };
      await db
        .insertInto('ledger_snapshots')
        .values(row)
        .onConflict((oc) => oc.column('account_id').doUpdateSet({ version, state: row.state }))
        .execute();
    });
  }
}

/** Throws a 422 naming the first violation (all of them in `details.violations`). */
export function rejectViolations(violations: readonly Violation[], accounts: ReadonlyMap<string, LedgerAccount>, prefix = ''): void {
  const first = violations[0];
  if (!first) return;
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more problem${violations.length > 2 ? 's' : ''})` : '';
  throw new AppError('unprocessable', `${prefix}${describeViolation(first, accounts)}${more}`, {
    details: {
      reason: first.kind,
      field: first.kind === 'insufficient_position' ? 'quantity' : 'amount',
      violations: violations.map((v) => ({ ...v, message: describeViolation(v, accounts) })),
    },
  });
}

/** Checks a change of a user's write and throws if it breaks the ledger rules. */
export async function assertLedger(
  db: Kysely<TransactionsDatabase>,
  w: UserWrite,
  accounts: readonly Account[],
  change: LedgerChange,
  prefix = '',
): Promise<void> {
  const { violations, accounts: map } = await violationsOfChange(db, w.userId, accounts, change, w);
  rejectViolations(violations, map, prefix);
}
