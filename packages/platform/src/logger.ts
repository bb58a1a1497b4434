import { pino, type Logger, type LoggerOptions } from 'pino';
import { currentContext } from './context.js';

export type { Logger } from 'pino';

/** JSON logs with the request id and trace id of the current context mixed into each line. */
export function createLogger(options: { name: string; level?: string } & LoggerOptions): Logger {
  return pino({
    ...options,
    level: options.level ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.refreshToken',
        '*.accessToken',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    mixin() {
      const ctx = currentContext();
      return ctx ? { reqId: ctx.requestId, traceId: ctx.traceId } : {};
    },
  });
}
