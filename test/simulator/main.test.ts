/** The standalone entry (`npm run simulator`) and its environment parsing. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSimulatorEnv } from '../../src/simulator/env.js';
import { call, parseEnvelope } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

describe(parseSimulatorEnv.name, () => {
  it('applies the defaults', () => {
    expect(parseSimulatorEnv({})).toEqual({
      ok: true,
      options: {
        host: '127.0.0.1',
        port: 5000,
        devicesPerRouter: 12,
        latencyMs: 0,
        sessionTimeoutMs: 30 * 60_000,
        enableAdminRoutes: false,
        realUciBugs: false,
      },
    });
  });

  it('reads every variable', () => {
    const result = parseSimulatorEnv({
      SIMULATOR_HOST: '0.0.0.0',
      SIMULATOR_PORT: '0',
      SIMULATOR_DEVICES: '2000',
      SIMULATOR_LATENCY_MS: '25',
      SIMULATOR_SESSION_TIMEOUT_MINUTES: '0.5',
      SIMULATOR_ADMIN: '1',
      SIMULATOR_REAL_UCI_BUGS: 'true',
    });
    expect(result).toEqual({
      ok: true,
      options: {
        host: '0.0.0.0',
        port: 0,
        devicesPerRouter: 2000,
        latencyMs: 25,
        sessionTimeoutMs: 30_000,
        enableAdminRoutes: true,
        realUciBugs: true,
      },
    });
  });

  it('names every bad variable', () => {
    const result = parseSimulatorEnv({
      SIMULATOR_PORT: '70000',
      SIMULATOR_DEVICES: 'many',
      SIMULATOR_LATENCY_MS: '-1',
      SIMULATOR_SESSION_TIMEOUT_MINUTES: '0',
      SIMULATOR_ADMIN: 'yes',
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    for (const name of [
      'SIMULATOR_PORT',
      'SIMULATOR_DEVICES',
      'SIMULATOR_LATENCY_MS',
      'SIMULATOR_SESSION_TIMEOUT_MINUTES',
      'SIMULATOR_ADMIN',
    ]) {
      expect(errors.some((e) => e.startsWith(name))).toBe(true);
    }
  });
});

function runMain(env: Record<string, string>) {
  const child = spawn(TSX, ['src/simulator/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

describe('main.ts', () => {
  it('exits 1 naming the bad variable', async () => {
    const { child, output } = runMain({ SIMULATOR_PORT: 'abc' });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output().stderr).toContain('SIMULATOR_PORT');
  });

  it('prints its URL, serves, and closes on SIGTERM', async () => {
    const { child, output } = runMain({ SIMULATOR_PORT: '0', SIMULATOR_ADMIN: '1' });
    try {
      await expect
        .poll(() => /http:\/\/\S+/.exec(output().stdout)?.[0], { timeout: 10_000, interval: 50 })
        .toBeDefined();
      const url = /http:\/\/\S+/.exec(output().stdout)?.[0] ?? '';
      expect(output().stdout.trim().split('\n')).toHaveLength(1);
      const health = await call(url, 'GET', '/health');
      expect(parseEnvelope(health).data).toEqual({ message: 'Server is healthy' });
      expect((await call(url, 'GET', '/__sim/calls')).status).toBe(200);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
    }
  });
});
