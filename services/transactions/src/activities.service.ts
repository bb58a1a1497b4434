import type {
  ActivityDto,
  ActivityPage,
  ActivitySource,
  CreateActivityBody,
  CreateTransferBody,
  ListActivitiesQuery,
  UpdateActivityBody,
} from '@meridian/contracts';
import { AppError, uuidv7 } from '@meridian/platform';
import type { Account } from './accounts.js';
import { requireOpenAccount } from './accounts.service.js';
import {
  activityEventState,
  activityFromRow,
  canonical,
  checkActivityDate,
  checkActivityFields,
  toActivityDto,
  type Activity,
  type ActivityFields,
  reconcileTradeAmount,
  type FieldIssue,
} from './activities.js';
import {
  deleteActivities,
  findActivity,
  findTransferLegs,
  insertActivities,
  listActivities as listActivityRows,
  updateActivity as updateActivityRow,
} from './activities.repository.js';
import { latestAllowedDay } from './clock.js';
import type { TransactionsDeps } from './deps.js';
import { assertLedger } from './ledger.service.js';
import type { Trx, UserWrite, WriteResult } from './writes.js';

/** Throws a 400 naming every field problem (`details.issues`, like a schema failure). */
export function rejectIssues(issues: readonly FieldIssue[]): void {
  const first = issues[0];
  if (!first) return;
  throw new AppError('validation_failed', `${first.field}: ${first.message}`, {
    details: { issues: issues.map((i) => ({ path: i.field, message: i.message })) },
  });
}

/** Every rule an activity's own fields must keep, the date against the clock included. */
export function validateFields(fields: ActivityFields, now: Date): FieldIssue[] {
  return [...checkActivityFields(fields), ...checkActivityDate(fields.date, latestAllowedDay(now))];
}

/** The fields to store (a trade's amount reconciled away) and throws a 400 for any problem. */
function acceptFields(fields: ActivityFields, now: Date): ActivityFields {
  const reconciled = reconcileTradeAmount(fields);
  rejectIssues(reconciled.issues);
  rejectIssues(validateFields(reconciled.fields, now));
  return reconciled.fields;
}

export function fieldsFromInput(input: CreateActivityBody, account: Account): ActivityFields {
  return {
    accountId: account.id,
    type: input.type,
    date: input.date,
    symbol: input.symbol ?? null,
    quantity: canonical(input.quantity),
    unitPrice: canonical(input.unitPrice),
    amount: canonical(input.amount),
    fee: canonical(input.fee) ?? '0',
    tax: canonical(input.tax) ?? '0',
    currency: input.currency ?? account.currency,
    ratio: input.ratio ?? null,
    notes: input.notes ?? null,
  };
}

export interface NewActivity {
  id: string;
  fields: ActivityFields;
  transferId: string | null;
  source: ActivitySource;
  importId: string | null;
}

/** Inserts activities and publishes `transactions.activity.recorded` for each, in order. */
export async function recordActivities(deps: TransactionsDeps, trx: Trx, w: UserWrite, items: readonly NewActivity[]): Promise<Activity[]> {
  const rows = await insertActivities(
    trx,
    items.map((item) => ({
      id: item.id,
      user_id: w.userId,
      account_id: item.fields.accountId,
      type: item.fields.type,
      date: item.fields.date,
      symbol: item.fields.symbol,
      quantity: item.fields.quantity,
      unit_price: item.fields.unitPrice,
      amount: item.fields.amount,
      fee: item.fields.fee,
      tax: item.fields.tax,
      currency: item.fields.currency,
      ratio: item.fields.ratio,
      transfer_id: item.transferId,
      notes: item.fields.notes,
      source: item.source,
      import_id: item.importId,
      version: w.nextVersion(),
      created_at: w.now,
      updated_at: w.now,
    })),
  );
  const activities = rows.map(activityFromRow).sort((a, b) => a.version - b.version);
  await deps.outbox.enqueueMany(
    trx,
    activities.map((a) => ({ type: 'transactions.activity.recorded', data: { userId: w.userId, version: a.version, ...activityEventState(a) }, subject: w.userId })),
  );
  return activities;
}

