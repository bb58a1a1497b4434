import type { CloudEvent } from '@meridian/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db/database.js';
import { uuidv7 } from '../ids.js';
import { createTestDatabase, testDatabases, testLogger, uniqueName } from '../testing/index.js';
import { UnprocessableEventError } from './errors.js';
import { createMemoryTransport } from './memory-transport.js';

const logger = testLogger();

function event(type = 'auth.user.deleted'): CloudEvent {
  return {
    specversion: '1.0',
    id: uuidv7(),
    source: 'test',
    type,
    time: new Date().toISOString(),
    data: { userId: '0190a6e4-7c1f-7000-8000-000000000001', deletedAt: new Date().toISOString() },
  } as CloudEvent;
}

describe.each(testDatabases())('the in-process transport on %s', (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });

  afterAll(async () => {
    await database.close();
  });

  it('resolves a publish only once every subscribed queue has handled the event', async () => {
    const transport = await createMemoryTransport({ database, logger });
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await transport.consume('slow', ['auth.user.deleted'], async () => {
      await gate;
      handled.push('slow');
    }, { maxAttempts: 3 });
    await transport.consume('fast', ['auth.user.deleted'], async () => {
      handled.push('fast');
    }, { maxAttempts: 3 });
    let published = false;
    const publishing = transport.publish([event()]).then(() => (published = true));
    await vi.waitFor(() => expect(handled).toEqual(['fast']));
    expect(published).toBe(false);
    release();
    await publishing;
    expect(handled).toEqual(['fast', 'slow']);
    await transport.close();
  });

  it('routes each event only to the queues subscribed to its type', async () => {
    const transport = await createMemoryTransport({ database, logger });
    const seen: string[] = [];
    await transport.consume('deleted', ['auth.user.deleted'], async (raw) => {
      seen.push(`deleted:${(raw as CloudEvent).type}`);
    }, { maxAttempts: 1 });
    await transport.consume('registered', ['auth.user.registered'], async (raw) => {
      seen.push(`registered:${(raw as CloudEvent).type}`);
    }, { maxAttempts: 1 });
    await transport.publish([event('auth.user.deleted')]);
    expect(seen).toEqual(['deleted:auth.user.deleted']);
    await transport.close();
  });

  it('hands consumers a copy of the event, as a broker would', async () => {
    const transport = await createMemoryTransport({ database, logger });
    const sent = event();
    let received: unknown;
    await transport.consume('copy', [sent.type], async (raw) => {
      received = raw;
    }, { maxAttempts: 1 });
    await transport.publish([sent]);
    expect(received).toEqual(sent);
    expect(received).not.toBe(sent);
    await transport.close();
  });

  it('retries a failing event with back-off until it succeeds', async () => {
    const transport = await createMemoryTransport({ database, logger, retryBaseMs: 5 });
    let attempts = 0;
    await transport.consume('flaky', ['auth.user.deleted'], async () => {
      attempts++;
      if (attempts < 3) throw new Error('database busy');
    }, { maxAttempts: 5 });
    await transport.publish([event()]);
    expect(attempts).toBe(3);
    expect(await transport.listParked('flaky')).toEqual([]);
    await transport.close();
  });

  it('parks an unprocessable event at once', async () => {
    const transport = await createMemoryTransport({ database, logger, retryBaseMs: 5 });
    let attempts = 0;
    await transport.consume('strict', ['auth.user.deleted'], async () => {
      attempts++;
      throw new UnprocessableEventError('not a valid event');
    }, { maxAttempts: 5 });
    const sent = event();
    await transport.publish([sent]);
    expect(attempts).toBe(1);
    expect(await transport.listParked('strict')).toMatchObject([{ id: sent.id, attempts: 1, reason: expect.stringContaining('not a valid event') }]);
    await transport.close();
  });

  it('keeps parked events in the database across a restart of the transport', async () => {
    const queue = uniqueName('restart');
    const first = await createMemoryTransport({ database, logger, retryBaseMs: 1 });
    await first.consume(queue, ['auth.user.deleted'], async () => {
      throw new Error('always fails');
    }, { maxAttempts: 2 });
    const sent = event();
    await first.publish([sent]);
    await first.close();

    const second = await createMemoryTransport({ database, logger });
    expect(await second.listParked(queue)).toMatchObject([{ id: sent.id, attempts: 2, body: sent }]);
    const handled: string[] = [];
    await second.consume(queue, ['auth.user.deleted'], async (raw) => {
      handled.push((raw as CloudEvent).id);
    }, { maxAttempts: 2 });
    expect(await second.replayParked(queue)).toBe(1);
    await vi.waitFor(async () => expect(await second.listParked(queue)).toEqual([]));
    expect(handled).toEqual([sent.id]);
    await second.close();
  });

  it('holds events for a stopped consumer and delivers them when it comes back', async () => {
    const transport = await createMemoryTransport({ database, logger });
    const handled: string[] = [];
    const handle = async (raw: unknown) => {
      handled.push((raw as CloudEvent).id);
    };
    const subscription = await transport.consume('paused', ['auth.user.deleted'], handle, { maxAttempts: 1 });
    await subscription.stop();
    const sent = event();
    let published = false;
    const publishing = transport.publish([sent]).then(() => (published = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toBe(false);
    await transport.consume('paused', ['auth.user.deleted'], handle, { maxAttempts: 1 });
    await publishing;
    expect(handled).toEqual([sent.id]);
    await transport.close();
  });

  it('fails pending publishes when it closes, so the relay keeps the outbox rows', async () => {
    const transport = await createMemoryTransport({ database, logger });
    const subscription = await transport.consume('closing', ['auth.user.deleted'], async () => undefined, { maxAttempts: 1 });
    await subscription.stop();
    const publishing = transport.publish([event()]);
    await transport.close();
    await expect(publishing).rejects.toThrow('transport closed');
    await expect(transport.publish([event()])).rejects.toThrow('transport closed');
    expect(await transport.ready()).toBe(false);
  });
});
