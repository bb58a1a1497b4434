import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryTransport } from './bus/index.js';
import { openDatabase, type Database } from './db/database.js';
import { runService, type RunningService } from './service.js';
import type { ServiceDefinition } from './service-types.js';
import { testLogger } from './testing/index.js';

const env = { LOG_LEVEL: 'silent', MERIDIAN_DOCS: 'false' };

/** Publishes auth.user.deleted through its outbox on POST /delete. */
const producer: ServiceDefinition = {
  name: 'producer',
  description: 'test producer',
  migrations: {},
  routes(app, ctx) {
    app.post('/delete/:userId', async (request, reply) => {
      const { userId } = request.params as { userId: string };
      await ctx.db.transaction().execute((trx) =>
        ctx.outbox.enqueue(trx, 'auth.user.deleted', { userId, deletedAt: new Date().toISOString() }),
      );
      return reply.status(202).send({ ok: true });
    });
  },
};

/** Records each user id it hears was deleted. */
const consumer: ServiceDefinition = {
  name: 'consumer',
  description: 'test consumer',
  migrations: {
    '0001': {
      async up(db) {
        await db.schema.createTable('erased').addColumn('user_id', 'uuid', (c) => c.primaryKey()).execute();
      },
    },
  },
  routes() {},
  consumers: () => ({
    'auth.user.deleted': async (event, trx) => {
      await trx.insertInto('erased').values({ user_id: event.data.userId }).execute();
    },
  }),
};

async function erased(database: Database): Promise<string[]> {
  const rows = await sql<{ user_id: string }>`select user_id from consumer.erased`.execute(database.root);
  return rows.rows.map((r) => r.user_id);
}

describe('running services on the in-process bus', () => {
  let database: Database;
  const running: RunningService[] = [];
  afterAll(async () => {
    for (const svc of running.reverse()) await svc.close();
    await database?.close();
  });

  it('delivers what a producer wrote before its consumer subscribed once relays start', async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    const transport = await createMemoryTransport({ database, logger: testLogger() });
    const options = { database, transport, env, logger: testLogger(), host: '127.0.0.1', port: 0, deferRelay: true };
    const prod = await runService(producer, options);
    running.push(prod);
    const early = randomUUID();
    // Written while nobody consumes auth.user.deleted yet.
    expect((await fetch(`${prod.url}/delete/${early}`, { method: 'POST' })).status).toBe(202);
    const cons = await runService(consumer, options);
    running.push(cons);
    prod.startRelay();
    cons.startRelay();
    await expect.poll(() => erased(database), { timeout: 10_000 }).toEqual([early]);
  });

  it('flushes the outbox on close before consumers stop', async () => {
    const late = randomUUID();
    const [prod] = running;
    expect((await fetch(`${prod!.url}/delete/${late}`, { method: 'POST' })).status).toBe(202);
    await Promise.all(running.map((s) => s.stopAccepting()));
    for (const svc of running) await svc.stopRelay();
    expect(await erased(database)).toContain(late);
  });
});
