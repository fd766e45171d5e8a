/**
 * Every environment variable the server reads, declared once with its type,
 * default and a one-line description, and the first step of loadConfig: each
 * raw value parsed on its own (src/config-rules.ts then checks them together).
 */

import {
  base64Key,
  boolean,
  integer,
  oneOf,
  origin,
  originList,
  ParseProblem,
  type Parser,
  secret,
  text,
  url,
} from './config-parsers.js';
import { trustProxy } from './trust-proxy.js';

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
  SHUTDOWN_TIMEOUT_SECONDS: {
    description:
      'longest a graceful shutdown (SIGTERM, SIGINT) may take; past it the process exits 1 with what is still in flight',
    default: '25',
    parse: integer(1, 3600),
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
  CONSOLE_DIR: {
    description: "the built web console (npm run build:web) served at '/'; 'off' serves no console",
    default: 'web/dist',
    parse: text,
  },
  NETPILOT_CLIENT_COMPAT: {
    description:
      "serve NetPilot's existing web client at its own paths (/login, /me, /api/...): see README, Using NetPilot's existing web client",
    default: 'false',
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
  PUBLIC_URL: {
    description:
      "this server's external origin (https://api.example.com); OpenID sign-ins return to PUBLIC_URL/api/v1/auth/oidc/callback. Unset: http://HOST:PORT outside production",
    parse: origin,
  },
  FRONTEND_URL: {
    description:
      'the web client (https://app.example.com/…): where sign-ins return by default, and an allowed returnTo origin',
    parse: url('http:', 'https:'),
  },
  OIDC_ISSUER_URL: {
    description:
      'OpenID Connect issuer, e.g. https://accounts.google.com; unset turns "Sign in with …" off (plain http only for loopback hosts)',
    parse: url('http:', 'https:'),
  },
  OIDC_CLIENT_ID: {
    description: 'client id of this server at the OpenID provider (required with OIDC_ISSUER_URL)',
    parse: text,
  },
  OIDC_CLIENT_SECRET: {
    description:
      'client secret of this server at the OpenID provider (required with OIDC_ISSUER_URL; never logged)',
    parse: text,
  },
  OIDC_PROVIDER_NAME: {
    description: 'the provider\'s name shown to users ("Sign in with Google")',
    default: 'Google',
    parse: text,
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
  DATA_ENCRYPTION_KEY: {
    description:
      'key (32 bytes, base64) that encrypts two-factor secrets at rest and keys the recovery-code hashes; required in production, generated once beside the data in development',
    parse: base64Key(32),
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

/** Every variable parsed; undefined where the variable is optional and unset. */
export type Parsed = {
  [K in keyof Vars]: Vars[K] extends { default: string }
    ? ReturnType<Vars[K]['parse']>
    : ReturnType<Vars[K]['parse']> | undefined;
};

/**
 * Parses every variable (an empty value counts as unset), adding to `problems`
 * one line per bad value that names the variable and says what it is for.
 */
export function parseVariables(
  env: Record<string, string | undefined>,
  problems: string[],
): Parsed {
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
