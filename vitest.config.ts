import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure logic beside the code, no I/O) and `integration`
 * (through HTTP against a real database and a real HTTP Commands-Server stand-in).
 * The integration suite runs on PGlite by default and on PostgreSQL when
 * TEST_DATABASE_URL is set; test/helpers/global-setup.ts prepares the template.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
    ],
  },
});
