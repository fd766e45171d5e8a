/** Starts the system under test and the processes around it. */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { BenchDatabase } from './db.js';
import { BENCH_METRICS_TOKEN, waitForOk } from './http.js';
import { REPO_ROOT, startProcess, type ChildHandle } from './procs.js';

/** A port free right now (the child binds it a moment later; a clash fails loudly). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `npm run build`: the server runs as built JS, like production. */
export function build(): void {
  const started = Date.now();
  const result = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(
      'npm run build failed (fix the build, or pass --no-build to use dist/ as it is)',
    );
  }
  console.error(`bench: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The environment every child gets: nothing from the caller's shell but PATH and HOME. */
export function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
}

export interface StartedServer {
  url: string;
  handle: ChildHandle;
  /** Epoch ms just before the process was spawned (≈ the start of its CPU profile). */
  spawnedAt: number;
}

/**
 * Starts `node dist/src/server.js` in production mode with logging at warn, against
 * the bench database and the simulator. Runs in an empty working directory so that
 * no `.env` file of the developer changes its configuration.
 */
export async function startServer(options: {
  db: BenchDatabase;
  commandsServerUrl: string;
  profileDir: string | null;
  poolMax: number;
  /** Scratch folder of the run; the server's (empty) working directory goes in it. */
  workDir: string;
  /** Folder of the build: `<serverDist>/src/server.js` is started. */
  serverDist: string;
  /**
   * `relaxed` (default): registration and login limits raised so far that the load of
   * the other scenarios, which all comes from 127.0.0.1, never meets them.
   * `production`: the server's defaults, for the flood scenario.
   */
  throttle?: 'relaxed' | 'production';
  /** Names the process in errors (default `server`). */
  name?: string;
}): Promise<StartedServer> {
  const port = await freePort();
  const cwd = join(options.workDir, 'server-cwd');
  mkdirSync(cwd, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    COMMANDS_SERVER_URL: options.commandsServerUrl,
    COOKIE_SECURE: 'true',
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    SCAN_MIN_INTERVAL_SECONDS: '0',
    DB_POOL_MAX: String(options.poolMax),
    DEVICE_COOKIE_SECRET: randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  if ((options.throttle ?? 'relaxed') === 'relaxed') {
    // The load comes from one address: its limits are measured by the flood scenario.
    env.REGISTER_THROTTLE_PER_IP = '1000000';
    env.LOGIN_THROTTLE_FREE_ATTEMPTS = '1000';
  }
  if (options.db.kind === 'postgres') {
    env.DATABASE_URL = options.db.url!;
  } else {
    env.PGLITE_DATA_DIR = options.db.dataDir!;
  }
  const nodeArgs =
    options.profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`];
  const spawnedAt = Date.now();
  const name = options.name ?? 'server';
  const handle = startProcess(
    name,
    resolve(REPO_ROOT, options.serverDist, 'src', 'server.js'),
    [],
    {
      env,
      cwd,
      nodeArgs,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitForOk(`${url}/ready`, 60_000),
      handle.exited.then((code) => {
        throw new Error(
          `${name}: exited (code ${code}) during start:\n${handle.stderrTail().join('\n')}`,
        );
      }),
    ]);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return { url, handle, spawnedAt };
}

/** Starts a TypeScript helper (simulator, ceiling) that prints `{"ready":true,"url":…}`. */
export async function startHelper(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<StartedServer> {
  const handle = startProcess(name, join(REPO_ROOT, 'bench', script), args, {
    typescript: true,
    env: { ...baseEnv(), NODE_ENV: 'production', ...env },
  });
  const line = await handle.nextJson<{ ready?: boolean; url?: string }>(60_000);
  if (line.ready !== true || typeof line.url !== 'string') {
    await handle.stop();
    throw new Error(`${name}: unexpected first line ${JSON.stringify(line)}`);
  }
  return { url: line.url, handle, spawnedAt: Date.now() };
}
