/** Receives the share of a task done, in [0, 1]; called a bounded number of times per task. */
export type ProgressFn = (done: number) => void;

export const noProgress: ProgressFn = () => undefined;

/** Thrown by the maths for an input the schema could not rule out (a cross-field rule). */
export class InputError extends Error {
  override readonly name = 'InputError';
}
