import type { ImportDto, ImportedActivity, ImportReport, ImportRow } from '@meridian/contracts';
import { AppError, uuidv7 } from '@meridian/platform';
import { accountEventState, accountFromRow } from './accounts.js';
import { activityFromRow } from './activities.js';
import { insertAccount } from './accounts.repository.js';
import { activitiesOfImport } from './activities.repository.js';
import { recordActivities, removeActivities, type NewActivity } from './activities.service.js';
import type { TransactionsDeps } from './deps.js';
import { evaluate, type Evaluated, type Evaluation, type ImportOptions, type ImportSource } from './imports.evaluate.js';
import { findImport, insertImport, listImports as listImportRows, deleteImport as deleteImportRow } from './imports.repository.js';
import type { Trx, UserWrite, WriteResult } from './writes.js';

export type { ImportOptions, ImportSource } from './imports.evaluate.js';

function importedActivity(r: Evaluated): ImportedActivity | null {
  if (r.status === 'skipped' && r.candidate.type === null) return null;
  const f = r.fields;
  const c = r.candidate;
  return {
    accountId: f?.accountId ?? r.account?.id ?? null,
    type: f?.type ?? c.type,
    date: f?.date ?? c.date,
    symbol: f?.symbol ?? c.symbol,
    quantity: f?.quantity ?? c.quantity,
    unitPrice: f?.unitPrice ?? c.unitPrice,
    amount: f?.amount ?? c.amount,
    fee: f?.fee ?? c.fee,
    tax: f?.tax ?? c.tax,
    currency: f?.currency ?? c.currency,
    ratio: f?.ratio ?? c.ratio,
    notes: f?.notes ?? c.notes,
  };
}

function report(source: ImportSource, evaluation: Evaluation, extra: { dryRun: boolean; importId: string | null; created: Map<string, string>; version: number | null }): ImportReport {
  const rows: ImportRow[] = evaluation.rows.map((r) => ({
    row: r.candidate.row,
    status: r.status,
    activity: importedActivity(r),
    errors: r.errors,
    duplicateOf: r.duplicateOf,
    message: r.candidate.skip ?? null,
    activityId: extra.created.get(r.id) ?? null,
  }));
  const count = (s: ImportRow['status']) => rows.filter((r) => r.status === s).length;
  const used = new Set(evaluation.rows.filter((r) => r.status === 'new').map((r) => r.account?.id));
  return {
    dryRun: extra.dryRun,
    format: source.format,
    preset: source.preset,
    importId: extra.importId,
    summary: {
      rows: rows.length,
      new: count('new'),
      duplicates: count('duplicate'),
      errors: count('error'),
      skipped: count('skipped'),
      created: extra.created.size,
    },
    accountsToCreate: evaluation.planned.filter((p) => used.has(p.id)).map((p) => ({ id: p.id, name: p.name, currency: p.currency })),
    errors: rows.flatMap((r) => r.errors),
    rows,
    version: extra.version,
  };
}

/** A dry run: every row's outcome, nothing written. */
export async function previewImport(deps: TransactionsDeps, userId: string, source: ImportSource, options: ImportOptions): Promise<ImportReport> {
  const evaluation = await evaluate(deps.db, userId, deps.clock(), source, options);
  return report(source, evaluation, { dryRun: true, importId: null, created: new Map(), version: null });
}

/**
 * Applies an import atomically: if any row has an error nothing is written (422 with the
 * report); otherwise the new rows (and duplicates with `force`) are recorded with one
 * `transactions.activity.recorded` each, accounts the file needs are opened with
 * `createAccounts`, and the import is kept so it can be undone.
 */
export async function commitImport(
  deps: TransactionsDeps,
  trx: Trx,
  w: UserWrite,
  source: ImportSource,
  options: ImportOptions,
): Promise<WriteResult> {
  const evaluation = await evaluate(trx, w.userId, w.now, source, options, w);
  const failed = evaluation.rows.filter((r) => r.status === 'error').length;
  if (failed > 0) {
    const body = report(source, evaluation, { dryRun: false, importId: null, created: new Map(), version: null });
    throw new AppError('unprocessable', `${failed} of ${evaluation.rows.length} rows have errors; nothing was imported`, {
      details: { reason: 'import_has_errors', ...body },
    });
  }
  const toCreate = evaluation.rows.filter((r) => r.status === 'new');
  if (toCreate.length === 0) {
    return { status: 200, body: report(source, evaluation, { dryRun: false, importId: null, created: new Map(), version: w.version }) };
  }
  const needed = new Set(toCreate.map((r) => r.account!.id));
  for (const p of evaluation.planned.filter((x) => needed.has(x.id))) {
    const version = w.nextVersion();
    const row = await insertAccount(trx, {
      id: p.id,
      user_id: w.userId,
      name: p.name,
      type: p.type,
      currency: p.currency,
      institution: p.institution,
      track_cash: p.trackCash,
      cost_basis_method: p.costBasisMethod,
      archived_at: null,
      version,
      created_at: w.now,
      updated_at: w.now,
    });
    await deps.outbox.enqueue(trx, 'transactions.account.created', { userId: w.userId, version, ...accountEventState(accountFromRow(row)) }, { subject: w.userId });
  }
  const importId = uuidv7();
  await insertImport(trx, {
    id: importId,
    userId: w.userId,
    format: source.format,
    preset: source.preset,
    fileName: source.fileName,
    created: toCreate.length,
    skipped: evaluation.rows.length - toCreate.length,
    now: w.now,
  });
  const transferIds = new Map<string, string>();
  const items: NewActivity[] = toCreate.map((r) => {
    const ref = r.candidate.transferRef;
    let transferId: string | null = null;
    if (ref && r.fields!.type.startsWith('TRANSFER_')) {
      transferId = transferIds.get(ref) ?? uuidv7();
      transferIds.set(ref, transferId);
    }
    return { id: r.id, fields: r.fields!, transferId, source: 'IMPORT', importId };
  });
  const created = await recordActivities(deps, trx, w, items);
  const ids = new Map(created.map((a) => [a.id, a.id]));
  return { status: 201, body: report(source, evaluation, { dryRun: false, importId, created: ids, version: w.version }) };
}

export async function listImports(deps: TransactionsDeps, userId: string): Promise<ImportDto[]> {
  return (await listImportRows(deps.db, userId)).map((r) => ({
    id: r.id,
    format: r.format,
    preset: r.preset,
    fileName: r.file_name,
    created: r.created_count,
    skipped: r.skipped_count,
    createdAt: r.created_at.toISOString(),
  }));
}

/** Undoes an import: deletes the activities it created that are still there (ledger-checked). */
export async function undoImport(deps: TransactionsDeps, trx: Trx, w: UserWrite, importId: string): Promise<WriteResult> {
  const found = await findImport(trx, w.userId, importId);
  if (!found) throw new AppError('not_found', `import ${importId} not found`);
  const activities = (await activitiesOfImport(trx, w.userId, importId)).map(activityFromRow);
  if (activities.length > 0) await removeActivities(deps, trx, w, activities, 'undoing this import would break the ledger: ');
  await deleteImportRow(trx, w.userId, importId);
  return { status: 204, body: null };
}
