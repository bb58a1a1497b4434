import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@meridian/source'] },
  ssr: { resolve: { conditions: ['@meridian/source'] } },
  test: {
    include: ['{packages,services,apps}/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
