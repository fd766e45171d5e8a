/**
 * Every environment variable the server reads, declared once with its type,
 * default and a one-line description. `loadConfig(env)` is pure: it takes a
 * plain object (process.env in production, literals in tests), reports every
 * problem at once with how to fix it, and returns a frozen, typed object.
 */

import {
  boolean,
  integer,
  oneOf,
  originList,
  ParseProblem,
  type Parser,
  secret,
  text,
  url,
} from './config-parsers.js';
import { type TrustProxy, trustProxy } from './trust-proxy.js';

interface VariableSpec<T> {
  description: string;
  /** Raw default, or undefined when the variable is optional. */
  default?: string;
  parse: Parser<T>;
}

/** The table of every variable. `.env.example` lists exactly these names. */
export const VARIABLES = {
  NODE_ENV: {
    description: 'development, test or production; production refuses insecure settings',
    default: 'development',
    parse: oneOf('development', 'test', 'production'),
  },
  HOST: { description: 'interface to listen on', default: '127.0.0.1', parse: text },
  PORT: { description: 'HTTP port to listen on', default: '8080', parse: integer(0, 65535) },
  LOG_LEVEL: {
    description: 'fatal, error, warn, info, debug, trace or silent',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  TRUST_PROXY: {
    description:
      'proxies whose X-Forwarded-For is believed: their number (e.g. 1) or addresses/CIDRs (e.g. 10.0.0.1,10.0.0.0/8); false: none',
    default: 'false',
    parse: trustProxy,
  },
  REQUEST_TIMEOUT_MS: {
    description: 'longest a request may take before the server gives up on it',
    default: '150000',
    parse: integer(1000, 600_000),
  },
  METRICS_TOKEN: {
    description:
      'bearer token /metrics requires (at least 32 characters); unset: /metrics is open, or 404 in production',
    parse: secret(32),
  },
  DOCS_ENABLED: {
    description: 'serve Swagger UI at /docs and the OpenAPI document at /openapi.json',
    default: 'true',
    parse: boolean,
  },
  DATABASE_URL: {
    description:
      'postgres://user:pass@host:port/db; unset (with no DB_* set) selects embedded PGlite',
    parse: url('postgres:', 'postgresql:'),
  },
  DB_USER: { description: 'PostgreSQL user (alternative to DATABASE_URL)', parse: text },
  DB_PASS: { description: 'PostgreSQL password (alternative to DATABASE_URL)', parse: text },
  DB_HOST: { description: 'PostgreSQL host (alternative to DATABASE_URL)', parse: text },
  DB_NAME: { description: 'PostgreSQL database (alternative to DATABASE_URL)', parse: text },
  DB_PORT: {
    description: 'PostgreSQL port, with the DB_* variables',
    default: '5432',
    parse: integer(1, 65535),
  },
  DB_POOL_MAX: {
    description: 'largest number of PostgreSQL connections in the pool',
    default: '10',
    parse: integer(1, 500),
  },
  DB_STATEMENT_TIMEOUT_MS: {
    description: 'PostgreSQL statement_timeout for every connection',
    default: '15000',
    parse: integer(100, 600_000),
  },
  PGLITE_DATA_DIR: {
    description:
      'where embedded PGlite keeps its files; memory:// keeps nothing (refused in production)',
    default: './data/pglite',
    parse: text,
  },
  COMMANDS_SERVER_URL: {
    description:
      'base URL of the Commands-Server; unset starts the in-process simulator (refused in production)',
    parse: url('http:', 'https:'),
  },
  COMMANDS_SERVER_TIMEOUT_MS: {
    description: 'timeout of one Commands-Server call',
    default: '30000',
    parse: integer(100, 600_000),
  },
  COMMANDS_SERVER_SCAN_TIMEOUT_MS: {
    description: 'timeout of network scans and session starts (slow on real routers)',
    default: '120000',
    parse: integer(100, 600_000),
  },
  SIMULATOR_DEVICES: {
    description: 'devices on each simulated router when the simulator runs in-process',
    default: '12',
    parse: integer(0, 10_000),
  },
  SESSION_IDLE_TIMEOUT_MINUTES: {
    description: 'a login expires after this long without use (sliding)',
    default: String(7 * 24 * 60),
    parse: integer(1, 365 * 24 * 60),
  },
  SESSION_ABSOLUTE_LIFETIME_MINUTES: {
    description: 'a login expires this long after it began, whatever its use',
    default: String(30 * 24 * 60),
    parse: integer(1, 365 * 24 * 60),
  },
  SESSION_SWEEP_INTERVAL_SECONDS: {
    description: 'how often the sweeper ends Commands-Server sessions of expired or revoked logins',
    default: '30',
    parse: integer(1, 3600),
  },
  SESSION_RETENTION_DAYS: {
    description: 'expired or revoked login rows are deleted after this many days',
    default: '30',
    parse: integer(1, 3650),
  },
  COOKIE_NAME: {
    description: 'name of the session cookie',
    default: 'netpilot_session',
    parse: text,
  },
  COOKIE_SECURE: {
    description: 'send the session cookie only over HTTPS (required in production)',
    default: 'false',
    parse: boolean,
  },
  CORS_ORIGINS: {
    description: 'comma-separated browser origins allowed to call the API with credentials',
    default: '',
    parse: originList,
  },
  REDIS_URL: {
    description: 'redis://host:port; shares login throttling between instances (memory when unset)',
    parse: url('redis:', 'rediss:'),
  },
  ARGON2_MEMORY_KIB: {
    description: 'argon2id memory cost in KiB (at least 19456, OWASP)',
    default: '19456',
    parse: integer(19_456, 4_194_304),
  },
  ARGON2_TIME_COST: {
    description: 'argon2id iterations (at least 2, OWASP)',
    default: '2',
    parse: integer(2, 20),
  },
  LOGIN_THROTTLE_WINDOW_SECONDS: {
    description: 'window in which failed logins are counted per IP and per account',
    default: '900',
    parse: integer(1, 86_400),
  },
  LOGIN_THROTTLE_FREE_ATTEMPTS: {
    description: 'failed logins allowed in the window before backoff starts',
    default: '5',
    parse: integer(1, 1000),
  },
  REGISTER_THROTTLE_PER_IP: {
    description: 'accounts one client address may create per registration window',
    default: '10',
    parse: integer(1, 1_000_000),
  },
  REGISTER_THROTTLE_WINDOW_SECONDS: {
    description: 'the registration window',
    default: '3600',
    parse: integer(1, 604_800),
  },
  ARGON2_QUEUE_MAX: {
    description: 'password checks that may wait for argon2; past it the answer is 503 BUSY',
    default: '64',
    parse: integer(2, 100_000),
  },
  DEVICE_COOKIE_SECRET: {
    description:
      'key (32+ characters) that signs device cookies; required in production, random per process when unset',
    parse: secret(32),
  },
  SCAN_MIN_INTERVAL_SECONDS: {
    description: 'shortest time between two scans of one router',
    default: '5',
    parse: integer(0, 3600),
  },
  INVITATION_TTL_HOURS: {
    description: 'an invitation to join a router expires this long after it is made or renewed',
    default: String(7 * 24),
    parse: integer(1, 365 * 24),
  },
} satisfies Record<string, VariableSpec<unknown>>;

type Vars = typeof VARIABLES;
type Parsed = {
  [K in keyof Vars]: Vars[K] extends { default: string }
    ? ReturnType<Vars[K]['parse']>
    : ReturnType<Vars[K]['parse']> | undefined;
};

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolMax: number; statementTimeoutMs: number }
  | { kind: 'pglite'; dataDir: string };

