import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href;

/** Imports the app's whole object graph in a fresh process and says whether ioredis was loaded. */
function loadsIoredis(construct: string): boolean {
  const script = `
    import { createRequire } from 'node:module';
    const { createServices } = await import('./src/services/index.ts');
    const { RedisThrottleStore } = await import('./src/services/throttle/redis-store.ts');
    ${construct}
    const cache = createRequire(import.meta.url).cache;
    console.log(Object.keys(cache).some((k) => k.includes('/node_modules/ioredis/')));
    process.exit(0);
  `;
  const out = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout.trim() === 'true';
}

// Two fresh processes that compile the whole object graph: seconds each on a busy machine.
const SPAWN_TIMEOUT_MS = 60_000;

describe('RedisThrottleStore', () => {
  it(
    'loads ioredis only when a Redis store is made (REDIS_URL set)',
    { timeout: SPAWN_TIMEOUT_MS },
    () => {
      expect(loadsIoredis('void createServices; void RedisThrottleStore;')).toBe(false);
      expect(
        loadsIoredis(
          "const store = new RedisThrottleStore('redis://127.0.0.1:9', 'x:'); await store.close();",
        ),
      ).toBe(true);
    },
  );
});
