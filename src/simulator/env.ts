/**
 * Configuration of the standalone simulator (`npm run simulator`) from environment
 * variables. Pure: main.ts passes `process.env` in.
 */
import { MAX_DEVICES } from './devices.js';
import type { SimulatorOptions } from './types.js';

export type SimulatorEnv = Readonly<Record<string, string | undefined>>;

export type EnvResult = { ok: true; options: SimulatorOptions } | { ok: false; errors: string[] };

function integer(
  env: SimulatorEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  errors: string[],
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    errors.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function positiveNumber(
  env: SimulatorEnv,
  name: string,
  fallback: number,
  errors: string[],
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value > 0) || !Number.isFinite(value)) {
    errors.push(`${name} must be a positive number (got "${raw}")`);
    return fallback;
  }
  return value;
}

function flag(env: SimulatorEnv, name: string, errors: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') {
    return false;
  }
  if (raw === '1' || raw === 'true') {
    return true;
  }
  errors.push(`${name} must be 1 or 0 (got "${env[name] ?? ''}")`);
  return false;
}

/**
 * Reads SIMULATOR_HOST (127.0.0.1), SIMULATOR_PORT (5000), SIMULATOR_DEVICES (12),
 * SIMULATOR_LATENCY_MS (0), SIMULATOR_SESSION_TIMEOUT_MINUTES (30), SIMULATOR_ADMIN and
 * SIMULATOR_REAL_UCI_BUGS (1 enables). Every problem is reported at once.
 */
export function parseSimulatorEnv(env: SimulatorEnv): EnvResult {
  const errors: string[] = [];
  const host = env.SIMULATOR_HOST?.trim() || '127.0.0.1';
  const port = integer(env, 'SIMULATOR_PORT', 5000, 0, 65535, errors);
  const devicesPerRouter = integer(env, 'SIMULATOR_DEVICES', 12, 0, MAX_DEVICES, errors);
  const latencyMs = integer(env, 'SIMULATOR_LATENCY_MS', 0, 0, 600_000, errors);
  const timeoutMinutes = positiveNumber(env, 'SIMULATOR_SESSION_TIMEOUT_MINUTES', 30, errors);
  const enableAdminRoutes = flag(env, 'SIMULATOR_ADMIN', errors);
  const realUciBugs = flag(env, 'SIMULATOR_REAL_UCI_BUGS', errors);
  if (errors.length > 0) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    options: {
      host,
      port,
      devicesPerRouter,
      latencyMs,
      sessionTimeoutMs: Math.round(timeoutMinutes * 60_000),
      enableAdminRoutes,
      realUciBugs,
    },
  };
}