export interface Config {
  env: 'development' | 'test' | 'production';
  isProduction: boolean;
  server: { host: string; port: number; trustProxy: TrustProxy; requestTimeoutMs: number };
  logLevel: Parsed['LOG_LEVEL'];
  database: DatabaseConfig;
  commandsServer: {
    /** null: run the in-process simulator. */
    url: string | null;
    timeoutMs: number;
    scanTimeoutMs: number;
    simulatorDevices: number;
  };
  sessions: {
    idleTimeoutMs: number;
    absoluteLifetimeMs: number;
    sweepIntervalMs: number;
    retentionMs: number;
    cookieName: string;
    cookieSecure: boolean;
  };
  corsOrigins: string[];
  redisUrl: string | null;
  argon2: { memoryKib: number; timeCost: number; queueMax: number };
  loginThrottle: {
    windowMs: number;
    freeAttempts: number;
    registrationsPerIp: number;
    registrationWindowMs: number;
  };
  /** null: a random key per process (device cookies then last until a restart). */
  deviceCookieSecret: string | null;
  scanMinIntervalMs: number;
  invitationTtlMs: number;
  operations: {
    /** Bearer token /metrics requires; null: none. */
    metricsToken: string | null;
    /** False in production without a token: /metrics is not served at all. */
    metricsExposed: boolean;
    /** Serve /docs and /openapi.json. */
    docsEnabled: boolean;
  };
  /** Accepted but worth saying at start (server.ts logs each one). */
  warnings: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

const DB_PARTS = ['DB_USER', 'DB_PASS', 'DB_HOST', 'DB_NAME'] as const;

function parseAll(env: Record<string, string | undefined>, problems: string[]): Parsed {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(VARIABLES) as [string, VariableSpec<unknown>][]) {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? spec.default : raw;
    if (value === undefined) {
      out[name] = undefined;
      continue;
    }
    try {
      out[name] = spec.parse(value);
    } catch (err) {
      if (!(err instanceof ParseProblem)) {
        throw err;
      }
      problems.push(`${name} ${err.message} (${spec.description}).`);
    }
  }
  return out as Parsed;
}

