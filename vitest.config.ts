import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** Shared by vitest.local.config.ts, which only drops the global setup. */
export const baseConfig = {
  resolve: { conditions: ['@meridian/source'] },
  ssr: { resolve: { conditions: ['@meridian/source'] } },
  test: {
    include: ['{packages,services,apps}/*/src/**/*.test.ts', 'apps/web/src/**/*.test.tsx', 'apps/web/e2e/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
} satisfies ViteUserConfig;

export default defineConfig({
  ...baseConfig,
  test: { ...baseConfig.test, globalSetup: ['test/global-setup.ts'] },
});
