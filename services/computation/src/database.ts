import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { JobKind, JobStatus } from '@meridian/contracts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

/** The tables of the `computation` schema, as Kysely sees them. */
export interface ComputationDatabase {
  jobs: JobsTable;
}

export interface JobsTable {
  id: string;
  user_id: string;
  kind: JobKind;
  status: JobStatus;
  progress: number;
  input: Json;
  result: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** Renewed while an instance works on the job; a stale one means the instance is gone. */
  heartbeat_at: Timestamp;
}

export type JobRow = Selectable<JobsTable>;
export type NewJobRow = Insertable<JobsTable>;
