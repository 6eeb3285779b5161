import { defineConfig } from 'vitest/config';

// Tests import workspace packages through the "source" export condition, so they run
// against TypeScript sources without a build. Child-process tests use the built dist.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['services/*/test/**/*.test.ts', 'operator/test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['./test-support/global-setup.ts'],
  },
});