/** Records one activity after checking its fields and the ledger of its account. */
export async function createActivity(deps: TransactionsDeps, trx: Trx, w: UserWrite, input: CreateActivityBody): Promise<WriteResult> {
  const account = await requireOpenAccount(trx, w.userId, input.accountId);
  const fields = acceptFields(fieldsFromInput(input, account), w.now);
  const id = uuidv7();
  await assertLedger(trx, w, [account], { add: [{ id, ...fields }] });
  const [activity] = await recordActivities(deps, trx, w, [{ id, fields, transferId: null, source: 'MANUAL', importId: null }]);
  return { status: 201, body: toActivityDto(activity!) };
}

export async function requireActivity(db: TransactionsDeps['db'], userId: string, activityId: string): Promise<Activity> {
  const row = await findActivity(db, userId, activityId);
  if (!row) throw new AppError('not_found', `activity ${activityId} not found`);
  return activityFromRow(row);
}

export async function getActivity(deps: TransactionsDeps, userId: string, activityId: string): Promise<ActivityDto> {
  return toActivityDto(await requireActivity(deps.db, userId, activityId));
}

function encodeCursor(a: { date: string; id: string }): string {
  return Buffer.from(JSON.stringify([a.date, a.id])).toString('base64url');
}

function decodeCursor(cursor: string): { date: string; id: string } {
  try {
    const [date, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof date === 'string' && typeof id === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) && /^[0-9a-f-]{36}$/.test(id)) {
      return { date, id };
    }
  } catch {
    // falls through to the error below
  }
  throw new AppError('validation_failed', 'cursor: not a cursor this API returned', { details: { issues: [{ path: 'querystring.cursor', message: 'invalid cursor' }] } });
}

