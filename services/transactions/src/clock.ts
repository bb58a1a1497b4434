/** The current time; injected so tests can move it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/**
 * The latest calendar day an activity may have. Days are as the user writes them, in their
 * own time zone, and somewhere it is already tomorrow: the earliest zone is UTC+14.
 */
export function latestAllowedDay(now: Date): string {
  return new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);
}

/** The earliest day accepted: older dates are typing mistakes, not history. */
export const EARLIEST_DAY = '1900-01-01';
