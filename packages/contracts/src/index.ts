export * from './events.js';
export * from './auth.js';
