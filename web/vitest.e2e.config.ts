import { defineConfig } from 'vitest/config';

/**
 * End-to-end: Playwright (`playwright-core`) drives Debian's Chromium against the real stack, which
 * `e2e/stack-setup.ts` starts once (temporary data dir and ports) and stops afterwards.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['./e2e/stack-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 240_000,
  },
});
