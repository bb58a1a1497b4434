import type { ImportRow, ImportRowError } from '@meridian/contracts';
import { AppError, uuidv7 } from '@meridian/platform';
import type { Kysely } from 'kysely';
import { accountFromRow, type Account } from './accounts.js';
import { requireAccount } from './accounts.service.js';
import { activityFromRow, checkActivityDate, checkActivityFields, duplicateKey, reconcileTradeAmount, type ActivityFields } from './activities.js';
import { listAccounts } from './accounts.repository.js';
import { activitiesOfAccounts } from './activities.repository.js';
import { latestAllowedDay } from './clock.js';
import type { TransactionsDatabase } from './database.js';
import type { ExportedAccount } from './imports/json.js';
import type { Candidate } from './imports/types.js';
import { describeViolation, type Violation } from './ledger.js';
import { violationsOfChange } from './ledger.service.js';
import type { UserWrite } from './writes.js';

type Db = Kysely<TransactionsDatabase>;

/** Most rows one import takes (a decade of an active trader's fills fits). */
export const MAX_IMPORT_ROWS = 20_000;

/** A file read by a preset, ready to be checked against the user's data. */
export interface ImportSource {
  format: 'csv' | 'json';
  preset: string;
  candidates: Candidate[];
  /** Accounts the file describes (JSON exports), for `createAccounts`. */
  exportedAccounts: ExportedAccount[];
  fileName: string | null;
}

export interface ImportOptions {
  accountId?: string | undefined;
  accountMap?: Record<string, string> | undefined;
  force: boolean;
  createAccounts: boolean;
  defaultCurrency?: string | undefined;
}

export interface Planned extends Account {
  planned: true;
}

export interface Evaluated {
  candidate: Candidate;
  /** The id the activity will get. */
  id: string;
  status: ImportRow['status'];
  fields: ActivityFields | null;
  account: Account | null;
  errors: ImportRowError[];
  duplicateOf: string | null;
}

export interface Evaluation {
  rows: Evaluated[];
  planned: Planned[];
}

const SYMBOL = /^[^\p{Cc}]{1,64}$/u;

/** How a file's account reference finds one of the user's accounts. */
function accountResolver(accounts: readonly Account[], options: ImportOptions, exported: readonly ExportedAccount[], userId: string, now: Date) {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const byName = new Map<string, Account[]>();
  for (const a of accounts) {
    const key = a.name.trim().toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), a]);
  }
  const exportedByRef = new Map(exported.map((e) => [e.ref, e]));
  const planned = new Map<string, Planned>();
  const fallback = options.accountId ? byId.get(options.accountId) : undefined;

  const find = (ref: string): Account | string | undefined => {
    const mapped = options.accountMap?.[ref];
    if (mapped) return byId.get(mapped) ?? `accountMap sends "${ref}" to ${mapped}, which is not one of your accounts`;
    const direct = byId.get(ref);
    if (direct) return direct;
    const named = byName.get(ref.trim().toLowerCase()) ?? [];
    const open = named.filter((a) => !a.archivedAt);
    if (open.length === 1 || named.length === 1) return open[0] ?? named[0];
    if (named.length > 1) return `${named.length} accounts are named "${ref}": map it with accountMap`;
    return undefined;
  };

  return {
    planned,
    resolve(c: Candidate): Account | string {
      const refs = [c.account, c.accountFallback].filter((r): r is string => !!r);
      for (const ref of refs) {
        const found = find(ref);
        if (found) return found;
      }
      const described = c.account ? exportedByRef.get(c.account) : undefined;
      if (described && options.createAccounts) {
        let p = planned.get(described.ref);
        if (!p) {
          p = {
            planned: true,
            id: uuidv7(),
            userId,
            name: described.name,
            type: described.type,
            currency: described.currency,
            institution: described.institution,
            trackCash: described.trackCash,
            costBasisMethod: described.costBasisMethod,
            archivedAt: null,
            version: 0,
            createdAt: now,
            updatedAt: now,
          };
          planned.set(described.ref, p);
        }
        return p;
      }
      if (fallback) return fallback;
      const name = c.accountFallback ?? c.account;
      return name
        ? `no account matches "${name}": map it with accountMap, pass accountId${exported.length > 0 ? ', or set createAccounts' : ''}`
        : 'the row names no account: pass accountId';
    },
  };
}

