import type { CloudEvent } from '@meridian/contracts';
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import type { Logger } from 'pino';
import { sleep } from './backoff.js';
import { isUnprocessable, reasonOf } from './errors.js';
import { listParked, replayParked } from './rabbit-parking.js';
import { ATTEMPTS, carriedOptions, declareTopology, PARKED_AT, queueNames, REASON, type QueueNames } from './rabbit-topology.js';
import type { Transport } from './types.js';

export interface RabbitTransportOptions {
  /** amqp:// URL of the broker. */
  url: string;
  logger: Logger;
  /** The topic exchange every event goes through. Default `meridian.events`. */
  exchange?: string;
  /** Queue names are `<prefix>.<service>`, `<prefix>.<service>.retry.<ms>`, `<prefix>.<service>.parking`. Default `meridian`. */
  queuePrefix?: string;
  /** Delay before each retry of a failed event (the last one repeats). Default 1 s, 5 s, 30 s. */
  retryDelaysMs?: number[];
  /** Unacknowledged messages per consumer. Default 128. */
  prefetch?: number;
  /** A publish not confirmed within this time fails (and is retried by the relay). Default 30 s. */
  publishTimeoutMs?: number;
  /** Connection attempts at startup before giving up (afterwards it reconnects forever). Default 30. */
  initialConnectRetries?: number;
  /** Shown in the broker's connection list. */
  connectionName?: string;
}

interface ConsumerState {
  queue: string;
  names: QueueNames;
  types: string[];
  handle: (raw: unknown) => Promise<void>;
  maxAttempts: number;
  prefetch: number;
  channel: Channel | undefined;
  consumerTag: string | undefined;
  /** The connection the consumer was last started on, so a restart is not done twice. */
  startedOn: ChannelModel | undefined;
  inFlight: Set<Promise<void>>;
  stopped: boolean;
}

/**
 * The distributed mode's transport over RabbitMQ: a durable topic exchange, one quorum queue
 * per consuming service bound by event type, publisher confirms, manual acks with prefetch,
 * retries through TTL queues, and a parking queue. The connection recovers by itself
 * (amqplib's recovery): consumers are re-established on the new connection and publishes
 * in flight when it dropped are rejected, so the relay sends them again.
 */
