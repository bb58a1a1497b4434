/**
 * The piscina worker: runs one task off the request thread and reports progress through
 * the MessagePort it was given. Imports only the pure maths (no platform, no database).
 */
import type { JobKind } from '@meridian/contracts';
import type { MessagePort } from 'node:worker_threads';
import { threadId } from 'node:worker_threads';
import { runOptimisation } from './maths/optimise.js';
import { InputError, type ProgressFn } from './maths/progress.js';
import { runProjection } from './maths/projection.js';
import { runWhatIf } from './maths/what-if.js';
import type { WorkerOutcome, WorkerTask } from './pool.js';

const MIN_PROGRESS_STEP = 0.01;

function reporter(port: MessagePort | undefined): ProgressFn {
  let last = 0;
  return (done) => {
    if (!port || (done < 1 && done - last < MIN_PROGRESS_STEP)) return;
    last = done;
    port.postMessage(done);
  };
}

function compute(kind: JobKind, input: never, progress: ProgressFn): unknown {
  switch (kind) {
    case 'projection':
      return runProjection(input, progress);
    case 'optimisation':
      return runOptimisation(input, progress);
    case 'what-if':
      return runWhatIf(input, progress);
  }
}

export default function run(task: WorkerTask): WorkerOutcome {
  try {
    const result = compute(task.kind, task.input as never, reporter(task.port));
    return { ok: true, result, threadId };
  } catch (err) {
    // Error subclasses lose their class crossing threads: say which kind of failure it was.
    if (err instanceof InputError) return { ok: false, inputError: err.message, threadId };
    throw err;
  } finally {
    task.port?.close();
  }
}
