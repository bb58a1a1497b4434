import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';

/** A logger for tests: silent unless TEST_LOG_LEVEL asks for more (e.g. `TEST_LOG_LEVEL=debug`). */
export function testLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

/** A name no other test (or test run) uses, e.g. for a queue or an exchange: `prefix_k3j9x2ab`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}
