import { defineConfig } from 'vitest/config';

const E2E = 'packages/console/test/e2e/**/*.test.ts';

export default defineConfig({
  test: {
    globalSetup: ['packages/server/test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'], exclude: [E2E, '**/node_modules/**'] },
      },
      {
        // The console in a real headless Chromium against a real server: slower steps, one file at a time.
        extends: true,
        test: { name: 'e2e', include: [E2E], testTimeout: 90_000, hookTimeout: 180_000, fileParallelism: false },
      },
    ],
  },
});