function fieldsOf(c: Candidate, account: Account, options: ImportOptions): ActivityFields | null {
  if (c.type === null || c.date === null) return null;
  return {
    accountId: account.id,
    type: c.type,
    date: c.date,
    symbol: c.symbol?.trim() ? c.symbol.trim().toUpperCase() : null,
    quantity: c.quantity,
    unitPrice: c.unitPrice,
    amount: c.amount,
    fee: c.fee ?? '0',
    tax: c.tax ?? '0',
    currency: (c.currency?.trim() || options.defaultCurrency || account.currency).toUpperCase(),
    ratio: c.ratio ? c.ratio.replace(/\s+/g, '').replace('/', ':') : null,
    notes: c.notes ? c.notes.slice(0, 2000) : null,
  };
}

/**
 * Checks every row of a file against the user's data: account, fields, date, duplicates
 * (same account, day, type, symbol, quantity, price and amount as a stored activity, each
 * stored one matching at most one row) and the ledger rules over stored plus new rows.
 */
/** `w`: the user's write when committing, so the ledger check can use and keep the accounts' replay state. */
export async function evaluate(db: Db, userId: string, now: Date, source: ImportSource, options: ImportOptions, w?: UserWrite): Promise<Evaluation> {
  if (source.candidates.length > MAX_IMPORT_ROWS) {
    throw new AppError('unprocessable', `the file has ${source.candidates.length} rows; import at most ${MAX_IMPORT_ROWS} at a time`, {
      details: { reason: 'too_many_rows' },
    });
  }
  if (options.accountId) await requireAccount(db, userId, options.accountId);
  const accounts = (await listAccounts(db, userId, { includeArchived: true })).map(accountFromRow);
  const resolver = accountResolver(accounts, options, source.exportedAccounts, userId, now);
  const latest = latestAllowedDay(now);

  const rows: Evaluated[] = source.candidates.map((c) => {
    const row: Evaluated = { candidate: c, id: uuidv7(), status: 'new', fields: null, account: null, errors: [...c.errors], duplicateOf: null };
    const issue = (field: string, message: string) => row.errors.push({ row: c.row, field, message });
    if (c.skip) {
      row.status = 'skipped';
      return row;
    }
    if (c.type === null && !row.errors.some((e) => e.field === 'type')) issue('type', 'type is required');
    if (c.date === null && !row.errors.some((e) => e.field === 'date')) issue('date', 'date is required');
    const account = resolver.resolve(c);
    if (typeof account === 'string') issue('account', account);
    else {
      row.account = account;
      if (account.archivedAt) issue('account', `account "${account.name}" is archived`);
      const fields = fieldsOf(c, account, options);
      if (fields) {
        const reconciled = reconcileTradeAmount(fields);
        row.fields = reconciled.fields;
        for (const i of reconciled.issues) issue(i.field, i.message);
      }
    }
    if (row.fields) {
      if (row.fields.symbol !== null && !SYMBOL.test(row.fields.symbol)) issue('symbol', 'symbol must be 1 to 64 characters without control characters');
      if (row.fields.ratio !== null && !/^\d+(\.\d+)?:\d+(\.\d+)?$/.test(row.fields.ratio)) issue('ratio', 'ratio must look like "2:1"');
      for (const i of [...checkActivityFields(row.fields), ...checkActivityDate(row.fields.date, latest)]) issue(i.field, i.message);
    }
    // Keep the first error per field: a preset and the checks may both see one problem.
    row.errors = row.errors.filter((e, i, all) => all.findIndex((x) => x.field === e.field) === i);
    if (row.errors.length > 0) row.status = 'error';
    return row;
  });

  const valid = rows.filter((r) => r.status === 'new' && r.fields && r.account);
  const existingAccounts = [...new Set(valid.map((r) => r.account!).filter((a) => !('planned' in a)))];
  const stored = (await activitiesOfAccounts(db, userId, existingAccounts.map((a) => a.id))).map(activityFromRow);
  const pool = new Map<string, string[]>();
  for (const a of stored) {
    const key = duplicateKey(a);
    pool.set(key, [...(pool.get(key) ?? []), a.id]);
  }
  for (const r of valid) {
    const match = pool.get(duplicateKey(r.fields!))?.shift();
    if (match) {
      r.duplicateOf = match;
      if (!options.force) r.status = 'duplicate';
    }
  }

  pairTransfers(rows);

  const toImport = rows.filter((r) => r.status === 'new');
  if (toImport.length > 0) {
    const involved = [...new Map([...toImport.map((r) => r.account!), ...existingAccounts].map((a) => [a.id, a])).values()];
    const { violations, accounts: ledgerAccounts } = await violationsOfChange(
      db,
      userId,
      involved,
      { add: toImport.map((r) => ({ id: r.id, ...r.fields! })) },
      w,
    );
    for (const v of violations) {
      const target = blame(v, toImport);
      const own = target.id === v.activityId;
      target.errors.push({
        row: target.candidate.row,
        field: v.kind === 'insufficient_position' ? 'quantity' : 'amount',
        message: own ? describeViolation(v, ledgerAccounts) : `with this row, ${describeViolation(v, ledgerAccounts)}`,
      });
      target.status = 'error';
    }
  }
  return { rows, planned: [...resolver.planned.values()] };
}