function databaseConfig(v: Parsed, problems: string[]): DatabaseConfig {
  const given = DB_PARTS.filter((k) => v[k] !== undefined);
  if (v.DATABASE_URL !== undefined) {
    if (given.length > 0) {
      problems.push(
        `DATABASE_URL and ${given.join(', ')} are both set: keep DATABASE_URL or the DB_* variables, not both.`,
      );
    }
    return {
      kind: 'postgres',
      url: v.DATABASE_URL,
      poolMax: v.DB_POOL_MAX,
      statementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS,
    };
  }
  if (given.length > 0) {
    const missing = DB_PARTS.filter((k) => v[k] === undefined && k !== 'DB_PASS');
    if (missing.length > 0) {
      problems.push(
        `${missing.join(', ')} missing: set all of DB_USER, DB_HOST, DB_NAME (and DB_PASS if needed), or unset them all to use embedded PGlite.`,
      );
    }
    const u = new URL('postgres://localhost');
    u.hostname = v.DB_HOST ?? 'localhost';
    u.port = String(v.DB_PORT);
    u.username = encodeURIComponent(v.DB_USER ?? '');
    u.password = encodeURIComponent(v.DB_PASS ?? '');
    u.pathname = `/${encodeURIComponent(v.DB_NAME ?? '')}`;
    return {
      kind: 'postgres',
      url: u.toString(),
      poolMax: v.DB_POOL_MAX,
      statementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS,
    };
  }
  return { kind: 'pglite', dataDir: v.PGLITE_DATA_DIR };
}

function productionProblems(v: Parsed, database: DatabaseConfig): string[] {
  const problems: string[] = [];
  if (database.kind === 'pglite' && database.dataDir.startsWith('memory://')) {
    problems.push(
      'PGLITE_DATA_DIR=memory:// keeps nothing: every user and session would be lost at the next restart. In production set DATABASE_URL (PostgreSQL), or PGLITE_DATA_DIR to a directory.',
    );
  }
  if (v.COMMANDS_SERVER_URL === undefined) {
    problems.push(
      'COMMANDS_SERVER_URL is required in production: the simulated Commands-Server is for development only.',
    );
  }
  if (!v.COOKIE_SECURE) {
    problems.push('COOKIE_SECURE must be true in production (session cookies only over HTTPS).');
  }
  if (v.DEVICE_COOKIE_SECRET === undefined) {
    problems.push(
      'DEVICE_COOKIE_SECRET is required in production (32+ random characters, the same on every instance; e.g. `openssl rand -base64 48`).',
    );
  }
  return problems;
}

