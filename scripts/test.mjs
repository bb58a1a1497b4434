// `npm test`: starts real PostgreSQL, Redis and RabbitMQ once, runs Vitest against them
// (extra arguments are passed through), stops them and exits with Vitest's code.
import { spawn } from 'node:child_process';
import { startRealServices } from './real-services.mjs';

const services = await startRealServices({ postgres: true, redis: true, rabbitmq: true });
const env = {
  ...process.env,
  TEST_DATABASE_URL: services.env.DATABASE_URL,
  TEST_REDIS_URL: services.env.REDIS_URL,
  TEST_AMQP_URL: services.env.AMQP_URL,
};

const child = spawn('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit', env });
// Ctrl-C reaches Vitest through the terminal's process group; forward a TERM ourselves.
const forward = (signal) => child.kill(signal);
process.on('SIGINT', () => forward('SIGINT'));
process.on('SIGTERM', () => forward('SIGTERM'));

const code = await new Promise((resolve) => {
  child.on('error', (err) => {
    process.stderr.write(`could not run vitest: ${err.message}\n`);
    resolve(1);
  });
  child.on('close', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
});
await services.stop();
process.exit(code);
