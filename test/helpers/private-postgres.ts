import { execFile, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server-process.js';

/**
 * A PostgreSQL cluster of its own for one test file, so the test can stop,
 * kill and restart it without touching the shared server on 5432: `initdb` and
 * `pg_ctl` from /usr/lib/postgresql/<version>/bin into a temporary directory,
 * listening on a free loopback port, with its socket in that directory.
 *
 * PostgreSQL refuses to run as root; when the tests run as root the commands
 * run as the `postgres` user through `runuser`, in a directory it owns.
 */

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

interface Tools {
  bin: string;
  /** Prefix that runs a command as a non-root user (empty when we are not root). */
  asUser: string[];
  uid: number | null;
  gid: number | null;
}

function idOf(user: string, flag: '-u' | '-g'): number | null {
  const out = spawnSync('id', [flag, user], { encoding: 'utf8' });
  return out.status === 0 ? Number(out.stdout.trim()) : null;
}

function findTools(): Tools | string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const version = versions[0];
  if (!version) {
    return `PostgreSQL server binaries (initdb, pg_ctl) not found under ${PG_ROOT}/*/bin; install the postgresql package to run this test`;
  }
  const bin = join(PG_ROOT, version, 'bin');
  if (process.getuid?.() !== 0) {
    return { bin, asUser: [], uid: null, gid: null };
  }
  const uid = idOf('postgres', '-u');
  const gid = idOf('postgres', '-g');
  if (uid === null || gid === null || !existsSync('/usr/sbin/runuser')) {
    return 'running as root, but there is no `postgres` user or no runuser to start PostgreSQL as';
  }
  return { bin, asUser: ['/usr/sbin/runuser', '-u', 'postgres', '--'], uid, gid };
}

const tools = findTools();

/** Why private PostgreSQL tests cannot run here, or null when they can. */
export const privatePostgresUnavailable: string | null = typeof tools === 'string' ? tools : null;

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  /** Stops the server. `fast` ends client connections cleanly; `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  readonly running: boolean;
  /** The server's log, for failure messages. */
  log(): string;
  /** Stops it and removes every file. */
  destroy(): Promise<void>;
}

/** Creates and starts a private cluster. Throws when `privatePostgresUnavailable` is set. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  if (typeof tools === 'string') {
    throw new Error(tools);
  }
  const { bin, asUser, uid, gid } = tools;
  const dir = mkdtempSync(join(tmpdir(), 'np-private-pg-'));
  if (uid !== null && gid !== null) {
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const port = await freePort();
  const pgCtlArgs = (...args: string[]) => [...asUser, join(bin, 'pg_ctl'), '-D', dataDir, ...args];
  const exec = async (argv: string[]) => {
    const [file, ...args] = argv;
    await run(file!, args, { timeout: 60_000 });
  };

  await exec([
    ...asUser,
    join(bin, 'initdb'),
    '-D',
    dataDir,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--no-sync',
  ]);

  // Loopback only, its socket in its own directory, no fsync: it is thrown away.
  const options = [
    '-c listen_addresses=127.0.0.1',
    `-c port=${port}`,
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=100',
  ].join(' ');

  let running = false;
  // A worker that ends without destroy() must not leave a postmaster behind: on a
  // normal exit the 'exit' handler stops it; if the worker is killed (a hook timeout,
  // SIGKILL) a detached watchdog notices that its pid is gone and does the same.
  const stopNow = pgCtlArgs('stop', '-m', 'immediate', '-w')
    .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
    .join(' ');
  const watchdog = spawn(
    '/bin/sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stopNow} >/dev/null 2>&1; rm -rf '${dir}'`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  const onExit = () => {
    if (running) {
      const [file, ...args] = pgCtlArgs('stop', '-m', 'immediate', '-w');
      spawnSync(file!, args, { stdio: 'ignore' });
    }
    rmSync(dir, { recursive: true, force: true });
    watchdog.kill();
  };
  process.once('exit', onExit);

  const start = async () => {
    await exec(pgCtlArgs('start', '-w', '-t', '60', '-l', logFile, '-o', options));
    running = true;
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await exec(pgCtlArgs('stop', '-w', '-t', '60', '-m', mode));
    running = false;
  };

  try {
    await start();
  } catch (err) {
    onExit();
    process.off('exit', onExit);
    throw err;
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    get running() {
      return running;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async destroy() {
      if (running) {
        await stop('immediate');
      }
      process.off('exit', onExit);
      watchdog.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
