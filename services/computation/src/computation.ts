import { optimisationInput, projectionInput, whatIfInput, type JobKind } from '@meridian/contracts';
import { AppError } from '@meridian/platform';
import type { z } from 'zod';
import { optimisationProblem } from './maths/optimise.js';
import { projectionProblem } from './maths/projection.js';
import type { ProgressFn } from './maths/progress.js';
import type { ComputationPool, ResultOf } from './pool.js';

const schemas = { projection: projectionInput, optimisation: optimisationInput, 'what-if': whatIfInput } as const;

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `input.${i.path.join('.')}: ${i.message}` : `input: ${i.message}`))
    .join('; ');
}

/** Cross-field rules the schemas cannot express, checked on the request thread before any work is queued. */
export function checkInput(kind: JobKind, input: unknown): void {
  let problem: string | null = null;
  switch (kind) {
    case 'projection':
      problem = projectionProblem(input as z.output<typeof projectionInput>);
      break;
    case 'optimisation':
      problem = optimisationProblem(input as z.output<typeof optimisationInput>);
      break;
    case 'what-if':
      break; // its rules need exact decimal arithmetic: the worker reports them
  }
  if (problem) throw new AppError('validation_failed', problem);
}

/** Parses a job's input with its kind's schema (defaults applied) and checks its cross-field rules. */
export function parseInput(kind: JobKind, raw: unknown): unknown {
  const parsed = schemas[kind].safeParse(raw);
  if (!parsed.success) throw new AppError('validation_failed', describe(parsed.error));
  checkInput(kind, parsed.data);
  return parsed.data;
}

/** Runs a parsed input on the pool; an input the maths refuses becomes a 400. */
export async function compute<K extends JobKind>(pool: ComputationPool, kind: K, input: unknown, onProgress?: ProgressFn): Promise<ResultOf[K]> {
  let ran: Awaited<ReturnType<ComputationPool['run']>>;
  try {
    ran = await pool.run(kind, input, onProgress);
  } catch (err) {
    if (err instanceof Error && /queue/i.test(err.message)) {
      throw new AppError('unavailable', 'the computation pool is busy; try again shortly', { cause: err, headers: { 'retry-after': '5' } });
    }
    throw err;
  }
  if (!ran.outcome.ok) throw new AppError('validation_failed', ran.outcome.inputError);
  return ran.result as ResultOf[K];
}
