import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** Component tests (jsdom). The browser end-to-end suite has its own config: `vitest.e2e.config.ts`. */
export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test/setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Typing with user-event is slow on a loaded CI machine; these bound hangs, they do not measure speed.
    testTimeout: 30_000,
  },
});