/** The row a violation is reported on: its own, else the latest new row before it in that position or cash. */
function blame(v: Violation, rows: readonly Evaluated[]): Evaluated {
  const own = rows.find((r) => r.id === v.activityId);
  if (own) return own;
  const related = rows.filter(
    (r) => r.fields!.accountId === v.accountId && (v.kind === 'insufficient_position' ? r.fields!.symbol === v.symbol : r.fields!.currency === v.currency),
  );
  const before = related.filter((r) => r.fields!.date <= v.date);
  return before[before.length - 1] ?? related[0] ?? rows.find((r) => r.fields!.accountId === v.accountId) ?? rows[0]!;
}

/** Rows sharing a transfer reference must be one TRANSFER_OUT and one TRANSFER_IN, same day, two accounts. */
function pairTransfers(rows: Evaluated[]): void {
  const groups = new Map<string, Evaluated[]>();
  for (const r of rows) {
    const ref = r.candidate.transferRef;
    if (!ref || r.status === 'skipped') continue;
    groups.set(ref, [...(groups.get(ref) ?? []), r]);
  }
  for (const [ref, group] of groups) {
    const fail = (message: string) => {
      for (const r of group) {
        r.errors.push({ row: r.candidate.row, field: 'transferId', message });
        r.status = 'error';
      }
    };
    if (group.some((r) => r.status === 'error')) {
      for (const r of group.filter((x) => x.status !== 'error')) {
        r.errors.push({ row: r.candidate.row, field: 'transferId', message: `the other leg of transfer ${ref} has errors` });
        r.status = 'error';
      }
      continue;
    }
    const [a, b] = group;
    const types = new Set(group.map((r) => r.fields!.type));
    if (group.length !== 2 || !a || !b || !types.has('TRANSFER_OUT') || !types.has('TRANSFER_IN')) {
      fail(`transfer ${ref} needs exactly one TRANSFER_OUT and one TRANSFER_IN row`);
    } else if (a.fields!.date !== b.fields!.date) {
      fail(`both legs of transfer ${ref} must be on the same day`);
    } else if (a.fields!.accountId === b.fields!.accountId) {
      fail(`the legs of transfer ${ref} must be in two different accounts`);
    } else if (a.status !== b.status) {
      if (a.status === 'duplicate' || b.status === 'duplicate') fail(`one leg of transfer ${ref} is already recorded and the other is not`);
    }
  }
}

