import type { CloudEvent } from '@meridian/contracts';
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { uuidv7 } from '../ids.js';
import { requireEnv, testLogger, uniqueName } from '../testing/index.js';
import { createRabbitTransport } from './rabbit-transport.js';
import type { Transport } from './types.js';

const logger = testLogger();
const eventually = { timeout: 15_000, interval: 20 };

function event(): CloudEvent {
  return {
    specversion: '1.0',
    id: uuidv7(),
    source: 'test',
    type: 'auth.user.deleted',
    time: new Date().toISOString(),
    traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
    data: { userId: '0190a6e4-7c1f-7000-8000-000000000001', deletedAt: new Date().toISOString() },
  };
}

describe('the RabbitMQ transport', () => {
  let url: string;
  let admin: ChannelModel;
  let exchange: string;
  let prefix: string;
  let transport: Transport;
  const retryDelaysMs = [20, 50];

  beforeAll(async () => {
    url = requireEnv('TEST_AMQP_URL');
    admin = await connect(url);
  });

  afterAll(async () => {
    await admin.close();
  });

  beforeEach(async () => {
    exchange = uniqueName('test.events');
    prefix = uniqueName('test');
    transport = await createRabbitTransport({ url, logger, exchange, queuePrefix: prefix, retryDelaysMs });
  });

  afterEach(async () => {
    await transport.close();
    // Quorum queues cost the broker memory and disk: leave none behind.
    const ch = await admin.createChannel();
    for (const q of ['inspect', 'declared', 'flaky', 'garbage', 'replay', 'single']) {
      for (const name of [`${prefix}.${q}`, `${prefix}.${q}.parking`, ...retryDelaysMs.map((ms) => `${prefix}.${q}.retry.${ms}`)]) {
        await ch.deleteQueue(name);
      }
    }
    await ch.deleteExchange(exchange);
    await ch.close();
  });

  it('publishes persistent CloudEvents keyed by type, with the event id as message id', async () => {
    const sub = await transport.consume('inspect', ['auth.user.deleted'], async () => undefined, { maxAttempts: 1 });
    await sub.stop(); // the queue stays, bound, and keeps what arrives
    const sent = event();
    await transport.publish([sent]);
    const ch = await admin.createChannel();
    const msg = await vi.waitFor(async () => {
      const got = await ch.get(`${prefix}.inspect`, { noAck: true });
      if (!got) throw new Error('not there yet');
      return got;
    }, eventually);
    await ch.close();
    expect(msg.fields.routingKey).toBe('auth.user.deleted');
    expect(msg.properties).toMatchObject({
      messageId: sent.id,
      type: 'auth.user.deleted',
      contentType: 'application/cloudevents+json',
      deliveryMode: 2,
      headers: { traceparent: sent.traceparent },
    });
    expect(JSON.parse(msg.content.toString())).toEqual(sent);
  });

  it('declares the service queue, its retry queues and its parking queue as durable quorum queues', async () => {
    const sub = await transport.consume('declared', ['auth.user.deleted'], async () => undefined, { maxAttempts: 1 });
    await sub.stop();
    const names = [`${prefix}.declared`, `${prefix}.declared.parking`, ...retryDelaysMs.map((ms) => `${prefix}.declared.retry.${ms}`)];
    for (const name of names) {
      // Declaring the same name as a classic queue must clash with what is there.
      const ch = await admin.createChannel();
      ch.on('error', () => undefined);
      await expect(ch.assertQueue(name, { durable: true, arguments: { 'x-queue-type': 'classic' } })).rejects.toThrow(/PRECONDITION_FAILED/);
    }
  });

  it('retries a failing event through the delay queues until it succeeds', async () => {
    let attempts = 0;
    await transport.consume('flaky', ['auth.user.deleted'], async () => {
      attempts++;
      if (attempts < 3) throw new Error('database busy');
    }, { maxAttempts: 5 });
    await transport.publish([event()]);
    await vi.waitFor(() => expect(attempts).toBe(3), eventually);
    expect(await transport.listParked('flaky')).toEqual([]);
  });

  it('parks a message whose body is not JSON without retrying it', async () => {
    let calls = 0;
    await transport.consume('garbage', ['auth.user.deleted'], async () => {
      calls++;
    }, { maxAttempts: 5 });
    const ch = await admin.createConfirmChannel();
    ch.publish(exchange, 'auth.user.deleted', Buffer.from('{not json'), { messageId: 'garbage-1' });
    await ch.waitForConfirms();
    await ch.close();
    await vi.waitFor(async () => expect(await transport.listParked('garbage')).toHaveLength(1), eventually);
    const [parked] = await transport.listParked('garbage');
    expect(parked).toMatchObject({ id: 'garbage-1', attempts: 1, body: '{not json' });
    expect(parked!.reason).toContain('not JSON');
    expect(calls).toBe(0);
  });

  it('replays parked messages with a fresh attempt count', async () => {
    let failing = true;
    const handled: string[] = [];
    await transport.consume('replay', ['auth.user.deleted'], async (raw) => {
      if (failing) throw new Error('not yet');
      handled.push((raw as CloudEvent).id);
    }, { maxAttempts: 2 });
    const sent = event();
    await transport.publish([sent]);
    await vi.waitFor(async () => expect(await transport.listParked('replay')).toMatchObject([{ id: sent.id, attempts: 2 }]), eventually);
    failing = false;
    expect(await transport.replayParked('replay', ['someone-else'])).toBe(0);
    expect(await transport.replayParked('replay', [sent.id])).toBe(1);
    await vi.waitFor(() => expect(handled).toEqual([sent.id]), eventually);
    expect(await transport.listParked('replay')).toEqual([]);
  });

  it('lists nothing parked for a service that never consumed', async () => {
    expect(await transport.listParked('never')).toEqual([]);
    expect(await transport.replayParked('never')).toBe(0);
  });

  it('reports ready while connected and not after it closed', async () => {
    expect(await transport.ready()).toBe(true);
    await transport.close();
    expect(await transport.ready()).toBe(false);
    await expect(transport.publish([event()])).rejects.toThrow('transport closed');
  });

  it('refuses a second consumer on the same queue', async () => {
    await transport.consume('single', ['auth.user.deleted'], async () => undefined, { maxAttempts: 1 });
    await expect(transport.consume('single', ['auth.user.deleted'], async () => undefined, { maxAttempts: 1 })).rejects.toThrow(/already has a consumer/);
  });
});
