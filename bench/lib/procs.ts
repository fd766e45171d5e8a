/**
 * Child processes of the benchmark: every process it starts (server, simulator,
 * ceilings, load generators) goes through `startProcess`, so that one handler can
 * end them all on success, failure, Ctrl-C or an uncaught error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository (bench/lib/ → ../..). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Lines kept from a child's stderr, printed when something goes wrong. */
const STDERR_TAIL = 40;
/** JSON lines from stdout kept unread at most. */
const MAX_QUEUED_LINES = 100;

export interface ChildHandle {
  readonly name: string;
  readonly proc: ChildProcess;
  /** The last lines the child wrote to stderr. */
  stderrTail(): string[];
  /** Resolves with the next stdout line that is a JSON object, parsed. */
  nextJson<T = Record<string, unknown>>(timeoutMs: number): Promise<T>;
  /** Resolves when the child exits, with its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();

export interface StartOptions {
  /** Extra arguments to node placed before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run the script with tsx's loader (TypeScript sources). */
  typescript?: boolean;
}

/** Starts `node [nodeArgs] script args…` and tracks it until it exits. */
export function startProcess(
  name: string,
  script: string,
  args: string[],
  options: StartOptions,
): ChildHandle {
  const nodeArgs = [...(options.nodeArgs ?? [])];
  if (options.typescript === true) {
    nodeArgs.push('--import', 'tsx');
  }
  const proc = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      live.delete(proc);
      resolve(code);
    });
  });

  const tail: string[] = [];
  createInterface({ input: proc.stderr }).on('line', (line) => {
    tail.push(line);
    if (tail.length > STDERR_TAIL) {
      tail.shift();
    }
  });

  // stdout: JSON lines are queued for nextJson(); anything else is ignored.
  const queue: unknown[] = [];
  const waiters: ((value: unknown) => void)[] = [];
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) {
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return;
    }
    const waiter = waiters.shift();
    if (waiter) {
      waiter(value);
    } else if (queue.length < MAX_QUEUED_LINES) {
      // A child nobody reads from (the server's JSON logs) must not grow this forever.
      queue.push(value);
    }
  });

  const handle: ChildHandle = {
    name,
    proc,
    exited,
    stderrTail: () => [...tail],
    nextJson<T>(timeoutMs: number): Promise<T> {
      if (queue.length > 0) {
        return Promise.resolve(queue.shift() as T);
      }
      return new Promise<T>((resolve, reject) => {
        let settled = false;
        const timer = setTimeout(() => {
          fail(new Error(`${name}: no answer within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        const fail = (err: Error) => {
          if (settled) {
            return;
          }
          settled = true;
          clearTimeout(timer);
          const index = waiters.indexOf(waiter);
          if (index >= 0) {
            waiters.splice(index, 1);
          }
          reject(withTail(err, tail));
        };
        const waiter = (value: unknown) => {
          if (settled) {
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve(value as T);
        };
        waiters.push(waiter);
        void exited.then((code) => fail(new Error(`${name} exited (code ${code}) early`)));
      });
    },
    async stop(graceMs = 10_000): Promise<void> {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        return;
      }
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return handle;
}

function withTail(err: Error, tail: string[]): Error {
  if (tail.length === 0) {
    return err;
  }
  err.message += `\n--- last stderr lines ---\n${tail.join('\n')}`;
  return err;
}

/** Kills every child still running, synchronously (for process exit). */
export function killAllChildren(): void {
  for (const proc of live) {
    proc.kill('SIGKILL');
  }
  live.clear();
}

/** Waits for a child to exit, or throws after `timeoutMs`. */
export async function waitExit(handle: ChildHandle, timeoutMs: number): Promise<number | null> {
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`${handle.name} did not finish in time`)), timeoutMs).unref();
  });
  return Promise.race([handle.exited, timeout]);
}

/**
 * Runs the clean-ups once however the process ends: normally, on an error, or on
 * SIGINT/SIGTERM (then exits with 130/143 after they ran).
 */
export function installCleanup(cleanup: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  const runOnce = () => {
    running ??= cleanup().finally(killAllChildren);
    return running;
  };
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}: stopping children and cleaning up…`);
      void runOnce().finally(() => process.exit(code));
    });
  }
  process.once('exit', killAllChildren);
  return runOnce;
}

/** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK; 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * CPU time (user + system, all threads) a process has used so far, in milliseconds;
 * null where /proc is not there. Divided by the requests served, it gives a cost per
 * request that a busy machine distorts far less than throughput.
 */
export function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) {
    return null;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
