import { defineConfig } from 'vitest/config';

/**
 * The console's end-to-end tests (`npm run test:e2e`): Debian's Chromium, driven by
 * playwright-core, against the real server process and the simulator. One file at
 * a time: each runs a server and a browser, and the machine has two cores.
 */
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
