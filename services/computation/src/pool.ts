import type { JobKind, OptimisationResult, ProjectionResult, WhatIfResult } from '@meridian/contracts';
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ProgressFn } from './maths/progress.js';

export interface ResultOf {
  projection: ProjectionResult;
  optimisation: OptimisationResult;
  'what-if': WhatIfResult;
}

export interface WorkerTask {
  kind: JobKind;
  input: unknown;
  port?: MessagePort;
}

export type WorkerOutcome = { ok: true; result: unknown; threadId: number } | { ok: false; inputError: string; threadId: number };

export interface PoolOptions {
  /** Worker threads; default: available cores − 1 (at least 1), so the request thread keeps a core. */
  maxThreads?: number;
  /** Tasks waiting for a thread before run() refuses more. */
  maxQueue?: number;
}

export interface ComputationPool {
  /** Runs a task on a worker thread; the input must already be parsed by its schema. */
  run<K extends JobKind>(kind: K, input: unknown, onProgress?: ProgressFn, signal?: AbortSignal): Promise<{ outcome: WorkerOutcome; result?: ResultOf[K] }>;
  readonly threads: number;
  readonly queued: number;
  close(): Promise<void>;
}

/**
 * Built to dist/worker.js; under Vitest the code runs from src/*.ts, so the worker loads
 * worker.ts through tsx with the workspace's source condition.
 */
function workerEntry(): { filename: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  return fromSource
    ? { filename: new URL('./worker.ts', import.meta.url).href, execArgv: ['--import', 'tsx', '--conditions=@meridian/source'] }
    : { filename: new URL('./worker.js', import.meta.url).href, execArgv: [] };
}

export function createPool(options: PoolOptions = {}): ComputationPool {
  const maxThreads = options.maxThreads ?? Math.max(1, availableParallelism() - 1);
  const piscina = new Piscina<WorkerTask, WorkerOutcome>({
    ...workerEntry(),
    minThreads: 0,
    maxThreads,
    maxQueue: options.maxQueue ?? 64,
    idleTimeout: 30_000,
  });
  return {
    threads: maxThreads,
    get queued() {
      return piscina.queueSize;
    },
    async run(kind, input, onProgress, signal) {
      const { port1, port2 } = new MessageChannel();
      if (onProgress) port1.on('message', (done: number) => onProgress(done));
      try {
        const outcome = await piscina.run({ kind, input, port: port2 }, { transferList: [port2], ...(signal ? { signal } : {}) });
        return outcome.ok ? { outcome, result: outcome.result as never } : { outcome };
      } finally {
        port1.close();
      }
    },
    close: () => piscina.destroy(),
  };
}
