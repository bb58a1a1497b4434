import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

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

export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

export function newSpanId(): string {
  return randomBytes(8).toString('hex');
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
