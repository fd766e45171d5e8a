import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/test-db.js';
import { freePort, SERVER_COMMAND } from '../helpers/server-process.js';

/** The real process: `node --import tsx src/server.ts` as `npm start` runs it. */
const ROOT = new URL('../../', import.meta.url).pathname;
const [NODE, ...SERVER_ARGS] = SERVER_COMMAND as [string, ...string[]];

interface Running {
  url: string;
  output: () => string;
  stop(): Promise<number | null>;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'warn',
    ...extra,
  };
  return env;
}

async function startServer(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = spawn(NODE, SERVER_ARGS, {
    cwd: ROOT,
    env: baseEnv({ ...env, PORT: String(port) }),
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  // Generous: a start is PGlite, every migration and tsx's first compile, on a
  // machine running the other test files at once (a liveness bound, not a timing).
  const deadline = Date.now() + 75_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`server exited early: ${out}`);
    }
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, SERVER_ARGS, { cwd: ROOT, env: baseEnv(env) });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true });
  }
});

describe('the server process', () => {
  it('refuses a bad configuration with one message naming every problem, before starting anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'np-cfg-'));
    dirs.push(dir);
    const { code, output } = await runToExit({
      PORT: 'abc',
      DATABASE_URL: 'definitely not a url',
      PGLITE_DATA_DIR: join(dir, 'db'),
    });
    expect(code).toBe(1);
    expect(output).toContain('Invalid configuration (2 problems)');
    expect(output).toMatch(/PORT must be a whole number/);
    expect(output).toMatch(/DATABASE_URL is not a valid URL/);
    expect(output).not.toContain('listening');
  });

  it('refuses the simulator and insecure cookies in production', async () => {
    const { code, output } = await runToExit({ NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(output).toContain('COMMANDS_SERVER_URL is required in production');
  });

  it('keeps PGlite data across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'np-data-'));
    dirs.push(dir);
    const env = { PGLITE_DATA_DIR: join(dir, 'pglite') };
    const email = `persist-${Date.now()}@example.com`;
    const first = await startServer(env);
    expect(first.output()).toContain('routers are SIMULATED');
    const reg = await fetch(`${first.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'a persistent passphrase' }),
    });
    expect(reg.status).toBe(201);
    expect(await first.stop()).toBe(0);

    const second = await startServer(env);
    const res = await fetch(`${second.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'a persistent passphrase' }),
    });
    expect(res.status).toBe(200);
    const ready = await fetch(`${second.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await second.stop()).toBe(0);
  }, 180_000);
});

describe.skipIf(!onPostgres)('the server process on real PostgreSQL', () => {
  it('migrates an empty database and serves from it', async () => {
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const name = `np_proc_${Date.now().toString(36)}`;
    await admin.query(`create database "${name}"`);
    try {
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      const server = await startServer({ DATABASE_URL: url.toString() });
      const ready = await fetch(`${server.url}/ready`);
      expect(ready.status).toBe(200);
      const reg = await fetch(`${server.url}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${name}@example.com`, password: 'a postgres passphrase' }),
      });
      expect(reg.status).toBe(201);
      expect(await server.stop()).toBe(0);
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const { rows } = await check.query<{ n: number }>('select count(*)::int as n from users');
      await check.end();
      expect(rows[0]!.n).toBe(1);
    } finally {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  }, 120_000);
});
