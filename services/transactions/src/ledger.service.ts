import { AppError } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { activityFromRow } from './activities.js';
import type { Account } from './accounts.js';
import { activitiesOfAccounts, activitiesOfSymbols } from './activities.repository.js';
import type { TransactionsDatabase } from './database.js';
import { describeViolation, findViolations, newViolations, symbolsToReplay, type LedgerAccount, type LedgerActivity, type Violation } from './ledger.js';

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
 */
export async function violationsOfChange(
  db: Kysely<TransactionsDatabase>,
  userId: string,
  accounts: readonly Account[],
  change: LedgerChange,
): Promise<{ violations: Violation[]; accounts: Map<string, LedgerAccount> }> {
  const before = ledgerAccounts(accounts);
  const after = ledgerAccounts(accounts);
  for (const [id, a] of ledgerAccounts(change.accounts ?? [])) after.set(id, a);
  const appended = symbolsToReplay(before, change);
  if (appended && appended.length === 0) return { violations: [], accounts: after };
  const rows = appended ? await activitiesOfSymbols(db, userId, [...before.keys()], appended) : await activitiesOfAccounts(db, userId, [...before.keys()]);
  const stored: LedgerActivity[] = rows.map(activityFromRow);
  const removed = new Set(change.remove ?? []);
  const replaced = new Map([...(change.replace ?? [])].map((a) => [a.id, a]));
  const next = stored
    .filter((a) => !removed.has(a.id))
    .map((a) => replaced.get(a.id) ?? a)
    .concat([...(change.add ?? [])]);
  const violations = newViolations(findViolations(before, stored), findViolations(after, next));
  return { violations, accounts: after };
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

/** Checks a change and throws if it breaks the ledger rules. */
export async function assertLedger(
  db: Kysely<TransactionsDatabase>,
  userId: string,
  accounts: readonly Account[],
  change: LedgerChange,
  prefix = '',
): Promise<void> {
  const { violations, accounts: map } = await violationsOfChange(db, userId, accounts, change);
  rejectViolations(violations, map, prefix);
}
