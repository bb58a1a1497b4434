// Vitest global setup: makes real PostgreSQL, Redis and RabbitMQ available to every test
// file through TEST_DATABASE_URL, TEST_REDIS_URL and TEST_AMQP_URL. `npm test` starts them
// once and passes the variables in; a bare `npx vitest run some.test.ts` gets them here.
import { startRealServices } from '../scripts/real-services.mjs';

const VARS = ['TEST_DATABASE_URL', 'TEST_REDIS_URL', 'TEST_AMQP_URL'] as const;

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (VARS.every((name) => process.env[name])) return undefined;
  const services = await startRealServices({ postgres: true, redis: true, rabbitmq: true });
  // Set before the test workers are forked, so they inherit them.
  process.env.TEST_DATABASE_URL = services.env.DATABASE_URL;
  process.env.TEST_REDIS_URL = services.env.REDIS_URL;
  process.env.TEST_AMQP_URL = services.env.AMQP_URL;
  return async () => {
    await services.stop();
  };
}
