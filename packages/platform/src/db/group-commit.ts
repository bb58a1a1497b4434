/**
 * Group commit: many callers' writes in one transaction. Calls made while a batch is being
 * written wait and go together into the next batch, so a busy service pays a transaction's
 * fixed statements once per batch instead of once per call, and an idle one adds no delay (its
 * batch starts right after the current tick, taking whatever arrived in it).
 *
 * `run` answers one result per item, in order. When a batch of several fails, each of its items
 * is run again alone, so one bad item never fails the others; an item that fails alone
 * rejects its own caller only.
 */
export interface GroupCommit<I, O> {
  add(item: I): Promise<O>;
  /** Items waiting or being written. */
  readonly pending: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

export function createGroupCommit<I, O>(run: (items: I[]) => Promise<O[]>, options: { maxBatch?: number } = {}): GroupCommit<I, O> {
  const maxBatch = options.maxBatch ?? 256;
  let queue: Array<Waiting<I, O>> = [];
  let running = false;
  let inFlight = 0;

  async function runOne(w: Waiting<I, O>): Promise<void> {
    try {
      const [result] = await run([w.item]);
      w.resolve(result as O);
    } catch (err) {
      w.reject(err);
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      // Let the I/O that arrived during the last batch (requests whose callers are about to
      // add) run first, so they join this batch instead of the one after.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      inFlight = batch.length;
      if (batch.length === 1) {
        await runOne(batch[0] as Waiting<I, O>);
        continue;
      }
      let results: O[] | undefined;
      try {
        results = await run(batch.map((w) => w.item));
      } catch {
        for (const w of batch) await runOne(w);
        continue;
      }
      batch.forEach((w, i) => w.resolve(results[i] as O));
    }
    inFlight = 0;
    running = false;
  }

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (running) return;
        running = true;
        void drain();
      });
    },
    get pending() {
      return queue.length + inFlight;
    },
  };
}
