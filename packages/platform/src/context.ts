import { AsyncLocalStorage } from 'node:async_hooks';
import { randomHex } from './ids.js';

/** What travels with one request or one event handling: ids for logs and trace propagation. */
export interface RequestContext {
  requestId: string;
  traceId: string;
  spanId: string;
  sampled: boolean;
  userId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** Enters a context for the rest of the current async execution (used by Fastify hooks). */
export function enterContext(ctx: RequestContext): void {
  storage.enterWith(ctx);
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** A W3C trace id: 16 random bytes in hex, never all zero. */
export function newTraceId(): string {
  const id = randomHex(16);
  return id === ZERO_TRACE ? newTraceId() : id;
}

/** A W3C span id: 8 random bytes in hex, never all zero. */
export function newSpanId(): string {
  const id = randomHex(8);
  return id === ZERO_SPAN ? newSpanId() : id;
}

/** Parses a W3C traceparent header; undefined when absent or malformed. */
export function parseTraceparent(
  header: string | undefined,
): { traceId: string; parentSpanId: string; sampled: boolean } | undefined {
  if (!header) return undefined;
  const m = TRACEPARENT.exec(header.trim().toLowerCase());
  if (!m) return undefined;
  const [, traceId, parentSpanId, flags] = m;
  if (!traceId || !parentSpanId || !flags) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentSpanId)) return undefined;
  return { traceId, parentSpanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(ctx: Pick<RequestContext, 'traceId' | 'spanId' | 'sampled'>): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.sampled ? '01' : '00'}`;
}

/** A child context: same trace, new span, as for an outgoing call or event. */
export function childContext(parent: RequestContext | undefined, requestId?: string): RequestContext {
  return {
    requestId: requestId ?? parent?.requestId ?? newSpanId(),
    traceId: parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
    sampled: parent?.sampled ?? true,
    ...(parent?.userId ? { userId: parent.userId } : {}),
  };
}
