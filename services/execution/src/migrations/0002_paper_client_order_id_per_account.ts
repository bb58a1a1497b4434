import type { Kysely, Migration } from 'kysely';

/**
 * Client order ids are the user's: two accounts may use the same one. The paper book was
 * unique on `client_order_id` alone, so a second user's order could be answered with the
 * first user's. Unique per account now; orders are found from paper updates by broker id.
 */
export const paperClientOrderIdPerAccount: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('paper_orders').dropConstraint('paper_orders_client_order_id_key').execute();
    await db.schema.alterTable('paper_orders').addUniqueConstraint('paper_orders_account_client_order_id_key', ['account_id', 'client_order_id']).execute();
    await db.schema.createIndex('orders_broker_order_idx').on('orders').columns(['broker', 'broker_order_id']).execute();
  },
};
