import type { Kysely } from 'kysely';
import type { ImportRowRecord, TransactionsDatabase } from './database.js';

type Db = Kysely<TransactionsDatabase>;

export async function insertImport(
  db: Db,
  row: { id: string; userId: string; format: string; preset: string; fileName: string | null; created: number; skipped: number; now: Date },
): Promise<void> {
  await db
    .insertInto('imports')
    .values({
      id: row.id,
      user_id: row.userId,
      format: row.format,
      preset: row.preset,
      file_name: row.fileName,
      created_count: row.created,
      skipped_count: row.skipped,
      created_at: row.now,
    })
    .execute();
}

export function listImports(db: Db, userId: string): Promise<ImportRowRecord[]> {
  return db.selectFrom('imports').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export function findImport(db: Db, userId: string, importId: string): Promise<ImportRowRecord | undefined> {
  return db.selectFrom('imports').selectAll().where('user_id', '=', userId).where('id', '=', importId).executeTakeFirst();
}

export async function deleteImport(db: Db, userId: string, importId: string): Promise<void> {
  await db.deleteFrom('imports').where('user_id', '=', userId).where('id', '=', importId).execute();
}
