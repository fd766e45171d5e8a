import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import {
  httpGet,
  runServerProcessToExit,
  type ServerProcess,
  startServerProcess,
} from '../helpers/server-process.js';

/**
 * The real process with NODE_ENV=production on embedded PGlite: what it
 * refuses, and what it says at start. It runs in a temporary working directory,
 * so the default ./data/pglite is the test's own.
 */

const WARN = 40;

let cwd: string;
let sim: Simulator;
let server: ServerProcess | null = null;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'np-prod-'));
  sim = await startSimulator({ janitorIntervalMs: 0 });
});

afterAll(async () => {
  await server?.stop();
  await sim?.close();
  rmSync(cwd, { recursive: true, force: true });
});

function production(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    COMMANDS_SERVER_URL: sim.url,
    COOKIE_SECURE: 'true',
    DEVICE_COOKIE_SECRET: 'd'.repeat(32),
    DATA_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
    ...extra,
  };
}

describe('NODE_ENV=production on embedded PGlite', () => {
  it('refuses PGLITE_DATA_DIR=memory:// with a config problem, before opening anything', async () => {
    const { code, output } = await runServerProcessToExit(
      production({ PGLITE_DATA_DIR: 'memory://' }),
      30_000,
      { cwd },
    );
    expect(code, output).toBe(1);
    expect(output).toContain('Invalid configuration (1 problem)');
    expect(output).toMatch(/PGLITE_DATA_DIR=memory:\/\/ keeps nothing/);
    expect(output).not.toContain('database opened');
  }, 60_000);

  it('starts on ./data/pglite without PGLITE_DATA_DIR, warning about it and about /metrics', async () => {
    server = await startServerProcess(production(), { cwd });
    const warnings = server
      .logs()
      .filter((l) => l.level === WARN)
      .map((l) => l.msg);
    expect(warnings, server.output()).toContainEqual(
      expect.stringMatching(/^NODE_ENV=production runs on embedded PGlite in \.\/data\/pglite/),
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(/^METRICS_TOKEN is not set: \/metrics answers 404 in production/),
    );
    expect(existsSync(join(cwd, 'data', 'pglite', 'PG_VERSION'))).toBe(true);
    const metrics = await httpGet(`${server.url}/metrics`);
    expect(metrics.status).toBe(404);
    expect(JSON.parse(metrics.body)).toMatchObject({
      success: false,
      error: { code: 'NOT_FOUND' },
    });
  }, 120_000);
});
