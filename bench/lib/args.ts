/** Command-line options of `npm run bench -- …`. */

export const SCENARIOS = ['read', 'mutation', 'scan', 'login', 'memory', 'flood'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  /** Measured interval of each load run, seconds. */
  duration: number;
  /** Warm-up before each measured interval, seconds. */
  warmup: number;
  connections: number;
  /** PostgreSQL pool size of the server (DB_POOL_MAX) and of the database ceiling. */
  poolMax: number;
  /** Side-by-side rounds of the read and mutation comparisons (alternating targets). */
  rounds: number;
  json: string | null;
  db: 'postgres' | 'pglite';
  /** Admin URL of PostgreSQL; the bench creates and drops its own database there. */
  postgresUrl: string;
  scenarios: ScenarioName[];
  /** Devices of the scan scenario. */
  scanDevices: number;
  /** Scans of each kind (first = inserts on fresh routers, repeated = updates). */
  scanSamples: number;
  /** Run `npm run build` first (skip with --no-build when dist/ is fresh). */
  build: boolean;
  /** Write a V8 CPU profile of the server to this folder (node --cpu-prof). */
  profileDir: string | null;
  /** Folder holding the built server (src/server.js inside); default dist. */
  serverDist: string;
}

const USAGE = `usage: npm run bench -- [options]
  --duration <s>       measured interval of each load run (default 10)
  --warmup <s>         warm-up before each measured interval (default min(3, duration))
  --connections <n>    concurrent connections of the load generator (default 10)
  --pool-max <n>       PostgreSQL pool of the server and of the database ceiling (default 10)
  --rounds <n>         alternating rounds of the read and mutation comparisons (default 2)
  --json <file>        also write the results as one JSON object
  --db postgres|pglite database of the server (default postgres: BENCH_DATABASE_URL,
                       else postgres://postgres@127.0.0.1:5432/postgres)
  --only <list>        comma-separated scenarios: ${SCENARIOS.join(',')}
  --scan-devices <n>   devices returned by the scan (default 1000)
  --scan-samples <n>   scans of each kind (default 5)
  --no-build           use dist/ as it is
  --profile <dir>      run the server with --cpu-prof, profile written to <dir> at exit
  --server-dist <dir>  run the server built in <dir> (<dir>/src/server.js; implies
                       --no-build), e.g. a copy of dist/ from before a change`;

function positive(name: string, raw: string | undefined, integer = true): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} needs a positive ${integer ? 'whole ' : ''}number`);
  }
  return n;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
  }
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const options: BenchOptions = {
    duration: 10,
    warmup: Number.NaN,
    connections: 10,
    poolMax: 10,
    rounds: 2,
    json: null,
    db: 'postgres',
    postgresUrl: env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    scenarios: [...SCENARIOS],
    scanDevices: 1000,
    scanSamples: 5,
    build: true,
    profileDir: null,
    serverDist: 'dist',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) {
        return inline;
      }
      i += 1;
      return argv[i];
    };
    switch (flag) {
      case '--duration':
        options.duration = positive(flag, value(), false);
        break;
      case '--warmup': {
        const raw = value();
        const n = Number(raw);
        if (raw === undefined || !Number.isFinite(n) || n < 0) {
          throw new UsageError('--warmup needs a number of seconds (0 or more)');
        }
        options.warmup = n;
        break;
      }
      case '--connections':
        options.connections = positive(flag, value());
        break;
      case '--pool-max':
        options.poolMax = positive(flag, value());
        break;
      case '--rounds':
        options.rounds = positive(flag, value());
        break;
      case '--json':
        options.json = value() ?? null;
        if (options.json === null) {
          throw new UsageError('--json needs a file name');
        }
        break;
      case '--db': {
        const db = value();
        if (db !== 'postgres' && db !== 'pglite') {
          throw new UsageError('--db is postgres or pglite');
        }
        options.db = db;
        break;
      }
      case '--only': {
        const list = (value() ?? '').split(',').filter(Boolean);
        const unknown = list.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
        if (list.length === 0 || unknown.length > 0) {
          throw new UsageError(`--only takes some of ${SCENARIOS.join(',')}`);
        }
        options.scenarios = list as ScenarioName[];
        break;
      }
      case '--scan-devices':
        options.scanDevices = positive(flag, value());
        break;
      case '--scan-samples':
        options.scanSamples = positive(flag, value());
        break;
      case '--no-build':
        options.build = false;
        break;
      case '--profile':
        options.profileDir = value() ?? null;
        if (options.profileDir === null) {
          throw new UsageError('--profile needs a folder');
        }
        break;
      case '--server-dist':
        options.serverDist = value() ?? '';
        if (options.serverDist === '') {
          throw new UsageError('--server-dist needs a folder');
        }
        options.build = false;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (Number.isNaN(options.warmup)) {
    options.warmup = Math.min(3, options.duration);
  }
  return options;
}
