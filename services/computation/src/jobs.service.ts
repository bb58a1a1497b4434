import type { JobDto, JobKind } from '@meridian/contracts';
import { AppError, uuidv7 } from '@meridian/platform';
import { compute, parseInput } from './computation.js';
import type { JobRow } from './database.js';
import type { ComputationDeps } from './deps.js';
import {
  countActiveJobs,
  failAbandonedJobs,
  findOwnJob,
  insertJob,
  markFailed,
  markRunning,
  markSucceeded,
  renewHeartbeats,
  updateProgress,
} from './jobs.repository.js';

/** Progress is written at most this often per job: the worker may report far more often. */
const PROGRESS_WRITE_MS = 100;

function toDto(row: JobRow): JobDto {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: row.progress,
    result: row.result ?? null,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

/**
 * Runs jobs of this instance in the background and keeps their rows honest: progress as
 * the worker reports it, a heartbeat while they run, failed with a reason when they fail
 * or when the instance goes away (another instance's sweep sees the stale heartbeat).
 */
export function createJobRunner(deps: ComputationDeps) {
  const inFlight = new Map<string, Promise<void>>();
  let closing = false;

  async function execute(id: string, kind: JobKind, input: unknown): Promise<void> {
    await markRunning(deps.db, id, new Date());
    // Writes for one job go through one chain, so a late progress write never lands after the final status.
    let chain = Promise.resolve();
    let lastWrite = 0;
    const onProgress = (done: number) => {
      const now = Date.now();
      if (done >= 1 || now - lastWrite < PROGRESS_WRITE_MS) return;
      lastWrite = now;
      chain = chain.then(() => updateProgress(deps.db, id, done, new Date(now))).catch((err: unknown) => deps.logger.warn({ err, job: id }, 'job progress write failed'));
    };
    try {
      const result = await compute(deps.pool, kind, input, onProgress);
      await chain;
      await markSucceeded(deps.db, id, result, new Date());
    } catch (err) {
      await chain;
      const message =
        err instanceof AppError ? err.message : closing ? 'interrupted: the service shut down before the job finished; submit it again' : 'the computation failed';
      if (!(err instanceof AppError) && !closing) deps.logger.error({ err, job: id, kind }, 'computation job failed');
      await markFailed(deps.db, id, message, new Date());
    }
  }

  return {
    async create(userId: string, kind: JobKind, rawInput: unknown): Promise<{ id: string }> {
      const input = parseInput(kind, rawInput);
      if ((await countActiveJobs(deps.db, userId)) >= deps.maxActiveJobsPerUser) {
        throw new AppError('rate_limited', `at most ${deps.maxActiveJobsPerUser} jobs may be queued or running at once`, { headers: { 'retry-after': '5' } });
      }
      const id = uuidv7();
      await insertJob(deps.db, { id, userId, kind, input, now: new Date() });
      const run = execute(id, kind, input)
        .catch((err: unknown) => deps.logger.error({ err, job: id }, 'could not record a job outcome'))
        .finally(() => inFlight.delete(id));
      inFlight.set(id, run);
      return { id };
    },

    async get(userId: string, id: string): Promise<JobDto> {
      const row = await findOwnJob(deps.db, userId, id);
      if (!row) throw new AppError('not_found', 'no such job');
      return toDto(row);
    },

    /** Renews this instance's leases and fails jobs whose instance is gone. */
    async sweep(): Promise<void> {
      const now = new Date();
      await renewHeartbeats(deps.db, [...inFlight.keys()], now);
      const failed = await failAbandonedJobs(deps.db, new Date(now.getTime() - deps.leaseMs), now);
      if (failed > 0) deps.logger.warn({ failed }, 'failed computation jobs abandoned by a stopped instance');
    },

    /** Stops the workers and records the jobs they were running as interrupted. */
    async close(): Promise<void> {
      closing = true;
      await deps.pool.close();
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
