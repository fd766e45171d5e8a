/** Runs bench/load.ts and bench/flood.ts as child processes and collects their JSON results. */
import { join } from 'node:path';
import type { FloodResult, FloodSpec, LoadResult, LoadSpec } from './load-types.js';
import { cpuMs, REPO_ROOT, startProcess, waitExit, type ChildHandle } from './procs.js';
import { baseEnv } from './server.js';

/** A measured interval, in epoch milliseconds (to cut CPU profiles to it). */
export interface MeasuredWindow {
  name: string;
  from: number;
  to: number;
}

/** Every measured interval of this run, in order. */
export const measuredWindows: MeasuredWindow[] = [];

export interface RunningLoad {
  /** Resolves when the warm-up is over and the measured interval begins. */
  measuring: Promise<void>;
  result: Promise<LoadResult>;
  handle: ChildHandle;
}

/**
 * Starts one load generator process; `name` labels errors. With `servedBy` (the pid
 * of the process under load), the result also says how much CPU that process spent
 * per 2xx answer during the measured interval.
 */
export function startLoad(name: string, spec: LoadSpec, servedBy?: number): RunningLoad {
  const handle = startProcess(
    `load generator (${name})`,
    join(REPO_ROOT, 'bench', 'load.ts'),
    [JSON.stringify(spec)],
    {
      typescript: true,
      env: { ...baseEnv(), NODE_ENV: 'production' },
    },
  );
  const startupMs = 30_000;
  const measuring = handle
    .nextJson<{ phase: string }>(spec.warmupSeconds * 1000 + startupMs)
    .then((line) => {
      if (line.phase !== 'measure') {
        throw new Error(`${name}: unexpected line ${JSON.stringify(line)}`);
      }
    });
  const result = measuring.then(async () => {
    const from = Date.now();
    const cpuBefore = cpuMs(servedBy);
    const line = await handle.nextJson<LoadResult>(spec.durationSeconds * 1000 + startupMs);
    const cpuAfter = cpuMs(servedBy);
    measuredWindows.push({ name, from, to: Date.now() });
    if (cpuBefore !== null && cpuAfter !== null && line.ok > 0) {
      line.cpu_ms_per_req = Math.round(((cpuAfter - cpuBefore) / line.ok) * 1000) / 1000;
    }
    await handle.exited;
    return line;
  });
  // Rejections are observed by whoever awaits; avoid unhandled noise meanwhile.
  measuring.catch(() => {});
  result.catch(() => {});
  return { measuring, result, handle };
}

/** Runs one load to completion and checks that every answer was a 2xx. */
export async function runLoad(
  name: string,
  spec: LoadSpec,
  servedBy?: number,
): Promise<LoadResult> {
  const result = await startLoad(name, spec, servedBy).result;
  assertClean(name, result);
  return result;
}

/** Throws when a load run saw errors or non-2xx answers: its figures would lie. */
export function assertClean(name: string, result: LoadResult): void {
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result.ok === 0) {
    throw new Error(
      `${name}: ${result.ok} ok, ${result.non2xx} non-2xx ${JSON.stringify(result.statusCodes)}, ` +
        `${result.errors} errors, ${result.timeouts} timeouts` +
        result.failures.map((f) => `\n  ${f}`).join(''),
    );
  }
}

export interface RunningFlood {
  handle: ChildHandle;
  /** Starts the flood's counted interval (call once the measured login has begun). */
  startCounting(): void;
  /** Ends the flood and resolves with its counts over the counted interval. */
  stop(): Promise<FloodResult>;
}

/**
 * Starts one flood generator process (bench/flood.ts) and resolves once it is
 * sending. It stops by itself after `spec.maxSeconds`; `stop()` ends it earlier.
 */
export async function startFlood(name: string, spec: FloodSpec): Promise<RunningFlood> {
  const handle = startProcess(
    `flood generator (${name})`,
    join(REPO_ROOT, 'bench', 'flood.ts'),
    [JSON.stringify(spec)],
    {
      typescript: true,
      env: { ...baseEnv(), NODE_ENV: 'production' },
    },
  );
  const first = await handle.nextJson<{ phase: string }>(30_000).catch(async (err: unknown) => {
    await handle.stop();
    throw err;
  });
  if (first.phase !== 'flooding') {
    await handle.stop();
    throw new Error(`${name}: unexpected line ${JSON.stringify(first)}`);
  }
  // Its last line: the counts, printed on SIGTERM or when a bound is reached.
  const result = handle.nextJson<FloodResult>((spec.maxSeconds + 30) * 1000);
  result.catch(() => {});
  return {
    handle,
    startCounting: () => {
      handle.proc.kill('SIGUSR1');
    },
    async stop() {
      if (handle.proc.exitCode === null && handle.proc.signalCode === null) {
        handle.proc.kill('SIGTERM');
      }
      const line = await result;
      await waitExit(handle, 10_000);
      return line;
    },
  };
}
