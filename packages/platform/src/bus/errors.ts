/**
 * Thrown (or rejected) by a consume handler when retrying cannot help: the message is not
 * JSON, not a valid CloudEvent, of a type nobody here handles, or its data fails the
 * catalogue. Transports park such a message at once instead of spending its attempts.
 */
export class UnprocessableEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnprocessableEventError';
  }
}

export function isUnprocessable(err: unknown): boolean {
  return err instanceof UnprocessableEventError;
}

/** The text an operator sees in a parking queue for `err`. */
export function reasonOf(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
