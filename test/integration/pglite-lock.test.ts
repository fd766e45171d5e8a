import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCK_FILE_NAME, type LockHolder } from '../../src/db/pglite-lock.js';
import { GOOD_PASSWORD, uniqueEmail } from '../helpers/build-app.js';
import {
  httpCall,
  runServerProcessToExit,
  type ServerProcess,
  startServerProcess,
} from '../helpers/server-process.js';

/**
 * Real server processes (`npm start`'s command) on one PGlite directory: the
 * second refuses to start, naming the directory and the holder's PID; after the
 * first is killed with SIGKILL, the next one takes the stale lock over.
 */

let dir: string;
const started: ServerProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'np-lock-'));
  // On a PGlite run, start from the run's migrated snapshot: initialising a fresh
  // directory in the server would cost many seconds (on PostgreSQL runs it does).
  const dump = inject('pgliteDumpPath');
  if (dump) {
    const seeded = await PGlite.create(dir, { loadDataDir: new Blob([readFileSync(dump)]) });
    await seeded.close();
  }
});

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function lockHolder(): LockHolder {
  return JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')) as LockHolder;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('one PGlite directory, several server processes', () => {
  it('refuses a second process, and takes over the lock of a killed one', async () => {
    const env = { PGLITE_DATA_DIR: dir };
    const first = await startServerProcess(env);
    started.push(first);
    const email = uniqueEmail('locked');
    const reg = await httpCall('POST', `${first.url}/api/v1/auth/register`, {
      email,
      password: GOOD_PASSWORD,
    });
    expect(reg.status, reg.body).toBe(201);

    const second = await runServerProcessToExit(env, 45_000);
    expect(second.code, second.output).not.toBe('still running');
    expect(second.code, second.output).not.toBe(0);
    // The process started is the server itself (npm start's `node --import tsx`).
    const holder = lockHolder();
    expect(holder.pid).toBe(first.pid);
    expect(isRunning(holder.pid)).toBe(true);
    expect(second.output).toContain(`embedded database directory ${dir} is in use`);
    expect(second.output).toContain(`PID ${holder.pid}`);
    expect(second.output).not.toContain('migrations applied');
    // The first still serves, with its data.
    const login = await httpCall('POST', `${first.url}/api/v1/auth/login`, {
      email,
      password: GOOD_PASSWORD,
    });
    expect(login.status, login.body).toBe(200);

    // kill -9 of the server itself: nothing releases the lock.
    process.kill(holder.pid, 'SIGKILL');
    await first.exited;
    expect(lockHolder().pid).toBe(holder.pid);

    const third = await startServerProcess(env);
    started.push(third);
    const takeover = third.logs().find((l) => l.msg.startsWith('took over the lock'));
    expect(takeover, third.output()).toMatchObject({ previous: { pid: holder.pid } });
    expect(lockHolder().pid).not.toBe(holder.pid);
    const again = await httpCall('POST', `${third.url}/api/v1/auth/login`, {
      email,
      password: GOOD_PASSWORD,
    });
    expect(again.status, again.body).toBe(200);

    // A clean stop releases the lock.
    await third.stop();
    expect(await third.exited).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
  }, 180_000);
});
