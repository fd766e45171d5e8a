import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pollUntil } from './poll.js';

/**
 * The real server process, `node --import tsx src/server.ts` as `npm start` runs
 * it, on a free port with the given environment (nothing inherited but PATH and
 * HOME), for tests of what only a process shows: signals, shutdown, several
 * instances. One process: the tsx CLI would run the server as its child and kill
 * it when it does not acknowledge a relayed signal within 30 ms (see server.ts).
 */

const ROOT = new URL('../../', import.meta.url).pathname;
/** tsx's loader by path, so that the server may run in any working directory. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** `npm start`'s command line, without the shell and npm around it. */
export const SERVER_COMMAND = [
  process.execPath,
  '--import',
  TSX_LOADER,
  join(ROOT, 'src/server.ts'),
];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Parsed JSON log lines so far (pino writes one object per line). */
  logs(): { level: number; msg: string; [key: string]: unknown }[];
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  signal(name: NodeJS.Signals): void;
  /** Ends the process if it is still running (SIGKILL after a grace period). */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** Working directory (default the repository): where ./data and .env are looked for. */
  cwd?: string;
  /** The port to listen on (default a free one): for a URL another party must know first. */
  port?: number;
}

function spawnServer(
  env: Record<string, string>,
  port: number,
  options: ServerProcessOptions,
): ChildProcess {
  const [command, ...args] = SERVER_COMMAND;
  return spawn(command!, args, {
    cwd: options.cwd ?? ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      // Test processes register many users from 127.0.0.1 (and may share Redis).
      REGISTER_THROTTLE_PER_IP: '1000000',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * A server process expected to stop on its own (a refused start): resolves with
 * its exit code and output. One still running after `timeoutMs` is killed and
 * reported with code 'still running'.
 */
export async function runServerProcessToExit(
  env: Record<string, string>,
  timeoutMs = 60_000,
  options: ServerProcessOptions = {},
): Promise<{ code: number | string; output: string }> {
  const child = spawnServer(env, await freePort(), options);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let timedOut = false;
  // SIGTERM first: the server closes what it opened (PGlite's lock file, for one).
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  }, timeoutMs);
  const code = await new Promise<number | string>((resolve) => {
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
  });
  clearTimeout(timer);
  return { code: timedOut ? 'still running' : code, output };
}

export async function startServerProcess(
  env: Record<string, string>,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const child = spawnServer(env, port, options);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  let ended = false;
  void exited.then(() => (ended = true));
  const url = `http://127.0.0.1:${port}`;

  const proc: ServerProcess = {
    url,
    pid: child.pid!,
    output: () => out,
    logs: () =>
      out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as { level: number; msg: string }];
          } catch {
            return [];
          }
        }),
    exited,
    signal: (name) => {
      child.kill(name);
    },
    async stop() {
      if (ended) {
        return;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await pollUntil(
      async () => {
        if (ended) {
          throw new Error(`server exited early:\n${out}`);
        }
        return (await httpGet(`${url}/health`)).status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `the server on ${url} to answer /health` },
    );
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return proc;
}

/**
 * One request on a connection of its own (no keep-alive pool shared between
 * calls), so a test knows exactly which connection a request used.
 */
export function httpGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return httpCall('GET', url, undefined, headers);
}

export function httpCall(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      url,
      {
        method,
        agent: false,
        headers: {
          connection: 'close',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
