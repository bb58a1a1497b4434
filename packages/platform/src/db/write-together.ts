import { sql, type DeleteQueryNode, type InsertQueryNode, type Kysely, type QueryCreator, type UpdateQueryNode } from 'kysely';

/** One write of {@link writeTogether}: an insert, update or delete built on the creator given. */
export type Write<DB> = (creator: QueryCreator<DB>) => { toOperationNode(): InsertQueryNode | UpdateQueryNode | DeleteQueryNode; execute(): Promise<unknown> };

/**
 * Runs several inserts, updates and deletes as one statement, each a data-modifying common
 * table expression (PostgreSQL runs every one of them to completion, reading or not): one
 * round trip to the database instead of one each. They see the same snapshot, so none may
 * depend on another's effect, and no two may change the same row.
 */
export async function writeTogether<DB>(db: Kysely<DB>, writes: ReadonlyArray<Write<DB>>): Promise<void> {
  const [only] = writes;
  if (!only) return;
  if (writes.length === 1) {
    await only(db).execute();
    return;
  }
  let creator: QueryCreator<DB> = db;
  writes.forEach((write, i) => {
    // Kysely types each CTE's rows into the creator it returns; these are never read back.
    creator = creator.with(`write_${i}`, write as never) as unknown as QueryCreator<DB>;
  });
  await creator.selectNoFrom(sql<number>`1`.as('done')).execute();
}
