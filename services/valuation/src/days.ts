/** Moved to packages/finance (shared with the execution service's paper broker). */
export * from '@meridian/finance/calendar';
