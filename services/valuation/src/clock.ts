/** The current time; injected so tests can set it (market hours, staleness, backfill ranges). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
