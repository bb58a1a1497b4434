import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.js';

describe('group commit', () => {
  it('runs calls made together as one batch and answers each caller its own result', async () => {
    const batches: number[][] = [];
    const gc = createGroupCommit(async (items: number[]) => {
      batches.push(items);
      return items.map((n) => n * 10);
    });
    const results = await Promise.all([1, 2, 3].map((n) => gc.add(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(gc.pending).toBe(0);
  });

  it('queues calls made while a batch is written for the next batch, up to maxBatch each', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gc = createGroupCommit(
      async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items;
      },
      { maxBatch: 2 },
    );
    const first = gc.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((n) => gc.add(n));
    expect(gc.pending).toBe(4);
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3], [4]]);
  });

  it('runs a failed batch again an item at a time, so only the bad item fails', async () => {
    const batches: string[][] = [];
    const gc = createGroupCommit(async (items: string[]) => {
      batches.push(items);
      if (items.includes('bad')) throw new Error(`refused ${items.join(',')}`);
      return items.map((s) => s.toUpperCase());
    });
    const settled = await Promise.allSettled(['a', 'bad', 'c'].map((s) => gc.add(s)));
    expect(settled).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: new Error('refused bad') },
      { status: 'fulfilled', value: 'C' },
    ]);
    expect(batches).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });
});