/** Settings that are allowed but that an operator should hear about at start. */
function configWarnings(
  v: Parsed,
  env: Record<string, string | undefined>,
  database: DatabaseConfig,
): string[] {
  const warnings: string[] = [];
  if (v.NODE_ENV === 'production' && database.kind === 'pglite' && !env.PGLITE_DATA_DIR) {
    warnings.push(
      `NODE_ENV=production runs on embedded PGlite in ${database.dataDir} because neither DATABASE_URL nor PGLITE_DATA_DIR is set (one process, this machine's disk). Set DATABASE_URL for PostgreSQL, or PGLITE_DATA_DIR to say where the data lives.`,
    );
  }
  if (v.NODE_ENV === 'production' && v.METRICS_TOKEN === undefined) {
    warnings.push(
      'METRICS_TOKEN is not set: /metrics answers 404 in production. Set METRICS_TOKEN (at least 32 characters) and scrape with "Authorization: Bearer <METRICS_TOKEN>".',
    );
  }
  return warnings;
}

/** Parses and validates the environment. Throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const problems: string[] = [];
  const v = parseAll(env, problems);
  const database = databaseConfig(v, problems);
  if (v.NODE_ENV === 'production') {
    problems.push(...productionProblems(v, database));
  }
  if (v.SESSION_IDLE_TIMEOUT_MINUTES > v.SESSION_ABSOLUTE_LIFETIME_MINUTES) {
    problems.push(
      'SESSION_IDLE_TIMEOUT_MINUTES is longer than SESSION_ABSOLUTE_LIFETIME_MINUTES: make the idle timeout the shorter one.',
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const minute = 60_000;
  const config: Config = {
    env: v.NODE_ENV,
    isProduction: v.NODE_ENV === 'production',
    server: {
      host: v.HOST,
      port: v.PORT,
      trustProxy: v.TRUST_PROXY,
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
    },
    logLevel: v.LOG_LEVEL,
    database,
    commandsServer: {
      url: v.COMMANDS_SERVER_URL ?? null,
      timeoutMs: v.COMMANDS_SERVER_TIMEOUT_MS,
      scanTimeoutMs: v.COMMANDS_SERVER_SCAN_TIMEOUT_MS,
      simulatorDevices: v.SIMULATOR_DEVICES,
    },
    sessions: {
      idleTimeoutMs: v.SESSION_IDLE_TIMEOUT_MINUTES * minute,
      absoluteLifetimeMs: v.SESSION_ABSOLUTE_LIFETIME_MINUTES * minute,
      sweepIntervalMs: v.SESSION_SWEEP_INTERVAL_SECONDS * 1000,
      retentionMs: v.SESSION_RETENTION_DAYS * 24 * 60 * minute,
      cookieName: v.COOKIE_NAME,
      cookieSecure: v.COOKIE_SECURE || v.NODE_ENV === 'production',
    },
    corsOrigins: v.CORS_ORIGINS,
    redisUrl: v.REDIS_URL ?? null,
    argon2: {
      memoryKib: v.ARGON2_MEMORY_KIB,
      timeCost: v.ARGON2_TIME_COST,
      queueMax: v.ARGON2_QUEUE_MAX,
    },
    loginThrottle: {
      windowMs: v.LOGIN_THROTTLE_WINDOW_SECONDS * 1000,
      freeAttempts: v.LOGIN_THROTTLE_FREE_ATTEMPTS,
      registrationsPerIp: v.REGISTER_THROTTLE_PER_IP,
      registrationWindowMs: v.REGISTER_THROTTLE_WINDOW_SECONDS * 1000,
    },
    deviceCookieSecret: v.DEVICE_COOKIE_SECRET ?? null,
    scanMinIntervalMs: v.SCAN_MIN_INTERVAL_SECONDS * 1000,
    invitationTtlMs: v.INVITATION_TTL_HOURS * 60 * minute,
    operations: {
      metricsToken: v.METRICS_TOKEN ?? null,
      metricsExposed: v.METRICS_TOKEN !== undefined || v.NODE_ENV !== 'production',
      docsEnabled: v.DOCS_ENABLED,
    },
    warnings: configWarnings(v, env, database),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(o: T): Readonly<T> {
  if (o !== null && typeof o === 'object') {
    for (const value of Object.values(o)) {
      deepFreeze(value);
    }
    Object.freeze(o);
  }
  return o;
}
