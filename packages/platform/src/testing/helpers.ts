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

/** What a test reads of a response from `app.inject`. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read any field
  json(): any;
}

/** Wraps an `app.inject` response for assertions (`json()` parses the body on demand). */
export function testResponse(res: { statusCode: number; headers: Record<string, string | string[] | number | undefined>; body: string }): TestResponse {
  return { status: res.statusCode, headers: res.headers, text: res.body, json: () => JSON.parse(res.body) };
}
