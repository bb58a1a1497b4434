import { defineConfig } from 'vitest/config';
import { baseConfig } from './vitest.config.js';

/**
 * vitest.config.ts without the global setup that starts PostgreSQL, Redis and RabbitMQ:
 * for quick runs of pure tests (`npx vitest run --config vitest.local.config.ts PATH`).
 * Tests that need a real service fail loudly here, by design.
 */
export default defineConfig(baseConfig);