export async function createRabbitTransport(options: RabbitTransportOptions): Promise<Transport> {
  const { logger } = options;
  const exchange = options.exchange ?? 'meridian.events';
  const prefix = options.queuePrefix ?? 'meridian';
  const retryDelaysMs = options.retryDelaysMs?.length ? options.retryDelaysMs : [1000, 5000, 30_000];
  const defaultPrefetch = options.prefetch ?? 128;
  const publishTimeoutMs = options.publishTimeoutMs ?? 30_000;

  let model: ChannelModel | undefined;
  let publisher: ConfirmChannel | undefined;
  let publisherOpening: Promise<ConfirmChannel> | undefined;
  let closed = false;
  const consumers = new Map<string, ConsumerState>();

  // Topology changes and consumer (re)starts run one at a time, so a reconnect and a new
  // consume() never start the same consumer twice.
  let serialTail: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = serialTail.then(fn, fn);
    serialTail = next.catch(() => undefined);
    return next;
  }

  const log = logger.child({ transport: 'rabbitmq' });
  const onChannelError = (what: string) => (err: Error) => log.warn({ err }, `${what} channel error`);
  const onHandlerError = (err: Error, event: string) => log.error({ err, event }, 'error in an amqplib listener');

  const conn = await connect(options.url, {
    clientProperties: { connection_name: options.connectionName ?? `meridian-${process.pid}` },
    recovery: {
      initialDelay: 100,
      maxDelay: 2000,
      maxRetries: Infinity,
      initialMaxRetries: options.initialConnectRetries ?? 30,
      setup: (m: ChannelModel) => serial(() => onConnected(m)),
    },
  });
  conn.on('error', (err: Error) => log.warn({ err }, 'broker connection error'));
  conn.on('handler-error', onHandlerError);
  conn.on('disconnect', (err: Error) => {
    model = undefined;
    publisher = undefined;
    publisherOpening = undefined;
    for (const c of consumers.values()) c.channel = undefined;
    if (!closed) log.warn({ err }, 'broker connection lost; reconnecting');
  });
  conn.on('connect', () => log.info('broker connected'));
  conn.on('reconnect-failed', (err: Error) => log.error({ err }, 'gave up reconnecting to the broker'));

  /** Runs on every (re)connection, before the connection is handed out. */
  async function onConnected(m: ChannelModel): Promise<void> {
    try {
      model = m;
      const ch = await openPublisher(m);
      await ch.assertExchange(exchange, 'topic', { durable: true });
      for (const c of consumers.values()) await startOn(m, c);
    } catch (err) {
      model = undefined;
      publisher = undefined;
      log.error({ err }, 'could not set up on the broker connection; retrying');
      throw err;
    }
  }

  async function openPublisher(m: ChannelModel): Promise<ConfirmChannel> {
    const ch = await m.createConfirmChannel();
    ch.on('error', onChannelError('publisher'));
    ch.on('handler-error', onHandlerError);
    ch.on('close', () => {
      if (publisher === ch) publisher = undefined;
    });
    publisher = ch;
    return ch;
  }

  function publisherChannel(): Promise<ConfirmChannel> {
    if (publisher) return Promise.resolve(publisher);
    const m = model;
    if (!m) return Promise.reject(new Error('not connected to the broker'));
    publisherOpening ??= openPublisher(m).finally(() => {
      publisherOpening = undefined;
    });
    return publisherOpening;
  }

  /** Publishes one message and resolves on the broker's confirm (rejects on nack or a lost channel). */
  function confirmed(ch: ConfirmChannel, exchangeName: string, routingKey: string, content: Buffer, opts: Options.Publish): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      try {
        ch.publish(exchangeName, routingKey, content, opts, (err: unknown) => {
          if (err) reject(err instanceof Error ? err : new Error('the broker did not accept the message'));
          else resolve();
        });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  async function withTimeout<T>(work: Promise<T>, ch: ConfirmChannel): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Confirms that never come leave the channel in doubt: start over on a new one.
        if (publisher === ch) publisher = undefined;
        ch.close().catch(() => undefined);
        reject(new Error(`the broker did not confirm within ${publishTimeoutMs} ms`));
      }, publishTimeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function sendToQueue(queue: string, content: Buffer, opts: Options.Publish): Promise<void> {
    const ch = await publisherChannel();
    await withTimeout(confirmed(ch, '', queue, content, opts), ch);
  }

  async function startOn(m: ChannelModel, c: ConsumerState): Promise<void> {
    if (c.stopped || (c.startedOn === m && c.channel)) return;
    const ch = await m.createChannel();
    ch.on('error', onChannelError(`consumer ${c.queue}`));
    ch.on('handler-error', onHandlerError);
    ch.on('close', () => {
      if (c.channel !== ch) return;
      c.channel = undefined;
      if (!c.stopped && !closed) scheduleRestart(c);
    });
    await declareTopology(ch, exchange, c.names, c.types);
    await ch.prefetch(c.prefetch);
    c.channel = ch;
    c.startedOn = m;
    const { consumerTag } = await ch.consume(
      c.names.main,
      (msg) => {
        if (msg) {
          track(c, onMessage(c, ch, msg));
        } else {
          // The broker cancelled us (queue deleted or moved): start again on a new channel.
          log.warn({ queue: c.names.main }, 'consumer cancelled by the broker');
          ch.close().catch(() => undefined);
        }
      },
      { noAck: false },
    );
    c.consumerTag = consumerTag;
  }

  /** A consumer channel closed while the connection stayed up: reopen it after a pause. */
  function scheduleRestart(c: ConsumerState): void {
    setTimeout(() => {
      void serial(async () => {
        if (c.stopped || closed || c.channel || !model) return; // a reconnect already restarted it
        c.startedOn = undefined;
        await startOn(model, c);
      }).catch((err: unknown) => {
        log.error({ err, queue: c.queue }, 'could not restart consumer; trying again');
        scheduleRestart(c);
      });
    }, 1000).unref();
  }

  function track(c: ConsumerState, task: Promise<void>): void {
    c.inFlight.add(task);
    void task.finally(() => c.inFlight.delete(task));
  }

  async function onMessage(c: ConsumerState, ch: Channel, msg: ConsumeMessage): Promise<void> {
    const attempts = Number(msg.properties.headers?.[ATTEMPTS] ?? 0) || 0;
    let raw: unknown;
    try {
      raw = JSON.parse(msg.content.toString('utf8'));
    } catch (err) {
      await park(c, ch, msg, attempts + 1, `body is not JSON: ${reasonOf(err)}`);
      return;
    }
    try {
      await c.handle(raw);
      ack(ch, msg);
    } catch (err) {
      const tried = attempts + 1;
      if (isUnprocessable(err) || tried >= c.maxAttempts) {
        await park(c, ch, msg, tried, reasonOf(err));
      } else {
        await retryLater(c, ch, msg, tried);
      }
    }
  }

  function ack(ch: Channel, msg: ConsumeMessage): void {
    try {
      ch.ack(msg);
    } catch {
      // The channel died with the connection: the broker redelivers, the inbox absorbs it.
    }
  }

  async function requeueAfterPause(ch: Channel, msg: ConsumeMessage): Promise<void> {
    await sleep(1000);
    try {
      ch.nack(msg, false, true);
    } catch {
      // Channel gone: the broker redelivers the message anyway.
    }
  }

  async function retryLater(c: ConsumerState, ch: Channel, msg: ConsumeMessage, tried: number): Promise<void> {
    const delay = retryDelaysMs[Math.min(tried - 1, retryDelaysMs.length - 1)]!;
    const retryQueue = c.names.retry.get(delay)!;
    try {
      // Into the delay queue first, then ack: a failure in between duplicates, never loses.
      await sendToQueue(retryQueue, msg.content, carriedOptions(msg.properties, { ...msg.properties.headers, [ATTEMPTS]: tried }));
      ack(ch, msg);
      log.debug({ queue: c.queue, messageId: msg.properties.messageId, attempts: tried, delay }, 'event will be retried');
    } catch (err) {
      log.warn({ err, queue: c.queue }, 'could not schedule a retry; requeueing');
      await requeueAfterPause(ch, msg);
    }
  }

  async function park(c: ConsumerState, ch: Channel, msg: ConsumeMessage, tried: number, reason: string): Promise<void> {
    try {
      await sendToQueue(
        c.names.parking,
        msg.content,
        carriedOptions(msg.properties, {
          ...msg.properties.headers,
          [ATTEMPTS]: tried,
          [REASON]: reason,
          [PARKED_AT]: new Date().toISOString(),
        }),
      );
      ack(ch, msg);
      log.error({ queue: c.queue, messageId: msg.properties.messageId, attempts: tried, reason }, 'event parked');
    } catch (err) {
      log.warn({ err, queue: c.queue }, 'could not park an event; requeueing');
      await requeueAfterPause(ch, msg);
    }
  }

  async function stopConsumer(c: ConsumerState): Promise<void> {
    if (c.stopped) return;
    c.stopped = true;
    consumers.delete(c.queue);
    const ch = c.channel;
    if (ch && c.consumerTag) await ch.cancel(c.consumerTag).catch(() => undefined);
    await Promise.allSettled([...c.inFlight]);
    c.channel = undefined;
    await ch?.close().catch(() => undefined);
  }

  function connected(): ChannelModel {
    if (!model) throw new Error('not connected to the broker');
    return model;
  }

  return {
    kind: 'rabbitmq',

    async publish(events: CloudEvent[]): Promise<void> {
      if (closed) throw new Error('transport closed');
      if (events.length === 0) return;
      const ch = await publisherChannel();
      const confirms = events.map((event) =>
        confirmed(ch, exchange, event.type, Buffer.from(JSON.stringify(event)), {
          persistent: true,
          messageId: event.id,
          type: event.type,
          contentType: 'application/cloudevents+json',
          timestamp: Math.floor(Date.parse(event.time) / 1000),
          appId: event.source,
          headers: event.traceparent ? { traceparent: event.traceparent } : {},
        }),
      );
      await withTimeout(Promise.all(confirms), ch);
    },

    async consume(queue, types, handle, opts) {
      if (closed) throw new Error('transport closed');
      if (consumers.has(queue)) throw new Error(`queue ${queue} already has a consumer`);
      const c: ConsumerState = {
        queue,
        names: queueNames(prefix, queue, retryDelaysMs),
        types,
        handle,
        maxAttempts: opts.maxAttempts,
        prefetch: opts.prefetch ?? defaultPrefetch,
        channel: undefined,
        consumerTag: undefined,
        startedOn: undefined,
        inFlight: new Set(),
        stopped: false,
      };
      consumers.set(queue, c);
      try {
        // While disconnected the reconnect's setup starts it.
        await serial(async () => {
          if (model) await startOn(model, c);
        });
      } catch (err) {
        consumers.delete(queue);
        throw err;
      }
      return { stop: () => stopConsumer(c) };
    },

    listParked(queue: string) {
      return listParked(connected(), queueNames(prefix, queue, retryDelaysMs));
    },

    replayParked(queue: string, ids?: string[]) {
      return replayParked(connected(), queueNames(prefix, queue, retryDelaysMs), ids);
    },

    async ready() {
      return !closed && model !== undefined;
    },

    async close() {
      if (closed) return;
      await Promise.all([...consumers.values()].map(stopConsumer));
      closed = true;
      await conn.close().catch(() => undefined);
    },
  };
}
