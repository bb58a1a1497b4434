import type { JobKind } from '@meridian/contracts';
import type { Kysely } from 'kysely';
import type { ComputationDatabase, JobRow } from './database.js';

type Db = Kysely<ComputationDatabase>;

export async function insertJob(db: Db, row: { id: string; userId: string; kind: JobKind; input: unknown; now: Date }): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: row.id,
      user_id: row.userId,
      kind: row.kind,
      status: 'queued',
      progress: 0,
      input: JSON.stringify(row.input),
      result: null,
      error: null,
      created_at: row.now,
      heartbeat_at: row.now,
    })
    .execute();
}

/** A job only its owner can see: another user's id reads as absent. */
export function findOwnJob(db: Db, userId: string, id: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

export async function countActiveJobs(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function markRunning(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('jobs').set({ status: 'running', started_at: now, heartbeat_at: now }).where('id', '=', id).where('status', '=', 'queued').execute();
}

/** Progress only moves forward, and only while the job runs. */
export async function updateProgress(db: Db, id: string, progress: number, now: Date): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ progress, heartbeat_at: now })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('progress', '<', progress)
    .execute();
}

export async function markSucceeded(db: Db, id: string, result: unknown, now: Date): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'succeeded', progress: 1, result: JSON.stringify(result), finished_at: now, heartbeat_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

export async function markFailed(db: Db, id: string, error: string, now: Date): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'failed', error, finished_at: now, heartbeat_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

export async function renewHeartbeats(db: Db, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('jobs').set({ heartbeat_at: now }).where('id', 'in', ids).where('status', 'in', ['queued', 'running']).execute();
}

/** Fails unfinished jobs whose instance stopped renewing them (a crash or a restart). */
export async function failAbandonedJobs(db: Db, staleBefore: Date, now: Date): Promise<number> {
  const r = await db
    .updateTable('jobs')
    .set({ status: 'failed', error: 'interrupted: the service stopped before the job finished; submit it again', finished_at: now })
    .where('status', 'in', ['queued', 'running'])
    .where('heartbeat_at', '<', staleBefore)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
