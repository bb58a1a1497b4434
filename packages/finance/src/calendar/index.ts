/**
 * Trading calendars: days as `YYYY-MM-DD` strings, exchange sessions in their own time zones,
 * weekends and holidays. Pure (the instant is always a parameter); shared by the valuation
 * service (market state of quotes) and the execution service (when the paper broker fills).
 */
export * from './days.js';
export * from './holidays.js';
export * from './market-hours.js';
