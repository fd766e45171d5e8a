/**
 * One process per embedded database directory. PGlite is PostgreSQL in one
 * process, with no lock between processes: two servers on one directory each
 * keep their own buffers and overwrite each other's files, and writes are lost
 * without an error. So the directory holds a lock file naming its owner (PID,
 * host, start time), created atomically before anything opens the database and
 * removed when it closes. A lock whose process no longer runs (a crash, kill -9)
 * is stale and taken over.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const LOCK_FILE_NAME = 'netpilot.lock';

/** What the lock file says about its owner. */
export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
}

/** A lock taken over: its owner's process is gone, or the file was unreadable. */
export type StaleLock = LockHolder | 'unreadable';

export interface PgliteLock {
  readonly path: string;
  /** The stale lock this process took over; null if there was none. */
  readonly tookOverFrom: StaleLock | null;
  /** Removes the lock file if it is still this process's. */
  release(): void;
}

/** Another live process holds the directory (or one on another host may). */
export class PgliteLockedError extends Error {
  readonly code = 'PGLITE_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly lockPath: string,
    readonly holder: LockHolder,
  ) {
    const otherHost = holder.hostname !== hostname();
    super(
      `The embedded database directory ${dataDir} is in use by another NetPilot server ` +
        `(PID ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}` +
        `${otherHost ? `; another host, so this one cannot check that it still runs` : ''}). ` +
        'Two processes on one PGlite directory lose writes: stop that server, set PGLITE_DATA_DIR ' +
        'to another directory, or use PostgreSQL (DATABASE_URL) to run several instances. ' +
        `If no server uses this directory any more, delete ${lockPath}.`,
    );
    this.name = 'PgliteLockedError';
  }
}

/** Lock files this process holds: the PID rule below cannot tell them from a predecessor's. */
const heldHere = new Set<string>();

/** The process exists (EPERM: it does, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type Read = { kind: 'missing' } | { kind: 'unreadable' } | { kind: 'held'; holder: LockHolder };

function readLock(path: string): Read {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { kind: 'missing' };
    }
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isInteger(parsed.pid) && typeof parsed.hostname === 'string') {
      return {
        kind: 'held',
        holder: {
          pid: parsed.pid!,
          hostname: parsed.hostname,
          startedAt: String(parsed.startedAt),
        },
      };
    }
  } catch {
    // Not JSON: handled below.
  }
  return { kind: 'unreadable' };
}

/** Creates the file only if it does not exist ('wx' is atomic); false if it does. */
function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** A holder on this host whose process is gone; this very PID is a predecessor's (containers reuse PID 1). */
function isStale(holder: LockHolder): boolean {
  return holder.hostname === hostname() && (holder.pid === process.pid || !isAlive(holder.pid));
}

const sameHolder = (a: LockHolder, b: LockHolder) =>
  a.pid === b.pid && a.hostname === b.hostname && a.startedAt === b.startedAt;

/**
 * Removes a stale lock, unless someone replaced it meanwhile. The guard file
 * (created atomically too) makes check-and-remove one step between processes:
 * without it, two servers taking over the same stale lock at once could each
 * remove the lock the other had just created.
 */
function removeStale(path: string, stale: StaleLock): boolean {
  const guard = `${path}.takeover`;
  try {
    // A guard older than a few seconds was left by a crash in the middle of this.
    if (Date.now() - statSync(guard).mtimeMs > 5_000) {
      unlinkSync(guard);
    }
  } catch {
    // No guard: the usual case.
  }
  if (!createExclusive(guard, String(process.pid))) {
    return false; // Another process is taking over: the caller looks again.
  }
  try {
    const now = readLock(path);
    const unchanged =
      stale === 'unreadable'
        ? now.kind === 'unreadable'
        : now.kind === 'held' && sameHolder(now.holder, stale);
    if (unchanged) {
      unlinkSync(path);
    }
    return unchanged;
  } finally {
    unlinkSync(guard);
  }
}

/**
 * Takes the lock of an embedded database directory (which must exist), or
 * throws PgliteLockedError naming the directory and the process holding it.
 */
export async function acquirePgliteLock(dataDir: string): Promise<PgliteLock> {
  const dir = resolve(dataDir);
  const path = join(dir, LOCK_FILE_NAME);
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
  };
  let tookOverFrom: StaleLock | null = null;
  for (let attempt = 1; attempt <= 20; attempt += 1) {
    if (createExclusive(path, `${JSON.stringify(me)}\n`)) {
      heldHere.add(path);
      return { path, tookOverFrom, release: () => releaseIfOurs(path, me) };
    }
    const found = readLock(path);
    if (found.kind === 'held' && (heldHere.has(path) || !isStale(found.holder))) {
      throw new PgliteLockedError(dir, path, found.holder);
    }
    // Empty or garbled twice, a pause apart: not a lock being written, a broken one.
    const stale: StaleLock | null =
      found.kind === 'held'
        ? found.holder
        : found.kind === 'unreadable' && attempt > 2
          ? 'unreadable'
          : null;
    if (stale !== null && removeStale(path, stale)) {
      tookOverFrom = stale;
      continue;
    }
    // Released just now, being written, or being taken over by another process: look again.
    await sleep(50);
  }
  throw new Error(`Could not take the lock ${path}: it keeps changing; try again`);
}

function releaseIfOurs(path: string, me: LockHolder): void {
  heldHere.delete(path);
  const found = readLock(path);
  if (found.kind === 'held' && sameHolder(found.holder, me)) {
    unlinkSync(path);
  }
}
