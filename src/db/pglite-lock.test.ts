import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquirePgliteLock,
  LOCK_FILE_NAME,
  type LockHolder,
  PgliteLockedError,
} from './pglite-lock.js';

// A temporary directory per test: the lock is a file, so these tests touch the disk.
let dir: string;
let lockPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'np-lock-unit-'));
  lockPath = join(dir, LOCK_FILE_NAME);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeLock(holder: Partial<LockHolder>) {
  writeFileSync(
    lockPath,
    JSON.stringify({ hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', ...holder }),
  );
}

/** The PID of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

async function refusal(): Promise<PgliteLockedError> {
  const err: unknown = await acquirePgliteLock(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PgliteLockedError);
  return err as PgliteLockedError;
}

describe(acquirePgliteLock.name, () => {
  it('writes the PID, host and start time, and removes the file on release', async () => {
    const sut = await acquirePgliteLock(dir);
    const holder = JSON.parse(readFileSync(lockPath, 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Date.parse(holder.startedAt)).not.toBeNaN();
    expect(sut.tookOverFrom).toBeNull();
    sut.release();
    expect(existsSync(lockPath)).toBe(false);
    (await acquirePgliteLock(dir)).release();
  });

  it('refuses while this process holds it', async () => {
    const sut = await acquirePgliteLock(dir);
    const err = await refusal();
    expect(err.holder.pid).toBe(process.pid);
    sut.release();
  });

  it('refuses a lock held by a live process, naming the directory, the PID and what to do', async () => {
    writeLock({ pid: process.ppid });
    const err = await refusal();
    expect(err.message).toContain(`embedded database directory ${dir} is in use`);
    expect(err.message).toContain(`PID ${process.ppid} on ${hostname()}`);
    expect(err.message).toContain(`delete ${lockPath}`);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.ppid);
  });

  it('refuses a lock from another host, whose process it cannot check', async () => {
    writeLock({ pid: deadPid(), hostname: 'some-other-host' });
    const err = await refusal();
    expect(err.message).toContain('another host');
  });

  it('takes over the lock of a process that no longer runs', async () => {
    const pid = deadPid();
    writeLock({ pid });
    const sut = await acquirePgliteLock(dir);
    expect(sut.tookOverFrom).toMatchObject({ pid, hostname: hostname() });
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    sut.release();
  });

  it("takes over a predecessor's lock with this very PID (a restarted container's PID 1)", async () => {
    writeLock({ pid: process.pid });
    const sut = await acquirePgliteLock(dir);
    expect(sut.tookOverFrom).toMatchObject({ pid: process.pid });
    sut.release();
  });

  it('takes over an empty or garbled lock file once it stays so', async () => {
    writeFileSync(lockPath, '');
    const sut = await acquirePgliteLock(dir);
    expect(sut.tookOverFrom).toBe('unreadable');
    sut.release();
  });

  it('leaves a lock that is no longer its own on release', async () => {
    const sut = await acquirePgliteLock(dir);
    writeLock({ pid: process.ppid });
    sut.release();
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.ppid);
  });
});