/** A page of the user's activities, newest first, with the cursor of the next page. */
export async function listActivities(deps: TransactionsDeps, userId: string, query: ListActivitiesQuery): Promise<ActivityPage> {
  const rows = await listActivityRows(
    deps.db,
    userId,
    {
      accountId: query.accountId,
      from: query.from,
      to: query.to,
      types: query.type,
      symbol: query.symbol,
      q: query.q,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
    },
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit).map((r) => toActivityDto(activityFromRow(r)));
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

/** Applies a PATCH body to an activity's fields (`null` clears; fee and tax clear to 0). */
function mergeFields(current: ActivityFields, input: UpdateActivityBody): ActivityFields {
  const next: ActivityFields = { ...current };
  if (input.accountId !== undefined) next.accountId = input.accountId;
  if (input.type !== undefined) next.type = input.type;
  if (input.date !== undefined) next.date = input.date;
  if (input.currency !== undefined) next.currency = input.currency;
  if (input.symbol !== undefined) next.symbol = input.symbol;
  if (input.ratio !== undefined) next.ratio = input.ratio;
  if (input.notes !== undefined) next.notes = input.notes;
  if (input.quantity !== undefined) next.quantity = canonical(input.quantity);
  if (input.unitPrice !== undefined) next.unitPrice = canonical(input.unitPrice);
  if (input.amount !== undefined) next.amount = canonical(input.amount);
  if (input.fee !== undefined) next.fee = canonical(input.fee) ?? '0';
  if (input.tax !== undefined) next.tax = canonical(input.tax) ?? '0';
  return next;
}

function sameFields(a: ActivityFields, b: ActivityFields): boolean {
  return (Object.keys(a) as (keyof ActivityFields)[]).every((k) => a[k] === b[k]);
}

async function saveChanged(deps: TransactionsDeps, trx: Trx, w: UserWrite, current: Activity, next: ActivityFields): Promise<Activity> {
  const version = w.nextVersion();
  const row = await updateActivityRow(trx, w.userId, current.id, {
    account_id: next.accountId,
    type: next.type,
    date: next.date,
    symbol: next.symbol,
    quantity: next.quantity,
    unit_price: next.unitPrice,
    amount: next.amount,
    fee: next.fee,
    tax: next.tax,
    currency: next.currency,
    ratio: next.ratio,
    notes: next.notes,
    version,
    updated_at: w.now,
  });
  if (!row) throw new AppError('not_found', `activity ${current.id} not found`);
  const updated = activityFromRow(row);
  await deps.outbox.enqueue(
    trx,
    'transactions.activity.updated',
    { userId: w.userId, version, ...activityEventState(updated), previous: activityEventState(current) },
    { subject: w.userId },
  );
  return updated;
}

/**
 * Changes an activity. The ledger of every account involved is replayed with the change, so
 * an edit that makes a later sell exceed the position is refused. On a leg of a transfer
 * between the user's accounts, date, symbol and quantity (and an equal amount) change on both
 * legs; its type and account cannot change (delete the transfer and record it again).
 */
export async function updateActivity(
  deps: TransactionsDeps,
  trx: Trx,
  w: UserWrite,
  activityId: string,
  input: UpdateActivityBody,
): Promise<WriteResult> {
  const current = await requireActivity(trx, w.userId, activityId);
  const merged = mergeFields(current, input);
  if (sameFields(current, merged)) return { status: 200, body: toActivityDto(current) };
  const currentAccount = await requireOpenAccount(trx, w.userId, current.accountId);
  const nextAccount = merged.accountId === current.accountId ? currentAccount : await requireOpenAccount(trx, w.userId, merged.accountId, 'accountId');
  const next = acceptFields(merged, w.now);

  let partner: Activity | undefined;
  let partnerNext: ActivityFields | undefined;
  let partnerAccount: Account | undefined;
  if (current.transferId) {
    if (next.type !== current.type || next.accountId !== current.accountId) {
      throw new AppError('unprocessable', 'the type and account of a transfer leg cannot change: delete the transfer and record it again', {
        details: { reason: 'transfer_leg', field: next.type !== current.type ? 'type' : 'accountId' },
      });
    }
    partner = (await findTransferLegs(trx, w.userId, current.transferId)).map(activityFromRow).find((a) => a.id !== current.id);
    if (partner) {
      const mirrorAmount = partner.amount === current.amount && partner.currency === current.currency;
      partnerNext = {
        ...partner,
        date: next.date,
        symbol: next.symbol,
        quantity: next.quantity,
        amount: mirrorAmount ? next.amount : partner.amount,
        ...(mirrorAmount ? { currency: next.currency } : {}),
      };
      partnerAccount = await requireOpenAccount(trx, w.userId, partner.accountId);
      rejectIssues(validateFields(partnerNext, w.now));
    }
  }

  const accounts = uniqueAccounts([currentAccount, nextAccount, partnerAccount]);
  const replace = [{ id: current.id, ...next }];
  if (partner && partnerNext && !sameFields(partner, partnerNext)) replace.push({ id: partner.id, ...partnerNext });
  await assertLedger(trx, w, accounts, { replace }, 'this change would break the ledger: ');

  const updated = await saveChanged(deps, trx, w, current, next);
  if (partner && partnerNext && !sameFields(partner, partnerNext)) await saveChanged(deps, trx, w, partner, partnerNext);
  return { status: 200, body: toActivityDto(updated) };
}

function uniqueAccounts(accounts: readonly (Account | undefined)[]): Account[] {
  const byId = new Map<string, Account>();
  for (const a of accounts) if (a) byId.set(a.id, a);
  return [...byId.values()];
}

/** Deletes activities (both legs of a transfer) after replaying the ledger without them. */
export async function removeActivities(deps: TransactionsDeps, trx: Trx, w: UserWrite, targets: readonly Activity[], prefix: string): Promise<void> {
  const accounts: Account[] = [];
  for (const id of new Set(targets.map((a) => a.accountId))) accounts.push(await requireOpenAccount(trx, w.userId, id));
  await assertLedger(trx, w, accounts, { remove: targets.map((a) => a.id) }, prefix);
  await deleteActivities(trx, w.userId, targets.map((a) => a.id));
  for (const a of targets) {
    await deps.outbox.enqueue(trx, 'transactions.activity.deleted', { userId: w.userId, version: w.nextVersion(), ...activityEventState(a) }, { subject: w.userId });
  }
}

export async function deleteActivity(deps: TransactionsDeps, trx: Trx, w: UserWrite, activityId: string): Promise<WriteResult> {
  const current = await requireActivity(trx, w.userId, activityId);
  const targets = current.transferId ? (await findTransferLegs(trx, w.userId, current.transferId)).map(activityFromRow) : [current];
  await removeActivities(deps, trx, w, targets, 'deleting this activity would break the ledger: ');
  return { status: 204, body: null };
}

/**
 * Records a transfer between two of the user's accounts: a TRANSFER_OUT and a TRANSFER_IN
 * with one `transferId`, so securities keep their lots (acquisition dates and cost basis)
 * and cash may arrive in another currency.
 */
export async function createTransfer(deps: TransactionsDeps, trx: Trx, w: UserWrite, input: CreateTransferBody): Promise<WriteResult> {
  if (input.fromAccountId === input.toAccountId) {
    rejectIssues([{ field: 'account', message: 'toAccountId must differ from fromAccountId' }]);
  }
  const from = await requireOpenAccount(trx, w.userId, input.fromAccountId, 'fromAccountId');
  const to = await requireOpenAccount(trx, w.userId, input.toAccountId, 'toAccountId');
  const securities = input.symbol !== undefined && input.symbol !== null;
  const currency = input.currency ?? from.currency;
  const receivedCurrency = input.receivedCurrency ?? currency;
  const amount = canonical(input.amount);
  let receivedAmount = canonical(input.receivedAmount);
  if (!securities && receivedAmount === null) {
    if (receivedCurrency !== currency) {
      rejectIssues([{ field: 'amount', message: 'receivedAmount is required when the money arrives in another currency' }]);
    }
    receivedAmount = amount;
  }
  const common = { date: input.date, symbol: input.symbol ?? null, quantity: canonical(input.quantity), ratio: null, notes: input.notes ?? null, unitPrice: null, tax: '0' };
  const outFields: ActivityFields = { ...common, accountId: from.id, type: 'TRANSFER_OUT', amount, currency, fee: canonical(input.fee) ?? '0' };
  const inFields: ActivityFields = {
    ...common,
    accountId: to.id,
    type: 'TRANSFER_IN',
    amount: securities ? amount : receivedAmount,
    currency: securities ? currency : receivedCurrency,
    fee: '0',
  };
  if (securities && (input.receivedAmount != null || input.receivedCurrency != null)) {
    rejectIssues([{ field: 'amount', message: 'receivedAmount and receivedCurrency are for cash transfers' }]);
  }
  rejectIssues(validateFields(outFields, w.now));
  rejectIssues(validateFields(inFields, w.now));
  const transferId = uuidv7();
  const outId = uuidv7();
  const inId = uuidv7();
  await assertLedger(trx, w, [from, to], { add: [{ id: outId, ...outFields }, { id: inId, ...inFields }] });
  const [outLeg, inLeg] = await recordActivities(deps, trx, w, [
    { id: outId, fields: outFields, transferId, source: 'TRANSFER', importId: null },
    { id: inId, fields: inFields, transferId, source: 'TRANSFER', importId: null },
  ]);
  return { status: 201, body: { transferId, out: toActivityDto(outLeg!), in: toActivityDto(inLeg!) } };
}
