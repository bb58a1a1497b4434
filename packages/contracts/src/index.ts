export * from './events.js';
export * from './auth.js';
export * from './transactions.js';
export * from './valuation.js';
export * from './computation.js';
export * from './execution.js';
