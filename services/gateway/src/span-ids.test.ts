import { describe, expect, it } from 'vitest';
import { nextSpanId } from './span-ids.js';

describe('span ids for upstream calls', () => {
  it('are 16 lower-case hex digits, never all zero, and do not repeat', () => {
    const ids = Array.from({ length: 5000 }, () => nextSpanId());
    for (const id of ids) expect(id).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
