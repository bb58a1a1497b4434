import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { childContext, formatTraceparent, newSpanId, newTraceId, parseTraceparent } from './context.js';
import { uuidv7 } from './ids.js';

describe('trace context', () => {
  it('round-trips a traceparent', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-f]{32}$/).filter((s) => !/^0+$/.test(s)),
        fc.stringMatching(/^[0-9a-f]{16}$/).filter((s) => !/^0+$/.test(s)),
        fc.boolean(),
        (traceId, spanId, sampled) => {
          const parsed = parseTraceparent(formatTraceparent({ traceId, spanId, sampled }));
          expect(parsed).toEqual({ traceId, parentSpanId: spanId, sampled });
        },
      ),
    );
  });

  it('ignores malformed and all-zero traceparents', () => {
    expect(parseTraceparent('garbage')).toBeUndefined();
    expect(parseTraceparent(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });

  it('keeps the trace and makes a new span for a child', () => {
    const parent = { requestId: 'r', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), sampled: true };
    const child = childContext(parent);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.spanId).not.toBe(parent.spanId);
  });
});

describe('trace and span ids', () => {
  it('are lower-case hex of the right length, never all zero, and do not repeat', () => {
    const spans = Array.from({ length: 5000 }, () => newSpanId());
    const traces = Array.from({ length: 5000 }, () => newTraceId());
    for (const id of spans) expect(id).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
    for (const id of traces) expect(id).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(new Set(spans).size).toBe(spans.length);
    expect(new Set(traces).size).toBe(traces.length);
  });
});

describe('uuidv7', () => {
  it('makes valid version-7 ids that sort in creation order', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
