import type { Kysely, Migration } from 'kysely';

/**
 * Versions applied ahead of a gap (events are consumed concurrently and may commit out of
 * order): `user_state.version` becomes the highest version below which every event is applied.
 */
export const appliedVersions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('applied_versions')
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('applied_versions_pk', ['user_id', 'version'])
      .execute();
  },
};
